"""The app's side of a lifeline: one pipe per run whose write end only the app holds.

Why per run: the write end is closed when the run ends, so anything of the run that is still
watching (a traced program's daemon that left the process group, a process forked by hand)
exits then — not only when the app goes.  When the app dies, by any signal, the kernel closes
the write end and every child reads EOF at once (engine.core.lifeline.watch).

Why the write end must stay the app's alone: a fork child inherits every fd, and if it kept a
copy the pipe would never read EOF while that child lived.  So every fork child of the app
closes the app-only fds first thing (an `os.register_at_fork` hook, run before any Python code
of the child), and the fds are close-on-exec, so launched programs never get them.  The write
end is a bare fd, never a Connection object, so a fork child's copy of this object can never
close a reused fd number when it is collected.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import sys

if sys.platform != "win32":
    import fcntl
import threading
from typing import Any

from engine.core.lifeline import guards as platform_guards
from engine.core.lifeline.guards import Guards
from engine.core.lifeline.watch import ENV_FD, LifelineToken

# Write ends (and the janitor's stdin) of this process, each with the identity of the file it
# was registered as: a fork child closes a number only if it is still that file, so a number
# closed without being released (and reused since) is never closed by mistake.
_app_only_fds: dict[int, tuple[int, int]] = {}


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        info = os.fstat(fd)
        writes = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if writes else None


def keep_from_fork_children(fd: int) -> None:
    """`fd` (a write end) must never outlive this process in a fork child: closed there right
    after each fork."""
    identity = _identity(fd)
    if identity is not None:
        _app_only_fds[fd] = identity


def release_from_fork_children(fd: int) -> None:
    """Call before closing `fd` (so a fork at that moment never closes a reused number)."""
    _app_only_fds.pop(fd, None)


def _close_app_only_fds() -> None:
    for fd, identity in list(_app_only_fds.items()):
        if _identity(fd) == identity:
            with contextlib.suppress(OSError):
                os.close(fd)
    _app_only_fds.clear()


if sys.platform != "win32":
    os.register_at_fork(after_in_child=_close_app_only_fds)


class Lifeline:
    """One run's lifeline.  Hand `token` to every child (a Process argument) or `for_program`
    to a launched program; `close()` when the run is over (idempotent)."""

    def __init__(self, guards: Guards | None = None) -> None:
        # looked up now, not at import: a test forces another platform's choice by setting it
        self.guards = guards = guards or platform_guards.PLATFORM_GUARDS
        self._lock = threading.Lock()
        self._writer: Any
        if sys.platform == "win32":  # named pipes: the read end pickles as a duplicated handle
            reader, self._writer = multiprocessing.connection.Pipe(duplex=False)
            self._write_fd = -1
        else:
            read_fd, self._write_fd = os.pipe()  # both close-on-exec
            keep_from_fork_children(self._write_fd)
            reader = multiprocessing.connection.Connection(read_fd, writable=False)
            self._writer = None
        self._reader = reader
        self.token = LifelineToken(reader, death_signal=guards.death_signal)
        self.closed = False

    def for_program(self) -> tuple[int, dict[str, str]]:
        """(fd to pass with `pass_fds`, environment entries) for a launched Python program that
        calls `hold_inherited()` (POSIX only: a traced program).

        Never with the death signal: it would SIGKILL the program before the lifeline lets it
        remove the temp folder its own fork server lives in."""
        fd = self._reader.fileno()
        return fd, {ENV_FD: str(fd)}

    def close(self) -> None:
        """The run is over: every child still watching exits now."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            if self._write_fd >= 0:
                release_from_fork_children(self._write_fd)
                os.close(self._write_fd)
                self._write_fd = -1
            if self._writer is not None:
                self._writer.close()
            self._reader.close()

    def __enter__(self) -> Lifeline:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
