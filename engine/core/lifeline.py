"""Make a child process die with its parent, whatever kills the parent.

Why two mechanisms: on Linux `PR_SET_PDEATHSIG` has the kernel SIGKILL us the moment the parent
(thread) goes; everywhere, a daemon thread also polls `os.getppid()` and exits when we have been
re-parented.  Under forkserver the parent is the fork server, which itself exits when the app
goes, so the chain still holds.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1
POLL_S = 0.2


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the polling thread still covers us


def _watch(original_ppid: int) -> None:
    stop = threading.Event()
    while not stop.wait(POLL_S):
        if os.getppid() != original_ppid:
            os._exit(70)


def die_with_parent() -> None:
    """Call first thing in a child: after this, the child cannot outlive its parent for long."""
    ppid = os.getppid()
    _set_pdeathsig()
    if os.getppid() != ppid or ppid == 1:  # the parent died before prctl took effect
        os._exit(70)
    threading.Thread(target=_watch, args=(ppid,), name="lifeline", daemon=True).start()


def ignore_interrupts() -> None:
    """Ctrl+C goes to the whole process group; only the parent should act on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
