"""The Qt-free model the GUI paints: per-party lane state, timeline spans, the story so far.

Why it exists: events arrive in batches (a frame timer drains the runner); this model absorbs a
whole batch, then the widgets paint once from it.  Any event source (live run, replayed log,
traced program) feeds the same `apply()`, so the views cannot tell them apart.

Release is applied to the whole generation at once: the first `release` of a stage proves the
barrier tripped, so every party waiting in that generation is marked released in the same
update, even if their own `release` events land in the next batch (they then only fill in
their wait() index).
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from engine.core.events import Event
from engine.model.narrative import Narrator


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
    """A point on the timeline: a release or an action."""

    kind: str  # "release" | "action"
    t_ns: int
    stage: int
    party: int | None
    text: str = ""


@dataclass(frozen=True)
class LogLine:
    t_s: float
    party: int | None
    text: str
    kind: str


def exit_description(code: object) -> str:
    """ "killed by SIGKILL" / "exit code 1": how a process ended, for people."""
    if isinstance(code, int) and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


# Log lines that explain a failure (gui/failure_alert.py turns the first into a banner)
ALERT_KINDS = frozenset({"broken", "wedged", "stranded", "crash"})


@dataclass
class RunViewModel:
    lanes: list[Lane] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)
    parties: int = 0
    stages: int = 0
    t0_ns: int | None = None
    end_ns: int | None = None
    status: str = "idle"  # idle | running | passed | broken | died | stopped
    exit_code: int | None = None
    last_skew_ns: int | None = None
    action_banner: Marker | None = None
    actions_per_stage: dict[int, int] = field(default_factory=dict)
    version: int = 0  # bumps on every applied batch that changed something
    barriers: dict[int, int] = field(default_factory=dict)  # traced: barrier id -> parties
    _narrator: Narrator = field(default_factory=Narrator)
    _waiting_order: list[int] = field(default_factory=list)
    _stage_releases: dict[int, list[int]] = field(default_factory=dict)

    # ------------------------------------------------------------------ queries
    @property
    def n_waiting(self) -> int:
        return sum(1 for lane in self.lanes if lane.state == LaneState.WAITING)

    def waiting_at(self, barrier: int | None) -> int:
        """How many lanes wait at `barrier` (None: a scenario's one barrier)."""
        return sum(
            1 for lane in self.lanes if lane.state == LaneState.WAITING and lane.barrier == barrier
        )

    @property
    def current_stage(self) -> int:
        active = [lane.stage for lane in self.lanes if lane.state != LaneState.DONE]
        return min(active) if active else max((lane.stage for lane in self.lanes), default=0)

    def progress(self, lane: Lane, now_ns: int) -> float:
        """0..1 bar fill: interpolated while working, full from arrival on."""
        if lane.state in (LaneState.WAITING, LaneState.RELEASED, LaneState.DONE):
            return 1.0
        if lane.work_start_ns is None or lane.state == LaneState.IDLE:
            return 0.0
        if lane.presenter and lane.state == LaneState.WORKING:
            return 0.0  # no planned duration: the presenter's turn ends when they press G
        if lane.state != LaneState.WORKING:  # broken/died/stopped: frozen where it was
            now_ns = lane.arrived_ns or lane.released_ns or now_ns
        planned = max(lane.planned_ns, 1)
        guess = (now_ns - lane.work_start_ns) / planned
        if lane.progress_hint is not None:
            ahead = (now_ns - lane.progress_hint_ns) / planned
            guess = lane.progress_hint + min(ahead, 0.1)
        return min(max(guess, 0.0), 0.99 if lane.state == LaneState.WORKING else 1.0)

    def elapsed_s(self, now_ns: int) -> float:
        if self.t0_ns is None:
            return 0.0
        return ((self.end_ns or now_ns) - self.t0_ns) / 1e9

    def open_spans(self, now_ns: int) -> list[Span]:
        """Spans still growing (drawn up to `now`)."""
        out = []
        for lane in self.lanes:
            if lane.state == LaneState.WORKING and lane.work_start_ns is not None:
                out.append(Span(lane.index, lane.stage, "work", lane.work_start_ns, now_ns))
            elif lane.state == LaneState.WAITING and lane.arrived_ns is not None:
                out.append(Span(lane.index, lane.stage, "wait", lane.arrived_ns, now_ns))
        return out

    # ------------------------------------------------------------------ updates
    def apply(self, events: Iterable[Event]) -> bool:
        """Absorb a batch of events; True if anything changed."""
        changed = False
        for event in events:
            handler = getattr(self, f"_on_{event.kind}", None)
            if handler is not None:
                handler(event)
            line = self._narrator.line(event)
            if line is not None:
                self.log.append(
                    LogLine(self._narrator.relative_s(event), event.party, line, event.kind)
                )
            changed = True
        if changed:
            self.version += 1
        return changed

    def _lane(self, event: Event) -> Lane | None:
        if event.party is None or not 0 <= event.party < len(self.lanes):
            return None
        return self.lanes[event.party]

    def _on_run_start(self, e: Event) -> None:
        names = list(e.get("names", []))
        self.__init__()  # type: ignore[misc]  # a new run starts from a clean model
        self.lanes = [Lane(i, name, state=LaneState.STARTING) for i, name in enumerate(names)]
        self.parties = int(e.get("parties", len(names)))
        self.stages = int(e.get("stages", 1))
        self.t0_ns = e.t_ns
        self.status = "running"

    def _on_spawn(self, e: Event) -> None:
        if e.party is not None and e.party >= len(self.lanes):  # a traced program's new lane
            for index in range(len(self.lanes), e.party + 1):
                self.lanes.append(Lane(index, f"Process {index + 1}", state=LaneState.STARTING))
        if lane := self._lane(e):
            lane.pid = e.pid
            lane.name = str(e.get("name") or lane.name)

    def _on_barrier(self, e: Event) -> None:
        """A traced program created a barrier: the first one sets the gate's party count."""
        if not self.parties:
            self.parties = int(e.get("parties", 0))
        if e.get("barrier") is not None:
            self.barriers[int(e.get("barrier"))] = int(e.get("parties", 0))

    def _on_work_start(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.state = LaneState.WORKING
            lane.stage = e.stage or 0
            lane.work_start_ns = e.t_ns
            lane.planned_ns = int(float(e.get("planned_s", 0.0)) * 1e9)
            lane.progress_hint = None
            lane.arrived_ns = lane.arrival_rank = None
            lane.presenter = e.get("workload") == "presenter"
            lane.open_ended = e.get("workload") == "unknown"
            lane.held_before = None

    def _on_hold(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.held_before = e.stage

    def _on_progress(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.progress_hint = float(e.get("fraction", 0.0))
            lane.progress_hint_ns = e.t_ns

    def _on_arrive(self, e: Event) -> None:
        lane = self._lane(e)
        if lane is None:
            return
        if lane.work_start_ns is not None:
            self.spans.append(Span(lane.index, e.stage or 0, "work", lane.work_start_ns, e.t_ns))
        lane.state = LaneState.WAITING
        lane.stage = e.stage or 0
        lane.arrived_ns = e.t_ns
        lane.barrier = e.get("barrier")
        self._waiting_order.append(lane.index)
        lane.arrival_rank = sum(
            1 for i in self._waiting_order if self.lanes[i].barrier == lane.barrier
        )

    def _release_generation(self, t_ns: int, stage: int, barrier: int | None = None) -> None:
        """The barrier tripped: every party of this generation is released now.

        A traced program may wait at several barriers at once: only the lanes waiting at the
        barrier that tripped belong to its generation."""
        parties = self.barriers.get(barrier, self.parties) if barrier is not None else self.parties
        at = [i for i in self._waiting_order if self.lanes[i].barrier == barrier]
        generation = at[: max(parties, 1)]
        self._waiting_order = [i for i in self._waiting_order if i not in generation]
        for index in generation:
            lane = self.lanes[index]
            if lane.arrived_ns is not None:
                self.spans.append(Span(index, lane.stage, "wait", lane.arrived_ns, t_ns))
            lane.state = LaneState.RELEASED
            lane.released_ns = t_ns
        self._stage_releases[stage] = []
        self.markers.append(Marker("release", t_ns, stage, None))

    def _on_action(self, e: Event) -> None:
        stage = e.stage or 0
        marker = Marker("action", e.t_ns, stage, e.party, str(e.get("message", "")))
        self.markers.append(marker)
        self.action_banner = marker
        self.actions_per_stage[stage] = self.actions_per_stage.get(stage, 0) + 1

    def _on_release(self, e: Event) -> None:
        lane = self._lane(e)
        if lane is None:
            return
        stage = e.stage or 0
        if lane.state == LaneState.WAITING:
            self._release_generation(e.t_ns, stage, lane.barrier)
        lane.last_index = e.get("index")
        times = self._stage_releases.setdefault(stage, [])
        times.append(e.t_ns)
        self.last_skew_ns = max(times) - min(times)
        if stage + 1 >= self.stages:
            lane.state = LaneState.DONE

    def _on_broken(self, e: Event) -> None:
        if lane := self._lane(e):
            if lane.arrived_ns is not None and lane.state == LaneState.WAITING:
                self.spans.append(Span(lane.index, lane.stage, "wait", lane.arrived_ns, e.t_ns))
                self._waiting_order = [i for i in self._waiting_order if i != lane.index]
            lane.state = LaneState.BROKEN
            lane.released_ns = e.t_ns
            lane.detail = str(e.get("error") or "BrokenBarrierError")

    def _on_crash(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.state = LaneState.DIED
            lane.detail = str(e.get("error", ""))

    def _on_exit(self, e: Event) -> None:
        lane = self._lane(e)
        if lane is None or lane.state in (LaneState.DONE, LaneState.BROKEN, LaneState.DIED):
            return
        if e.get("exitcode") == 0:
            lane.state = LaneState.DONE
            return
        code = e.get("exitcode")
        if self.status == "stopping":
            lane.state = LaneState.STOPPED
        else:
            lane.state = LaneState.DIED
            lane.detail = lane.detail or exit_description(code)
        self._waiting_order = [i for i in self._waiting_order if i != lane.index]

    def _on_stop(self, e: Event) -> None:
        self.status = "stopping"

    def _on_run_end(self, e: Event) -> None:
        self.status = str(e.get("status", "finished"))
        self.exit_code = e.get("exit_code")
        self.end_ns = e.t_ns
