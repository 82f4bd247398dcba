"""Check, before a run, that a file the run will write can be written.

Why before: a run can take minutes, and an output that fails at the end (a folder named as the
file, a read-only or missing folder, a full disk) loses the run's result — or, worse, hangs a
thread that dies on the error.  Each check raises OSError with the reason in `strerror`, which
a command line prints as one line ("--trace: cannot write X: is a folder, not a file").
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path


def refuse_unless_file(path: Path, *, follow: bool = True) -> None:
    """Nothing at `path`, or a regular file (through links only if `follow`); else OSError."""
    try:
        info = path.stat() if follow else path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "is not a regular file", str(path))


PROBE_BYTES = 4096  # one block: a full disk refuses it


def check_output_path(path: str | os.PathLike[str]) -> None:
    """Raise OSError unless a new file can be written at `path` now: it is not a folder or a
    device, its folder exists and takes a new file, and the disk takes a block.  A probe file
    beside it is written, synced and removed; the target itself is not touched."""
    target = Path(path)
    refuse_unless_file(target)
    folder = target.resolve().parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "its folder does not exist", str(target))
    probe = folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.probe"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, b"\0" * PROBE_BYTES)
        os.fsync(fd)
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(probe)
