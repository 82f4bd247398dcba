"""Replay a recorded run with its recorded timings, through the same interface as a live run.

Why: a talk can show a run recorded earlier, and the views cannot tell the difference — the
replay hands out the recorded events as their time comes, and `now_ns()` maps the wall clock
onto the recorded clock so interpolated bars and growing spans look exactly as they did live.
Pause, seek and speed change are its capabilities; seeking re-issues the run from its start
(the view model resets on run_start) up to the target time in one batch.  It takes commands
whenever it exists, before start and after its end too: the replay bar scrubs an ended replay
and hands it to the run controller again.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time

from engine.core.events import Event
from engine.core.outcome import RunOutcome, RunStatus
from engine.sources.base import Source
from engine.sources.commands import Capability, Command, Pause, Seek, SetSpeed, Stop


class ReplaySource(Source):
    capabilities = frozenset({Capability.STOP, Capability.PAUSE, Capability.SEEK, Capability.SPEED})

    def __init__(self, events: list[Event], speed: float = 1.0) -> None:
        if not events:
            raise ValueError("nothing to replay")
        if not speed > 0:
            raise ValueError("speed must be > 0")
        super().__init__()
        # Recorded order, not time order: events of different processes can be stamped a
        # little out of order, and the views must see them as the live run delivered them.
        # An event is due once it and every event recorded before it are due.
        self.events = list(events)
        self._times = list(itertools.accumulate((e.t_ns for e in self.events), max))
        self.t0_ns = next((e.t_ns for e in self.events if e.kind == "run_start"), self._times[0])
        self.end_ns = self._times[-1]
        self.speed = speed
        self._position_ns = self.t0_ns  # recorded time reached so far
        self._wall_anchor: int | None = None  # wall clock when playing started (None = paused)
        self._next = 0  # index of the next event to hand out
        self._stopped = False
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- clock
    def now_ns(self) -> int:
        """The recorded-clock time the replay has reached (use instead of monotonic_ns)."""
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> int:
        if self._wall_anchor is None:
            return self._position_ns
        elapsed = (time.monotonic_ns() - self._wall_anchor) * self.speed
        return min(self._position_ns + int(elapsed), self.end_ns)

    def duration_s(self) -> float:
        return (self.end_ns - self.t0_ns) / 1e9

    def position_s(self) -> float:
        return (self.now_ns() - self.t0_ns) / 1e9

    # ---------------------------------------------------------------- control
    def start(self) -> None:
        self._play()

    @property
    def accepting(self) -> bool:
        return True

    def _accept(self, command: Command) -> None:
        match command:
            case Pause(paused):
                self._pause() if paused else self._play()
            case Seek(t_s):
                self._seek(t_s)
            case SetSpeed(speed):
                self._set_speed(speed)
            case Stop():
                self._stop()

    @property
    def playing(self) -> bool:
        return self._wall_anchor is not None

    def _play(self) -> None:
        with self._lock:
            if self._wall_anchor is None and not self._stopped:
                self._wall_anchor = time.monotonic_ns()

    def _pause(self) -> None:
        with self._lock:
            self._position_ns = self._now_locked()
            self._wall_anchor = None

    def _set_speed(self, speed: float) -> None:
        with self._lock:
            playing = self._wall_anchor is not None
            self._position_ns = self._now_locked()
            self._wall_anchor = time.monotonic_ns() if playing else None
            self.speed = speed

    def _seek(self, position_s: float) -> None:
        """Jump to `position_s` seconds after the run start; the next poll() re-issues the run."""
        with self._lock:
            target = self.t0_ns + int(max(position_s, 0.0) * 1e9)
            self._position_ns = min(target, self.end_ns)
            if self._wall_anchor is not None:
                self._wall_anchor = time.monotonic_ns()
            self._next = 0

    def _stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._position_ns = self._now_locked()
            self._wall_anchor = None

    # ---------------------------------------------------------------- events
    def poll(self) -> list[Event]:
        with self._lock:
            now = self._now_locked()
            upto = bisect.bisect_right(self._times, now)
            batch = self.events[self._next : upto] if upto > self._next else []
            self._next = max(self._next, upto)
        return batch

    def wait_events(self, timeout: float) -> list[Event]:
        """poll(), after sleeping until the next event is due (at most `timeout`)."""
        with self._lock:
            due = self._times[self._next] if self._next < len(self._times) else None
            now, playing = self._now_locked(), self._wall_anchor is not None
        if due is not None and playing and due > now:
            time.sleep(min((due - now) / 1e9 / self.speed, timeout))
        return self.poll()

    @property
    def done(self) -> bool:
        return self._stopped or self._next >= len(self.events)

    def join(self, timeout: float | None = None) -> bool:
        return self.done

    @property
    def outcome(self) -> RunOutcome | None:
        if not self.done:
            return None
        end = next((e for e in reversed(self.events) if e.kind == "run_end"), None)
        if end is None:
            return RunOutcome(RunStatus.DIED, "the recorded log ends before run_end")
        return RunOutcome(RunStatus.ended(end.get("status")), str(end.get("reason", "")))
