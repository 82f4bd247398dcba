"""Events held back until the frame that shows their moment, and the source clock over wall time.

Why: a recording must show every moment of a run, one real frame per 1/30 s, even when the GUI
thread could not draw for a while (forking the parties, building a view, a slow encoder).  So
while a recording draws the frames, the controller does not hand events to the view model as
they arrive; it keeps them here, and each frame takes exactly the events stamped up to the
moment it shows.  A frame drawn late is then still a true picture of its moment, never a copy
of the frame before it.  Qt-free: plain data, tested on its own.
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from dataclasses import dataclass

from engine.core.events import Event

# An event whose stamp is not on the source's clock (a foreign program with its own clock)
# must not wait for ever: it is shown at the latest this long after it arrived.
LATEST_AFTER_ARRIVAL_NS = 1_000_000_000


@dataclass(frozen=True)
class Held:
    event: Event
    due_ns: int  # the largest stamp so far: an event is due once everything before it is
    arrived_ns: int  # wall clock when the controller collected it
    segment: int  # which source (run) it came from


class HeldEvents:
    """Events in arrival order, handed out by the moment they happened.

    An event is due once it *and every event that arrived before it* are due (stamps of
    different processes can be a little out of order; the model must see them in the order the
    run delivered them, as a live run and a replay do)."""

    def __init__(self) -> None:
        self._queue: deque[Held] = deque()
        self._high_ns: int | None = None
        self.segment = 0

    def __len__(self) -> int:
        return len(self._queue)

    def new_segment(self) -> None:
        """A new source starts: its stamps are on its own clock."""
        self.segment += 1
        self._high_ns = None

    def add(self, events: list[Event], arrived_ns: int) -> None:
        for event in events:
            high = event.t_ns if self._high_ns is None else max(self._high_ns, event.t_ns)
            self._high_ns = high
            self._queue.append(Held(event, high, arrived_ns, self.segment))

    def take_due(self, source_ns: int, wall_ns: int | None = None) -> list[Event]:
        """Every event due at `source_ns` (and, with `wall_ns`, any that waited too long).
        Events of an older segment than the newest are always due: that run is over."""
        out: list[Event] = []
        queue = self._queue
        while queue:
            held = queue[0]
            late = wall_ns is not None and held.arrived_ns + LATEST_AFTER_ARRIVAL_NS <= wall_ns
            if held.segment == self.segment and held.due_ns > source_ns and not late:
                break
            out.append(queue.popleft().event)
        return out

    def take_all(self) -> list[Event]:
        out = [held.event for held in self._queue]
        self._queue.clear()
        return out


class ClockTrack:
    """Samples of (wall clock, source clock) so a frame for a past wall moment can ask what
    the source's clock read then.  Live sources read the wall clock itself (the mapping is the
    identity); a replay maps wall time onto its recorded clock at its speed, and is paused or
    moved only from the GUI thread, never inside a stall, so interpolating between samples is
    exact where it matters."""

    KEEP = 4096  # samples, ~1 minute of 16 ms ticks: far more than any recording lags

    def __init__(self) -> None:
        self._walls: list[int] = []
        self._samples: list[tuple[int, int, int]] = []  # (wall, source, segment)
        self._segment = 0

    def new_segment(self) -> None:
        self._segment += 1

    def sample(self, wall_ns: int, source_ns: int) -> None:
        if self._walls and wall_ns < self._walls[-1]:
            return
        self._walls.append(wall_ns)
        self._samples.append((wall_ns, source_ns, self._segment))
        if len(self._walls) > 2 * self.KEEP:
            del self._walls[: self.KEEP], self._samples[: self.KEEP]

    def wall_at(self, source_ns: int) -> int | None:
        """When, on the wall clock, the current source's clock read `source_ns` (the inverse
        of `at`, within the current source); None before anything was sampled for it."""
        current = [(w, s) for w, s, seg in self._samples[-64:] if seg == self._segment]
        if not current:
            return None
        for (wall, source), (next_wall, next_source) in itertools.pairwise(current):
            if source <= source_ns <= next_source and next_source > source:
                return wall + (next_wall - wall) * (source_ns - source) // (next_source - source)
        first_wall, first_source = current[0]
        if source_ns < first_source:
            return first_wall
        last_wall, last_source = current[-1]
        return last_wall + (source_ns - last_source)

    def at(self, wall_ns: int) -> int:
        """The source clock at `wall_ns`; the wall clock itself when nothing was sampled."""
        samples = self._samples
        if not samples:
            return wall_ns
        i = bisect.bisect_right(self._walls, wall_ns) - 1
        if i < 0:
            return samples[0][1]  # before the first sample: where that source began
        wall, source, segment = samples[i]
        if i + 1 < len(samples) and samples[i + 1][2] == segment:
            next_wall, next_source, _ = samples[i + 1]
            span = next_wall - wall
            return source + (next_source - source) * (wall_ns - wall) // span if span else source
        slope_num, slope_den = 1, 1  # after the last sample: the last known rate, or 1
        if i > 0 and samples[i - 1][2] == segment and wall > samples[i - 1][0]:
            slope_num, slope_den = source - samples[i - 1][1], wall - samples[i - 1][0]
        return source + (wall_ns - wall) * slope_num // slope_den
