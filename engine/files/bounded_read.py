"""Read a small file from outside without trusting what the path points at.

Why not ``Path.read_bytes()``: a path given on the command line may name a FIFO (reading
blocks until someone writes, so the app hangs), a symlink to ``/dev/zero`` (reading never
ends, memory runs out), a directory, or a file of gigabytes.  Here the path must be a
regular file (checked before opening and again on the open descriptor, so a file swapped in
between is caught too), it is opened non-blocking (opening a FIFO for reading would otherwise
block), and at most `limit` bytes are ever read.
"""

from __future__ import annotations

import os
import stat

__all__ = ["FileRefused", "read_regular_file"]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_CHUNK = 64 * 1024


class FileRefused(Exception):
    """The file was not read: `problem` says why, `allowed` what would be accepted."""

    def __init__(self, problem: str, allowed: str | None = None) -> None:
        super().__init__(problem if allowed is None else f"{problem} (allowed: {allowed})")
        self.problem = problem
        self.allowed = allowed


def _size_text(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GiB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{size / 1024:.1f} KiB" if size >= 1024 else f"{size} bytes"


def _check(mode: int, size: int, limit: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise FileRefused(f"is {kind}, not a regular file", "a regular file")
    if size > limit:
        raise FileRefused(f"is too large ({_size_text(size)})", f"at most {_size_text(limit)}")


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises FileRefused for a missing or unreadable path, anything that is not a regular file,
    and a file larger than `limit` (also one that grows past it while being read).
    """
    try:
        info = os.stat(path)
        _check(info.st_mode, info.st_size, limit)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        _check(info.st_mode, info.st_size, limit)
        chunks: list[bytes] = []
        remaining = limit + 1  # one byte more than allowed tells a file that grew
        while remaining > 0:
            chunk = os.read(fd, min(remaining, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileRefused("grew while being read", f"at most {_size_text(limit)}")
    return data
