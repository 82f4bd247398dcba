"""Ask a running process for its Python stack without stopping it: faulthandler on SIGUSR2.

The party side (`install_stack_dump`, called once at the start of every party process and, by
the tracer's bootstrap, of every traced process) registers `faulthandler` for SIGUSR2, writing
every thread's stack into a file of the run's own temporary folder.  faulthandler writes from
its C signal handler, so it answers even while the party sleeps, waits on the barrier, or spins
in an endless loop holding the GIL, and the interrupted call simply carries on (PEP 475).

The app side (`StackDumps`) sends SIGUSR2 and reads what was appended, on a short-lived thread
of its own, so neither the GUI nor a source's pump ever waits for an answer.  It only signals a
process whose file exists: the file appears (by rename) only after the handler is registered,
and SIGUSR2 would otherwise end the process.  A stopped process (T state) is not signalled at
all: it could not answer before it continues.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from typing import IO

from engine.core.lifeline import JANITOR
from engine.sources.stacks import (
    PartyStack,
    ProcessState,
    StackFrame,
    ThreadStack,
    answer,
    frame_of,
    process_state,
)

ENV_STACK_DIR = "BARRIER_VIZ_STACK_DIR"  # a traced program's processes find their folder here
DUMP_SIGNAL = getattr(signal, "SIGUSR2", None)  # None on Windows: no stacks there
ANSWER_WAIT_S = 1.5
POLL_S = 0.01
_HEADER = re.compile(rb"^main-thread (\d+)\n")
_THREAD = re.compile(r"^(Current thread|Thread) (0x[0-9a-fA-F]+) \(most recent call first\):$")
_FRAME = re.compile(r'^  File "(.*)", line (\d+) in (.*)$')

_dump_file: IO[bytes] | None = None  # kept open for faulthandler as long as the process lives


# ---------------------------------------------------------------------- in the party process
def install_stack_dump(path: str | None) -> None:
    """Let the app ask this process for its stack (SIGUSR2 → every thread's stack into `path`).

    Fails open: without a path or SIGUSR2, or if the file cannot be made, nothing changes."""
    global _dump_file
    if not path or DUMP_SIGNAL is None:
        return
    partial = f"{path}.{os.getpid()}.part"
    try:
        dump = open(partial, "ab", buffering=0)  # noqa: SIM115 - kept open for the handler
        dump.write(f"main-thread {threading.get_ident()}\n".encode())
        faulthandler.register(DUMP_SIGNAL, file=dump, all_threads=True, chain=False)
        os.replace(partial, path)  # the file exists only once the handler does
    except (OSError, ValueError, RuntimeError):
        return
    previous, _dump_file = _dump_file, dump
    if previous is not None:  # a fork child re-registers with a file of its own
        with contextlib.suppress(OSError):
            previous.close()


def install_stack_dump_from_env() -> None:
    """A traced process: its file is <the trace's stack folder>/<its pid>.stack."""
    folder = os.environ.get(ENV_STACK_DIR)
    if folder:
        install_stack_dump(os.path.join(folder, f"{os.getpid()}.stack"))


# ---------------------------------------------------------------------- reading a dump
def parse_dump(text: str, main_ident: int | None) -> tuple[ThreadStack, ...]:
    """faulthandler's text ("Thread 0x… (most recent call first):" then "  File …" lines) as
    threads, the party's main thread first, then threads with code of the party's own."""
    threads: list[tuple[int, bool, list[StackFrame]]] = []
    for raw in text.splitlines():
        head = _THREAD.match(raw)
        if head is not None:
            threads.append((int(head.group(2), 16), head.group(1) == "Current thread", []))
            continue
        frame = _FRAME.match(raw)
        if frame is not None and threads:
            path, line, function = frame.group(1), int(frame.group(2)), frame.group(3)
            threads[-1][2].append(frame_of(path, line, function))
    if not threads:
        return ()
    main = next((t for t in threads if t[0] == main_ident), None)
    main = main or next((t for t in threads if t[1]), threads[0])
    out = [ThreadStack("main thread", tuple(main[2]), main=True)]
    others = [t for t in threads if t is not main]
    others.sort(key=lambda t: not any(f.own for f in t[2]))
    out += [ThreadStack(f"thread {ident:#x}", tuple(frames)) for ident, _, frames in others]
    return tuple(out)


def _main_ident(head: bytes) -> int | None:
    found = _HEADER.match(head)
    return int(found.group(1)) if found else None


# ---------------------------------------------------------------------- in the app
class StackDumps:
    """The app's side for one run: a temporary folder of dump files and the requests for them."""

    def __init__(self, answer_to: Callable[[PartyStack], None], folder: str | None = None) -> None:
        self.folder = folder or tempfile.mkdtemp(prefix="barrier-viz-stacks-")
        self._own_folder = folder is None
        if self._own_folder:
            JANITOR.keep_clean(self.folder)  # if the app dies, the janitor removes it
        self._answer = answer_to
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def path(self, key: int | str) -> str:
        """The dump file of party `key` (a process run) or pid `key` (a traced program)."""
        return os.path.join(self.folder, f"{key}.stack")

    def fetch(self, party: int, pid: int | None, key: int | str) -> None:
        """Ask the process for its stack; the answer arrives later (never blocks)."""
        thread = threading.Thread(
            target=self._fetch, args=(party, pid, self.path(key)), name="stack-fetch", daemon=True
        )
        thread.start()

    def close(self) -> None:
        """The run ended: its dump files go (a fetch still waiting then says so)."""
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            JANITOR.forget(self.folder)

    # ------------------------------------------------------------------ the fetch thread
    def _fetch(self, party: int, pid: int | None, path: str) -> None:
        with self._guard:
            lock = self._locks.setdefault(path, threading.Lock())
        with lock:  # one request per file at a time: their dumps would interleave
            self._answer(self._ask(party, pid, path))

    def _ask(self, party: int, pid: int | None, path: str) -> PartyStack:
        state = process_state(pid)
        if pid is None or state in (ProcessState.GONE, ProcessState.ZOMBIE):
            return answer(party, pid, state, note="the process has ended")
        if state == ProcessState.STOPPED:
            note = "stopped (T state): it cannot answer until it is continued (SIGCONT)"
            return answer(party, pid, state, note=note)
        try:
            offset = os.path.getsize(path)
        except OSError:
            return answer(party, pid, state, note="not ready to answer yet (still starting)")
        assert DUMP_SIGNAL is not None  # a file exists only where the signal does
        try:
            os.kill(pid, DUMP_SIGNAL)
        except ProcessLookupError:
            return answer(party, pid, ProcessState.GONE, note="the process has ended")
        dump = self._read_dump(path, offset)
        if dump is None:
            state = process_state(pid)
            return answer(party, pid, state, note=f"no answer within {ANSWER_WAIT_S:g} s")
        head, text = dump
        threads = parse_dump(text, _main_ident(head))
        return answer(party, pid, process_state(pid), threads, "" if threads else "empty stack")

    @staticmethod
    def _read_dump(path: str, offset: int) -> tuple[bytes, str] | None:
        """What the process appended after `offset`, once it stopped growing (faulthandler
        writes the whole dump at once, in well under a poll); None if nothing came."""
        deadline = time.monotonic() + ANSWER_WAIT_S
        size = offset
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            try:
                now = os.path.getsize(path)
            except OSError:
                return None  # the run ended and its folder went
            if now > offset and now == size:
                try:
                    with open(path, "rb") as dump:
                        head = dump.readline()
                        dump.seek(offset)
                        body = dump.read(now - offset)
                except OSError:
                    return None
                return head, body.decode("utf-8", "replace")
            size = now
        return None
