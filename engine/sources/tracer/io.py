"""The trace pump's loop: connections, output pipes, the main process's exit — one selector.

Why one thread and one selector: an output line and a barrier event from the same process
must come out in the order they happened, and a child's last lines must be out before the
program's next line (a child says "bye" and waits for our ack, which we send only after
draining its pipes).  Everything is non-blocking except the short auth handshake.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import multiprocessing.connection as mpc
import multiprocessing.reduction
import os
import selectors
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from engine.core.events import Event
from engine.sources.commands import Command, Kill, Stop
from engine.sources.process_group import signal_group
from engine.sources.tracer.collector import TraceCollector
from engine.sources.tracer.reorder import TimeOrder
from engine.sources.tracer.wedge import TraceWedgeWatch

READ_SIZE = 65536
END_GRACE_S = 1.0  # after the main process exits: helpers (forkserver, …) may finish
STOP_GRACE_S = 1.0  # after SIGTERM on stop: then SIGKILL
ERROR_GRACE_S = 3.0  # after the program raised: its exit may hang joining stuck children
WEDGE_GRACE_S = 3.0  # a wedged barrier stays on screen this long, then the program is ended
POLL_S = 0.1  # only without pidfd (non-Linux): how often to check the main process


class ProgramIO:
    """The loop over one traced program.  It owns what happens on the pump thread: the
    program's `stopped` flag and `program_exit`, read by the source once `run()` returns."""

    def __init__(
        self,
        server: socket.socket,
        key: bytes,
        proc: subprocess.Popen[bytes],
        collector: TraceCollector,
        deliver: Callable[[list[Event]], None],
        requests: collections.deque[Command],
        wake_fd: int,
        echo: dict[str, BinaryIO],
    ) -> None:
        self.server, self.key, self.proc = server, key, proc
        self.collector, self.deliver, self.requests = collector, deliver, requests
        self.echo = echo  # stdout/stderr to copy the program's bytes to ({} = no echo)
        self.stopped = False
        self.program_exit: int | None = None
        self.order = TimeOrder()  # events leave in timestamp order (engine/sources/tracer/reorder)
        self.sel = selectors.DefaultSelector()
        self.pipes: dict[int, list[int]] = {}  # pid -> its open output fds
        self.main_pid = proc.pid
        self.deadline: float | None = None  # set when the main process has exited
        self.stop_kill_at: float | None = None
        self.error_end_at: float | None = None  # the program raised: end it if it hangs
        self.wedge = TraceWedgeWatch(collector.names)
        self.wedge_end_at: float | None = None  # a barrier is wedged: end the program then
        server.setblocking(False)
        self.sel.register(server, selectors.EVENT_READ, ("accept",))
        self.sel.register(wake_fd, selectors.EVENT_READ, ("wake",))
        assert proc.stdout is not None and proc.stderr is not None
        self._add_pipe(self.main_pid, "stdout", os.dup(proc.stdout.fileno()))
        self._add_pipe(self.main_pid, "stderr", os.dup(proc.stderr.fileno()))
        proc.stdout.close()
        proc.stderr.close()
        self.pidfd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.pidfd = os.pidfd_open(proc.pid)
            self.sel.register(self.pidfd, selectors.EVENT_READ, ("exit",))

    # ------------------------------------------------------------------ loop
    def run(self) -> None:
        while True:
            now = time.monotonic()
            if self.deadline is not None and (now >= self.deadline or not self._busy()):
                break
            timeout = POLL_S if self.pidfd is None else None
            for t in (self.deadline, self.stop_kill_at, self.error_end_at, self.wedge_end_at):
                if t is not None:
                    timeout = max(min(timeout or t - now, t - now), 0.0)
            held = self.order.wait_s(time.monotonic_ns())
            if held is not None:
                timeout = held if timeout is None else min(timeout, held)
            for key, _ in self.sel.select(timeout):
                self._ready(key)
            self._release_due()
            self._check_main()
            self._handle_requests()
            self._run_timers()
        self._finish()

    def _run_timers(self) -> None:
        now = time.monotonic()
        if self.stop_kill_at is not None and now >= self.stop_kill_at:
            self.stop_kill_at = None
            self._signal_program(signal.SIGKILL)
        for due in ("error_end_at", "wedge_end_at"):
            at = getattr(self, due)
            if at is None or now < at:
                continue
            # Python would now wait forever in join() for children stuck at a barrier;
            # a visualiser must not: end them, the program's error (or the wedge) stays the
            # reported cause.
            setattr(self, due, None)
            if self.deadline is None and self._signal_program(signal.SIGTERM):
                self.stop_kill_at = now + STOP_GRACE_S

    def _busy(self) -> bool:
        """Anything still open besides the server and the wake pipe?"""
        return len(self.sel.get_map()) > 2 + (self.pidfd is not None)

    def _ready(self, key: selectors.SelectorKey) -> None:
        if self.sel.get_map().get(key.fd) is not key:
            return  # closed (and maybe reused) earlier in this round, e.g. by a drain
        what = key.data[0]
        if what == "accept":
            self._accept()
        elif what == "wake":
            with contextlib.suppress(BlockingIOError):
                os.read(key.fd, 4096)
        elif what == "conn":
            self._read_conn(key)
        elif what == "pipe":
            self._read_pipe(key.fd, key.data[1], key.data[2])

    def _check_main(self) -> None:
        if self.deadline is not None or self.proc.poll() is None:
            return
        self.program_exit = self.proc.returncode
        self._deliver(self.collector.gone(self.main_pid, self.proc.returncode))
        self.deadline = time.monotonic() + END_GRACE_S
        if self.pidfd is not None:
            self.sel.unregister(self.pidfd)
            os.close(self.pidfd)
            self.pidfd = None

    def _handle_requests(self) -> None:
        while self.requests:
            match self.requests.popleft():
                case Stop() if not self.stopped:
                    self.stopped = True
                    self._post("stop")
                    self._signal_program(signal.SIGTERM)
                    self.stop_kill_at = time.monotonic() + STOP_GRACE_S
                case Kill(party):
                    self._kill_lane(party)

    def _kill_lane(self, party: int) -> None:
        pids = self.collector.lane_pids
        if 0 <= party < len(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pids[party], signal.SIGKILL)
                self._post("kill", party, reason="user", signal="SIGKILL", pid=pids[party])

    def _signal_program(self, sig: signal.Signals) -> bool:
        """Signal everything the program started (its own session); False once nothing is left."""
        self.wedge.ending = True  # the deaths that follow are ours, not the program's
        return signal_group(self.proc.pid, sig)

    def _post(self, kind: str, party: int | None = None, **data: Any) -> None:
        self._deliver([Event(kind, time.monotonic_ns(), party, os.getpid(), None, data)])

    # ------------------------------------------------------------------ connections
    def _accept(self) -> None:
        try:
            sock, _ = self.server.accept()
        except (BlockingIOError, InterruptedError):
            return
        sock.setblocking(True)
        conn = mpc.Connection(sock.detach())
        try:
            mpc.deliver_challenge(conn, self.key)
            mpc.answer_challenge(conn, self.key)
        except (OSError, EOFError, multiprocessing.AuthenticationError):
            conn.close()
            return
        self.sel.register(conn, selectors.EVENT_READ, ("conn", None, conn))

    def _read_conn(self, key: selectors.SelectorKey) -> None:
        _, pid, conn = key.data
        try:
            while conn.poll():
                message: tuple[Any, ...] = conn.recv()
                if message[0] == "hello":
                    pid = self._hello(conn, message)
                    self.sel.modify(conn, selectors.EVENT_READ, ("conn", pid, conn))
                elif pid is not None:
                    if message[0] == "bye":
                        self._drain_pid(pid)
                    self._deliver(self.collector.message(pid, message))
                    if message[0] == "bye":
                        conn.send(("ack",))
                    elif message[0] == "error":
                        self.error_end_at = time.monotonic() + ERROR_GRACE_S
        except (EOFError, OSError):
            self.sel.unregister(conn)
            conn.close()
            if pid is not None and pid != self.main_pid:
                self._drain_pid(pid)
                self._deliver(self.collector.gone(pid, None))

    def _hello(self, conn: Any, message: tuple[Any, ...]) -> int:
        info, events = self.collector.hello(message)
        self._deliver(events)
        count = int(message[-1])
        if count:
            with socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                fds = multiprocessing.reduction.recvfds(sock, count)
            for stream, fd in zip(("stdout", "stderr"), fds, strict=False):
                self._add_pipe(info.pid, stream, fd)
        return info.pid

    # ------------------------------------------------------------------ output
    def _add_pipe(self, pid: int, stream: str, fd: int) -> None:
        os.set_blocking(fd, False)
        self.pipes.setdefault(pid, []).append(fd)
        self.sel.register(fd, selectors.EVENT_READ, ("pipe", pid, stream))

    def _read_pipe(self, fd: int, pid: int, stream: str) -> str:
        """Read what is there: "data", "empty" (would block) or "eof" (the fd is then closed)."""
        collector = self.collector
        try:
            data = os.read(fd, READ_SIZE)
        except BlockingIOError:
            return "empty"
        except OSError:
            data = b""
        if not data:
            self.sel.unregister(fd)
            os.close(fd)
            self.pipes[pid].remove(fd)
            self._deliver(collector.flush_output(pid, stream, time.monotonic_ns()))
            return "eof"
        self._echo(stream, data)
        self._deliver(collector.output(pid, stream, data, time.monotonic_ns()))
        return "data"

    def _echo(self, stream: str, data: bytes) -> None:
        out = self.echo.get(stream)
        if out is None:
            return
        try:
            out.write(data)
            out.flush()
        except (OSError, ValueError):  # e.g. `| head` closed our stdout: stop echoing
            self.echo.pop(stream, None)

    def _drain_pid(self, pid: int) -> None:
        """Read everything `pid` has written so far (its pipes never block us)."""
        for fd in list(self.pipes.get(pid, [])):
            key = self.sel.get_map().get(fd)
            if key is not None:
                while self._read_pipe(fd, pid, key.data[2]) == "data":
                    pass

    def _finish(self) -> None:
        """End of the loop: nothing may survive; read the last bytes; close the lanes."""
        self._signal_program(signal.SIGKILL)
        for pid in list(self.pipes):
            self._drain_pid(pid)
        collector = self.collector
        for pid in list(collector.lane_pids):
            self._deliver(collector.gone(pid, None))
        self._hand_over(self.order.drain())

    def _deliver(self, events: list[Event]) -> None:
        """Queue `events`; they leave by timestamp once old enough (`_release_due`)."""
        self.order.push(events)

    def _release_due(self) -> None:
        self._hand_over(self.order.due(time.monotonic_ns()))

    def _hand_over(self, events: list[Event]) -> None:
        """Deliver events in time order and watch them for a death inside wait()."""
        if not events:
            return
        self.deliver(events)
        for finding in self.wedge.observe(events):
            self._post("wedged", finding.party, message=finding.message)
            if self.wedge_end_at is None:
                self.wedge_end_at = time.monotonic() + WEDGE_GRACE_S

    def close(self) -> None:
        for key in list(self.sel.get_map().values()):
            if key.data[0] == "conn":
                key.data[2].close()
            elif key.data[0] == "pipe":
                os.close(key.fd)
        self.sel.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
        self.server.close()
