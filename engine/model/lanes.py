"""The pieces the view model is made of: a lane per party, timeline spans and markers.

Why plain mutable dataclasses: the model updates a few fields of a few lanes per event at
100,000 events/s, and every view reads them once per frame; nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LaneState(StrEnum):
    IDLE = "idle"
    STARTING = "starting"
    WORKING = "working"
    WAITING = "waiting"
    RELEASED = "released"
    DONE = "done"
    BROKEN = "broken"
    DIED = "died"
    STOPPED = "stopped"


ALIVE = frozenset({LaneState.STARTING, LaneState.WORKING, LaneState.WAITING, LaneState.RELEASED})


@dataclass
class Lane:
    index: int
    name: str
    pid: int | None = None
    state: LaneState = LaneState.IDLE
    stage: int = 0
    work_start_ns: int | None = None
    planned_ns: int = 0
    progress_hint: float | None = None  # last real `progress` fraction (cpu work)
    progress_hint_ns: int = 0
    arrived_ns: int | None = None
    arrival_rank: int | None = None  # 1 = first to arrive in this generation
    released_ns: int | None = None
    last_index: int | None = None  # the wait() index this party received
    detail: str = ""  # why it broke or died
    presenter: bool = False  # this party is the presenter: its "work" waits for G
    held_before: int | None = None  # step-through mode: holding before this stage (0-based)
    barrier: int | None = None  # traced programs: the barrier (creation order) it last reached
    open_ended: bool = False  # work of unknown length (a traced program): show elapsed time
    exit_code: int | None = None  # its process's exit code, once it ended (<0: a signal)
    ended_ns: int | None = None  # when its process crashed or ended early
    suspended: bool = False  # its process is stopped (SIGSTOP, T state): it cannot move

    @property
    def presenter_turn(self) -> bool:
        """This is the presenter's lane and the gate waits for them to press G."""
        return self.presenter and self.state == LaneState.WORKING

    @property
    def killed_by_signal(self) -> bool:
        return self.exit_code is not None and self.exit_code < 0

    def progress(self, now_ns: int) -> float:
        """0..1 bar fill: interpolated while working, full from arrival on."""
        state = self.state
        if state in (LaneState.WAITING, LaneState.RELEASED, LaneState.DONE):
            return 1.0
        if self.work_start_ns is None or state == LaneState.IDLE:
            return 0.0
        if self.presenter and state == LaneState.WORKING:
            return 0.0  # no planned duration: the presenter's turn ends when they press G
        if state != LaneState.WORKING:  # broken/died/stopped: frozen where it was
            now_ns = self.arrived_ns or self.released_ns or now_ns
        planned = max(self.planned_ns, 1)
        guess = (now_ns - self.work_start_ns) / planned
        if self.progress_hint is not None:
            ahead = (now_ns - self.progress_hint_ns) / planned
            guess = self.progress_hint + min(ahead, 0.1)
        return min(max(guess, 0.0), 0.99 if state == LaneState.WORKING else 1.0)


@dataclass(frozen=True)
class Span:
    """A closed interval on the timeline: a party working or waiting in one stage."""

    party: int
    stage: int
    kind: str  # "work" | "wait"
    start_ns: int
    end_ns: int


@dataclass(frozen=True)
class Marker:
    """A point on the timeline: a release, an action, or where a step-through hold began
    ("hold": the first party held before `stage`) and ended ("continue")."""

    kind: str  # "release" | "action" | "hold" | "continue"
    t_ns: int
    stage: int
    party: int | None
    text: str = ""
