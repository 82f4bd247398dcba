"""Inside the traced program: the patches, and each process's connection to the tracer.

Why patch `Process.start` and `Process._bootstrap` rather than ask for a sitecustomize: a
fork child runs the parent's (patched) `_bootstrap`; a spawn or forkserver child is a fresh
interpreter, but it unpickles the Process object — and with it the `_TraceHook` that `start()`
attached — before `_bootstrap` runs, and unpickling the hook re-installs the patches.  So all
three start methods, and `set_start_method()` calls, take the same path.  Everything here fails
open: without a tracer (no address in the environment) the program runs as if untouched.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.process
import multiprocessing.reduction
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

import engine.core.barrier as barrier_module
from engine.core.barrier import InstrumentedBarrier
from engine.core.lifeline import LifelineToken, held, hold, hold_again
from engine.core.sink import set_process_sink
from engine.sources.stack_dump import install_stack_dump_from_env

ENV_ADDRESS = "BARRIER_VIZ_TRACE_ADDRESS"
ENV_KEY = "BARRIER_VIZ_TRACE_KEY"
ACK_S = 2.0
DEFAULT_NAME = re.compile(r"^(Spawn|Fork|ForkServer)?Process-\d+(:\d+)*$")

_original_barrier: Callable[..., Any] = multiprocessing.context.BaseContext.Barrier
_original_start: Callable[..., Any] = multiprocessing.process.BaseProcess.start
_original_bootstrap: Callable[..., Any] = multiprocessing.process.BaseProcess._bootstrap  # type: ignore[attr-defined]
_original_exit: Callable[[int], NoReturn] = os._exit


class _Client:
    """This process's connection to the tracer; forgotten in fork children (they reconnect)."""

    def __init__(self) -> None:
        self.conn: Any = None
        self.pid = -1
        self.lock = threading.Lock()
        self.said_bye = False

    def forget(self) -> None:
        self.conn, self.pid, self.lock, self.said_bye = None, -1, threading.Lock(), False

    def connect(self, hello: tuple[Any, ...], fds: list[int]) -> bool:
        address, key = os.environ.get(ENV_ADDRESS), os.environ.get(ENV_KEY)
        if not address or not key:
            return False
        try:
            conn = multiprocessing.connection.Client(address, "AF_UNIX", bytes.fromhex(key))
            conn.send((*hello, len(fds)))
            if fds:
                with socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    multiprocessing.reduction.sendfds(sock, fds)
        except (OSError, EOFError, ValueError, multiprocessing.AuthenticationError):
            return False
        self.conn, self.pid = conn, os.getpid()
        return True

    def send(self, message: tuple[Any, ...]) -> None:
        if self.conn is None or self.pid != os.getpid():
            return
        with self.lock, contextlib.suppress(OSError, ValueError):
            self.conn.send(message)

    def goodbye(self, exitcode: int) -> None:
        """Say how we ended and wait until the tracer has read our output (keeps line order:
        our last lines are out before whoever joins us prints theirs)."""
        _flush_std()
        if self.conn is None or self.pid != os.getpid() or self.said_bye:
            return
        self.said_bye = True
        with self.lock, contextlib.suppress(OSError, ValueError, EOFError):
            self.conn.send(("bye", exitcode, time.monotonic_ns()))
            if self.conn.poll(ACK_S):
                self.conn.recv()


CLIENT = _Client()


class TraceSink:
    """The process sink of a traced process: barrier events go to the tracer."""

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        CLIENT.send(("event", (kind, time.monotonic_ns(), None, os.getpid(), stage, data)))


class TracedBarrier(InstrumentedBarrier):
    """What `multiprocessing.Barrier(...)` returns under the tracer: a real multiprocessing
    Barrier from the same context, plus events; announced to the tracer on creation."""

    def __init__(
        self,
        parties: int,
        action: Callable[[], object] | None = None,
        timeout: float | None = None,
        *,
        ctx: multiprocessing.context.BaseContext | None = None,
    ) -> None:
        super().__init__(parties, action, timeout, ctx=ctx)
        name = getattr(action, "__qualname__", None) if action is not None else None
        CLIENT.send(("barrier", self.barrier_id, parties, timeout, name, time.monotonic_ns()))

    def _make_inner(
        self,
        context: multiprocessing.context.BaseContext,
        parties: int,
        action: Callable[[], object] | None,
        timeout: float | None,
    ) -> Any:
        return _original_barrier(context, parties, action, timeout)  # context.Barrier is patched


def _traced_barrier(
    self: multiprocessing.context.BaseContext,
    parties: int,
    action: Callable[[], object] | None = None,
    timeout: float | None = None,
) -> TracedBarrier:
    return TracedBarrier(parties, action, timeout, ctx=self)


