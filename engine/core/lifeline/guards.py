"""Which guards a child of the app holds on this platform, and the ones tied to the parent.

Why a table rather than `if sys.platform` at each use: the decision is made once, in the app,
and travels to the child inside its lifeline token, so a test can force another platform's
choice (no death signal, as on macOS) here and watch the pipe alone end the children.

- the app-watching pipe (engine.core.lifeline.pipe): everywhere; the one that watches the app
  itself, whatever the start method;
- Linux `PR_SET_PDEATHSIG`: the kernel SIGKILLs a child the moment its parent thread ends — a
  fast first layer under fork and spawn (the parent is the app's pump thread), useless under
  forkserver (the parent is the fork server, which outlives the app while it has children);
- a Windows job object that kills its processes when the app's handle closes
  (engine.core.lifeline.winjob): there is no fork there, and no signals.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from dataclasses import dataclass

_PR_SET_PDEATHSIG = 1
POLL_S = 0.2
EXIT_PARENT_GONE = 70


@dataclass(frozen=True)
class Guards:
    """What a child holds besides the app-watching pipe, which every child holds."""

    death_signal: bool  # Linux PR_SET_PDEATHSIG
    job_object: bool  # Windows: kill-on-close job object

    @property
    def names(self) -> tuple[str, ...]:
        """For a support table and messages: every guard in force, the pipe first."""
        return ("pipe",) + ("death signal",) * self.death_signal + ("job object",) * self.job_object


def guards_for(platform: str) -> Guards:
    """The guards of `platform` (a `sys.platform` value)."""
    return Guards(death_signal=platform.startswith("linux"), job_object=platform == "win32")


PLATFORM_GUARDS = guards_for(sys.platform)


def set_death_signal() -> bool:
    """Linux: be SIGKILLed when the thread that started us ends; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(original_ppid: int) -> None:
    stop = threading.Event()
    while not stop.wait(POLL_S):
        if os.getppid() != original_ppid:
            os._exit(EXIT_PARENT_GONE)


def die_with_parent() -> None:
    """For a process whose direct parent is the right thing to watch (an MPI rank and its
    launcher's proxy): the death signal, and a thread that polls for re-parenting."""
    ppid = os.getppid()
    set_death_signal()
    if os.getppid() != ppid or ppid == 1:  # the parent died before prctl took effect
        os._exit(EXIT_PARENT_GONE)
    threading.Thread(target=_watch_parent, args=(ppid,), name="parent-watch", daemon=True).start()


def ignore_interrupts() -> None:
    """Ctrl+C goes to the whole process group; only the app should act on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
