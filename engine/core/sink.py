"""Where instrumented code sends its events: a per-thread or per-process sink.

Why a module-level registry: the drop-in Barrier must keep exactly the signature of
`multiprocessing.Barrier`, so it cannot be handed a sink; instead the code that starts a party
(our party process, a traced program's bootstrap, a thread backend) installs one.  When nobody
installed a sink the Barrier sends to `NullSink` and behaves exactly like the original.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time
from typing import Any, Protocol

from engine.core.events import WireEvent

_dumps = pickle.dumps
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_pack_size = struct.Struct("!i").pack
_MAX_FRAME = 0x7FFFFFFF


class EventSink(Protocol):
    def emit(self, kind: str, stage: int | None, **data: Any) -> None: ...


class NullSink:
    """Drops everything: the Barrier used outside any run."""

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        return None


class ConnectionSink:
    """Writes each event straight into a pipe, synchronously.

    Why synchronous: a party that is SIGKILLed a microsecond later must not lose an event it
    already emitted (no feeder thread, no buffer).  Messages stay far below PIPE_BUF, so one
    write is atomic and many processes may share one pipe.

    Why not `conn.send`: it builds a ForkingPickler and checks the handle on every call.  This
    writes the very same frame (multiprocessing's 4-byte big-endian length, then a pickle) with
    one `os.write`, so the parent still reads it as a `Connection` message — about half the
    child's cost per event, which sits right beside `wait()`.
    """

    def __init__(self, conn: Any, party: int | None, pid: int | None = None) -> None:
        self._conn = conn
        self._send = conn.send
        self._fd: int | None = conn.fileno() if hasattr(conn, "fileno") else None
        self.party = party
        self.pid = pid if pid is not None else os.getpid()

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        wire: WireEvent = (kind, time.monotonic_ns(), self.party, self.pid, stage, data)
        fd = self._fd
        if fd is None or self._conn.closed:  # closed: let Connection raise its usual OSError
            self._send(wire)
            return
        payload = _dumps(wire, _PROTOCOL)
        if len(payload) > _MAX_FRAME:  # never for our events; Connection knows the long header
            self._send(wire)
            return
        frame = memoryview(_pack_size(len(payload)) + payload)
        while frame:  # one write for any frame below PIPE_BUF; loop only for huge ones
            frame = frame[os.write(fd, frame) :]


class CallbackSink:
    """Hands events to a function in this process (the parent's own events, thread backends)."""

    def __init__(self, callback: Any, party: int | None) -> None:
        self._callback = callback
        self.party = party
        self.pid = os.getpid()

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        self._callback((kind, time.monotonic_ns(), self.party, self.pid, stage, data))


_NULL = NullSink()
_process_sink: EventSink = _NULL
_thread_local = threading.local()


def set_process_sink(sink: EventSink | None) -> None:
    """Install the sink every thread of this process uses unless it has its own."""
    global _process_sink
    _process_sink = sink if sink is not None else _NULL


def set_thread_sink(sink: EventSink | None) -> None:
    """Install a sink for the calling thread only (thread-backed parties)."""
    _thread_local.sink = sink


def current_sink() -> EventSink:
    sink: EventSink | None = getattr(_thread_local, "sink", None)
    return sink if sink is not None else _process_sink