class _TraceHook:
    """Rides on a Process to its child; unpickling it (spawn, forkserver) installs the patches.

    `label`: the target's first argument if it is a str (the classic article names parties so);
    `barrier`: the id of a barrier handed to the target, if any — that process is a lane from
    its first moment, not only from its first wait();
    `lifeline`: the trace's (engine.core.lifeline): a spawn or forkserver child gets its own
    copy of the read end with the hook, so it too ends when the trace does.
    """

    def __init__(
        self, label: str | None, barrier: int | None, lifeline: LifelineToken | None = None
    ) -> None:
        self.label, self.barrier, self.lifeline = label, barrier, lifeline

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _restore_hook, (self.label, self.barrier, self.lifeline)


def _restore_hook(
    label: str | None, barrier: int | None, lifeline: LifelineToken | None = None
) -> _TraceHook:
    install_patches()
    return _TraceHook(label, barrier, lifeline)


def _traced_start(self: multiprocessing.process.BaseProcess) -> None:
    if getattr(self, "_bv_trace", None) is None:
        args = tuple(getattr(self, "_args", ()))
        label = args[0] if args and isinstance(args[0], str) else None
        given = [*args, *dict(getattr(self, "_kwargs", {})).values()]
        ids = [a.barrier_id for a in given if isinstance(a, InstrumentedBarrier)]
        hook = _TraceHook(label, ids[0] if ids else None, held())
        self._bv_trace = hook  # type: ignore[attr-defined]
    _original_start(self)


def _traced_bootstrap(
    self: multiprocessing.process.BaseProcess, parent_sentinel: Any = None
) -> int:
    hook = getattr(self, "_bv_trace", None)
    if isinstance(hook, _TraceHook):
        _attach_child(self, hook)
    code: int = _original_bootstrap(self, parent_sentinel)
    if isinstance(hook, _TraceHook):
        CLIENT.goodbye(code)
    return code


def _attach_child(proc: multiprocessing.process.BaseProcess, hook: _TraceHook) -> None:
    """First thing in a child: die with the program, connect, hand over our output pipes."""
    CLIENT.forget()
    barrier_module._local.stages = {}  # a fork child starts its own stage count
    if hook.lifeline is not None:  # spawn, forkserver: our own copy of the read end
        hold(hook.lifeline)
    else:  # fork: inherited, and already watched again since the fork
        hold_again()
    install_stack_dump_from_env()  # its own dump file, not the parent's it inherited
    _flush_std()
    pipes = [os.pipe(), os.pipe()]
    hello = (
        "hello", os.getpid(), os.getppid(), proc.name, hook.label, time.monotonic_ns(), False,
        hook.barrier,
    )  # fmt: skip
    if CLIENT.connect(hello, [r for r, _ in pipes]):
        for fd, (_, w) in zip((1, 2), pipes, strict=True):
            os.dup2(w, fd)
        _line_buffered()
    for r, w in pipes:
        os.close(r)
        os.close(w)
    set_process_sink(TraceSink())


def attach_main() -> None:
    """The program's own process: connect (its stdout/stderr already are the tracer's pipes)."""
    hello = (
        "hello",
        os.getpid(),
        os.getppid(),
        "MainProcess",
        None,
        time.monotonic_ns(),
        True,
        None,
    )
    CLIENT.connect(hello, [])
    _line_buffered()
    set_process_sink(TraceSink())
    install_stack_dump_from_env()


def lane_name(process_name: str, label: str | None, pid: int) -> str:
    """`Process(name=…)` if given, else the target's first argument if a str, else the name."""
    if not DEFAULT_NAME.match(process_name):
        return process_name
    return label or process_name or f"pid {pid}"


def install_patches() -> None:
    """Make every multiprocessing Barrier a TracedBarrier; make every Process traceable."""
    base = multiprocessing.context.BaseContext
    if base.Barrier is _traced_barrier:  # type: ignore[comparison-overlap]
        return
    base.Barrier = _traced_barrier  # type: ignore[assignment, method-assign]
    default = multiprocessing.context._default_context
    multiprocessing.Barrier = default.Barrier
    proc = multiprocessing.process.BaseProcess
    proc.start = _traced_start  # type: ignore[method-assign]
    proc._bootstrap = _traced_bootstrap  # type: ignore[attr-defined]
    os._exit = _traced_exit
    os.register_at_fork(after_in_child=CLIENT.forget)


def _traced_exit(status: int) -> NoReturn:
    """`os._exit` says how we ended first: a process that leaves from inside wait() (or a
    barrier's action) is then a death with its exit code, not a connection that just closed."""
    with contextlib.suppress(Exception):
        CLIENT.goodbye(int(status))
    _original_exit(status)


def _flush_std() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()


def _line_buffered() -> None:
    """As on a terminal: lines reach the tracer (and the user) when written, not at exit.
    write_through=False keeps one write per line (so lines of two processes never mix)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.reconfigure(line_buffering=True, write_through=False)  # type: ignore[union-attr]
