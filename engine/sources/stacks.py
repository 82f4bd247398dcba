"""A party's current Python stack, as an answer a source gives later: the typed values, and
how they are made from live frames (threads, asyncio tasks) or a process's state.

Why its own values: "who is missing?" is answered by showing where each missing party is right
now.  A process, a thread, a task and a traced program are asked in different ways
(engine.sources.stack_dump for processes), but the GUI reads one `PartyStack` whatever the
source.  Frames are kept innermost first and marked `own` (the party's code) or not (the
standard library, installed packages, and the barrier and tracing machinery of this app), so a
view can lead with the party's own innermost frames and fold the rest away.
"""

from __future__ import annotations

import linecache
import os
import sys
import sysconfig
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The app's own machinery a party runs through: never "the party's code".
_INTERNAL_PARTS = (
    "engine/core/",
    "engine/sources/tracer/",
    "engine/sources/inprocess/thread_barrier.py",
    "engine/sources/inprocess/async_barrier.py",
    "engine/sources/inprocess/common.py",
    "engine/sources/processes/pump.py",  # what a fork child inherits of its parent's stack
    "engine/sources/processes/runner.py",
    "engine/sources/mpi/rank_barrier.py",
    "engine/sources/stack_dump.py",
)
_INTERNAL = tuple(str(ROOT / part) for part in _INTERNAL_PARTS)
_LIBRARY = tuple(
    {
        os.path.realpath(p)
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
)
MAX_FRAMES = 60  # per thread: deeper stacks keep their innermost frames


class ProcessState(StrEnum):
    """What the operating system says of the process behind a party (Linux /proc, else less)."""

    RUNNING = "running"
    SLEEPING = "sleeping"  # waiting for something: a sleep, a lock, a pipe
    STOPPED = "stopped"  # T state: SIGSTOP / Ctrl+Z / a debugger; it cannot answer now
    ZOMBIE = "zombie"  # ended, not yet reaped
    GONE = "gone"
    UNKNOWN = "unknown"  # no /proc to ask (not Linux), but the process exists


@dataclass(frozen=True)
class StackFrame:
    path: str
    line: int
    function: str
    text: str  # the source line, stripped ("" when unknown)
    own: bool  # the party's own code, not the library or the app's machinery

    @property
    def where(self) -> str:
        return f"{os.path.basename(self.path)}:{self.line}"


@dataclass(frozen=True)
class ThreadStack:
    name: str  # "main thread", a thread's name, or an asyncio task's
    frames: tuple[StackFrame, ...]  # innermost first
    main: bool = False  # the party's own thread or task (shown first)

    def own_first(self) -> tuple[StackFrame, ...]:
        """The frames from the innermost frame of the party's own code outward (what a reader
        needs first), or all of them when none is the party's own."""
        for i, frame in enumerate(self.frames):
            if frame.own:
                return self.frames[i:]
        return self.frames

    def inside(self) -> tuple[StackFrame, ...]:
        """The library and machinery frames called from the innermost own frame."""
        for i, frame in enumerate(self.frames):
            if frame.own:
                return self.frames[:i]
        return ()


@dataclass(frozen=True)
class PartyStack:
    """One answer to `FetchStack(party)`: where the party is right now, or why we cannot say."""

    party: int
    pid: int | None
    t_ns: int
    state: ProcessState
    threads: tuple[ThreadStack, ...] = ()  # the party's own thread first
    note: str = ""  # why there is no stack (stopped, ended, no answer), else ""

    @property
    def main(self) -> ThreadStack | None:
        return self.threads[0] if self.threads else None


def is_own(path: str) -> bool:
    """Is `path` the party's own code (not the standard library, a package or our machinery)?"""
    if not path or path.startswith("<"):  # <frozen importlib._bootstrap>, <string>
        return False
    real = os.path.realpath(path)
    if any(real.startswith(prefix) for prefix in _INTERNAL):
        return False
    return not any(real.startswith(prefix + os.sep) for prefix in _LIBRARY)


def source_line(path: str, line: int) -> str:
    linecache.checkcache(path)
    return linecache.getline(path, line).strip()


def frame_of(path: str, line: int, function: str, text: str | None = None) -> StackFrame:
    text = source_line(path, line) if text is None else text
    return StackFrame(path, line, function, text[:300], is_own(path))


def frames_from(frame: FrameType | None) -> tuple[StackFrame, ...]:
    """A live frame and its callers, innermost first."""
    summary = traceback.extract_stack(frame, limit=MAX_FRAMES) if frame is not None else []
    return tuple(
        frame_of(s.filename, s.lineno or 0, s.name, s.line or "") for s in reversed(summary)
    )


def thread_frames(ident: int | None) -> tuple[StackFrame, ...]:
    """The current stack of thread `ident` of this process (empty if it is not running)."""
    if ident is None:
        return ()
    return frames_from(sys._current_frames().get(ident))


def coroutine_frames(coro: Any) -> tuple[StackFrame, ...]:
    """A suspended coroutine's frames down the chain it awaits, innermost first.

    Why not `Task.get_stack()`: for a suspended task it gives only the outermost coroutine's
    frame; the innermost `await` (the party's real whereabouts) is down the `cr_await` chain."""
    chain: list[FrameType] = []
    seen = 0
    while coro is not None and seen < MAX_FRAMES:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        chain.append(frame)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        seen += 1
    return tuple(
        frame_of(f.f_code.co_filename, f.f_lineno or 0, f.f_code.co_name) for f in reversed(chain)
    )


def process_state(pid: int | None) -> ProcessState:
    """The state of process `pid` now (never blocks: /proc is memory)."""
    if pid is None:
        return ProcessState.UNKNOWN
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ProcessState.GONE
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return ProcessState.GONE
        except OSError:
            pass
        return ProcessState.UNKNOWN
    code = stat[stat.rfind(")") + 2 : stat.rfind(")") + 3]  # the name may hold ")" itself
    return {
        "R": ProcessState.RUNNING,
        "S": ProcessState.SLEEPING,
        "D": ProcessState.SLEEPING,
        "I": ProcessState.SLEEPING,
        "T": ProcessState.STOPPED,
        "t": ProcessState.STOPPED,
        "Z": ProcessState.ZOMBIE,
        "X": ProcessState.GONE,
    }.get(code, ProcessState.UNKNOWN)


def answer(
    party: int,
    pid: int | None,
    state: ProcessState,
    threads: Iterable[ThreadStack] = (),
    note: str = "",
) -> PartyStack:
    """A `PartyStack` stamped now (the shared monotonic clock of every event)."""
    return PartyStack(party, pid, time.monotonic_ns(), state, tuple(threads), note)
