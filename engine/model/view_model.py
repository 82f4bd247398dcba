"""The Qt-free model every view reads: lanes, timeline spans, the story, and the run's facts.

Why it exists: events arrive in batches (a frame timer drains the source); this model absorbs a
whole batch, then the widgets paint once from it.  Any event source (live run, replayed log,
traced program) feeds the same `apply()`, so the views cannot tell them apart.  It is the one
interpreter of the event stream: every question about a run ("is it broken? why? whose turn?
which stage is held? who arrived last?") is answered here as a typed fact — `status`
(RunStatus), `failure`/`followed_by` (Failure), `held_stage`, `presenter_turn`,
`counter_note`, `stage_book` — and views, the narrative and the headless run only read them.

Release is applied to the whole generation at once: the first `release` of a stage proves the
barrier tripped, so every party waiting in that generation is marked released in the same
update, even if their own `release` events land in the next batch (they then only fill in
their wait() index).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.core.events import Event
from engine.core.outcome import RunStatus
from engine.model.failure_tracker import FailureTracker, exit_description
from engine.model.failures import CounterNote, Failure, NoteTone
from engine.model.lanes import ALIVE, Lane, LaneState, Marker, Span
from engine.model.missing import (
    DEFAULT_THRESHOLD,
    MissingReport,
    MissingThreshold,
    MissingWatch,
    missing_line,
)
from engine.model.narrative import LogLine, LogTail, Narrator
from engine.model.stage_records import StageBook

__all__ = [
    "ALIVE",
    "Lane",
    "LaneState",
    "LogLine",
    "LogTail",
    "Marker",
    "MissingReport",
    "MissingThreshold",
    "RunStatus",
    "RunViewModel",
    "Span",
    "exit_description",
]


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
    status: RunStatus = RunStatus.IDLE
    exit_code: int | None = None
    action_banner: Marker | None = None
    actions_per_stage: dict[int, int] = field(default_factory=dict)
    version: int = 0  # bumps on every applied batch that changed something
    barriers: dict[int, int] = field(default_factory=dict)  # traced: barrier id -> parties
    app_ends_stuck_at_ns: int | None = None  # a stuck barrier: when the app ends it (wedged,
    # stranded without a timeout), from the event's `ends_in_s`; None in older logs
    stage_book: StageBook = field(default_factory=StageBook)  # per (barrier, stage) facts
    _failures: FailureTracker = field(default_factory=FailureTracker)
    _narrator: Narrator = field(default_factory=Narrator)
    _waiting_order: list[int] = field(default_factory=list)
    _missing: MissingWatch = field(default_factory=MissingWatch)

    # ------------------------------------------------------------------ lane queries
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
        return lane.progress(now_ns)

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

    @property
    def last_skew_ns(self) -> int | None:
        """Release skew of the stage released last (last release minus first)."""
        record = self.stage_book.latest_release
        return None if record is None else record.release_skew_ns

    # ------------------------------------------------------------------ presenter
    @property
    def held_stage(self) -> int | None:
        """Step-through mode: the (0-based) stage the parties are held before, or None."""
        if not self.status.live:
            return None
        held = [lane.held_before for lane in self.lanes if lane.held_before is not None]
        return min(held) if held else None

    @property
    def presenter_turn(self) -> bool:
        """Presenter gate: the presenter's lane is "working", i.e. the gate waits for G."""
        return self.status.live and any(lane.presenter_turn for lane in self.lanes)

    # ------------------------------------------------------------------ failures
    @property
    def failures(self) -> list[Failure]:
        """Every failure of the run so far, in order (deaths included)."""
        return self._failures.failures

    @property
    def failure(self) -> Failure | None:
        """The first cause of trouble (what a banner leads with); deaths are told by the
        failure they lead to (stranded, wedged, a timeout naming the dead party)."""
        return self._failures.first

    @property
    def followed_by(self) -> Failure | None:
        """What followed the first cause (the latest failure of another group), if anything."""
        return self._failures.followed_by

    @property
    def wedged(self) -> bool:
        return self._failures.wedged

    @property
    def wedged_party(self) -> int | None:
        return self._failures.wedged_party

    @property
    def stranded(self) -> bool:
        """Parties wait for a party that can never come (and nothing released or broke yet)."""
        return self._failures.stranded and self.n_waiting > 0 and not self.wedged

    @property
    def barrier_broken(self) -> bool:
        return self.status == RunStatus.BROKEN or any(
            lane.state == LaneState.BROKEN for lane in self.lanes
        )

    def ended_by_app(self, lane: Lane) -> bool:
        """The app ended this party's process because the barrier it waited at was wedged."""
        return (
            self.wedged
            and lane.state == LaneState.DIED
            and lane.index != self.wedged_party
            and lane.killed_by_signal
        )

    @property
    def counter_note(self) -> CounterNote | None:
        """What the gate counter says instead of "N of P at the barrier", if anything."""
        parties = self.parties or len(self.lanes)
        waiting = self.n_waiting
        if self.wedged:
            text = f"wedged: {waiting} of {parties} stuck" if waiting else "barrier wedged"
            return CounterNote(text, NoteTone.BROKEN)
        if self.stranded:
            return CounterNote(
                f"{waiting} of {parties} here — nobody left to come", NoteTone.BROKEN
            )
        if self.barrier_broken:
            return CounterNote("✖ barrier broken", NoteTone.BROKEN)
        if self.status == RunStatus.DIED:
            return CounterNote("☠ a party died", NoteTone.DIED)
        return None

    # ------------------------------------------------------------------ who is missing
    def missing(
        self, now_ns: int, threshold: MissingThreshold = DEFAULT_THRESHOLD
    ) -> MissingReport | None:
        """The parties a stage still lacks once it has waited longer than `threshold` (None:
        no stage waits that long, or the run is not running; the presenter's turn is no
        absence, it is the presenter gate)."""
        if self.status != RunStatus.RUNNING or self.presenter_turn:
            return None
        return self._missing.find(
            self.lanes, self.stage_book, self.parties, self.barriers, now_ns, threshold
        )

    def note_missing(
        self, now_ns: int, threshold: MissingThreshold = DEFAULT_THRESHOLD
    ) -> MissingReport | None:
        """`missing`, and the story's one line the first time a stage is found waiting."""
        report = self.missing(now_ns, threshold)
        if report is not None and report.key not in self._missing.told:
            self._missing.told.add(report.key)
            t_s = (now_ns - self.t0_ns) / 1e9 if self.t0_ns is not None else 0.0
            line = missing_line(report, len(self.barriers) > 1)
            self.log.append(LogLine(t_s, None, line, "missing"))
            self.version += 1
        return report

    # ------------------------------------------------------------------ updates
    def apply(self, events: Iterable[Event]) -> bool:
        """Absorb a batch of events; True if anything changed.  New story lines are appended
        to `log` (a `LogTail` hands each out once)."""
        changed = False
        for event in events:
            handler = getattr(self, f"_on_{event.kind}", None)
            if handler is not None:
                handler(event)  # run_start replaces the tracker, book and narrator below
            failure = self._failures.observe(event)
            self.stage_book.observe(event)
            line = self._narrator.tell(event, failure)
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
        names = [str(name) for name in e.get("names", [])]
        self.__init__()  # type: ignore[misc]  # a new run starts from a clean model
        self.lanes = [Lane(i, name, state=LaneState.STARTING) for i, name in enumerate(names)]
        self.parties = int(e.get("parties", len(names)))
        self.stages = int(e.get("stages", 1))
        self.t0_ns = e.t_ns
        self.status = RunStatus.RUNNING

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
            if lane.held_before is not None and self.markers and self.markers[-1].kind == "hold":
                self.markers.append(Marker("continue", e.t_ns, lane.held_before, None))
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
            if self.held_stage is None and e.stage is not None:  # the first party held
                self.markers.append(Marker("hold", e.t_ns, e.stage, None))
            lane.held_before = e.stage

    def _on_suspended(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.suspended = True

    def _on_resumed(self, e: Event) -> None:
        if lane := self._lane(e):
            lane.suspended = False

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
            if lane.ended_ns is None:
                lane.ended_ns = e.t_ns

    def _on_exit(self, e: Event) -> None:
        lane = self._lane(e)
        if lane is None:
            return
        code = e.get("exitcode")
        if isinstance(code, int) and not isinstance(code, bool):
            lane.exit_code = code
        if code not in (0, 3, None) and lane.ended_ns is None:
            lane.ended_ns = e.t_ns  # ended early (finished and broken parties just leave)
        if lane.state in (LaneState.DONE, LaneState.BROKEN, LaneState.DIED):
            return
        if code == 0:
            lane.state = LaneState.DONE
            return
        if self.status == RunStatus.STOPPING:
            lane.state = LaneState.STOPPED
        else:
            lane.state = LaneState.DIED
            lane.detail = lane.detail or exit_description(code)
        self._waiting_order = [i for i in self._waiting_order if i != lane.index]

    def _on_wedged(self, e: Event) -> None:
        self._note_ending(e)

    def _on_stranded(self, e: Event) -> None:
        self._note_ending(e)

    def _note_ending(self, e: Event) -> None:
        ends_in = e.get("ends_in_s")
        if isinstance(ends_in, int | float) and not isinstance(ends_in, bool) and ends_in >= 0:
            self.app_ends_stuck_at_ns = e.t_ns + int(ends_in * 1e9)

    def _on_stop(self, e: Event) -> None:
        if self.status.live:
            self.status = RunStatus.STOPPING

    def _on_run_end(self, e: Event) -> None:
        self.status = RunStatus.ended(e.get("status"))
        self.exit_code = e.get("exit_code")
        self.end_ns = e.t_ns
