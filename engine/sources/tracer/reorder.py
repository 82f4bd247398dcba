"""Hand a traced program's events out in the order they happened, not the order they arrived.

Why: each traced process reports over its own socket, so when the last party arrives, the
parties it wakes can report their release before its own `arrive` has been read.  The story
then said "Warrior passes the barrier" before "Rogue is at the barrier" — a release before the
last arrival, the one thing a barrier forbids.  Every event carries the one monotonic clock of
the machine, so holding events for a few milliseconds and releasing them by timestamp restores
the real order at the cost of a delay no one can see.
"""

from __future__ import annotations

import heapq

from engine.core.events import Event

HOLD_NS = 30_000_000  # longer than a wake-up takes to be read on a busy machine


class TimeOrder:
    """A min-heap of events by (timestamp, arrival): `due` pops those older than the hold."""

    def __init__(self, hold_ns: int = HOLD_NS) -> None:
        self.hold_ns = hold_ns
        self._heap: list[tuple[int, int, Event]] = []
        self._seq = 0  # equal timestamps keep their arrival order

    def push(self, events: list[Event]) -> None:
        for event in events:
            heapq.heappush(self._heap, (event.t_ns, self._seq, event))
            self._seq += 1

    def due(self, now_ns: int) -> list[Event]:
        """The events at least `hold_ns` old, oldest first."""
        out = []
        while self._heap and self._heap[0][0] <= now_ns - self.hold_ns:
            out.append(heapq.heappop(self._heap)[2])
        return out

    def drain(self) -> list[Event]:
        """Everything still held, oldest first (the run is ending)."""
        out = [entry[2] for entry in sorted(self._heap)]
        self._heap.clear()
        return out

    def wait_s(self, now_ns: int) -> float | None:
        """Seconds until the oldest held event is due, or None when nothing is held."""
        if not self._heap:
            return None
        return max(self._heap[0][0] + self.hold_ns - now_ns, 0) / 1e9
