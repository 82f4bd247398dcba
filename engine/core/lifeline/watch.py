"""The child's side of a lifeline: exit the moment the app (or the run) is gone.

Why a pipe and not the parent: under forkserver a party's parent is CPython's fork server, and
the fork server lives while it has children — so a child that watched its parent (the death
signal, `getppid()`) waited for the fork server, which waited for the child, and both outlived
the app.  The read end of a pipe whose write end only the app holds is a fact about the app:
it reads EOF when the app closes it (the run ended) or when the kernel does (the app died, by
any signal).  That works under fork, spawn and forkserver, on Linux, macOS and Windows, for a
traced program's own children, and for a process it forked by hand (the watcher is re-armed
after `os.fork`, since threads do not survive a fork).

On EOF the child removes its own multiprocessing temp folder (a traced program under
forkserver makes one) and exits with EXIT_APP_GONE; nothing it ran is left behind.
"""

from __future__ import annotations

import multiprocessing.connection
import multiprocessing.process
import os
import shutil
import stat
import threading
from dataclasses import dataclass
from typing import Any

from engine.core.lifeline.guards import set_death_signal

EXIT_APP_GONE = 70
_exit = os._exit  # bound now: a traced program's patched os._exit would first say goodbye
ENV_FD = "BARRIER_VIZ_LIFELINE_FD"  # a launched program's read end, by fd number


@dataclass(frozen=True)
class LifelineToken:
    """What a child needs: the read end (a multiprocessing Connection, so it pickles to spawn
    and forkserver children as a duplicated fd) and whether to add the death signal."""

    conn: Any
    death_signal: bool = False


_held: LifelineToken | None = None
_inherited_tempdir: str | None = None  # a fork child's copy of its parent's: not ours to remove
_watching_pid = -1
_fork_hook_installed = False
_lock = threading.Lock()


def hold(token: LifelineToken) -> None:
    """Call first thing in a child: from now on it cannot outlive the app (or its run)."""
    global _held, _fork_hook_installed, _inherited_tempdir
    if token.death_signal:
        set_death_signal()
    with _lock:
        _held = token
        _inherited_tempdir = _own_tempdir()
        if not _fork_hook_installed and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_rearm_after_fork)
            _fork_hook_installed = True
    _start_watching()


def hold_again() -> bool:
    """In a fork child of a process that holds a lifeline: make sure it is watched here too
    (the fork hook already did; this is for callers that cannot know).  False if none held."""
    if _held is None:
        return False
    _start_watching()
    return True


def held() -> LifelineToken | None:
    """This process's token (to hand on to the children it starts), if it holds one."""
    return _held


def hold_inherited(environ: dict[str, str] | None = None) -> bool:
    """A launched program (not a multiprocessing child): hold the read end the app passed as an
    inherited fd named in $BARRIER_VIZ_LIFELINE_FD.  The variable is removed at once, so a
    program's own children (spawned, with other fds) never mistake another fd for it."""
    env = os.environ if environ is None else environ
    value = env.pop(ENV_FD, None)
    if not value:
        return False
    try:
        fd = int(value)
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
    except (ValueError, OSError):
        return False
    hold(LifelineToken(multiprocessing.connection.Connection(fd, writable=False)))
    return True


def _start_watching() -> None:
    global _watching_pid
    with _lock:
        token = _held
        if token is None or _watching_pid == os.getpid():
            return
        _watching_pid = os.getpid()
    threading.Thread(target=_watch, args=(token.conn,), name="lifeline", daemon=True).start()


def _rearm_after_fork() -> None:
    global _lock, _inherited_tempdir
    _lock = threading.Lock()  # the parent's may have been held by another thread at fork
    _inherited_tempdir = _own_tempdir()
    if _held is not None:
        _start_watching()


def _watch(conn: Any) -> None:
    try:
        while True:
            conn.recv_bytes()  # the app never writes: this returns only at EOF (raising)
    except (EOFError, OSError, ValueError):
        pass
    app_gone()


def _own_tempdir() -> str | None:
    """The multiprocessing temp folder of this process (made for a fork server's socket)."""
    config = getattr(multiprocessing.process.current_process(), "_config", {})
    tempdir = config.get("tempdir") if isinstance(config, dict) else None
    return tempdir if isinstance(tempdir, str) else None


def app_gone() -> None:
    """The app (or the run) is gone: tidy what this process made, then exit at once."""
    tempdir = _own_tempdir()
    if tempdir is not None and tempdir != _inherited_tempdir:
        shutil.rmtree(tempdir, ignore_errors=True)
    _exit(EXIT_APP_GONE)
