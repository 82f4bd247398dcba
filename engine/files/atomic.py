"""Crash-safe file writes.

Why: scenarios and settings are saved while the app may be killed, the disk may fill up or the
machine may lose power.  Writing straight onto the target could leave a truncated, unparseable
file behind.  Instead we write a sibling temp file, flush and fsync it, and only then
``os.replace`` it onto the target, which is atomic on POSIX and Windows: a reader sees either the
old file or the complete new one, never a mixture.  On any error the temp file is removed and the
error is re-raised, so a failed save leaves no litter and the original untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text"]

_TEMP_ATTEMPTS = 16


def _open_temp(target: Path) -> tuple[int, Path]:
    """Create a fresh temp file next to `target` (same directory, so os.replace cannot cross
    file systems).

    Why not tempfile.mkstemp: it creates files with mode 0600 regardless of the umask, so a saved
    scenario would silently become private.  os.open with 0o666 lets the kernel apply the umask
    exactly like a normal ``open(path, "w")`` would; O_EXCL guarantees we never clobber a file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_TEMP_ATTEMPTS):
        temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a unique temp file next to {target}")


def _fsync_directory(directory: Path) -> None:
    """Best effort: make the rename itself durable (POSIX).  Windows cannot open directories,
    and some file systems refuse fsync on them; neither is worth failing a save over."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at `path` with `data` atomically (see the module docstring for why).

    A symlink at `path` is followed, so the link survives and its target gets the new content.
    An existing file's permission bits are kept, so saving never changes who may read it.
    """
    target = Path(os.path.realpath(path))
    try:
        old_mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        old_mode = None
    fd, temp = _open_temp(target)
    fd_owned = True  # until os.fdopen takes the descriptor over
    try:
        with os.fdopen(fd, "wb") as handle:
            fd_owned = False
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old_mode is not None:
            os.chmod(temp, old_mode)
        os.replace(temp, target)
    except BaseException:
        # BaseException too: a KeyboardInterrupt mid-save must not leave a stray temp file.
        # If os.fdopen itself failed the descriptor is still ours to close, and it must be
        # closed before unlinking (Windows cannot delete an open file).  Once fdopen owns it we
        # must not close it again: the number may already belong to another thread's file.
        if fd_owned:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Atomically replace the file at `path` with `text`.

    Encoded here (UTF-8 by default, not the locale's encoding) and written as bytes, so no
    newline translation happens: the file holds exactly `text`, on every platform.
    """
    atomic_write_bytes(path, text.encode(encoding))
