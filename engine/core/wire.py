"""Read the shared event pipe in bulk and cut it into multiprocessing's own frames.

Why not `while reader.poll(): reader.recv()`: poll() builds a selector per call and recv()
makes two read() calls per message, ~30 µs of parent CPU per event (benchmarks/profiles.py)
that the parties then miss on a busy machine.  A few large non-blocking reads take the whole
backlog; the frames (4-byte big-endian length, then a pickle) are split in memory, so children
still just write what `Connection.send` would.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import struct
from typing import Any

from engine.core.events import WireEvent

READ_CHUNK = 1 << 16
DRAIN_LIMIT = 1 << 20  # bytes per drain; supervise() comes straight back if more is waiting
PIPE_SIZE = 1 << 20  # Linux F_SETPIPE_SZ, best effort: absorbs a 256-party release burst
_SIZE = struct.Struct("!i")  # multiprocessing's frame header

__all__ = ["DRAIN_LIMIT", "PIPE_SIZE", "READ_CHUNK", "read_frames", "read_wires", "split_frames"]


def read_wires(reader: Any, buf: bytearray) -> list[WireEvent]:
    """Every complete frame the pipe holds now; a partial one stays in `buf` for next time.

    The first call makes the reader non-blocking (only this end: the children's write end
    stays blocking) and asks Linux for a 1 MiB pipe, so a burst of releases never blocks a
    party's write while the pump sleeps through its batch window.
    """
    return read_frames(reader, buf)[0]


def read_frames(
    reader: Any, buf: bytearray, limit: int | None = DRAIN_LIMIT
) -> tuple[list[WireEvent], bool]:
    """`read_wires`, and whether the read reached an empty pipe.

    True means every frame written before this call returned is in the result (or, if it was
    still being written, partly in `buf`); False means `limit` bytes were taken and more may
    wait.  The ring drain needs to know: it may only deliver a party's ring records up to
    the pipe events it has actually read (engine.core.ring.drain).  `limit=None` reads until
    the pipe is empty.
    """
    try:
        fd = reader.fileno()
    except (OSError, ValueError):  # already closed
        return [], True
    if os.get_blocking(fd):
        os.set_blocking(fd, False)
        set_pipe_size = getattr(fcntl, "F_SETPIPE_SZ", None)
        if set_pipe_size is not None:
            with contextlib.suppress(OSError):  # over the system's pipe-max-size: keep it
                fcntl.fcntl(fd, set_pipe_size, PIPE_SIZE)
    taken, complete = 0, False
    while limit is None or taken < limit:
        try:
            chunk = os.read(fd, READ_CHUNK)
        except BlockingIOError:  # nothing more right now
            complete = True
            break
        except OSError:  # the pipe is gone: nothing more will come
            complete = True
            break
        if not chunk:  # EOF: every writer is gone
            complete = True
            break
        buf += chunk
        taken += len(chunk)
        if len(chunk) < READ_CHUNK:  # the pipe is empty now; spare the EAGAIN read
            complete = True
            break
    return split_frames(buf), complete


def split_frames(buf: bytearray) -> list[WireEvent]:
    """Unpickle every complete `Connection.send` frame in `buf` and remove it from `buf`.

    A partial frame (a message larger than PIPE_BUF caught mid-write) stays for the next call.
    """
    wires: list[WireEvent] = []
    append, loads, unpack_size = wires.append, pickle.loads, _SIZE.unpack_from
    pos, end = 0, len(buf)
    while end - pos >= 4:
        (size,) = unpack_size(buf, pos)
        head = 4
        if size == -1:  # multiprocessing's header for messages over 2 GiB
            if end - pos < 12:
                break
            (size,) = struct.unpack_from("!Q", buf, pos + 4)
            head = 12
        if end - pos - head < size:
            break
        append(loads(buf[pos + head : pos + head + size]))
        pos += head + size
    del buf[:pos]
    return wires
