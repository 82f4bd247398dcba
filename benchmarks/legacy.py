"""The event path as it was before issue 7's optimisations, for before/after measurements.

`legacy_event_path()` swaps four methods back in (inherited by forked parties, so use the
fork start method): the pump's `poll()`/`recv()` drain loop, its supervise loop (a fresh
selector per wake-up via `multiprocessing.connection.wait`, no batch window), the sink's
`conn.send`, and the log's per-event `json.dumps`.  Only benchmarks use this; the engine never does.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from engine.core.event_log import EventLogWriter
from engine.core.events import Event, WireEvent
from engine.core.sink import ConnectionSink
from engine.sources.processes.pump import RunPump


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


def _old_supervise(self: RunPump, reader: Any) -> None:
    while self._live:
        waitables = [reader, self.wake_fd, *self._live, *self._ops]
        ready = multiprocessing.connection.wait(waitables, self._next_timeout())
        if self.wake_fd in ready:
            os.read(self.wake_fd, 4096)
        self.drain(reader)
        for sentinel in ready:
            if sentinel in self._live:
                self._on_exit(*self._live.pop(sentinel))
            elif sentinel in self._ops:
                self._ops.pop(sentinel).join()
        self._handle(self.watch.check_stranded(time.monotonic()))
        while self.requests:
            self._on_request(self.requests.popleft())
        self._run_due_timers()


def _old_emit(self: ConnectionSink, kind: str, stage: int | None, **data: Any) -> None:
    self._send((kind, time.monotonic_ns(), self.party, self.pid, stage, data))


def _old_write(self: EventLogWriter, events: Iterable[Event]) -> None:
    self._file.write("".join(e.to_json_line() + "\n" for e in events))
    self._file.flush()


@contextlib.contextmanager
def legacy_event_path() -> Iterator[None]:
    saved = (RunPump.drain, RunPump.supervise, ConnectionSink.emit, EventLogWriter.write)
    RunPump.drain = _old_drain  # type: ignore[method-assign]
    RunPump.supervise = _old_supervise  # type: ignore[method-assign]
    ConnectionSink.emit = _old_emit  # type: ignore[method-assign]
    EventLogWriter.write = _old_write  # type: ignore[method-assign]
    try:
        yield
    finally:
        RunPump.drain, RunPump.supervise = saved[0], saved[1]  # type: ignore[method-assign]
        ConnectionSink.emit, EventLogWriter.write = saved[2], saved[3]  # type: ignore[method-assign]
