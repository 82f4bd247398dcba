"""What every event source offers the views: a live run, a replay, a traced program, MPI ranks.

Why a Protocol: the GUI and the headless loop must not be able to tell sources apart (STYLE
practice 3).  Optional abilities are named in `capabilities`; a source without a `now_ns`
method runs on `time.monotonic_ns()`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from engine.core.events import Event
from engine.core.outcome import RunOutcome

# Names used in `capabilities`
ABORT, RESET, KILL, GATE, STEP = "abort", "reset", "kill", "gate", "step"
PAUSE, SEEK, SPEED = "pause", "seek", "speed"


@runtime_checkable
class RunSource(Protocol):
    capabilities: frozenset[str]
    events: list[Event]

    def start(self) -> None: ...
    def poll(self) -> list[Event]: ...
    def wait_events(self, timeout: float) -> list[Event]: ...
    def stop(self) -> None: ...
    def join(self, timeout: float | None = None) -> bool: ...

    @property
    def done(self) -> bool: ...

    @property
    def outcome(self) -> RunOutcome | None: ...
