"""A tiny helper process that removes the app's temporary folders if the app dies uncleanly.

Why a process: a killed app runs no cleanup, and the folders it made stay behind —
multiprocessing's `/tmp/pymp-*` (the fork server's socket lives there), a trace's socket
folder.  Its children cannot be relied on to remove them (when the app idles between runs
there are none).  The janitor reads "+PATH"/"-PATH" lines on its stdin, whose write end only
the app holds; at EOF — the app exited, however — it removes every path still registered and
exits.  After a clean exit the paths are already gone and it has nothing to do.

It runs `python -I` with its whole program on the command line (no import of ours), in a
session of its own so a terminal's Ctrl+C or hang-up does not reach it before it has cleaned.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import IO

from engine.core.lifeline.pipe import keep_from_fork_children, release_from_fork_children

MARKER = "barrier-viz-janitor"  # in its command line, so tests and `ps` can tell what it is
_PROGRAM = r"""
import os, shutil, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
paths = set()
for line in sys.stdin.buffer:
    path = os.fsdecode(line[1:].rstrip(b"\n"))
    if line[:1] == b"+":
        paths.add(path)
    else:
        paths.discard(path)
for path in paths:
    shutil.rmtree(path, ignore_errors=True)
"""


class Janitor:
    """Started on first use; `keep_clean(path)` until `forget(path)`."""

    def __init__(self, python: str = sys.executable) -> None:
        self._python = python
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = -1
        self.paths: set[str] = set()

    def keep_clean(self, path: str | os.PathLike[str]) -> None:
        """Remove `path` (a folder) if the app dies before it is forgotten."""
        self._send("+", os.fspath(path))

    def forget(self, path: str | os.PathLike[str]) -> None:
        """The app removed `path` itself (or keeps it on purpose)."""
        self._send("-", os.fspath(path))

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def stop(self, timeout: float = 10.0) -> int | None:
        """Do now what the app's exit does: the janitor cleans up and exits (its exit code)."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None or proc.stdin is None or self._pid != os.getpid():
                return None
            release_from_fork_children(proc.stdin.fileno())
            proc.stdin.close()
            self.paths = set()
        return proc.wait(timeout)

    def _send(self, op: str, path: str) -> None:
        if "\n" in path:
            return  # never a folder we make; the line protocol cannot carry it
        with self._lock:
            if (path in self.paths) == (op == "+"):  # already so
                return
            stdin = self._stdin()
            if stdin is None:
                return
            try:
                stdin.write(f"{op}{path}\n".encode(errors="surrogateescape"))
                stdin.flush()
            except OSError:
                return  # the janitor is gone; nothing better to do than carry on
            (self.paths.add if op == "+" else self.paths.discard)(path)

    def _stdin(self) -> IO[bytes] | None:
        if self._proc is not None and self._pid != os.getpid():
            return None  # a fork child: the janitor (and its stdin, closed here) is the app's
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    [self._python, "-I", "-c", _PROGRAM, MARKER],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=sys.platform != "win32",
                )
            except OSError:
                return None
            self._pid = os.getpid()
            assert self._proc.stdin is not None
            keep_from_fork_children(self._proc.stdin.fileno())
            # never in the Windows kill-on-close job: it must outlive the app to clean up
        return self._proc.stdin


JANITOR = Janitor()
"""The app's janitor (one per process: it watches this process)."""
