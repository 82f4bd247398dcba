"""The party's sink: fixed-shape events into its ring, everything else on the pipe.

Why both: the hot kinds (work_start, arrive, release, progress, …) are three per party per
stage and must cost the barrier almost nothing — a record in shared memory, no syscall, no
wake-up.  Rare or variable-size events (a crash's text, a broken barrier's error, anything the
codec cannot represent exactly) keep the pipe, as with `ConnectionSink`.

Order across the two: a pipe event carries a seventh element, the ring's head when it was
sent — the number of ring records that came before it.  The parent's drain places it after
exactly those records (engine.core.ring.drain), so a party's events reach the log in the order
it emitted them.

Promise kept from ConnectionSink: an emitted event survives a SIGKILL that follows.  `emit`
returns only after the record is stored and published in shared memory (or the pipe write
returned), and the parent's final drain after the party's death reads the ring — even a record
that was stored but whose head had not yet been advanced.

One writer per ring: only the thread that created the sink writes the ring.  Another thread of
the same process (rare: a party's own helper thread) sends on the pipe without a mark, as
ConnectionSink does, and its events are ordered by time only.
"""

from __future__ import annotations

import os
import struct
import threading
import time
from typing import Any

from engine.core.ring.codec import ARRIVE, ENCODERS, RELEASE, WORK_START
from engine.core.ring.layout import RingPort
from engine.core.ring.writer import WAIT_LIMIT_S, RingWriter
from engine.core.sink import ConnectionSink


class RingSink:
    """Install with `set_process_sink(RingSink(port, conn))` in the party process."""

    def __init__(
        self,
        port: RingPort,
        conn: Any,
        *,
        wait_limit_s: float = WAIT_LIMIT_S,
        strict: bool | None = None,
    ) -> None:
        self.writer = RingWriter(port, wait_limit_s=wait_limit_s, strict=strict)
        self.party: int = port.ring
        self.pid = os.getpid()
        self._conn = conn
        self._others = ConnectionSink(conn, port.ring, self.pid)
        self._codes = {text: code for code, text in enumerate(port.strings)}
        self._owner = _get_ident()
        self._append = self.writer.append

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        """Into the ring if the event has a record shape (see codec), else on the pipe.

        The three events of every stage are checked right here, written out, because this
        call sits beside the barrier's wait(): one Python call (append) instead of three.
        The checks are exactly the codec's (tests compare the logs line by line).
        """
        if _get_ident() != self._owner:
            self._others.emit(kind, stage, **data)
            return
        t_ns = _now()
        if type(stage) is int:
            append, codes = self._append, self._codes
            try:
                if kind == "arrive":
                    x = data.get("barrier")
                    if len(data) == 1 and type(x) is int and append(ARRIVE, t_ns, stage, 0.0, x, 0):
                        return
                elif kind == "release":
                    if len(data) == 2 and tuple(data) == ("barrier", "index"):
                        x, y = data["barrier"], data["index"]
                        if type(x) is type(y) is int and append(RELEASE, t_ns, stage, 0.0, x, y):
                            return
                elif kind == "work_start":
                    if len(data) == 2 and tuple(data) == ("planned_s", "workload"):
                        planned, code = data["planned_s"], codes.get(data["workload"], -1)
                        known = type(planned) is float and code >= 0  # a workload in the table
                        if known and append(WORK_START, t_ns, stage, planned, code, 0):
                            return
                elif (encode := ENCODERS.get(kind)) is not None:
                    fields = encode(data, codes)
                    if fields is not None and append(fields[0], t_ns, stage, *fields[1:]):
                        return
            except struct.error:  # a value beyond its field (a barrier id over int32 …)
                pass
        # not a record shape, or the ring stayed full past the wait limit: the pipe takes it
        self._send_marked(kind, t_ns, stage, data)

    def _send_marked(self, kind: str, t_ns: int, stage: int | None, data: Any) -> None:
        """On the pipe, with the count of ring records before it (one atomic write)."""
        self._conn.send((kind, t_ns, self.party, self.pid, stage, data, self.writer.head))

    def close(self) -> None:
        self.writer.close()


_get_ident = threading.get_ident
_now = time.monotonic_ns
