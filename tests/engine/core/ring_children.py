"""Child-process bodies for the ring tests (importable under spawn and forkserver).

Each body attaches its party's ring with a RingSink, emits a known sequence, and ends the way
the test needs: normally, or SIGKILLed by itself at an exact point.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from engine.core.barrier import InstrumentedBarrier
from engine.core.ring.codec import RELEASE
from engine.core.ring.layout import RECORD, RECORD_SIZE, RingPort
from engine.core.ring.sink import RingSink
from engine.core.sink import ConnectionSink, set_process_sink

Plan = list[tuple[str, int | None, dict[str, Any]]]


def emit_plan(port: RingPort, conn: Any, plan: Plan, kill_self: bool = False) -> None:
    """Emit `plan` through a RingSink; with `kill_self`, SIGKILL this process right after."""
    sink = RingSink(port, conn)
    for kind, stage, data in plan:
        sink.emit(kind, stage, **data)
    if kill_self:
        os.kill(os.getpid(), signal.SIGKILL)


def emit_both_ways(port: RingPort, ring_conn: Any, pipe_conn: Any, plan: Plan) -> None:
    """The same plan through today's ConnectionSink and through a RingSink, alternately."""
    ring, pipe = RingSink(port, ring_conn), ConnectionSink(pipe_conn, port.ring)
    for kind, stage, data in plan:
        pipe.emit(kind, stage, **data)
        ring.emit(kind, stage, **data)


def count_up(port: RingPort, conn: Any, count: int, crash_every: int = 0) -> None:
    """`count` events whose stage is their number; every `crash_every`-th one on the pipe.

    The kinds rotate through work_start, progress, arrive and release so that every record
    shape crosses the ring; a receiver checks stage == position for each party.
    """
    sink = RingSink(port, conn, wait_limit_s=60.0)
    for i in range(count):
        if crash_every and i % crash_every == crash_every - 1:
            sink.emit("crash", i, error=f"text that only the pipe carries #{i}")
        elif i % 4 == 0:
            sink.emit("work_start", i, planned_s=i / 8, workload="cpu")
        elif i % 4 == 1:
            sink.emit("progress", i, fraction=i / count)
        elif i % 4 == 2:
            sink.emit("arrive", i, barrier=port.ring)
        else:
            sink.emit("release", i, barrier=port.ring, index=i % 7)


def fill_then_wait(port: RingPort, conn: Any, count: int, wait_limit_s: float) -> None:
    """Emit `count` arrive events into a ring too small for them (the writer has to wait)."""
    sink = RingSink(port, conn, wait_limit_s=wait_limit_s)
    for i in range(count):
        sink.emit("arrive", i, barrier=1)


def die_between_store_and_publish(port: RingPort, conn: Any) -> None:
    """Emit one arrive, then store a release record and die before publishing it (the head
    store that `append` would do next never happens)."""
    sink = RingSink(port, conn)
    sink.emit("arrive", 0, barrier=5)
    writer, seq = sink.writer, sink.writer.head
    offset = writer._records + (seq & writer._mask) * RECORD_SIZE
    RECORD.pack_into(writer._buffer, offset, time.monotonic_ns(), 0.0, 0, 5, 2, RELEASE, seq + 1)
    os.kill(os.getpid(), signal.SIGKILL)


def wait_on_barrier(port: RingPort, conn: Any, barrier: InstrumentedBarrier) -> None:
    """A party on the real barrier: work_start, then wait() (arrive goes to the ring) …
    and SIGKILL itself from inside the wait, right after its arrive was emitted."""
    sink = RingSink(port, conn)
    set_process_sink(_KillAfterArrive(sink))
    sink.emit("work_start", 0, planned_s=0.0, workload="sleep")
    barrier.wait()


class _KillAfterArrive:
    """Passes every event on; after `arrive` it SIGKILLs its own process (a crash in wait)."""

    def __init__(self, sink: RingSink) -> None:
        self.sink = sink

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        self.sink.emit(kind, stage, **data)
        if kind == "arrive":
            os.kill(os.getpid(), signal.SIGKILL)
