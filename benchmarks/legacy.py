"""The event path as it was before issue 7's optimisations, for before/after measurements.

`legacy_event_path()` swaps three methods back in (inherited by forked parties, so use the
fork start method): the pump's `poll()`/`recv()` drain loop, the sink's `conn.send`, and the
log's per-event `json.dumps`.  Only benchmarks use this; the engine never does.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

from engine.event_log import EventLogWriter
from engine.events import Event, WireEvent
from engine.run_pump import RunPump
from engine.sink import ConnectionSink


def _old_drain(self: RunPump, reader: Any) -> None:
    batch: list[Event] = []
    try:
        while reader.poll():
            wire: WireEvent = reader.recv()
            batch.append(Event.from_wire(wire))
    except (EOFError, OSError):
        pass
    if not batch:
        return
    self.deliver(batch)
    for event in batch:
        self._handle(self.watch.observe(event))
        self._schedule_faults(event)
        follow = getattr(self, "_follow_presenter", None)
        if follow is not None:
            follow(event)


def _old_emit(self: ConnectionSink, kind: str, stage: int | None, **data: Any) -> None:
    self._send((kind, time.monotonic_ns(), self.party, self.pid, stage, data))


def _old_write(self: EventLogWriter, events: Iterable[Event]) -> None:
    self._file.write("".join(e.to_json_line() + "\n" for e in events))
    self._file.flush()


@contextlib.contextmanager
def legacy_event_path() -> Iterator[None]:
    saved = (RunPump.drain, ConnectionSink.emit, EventLogWriter.write)
    RunPump.drain = _old_drain  # type: ignore[method-assign]
    ConnectionSink.emit = _old_emit  # type: ignore[method-assign]
    EventLogWriter.write = _old_write  # type: ignore[method-assign]
    try:
        yield
    finally:
        RunPump.drain, ConnectionSink.emit, EventLogWriter.write = saved  # type: ignore[method-assign]
