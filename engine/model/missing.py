"""Who is missing: the parties a barrier stage has waited for too long, as facts.

Why in the model: "stage 2 has waited 6 s for Straggler, still working; Propulsion died" is an
interpretation of the events (who arrived, who did not, who is alive) and the view model is
the one place that interprets them.  Time passes without events, so the caller says when "now"
is; the threshold says how long is too long.

A stage waits from its first arrival until it trips.  Too long is `factor` × the median time a
stage took so far (first release − its start), and at least `floor_s`.  Before any stage has
tripped, the median is that of the parties that reached the first stage (arrival − work
start): a demo whose parties all work 1–4 s is not "missing" anyone, a hang still is.

The parties listed are those that have not arrived at that stage: still working, waiting at
another barrier (a traced program), or gone (died, or finished).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from engine.model.lanes import ALIVE, Lane, LaneState
from engine.model.stage_records import StageBook, StageKey, StageRecord

DEFAULT_FACTOR = 3.0
DEFAULT_FLOOR_S = 2.0


@dataclass(frozen=True)
class MissingThreshold:
    """How long a stage may wait before its missing parties are named."""

    factor: float = DEFAULT_FACTOR  # × the median stage time so far
    floor_s: float = DEFAULT_FLOOR_S  # and never less than this

    def __post_init__(self) -> None:
        if not (self.factor > 0 and self.floor_s >= 0):
            raise ValueError("factor must be > 0 and floor_s >= 0")

    def seconds(self, median_s: float | None) -> float:
        return self.floor_s if median_s is None else max(self.floor_s, self.factor * median_s)


DEFAULT_THRESHOLD = MissingThreshold()


@dataclass(frozen=True)
class MissingParty:
    """One party a waiting stage still lacks, as the events tell it."""

    party: int
    name: str
    pid: int | None
    state: LaneState  # working, starting, waiting (elsewhere), died, done, stopped, broken
    alive: bool  # its process (thread, task) has not ended
    exit_code: int | None  # once ended: <0 is the signal that ended it
    detail: str  # why it died, if it did
    since_ns: int | None  # when its current state began (work start, arrival, end)
    waiting_at: int | None  # a traced program: the barrier it waits at instead


@dataclass(frozen=True)
class MissingReport:
    """A stage that has waited longer than the threshold, and who it waits for."""

    barrier: int | None
    stage: int
    first_arrival_ns: int
    waited_ns: int
    threshold_ns: int
    arrived: tuple[int, ...]
    parties: tuple[MissingParty, ...]
    absent: int  # parties the barrier needs for which there is no process at all

    @property
    def key(self) -> StageKey:
        return (self.barrier, self.stage)


def stage_times(book: StageBook) -> list[float]:
    """Seconds each tripped stage took: its first release − its start (its earliest work
    start, else the previous stage's first release of the same barrier, else the run start)."""
    out: list[float] = []
    previous: dict[int | None, int] = {}
    for record in book.all_records():  # (barrier, stage) order
        if not record.releases:
            continue
        tripped = min(record.releases.values())
        before = previous.get(record.barrier, book.t0_ns)
        start = min(record.work_starts.values(), default=before)
        if start is not None and tripped >= start:
            out.append((tripped - start) / 1e9)
        previous[record.barrier] = tripped
    return out


def arrived_work_s(record: StageRecord, t0_ns: int | None) -> float | None:
    """The median time the parties that reached this stage took (arrival − work start): the
    "stage time so far" of a first stage, before any stage has tripped."""
    took = [
        (t - start) / 1e9
        for p, t in record.arrivals.items()
        if (start := record.work_starts.get(p, t0_ns)) is not None and t >= start
    ]
    return statistics.median(took) if took else None


class MissingWatch:
    """Finds the missing parties for a view model; the median stage time is kept until a new
    stage trips, so asking every frame stays cheap for 256 parties × 100 stages."""

    def __init__(self) -> None:
        self._median_key: tuple[int, StageKey | None] | None = None
        self._median: float | None = None
        self.told: set[StageKey] = set()  # stages the story already named the missing of

    def median_s(self, book: StageBook) -> float | None:
        latest = book.latest_release
        key = (book.epoch, None if latest is None else (latest.barrier, latest.stage))
        if key != self._median_key:
            times = stage_times(book)
            self._median = statistics.median(times) if times else None
            self._median_key = key
        return self._median

    def find(
        self,
        lanes: Sequence[Lane],
        book: StageBook,
        parties: int,
        barriers: dict[int, int],
        now_ns: int,
        threshold: MissingThreshold,
    ) -> MissingReport | None:
        """The stage waiting longest, if it has waited longer than `threshold`."""
        first: dict[tuple[int | None, int], int] = {}
        for lane in lanes:
            if lane.state == LaneState.WAITING and lane.arrived_ns is not None:
                key = (lane.barrier, lane.stage)
                if key not in first or lane.arrived_ns < first[key]:
                    first[key] = lane.arrived_ns
        if not first:
            return None
        key, since = min(first.items(), key=lambda kv: kv[1])
        waited = now_ns - since
        if waited < threshold.floor_s * 1e9:  # cheap exit: no median needed yet
            return None
        record = book.get(*key) or book.get(book.run_barrier, key[1])
        if record is None or record.releases:
            return None
        median = self.median_s(book)
        if median is None:  # the first stage: how long the parties that came took
            median = arrived_work_s(record, book.t0_ns)
        limit = round(threshold.seconds(median) * 1e9)
        if waited < limit:
            return None
        report = self._report(lanes, record, parties, barriers, since, waited, limit)
        # everyone came and it still waits (a party died inside wait(): wedged): the failure
        # facts tell that story; nobody is missing
        return report if report.parties or report.absent else None

    @staticmethod
    def _report(
        lanes: Sequence[Lane],
        record: StageRecord,
        parties: int,
        barriers: dict[int, int],
        since: int,
        waited: int,
        limit: int,
    ) -> MissingReport:
        arrived = tuple(sorted(record.arrivals))
        needed = barriers.get(record.barrier, parties) if record.barrier is not None else parties
        missing = [_missing(lane) for lane in lanes if lane.index not in record.arrivals]
        absent = max(needed - len(arrived) - len(missing), 0) if needed else 0
        return MissingReport(
            record.barrier,
            record.stage,
            since,
            waited,
            limit,
            arrived,
            tuple(missing),
            absent,
        )


def _missing(lane: Lane) -> MissingParty:
    state = lane.state
    if state == LaneState.WORKING:
        since = lane.work_start_ns
    elif state == LaneState.WAITING:
        since = lane.arrived_ns
    else:
        since = lane.ended_ns or lane.released_ns
    return MissingParty(
        party=lane.index,
        name=lane.name,
        pid=lane.pid,
        state=state,
        alive=state in ALIVE,
        exit_code=lane.exit_code,
        detail=lane.detail,
        since_ns=since,
        waiting_at=lane.barrier if state == LaneState.WAITING else None,
    )


def missing_line(report: MissingReport, several_barriers: bool = False) -> str:
    """The story's one line for a stage that waits too long (names, pids, what they do)."""
    label = f"Stage {report.stage + 1}"
    if several_barriers and report.barrier is not None:
        label = f"Barrier #{report.barrier} stage {report.stage + 1}"
    shown = [_who(p, report.first_arrival_ns + report.waited_ns) for p in report.parties[:3]]
    more = len(report.parties) - len(shown)
    if more > 0:
        shown.append(f"{more} more")
    if report.absent:
        parties = "party" if report.absent == 1 else "parties"
        shown.append(f"{report.absent} {parties} that no process will ever be")
    who = ", ".join(shown) or "nobody that can come"
    return f"Who is missing: {label} has waited {report.waited_ns / 1e9:.1f} s for {who}."


def _who(p: MissingParty, now_ns: int) -> str:
    pid = f"pid {p.pid}" if p.pid is not None else "no pid"
    if p.state == LaneState.WORKING and p.since_ns is not None:
        doing = f"working for {(now_ns - p.since_ns) / 1e9:.1f} s"
    elif p.state == LaneState.WAITING:
        doing = f"waiting at barrier #{p.waiting_at}" if p.waiting_at is not None else "waiting"
    elif p.alive:
        doing = str(p.state)
    else:
        doing = p.detail or str(p.state)
    return f"{p.name} ({pid}, {doing})"
