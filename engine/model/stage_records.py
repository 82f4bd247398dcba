"""Per-stage facts of a run, kept incrementally: who started, arrived, was released, and when.

Why one book: the stage tables, the status strip's release skew, the barrier-semantics oracle
of the tests and the wait-state analysis all ask the same questions of the same events ("who
arrived last in stage 2?", "how long did Mage wait?").  They read these records instead of
each walking the event stream with rules of its own.  The view model keeps one book up to
date as batches arrive; `StageBook.from_events` builds one from a finished log.

A stage is one generation of one barrier, keyed by (barrier, stage).  A scenario run has one
barrier (named in `run_start`); a traced program may create several, each with its own stages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.core.events import Event

StageKey = tuple[int | None, int]  # (barrier id or None, 0-based stage)

# The kinds a stage record is made of; every other kind passes by the book untouched.
STAGE_KINDS = frozenset({"work_start", "arrive", "release", "action", "broken"})


@dataclass
class StageRecord:
    """One generation of one barrier, as its events told it (times are `t_ns`)."""

    barrier: int | None
    stage: int
    work_starts: dict[int, int] = field(default_factory=dict)  # party -> its work_start
    arrivals: dict[int, int] = field(default_factory=dict)  # party -> t_ns of `arrive`
    releases: dict[int, int] = field(default_factory=dict)  # party -> t_ns of `release`
    indices: dict[int, int] = field(default_factory=dict)  # party -> wait() return value
    broken: dict[int, int] = field(default_factory=dict)  # party -> t_ns its wait() raised
    action_t_ns: int | None = None
    action_party: int | None = None
    # The book's `version` when this record last changed: lets a reader that recomputes every
    # frame (the wait-state analysis) redo only the stages that moved.
    version: int = field(default=0, compare=False)

    @property
    def started(self) -> set[int]:
        """Parties that began this stage's work."""
        return set(self.work_starts)

    @property
    def last_arrival(self) -> int | None:
        return max(self.arrivals.values(), default=None)

    @property
    def last_arriver(self) -> int | None:
        """The party with the latest `arrive` (ties: the lower party number)."""
        if not self.arrivals:
            return None
        return max(sorted(self.arrivals), key=lambda p: self.arrivals[p])

    @property
    def tripper(self) -> int | None:
        """The arrival that let the barrier trip: the last one before the first release."""
        if not self.releases:
            return None
        first = min(self.releases.values())
        before = {p: t for p, t in self.arrivals.items() if t <= first}
        return max(before, key=lambda p: before[p]) if before else None

    @property
    def release_skew_ns(self) -> int | None:
        """Last release minus first release: how far apart "together" really was."""
        if not self.releases:
            return None
        return max(self.releases.values()) - min(self.releases.values())

    def wait_ns(self, party: int) -> int | None:
        """How long `party` stood at the barrier (arrive → release)."""
        if party not in self.arrivals or party not in self.releases:
            return None
        return self.releases[party] - self.arrivals[party]


class StageBook:
    """Every stage record of a run, in the order the stages were first seen.

    `merge_barriers` files every barrier's stage s under one record: the view of a program
    whose barriers are not told apart (the old single-table summary of a traced program)."""

    def __init__(self, *, merge_barriers: bool = False) -> None:
        self._records: dict[StageKey, StageRecord] = {}
        self._merge = merge_barriers
        self.run_barrier: int | None = None  # the scenario's barrier, from run_start
        self.spawns: dict[int, int] = {}  # party -> t_ns of its `spawn`
        self.latest: StageRecord | None = None  # the record the last stage event touched
        self.latest_release: StageRecord | None = None  # the record the last release touched
        self.t0_ns: int | None = None  # when the run started (run_start)
        # Change counters for readers that recompute every frame.  `version` counts absorbed
        # changes and never goes back (not even at a run_start); `epoch` counts run_starts, so
        # a reader knows its cached stages belong to a run that is gone.
        self.version = 0
        self.epoch = 0

    @classmethod
    def from_events(cls, events: Iterable[Event], *, merge_barriers: bool = False) -> StageBook:
        book = cls(merge_barriers=merge_barriers)
        book.apply(events)
        return book

    # ------------------------------------------------------------------ reading
    def records(self, barrier: int | None = None) -> list[StageRecord]:
        """The stages of one barrier (None: the run's own, or every barrier's if the run names
        none) that saw an arrival, in stage order."""
        wanted = barrier if barrier is not None else self.run_barrier
        chosen = [
            r
            for r in self._records.values()
            if r.arrivals and (wanted is None or self._merge or r.barrier == wanted)
        ]
        return sorted(chosen, key=lambda r: (r.stage, -1 if r.barrier is None else r.barrier))

    def all_records(self) -> list[StageRecord]:
        """Every stage of every barrier that saw an arrival, in (barrier, stage) order."""
        chosen = [r for r in self._records.values() if r.arrivals]
        return sorted(chosen, key=lambda r: (-1 if r.barrier is None else r.barrier, r.stage))

    def get(self, barrier: int | None, stage: int) -> StageRecord | None:
        return self._records.get(self._key(barrier, stage))

    def changed_since(self, version: int) -> list[StageRecord]:
        """Records (with or without arrivals) changed after `version`, in no particular order."""
        if version >= self.version:
            return []
        return [r for r in self._records.values() if r.version > version]

    # ------------------------------------------------------------------ updating
    def apply(self, events: Iterable[Event]) -> None:
        """Absorb events in order (any kind; only stage events and spawns are kept)."""
        for e in events:
            self.observe(e)

    def observe(self, e: Event) -> None:
        """Absorb one event (the view model calls this for each event of its batches)."""
        kind = e.kind
        if kind in STAGE_KINDS:
            self._apply_stage_event(e)
        elif kind == "run_start":
            version, epoch = self.version, self.epoch
            self.__init__(merge_barriers=self._merge)  # type: ignore[misc]
            self.version, self.epoch = version + 1, epoch + 1
            barrier = e.get("barrier")
            self.run_barrier = barrier if isinstance(barrier, int) else None
            self.t0_ns = e.t_ns
        elif kind == "spawn" and e.party is not None and e.party not in self.spawns:
            self.spawns[e.party] = e.t_ns
            self.version += 1

    def _key(self, barrier: int | None, stage: int) -> StageKey:
        return (None if self._merge else barrier, stage)

    def _apply_stage_event(self, e: Event) -> None:
        party, stage = e.party, e.stage
        if stage is None:
            return
        barrier = e.get("barrier", self.run_barrier)
        if not isinstance(barrier, int):
            barrier = self.run_barrier
        key = self._key(barrier, stage)
        record = self._records.get(key)
        if record is None:
            record = self._records[key] = StageRecord(key[0], stage)
        self.latest = record
        self.version += 1
        record.version = self.version
        kind = e.kind
        if kind == "action":
            record.action_t_ns, record.action_party = e.t_ns, party
        elif party is None:
            return
        elif kind == "arrive":
            record.arrivals[party] = e.t_ns
        elif kind == "release":
            record.releases[party] = e.t_ns
            self.latest_release = record
            index = e.get("index")
            if isinstance(index, int):
                record.indices[party] = index
        elif kind == "work_start":
            record.work_starts.setdefault(party, e.t_ns)
        elif kind == "broken":
            record.broken[party] = e.t_ns
