"""Scalasca's wait states of a barrier run, per stage and per party, recomputed cheaply.

The definitions (kept exactly, so a reader can check every number against the log):
for each barrier and stage (generation), over the parties that arrived,
- the last arriver is the party with the latest `arrive` (ties: the lower party number);
- wait at barrier of p = latest `arrive` − `arrive` of p (0 for the last arriver);
- completion of p = `release` of p − the earliest `release` (parties that released);
- delay cost = Σ wait at barrier of the stage, charged to the last arriver;
- work of p = `arrive` of p − its start: its `work_start` of that stage if the log has one,
  else its previous `release` (its latest one, on any barrier, not after the arrival), else
  its `spawn` (a party with none of the three has no work in that stage);
- load balance = mean work ÷ max work (1.0 when all work is 0).
For the run: the critical path is the last arrivers in (barrier, stage) order; the load balance
is Σ per-stage mean work ÷ Σ per-stage max work; a party's totals add its stages up.

Why an analyser object: the GUI asks every frame, for up to 256 parties and many stages.  It
keeps the stages it computed and redoes only those the `StageBook` says changed (the book's
version counters); the per-party totals are kept in integer nanoseconds, so adding a stage's
new figures and taking its old ones away is exact.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from engine.core.events import Event
from engine.model.stage_records import StageBook, StageKey, StageRecord

StageOutcome = Literal["released", "broken", "open"]
StartSource = Literal["work_start", "release", "spawn"]


@dataclass(frozen=True, slots=True)
class StageWaitStates:
    """One generation of one barrier, measured.  Times are `t_ns` of the shared clock; the
    `*_ns` maps hold the parties the definitions cover (arrived, released, with a start)."""

    barrier: int | None
    stage: int
    outcome: StageOutcome  # released (the barrier tripped), broken, or still open
    last_arriver: int
    last_arrival_ns: int
    arrivals_ns: Mapping[int, int]
    releases_ns: Mapping[int, int]
    starts_ns: Mapping[int, int]  # the start work is measured from
    start_sources: Mapping[int, StartSource]
    # The stage whose release a start follows (the release itself, or the release before its
    # work_start); None: the start stands on its own (a spawn, or a first work_start).
    start_after: Mapping[int, StageKey | None]
    wait_ns: Mapping[int, int]  # wait at barrier
    completion_ns: Mapping[int, int]
    work_ns: Mapping[int, int]
    delay_cost_ns: int
    mean_work_ns: float
    max_work_ns: int
    load_balance: float

    @property
    def key(self) -> StageKey:
        return (self.barrier, self.stage)


@dataclass(frozen=True, slots=True)
class PartyWaitStates:
    """One party's totals over every stage (nanoseconds; `last_count` stages it arrived last)."""

    party: int
    work_ns: int
    wait_ns: int
    completion_ns: int
    delay_cost_ns: int
    last_count: int


@dataclass(frozen=True, slots=True)
class RunWaitStates:
    """The whole run: stages in (barrier, stage) order; parties by number (those asked for and
    every party a stage measured)."""

    stages: tuple[StageWaitStates, ...]
    parties: tuple[PartyWaitStates, ...]
    critical_path: tuple[int, ...]
    load_balance: float
    several_barriers: bool  # stages of more than one barrier (a traced program)

    def stage(self, barrier: int | None, stage: int) -> StageWaitStates | None:
        return next((s for s in self.stages if s.key == (barrier, stage)), None)


def balance(mean: float, maximum: float) -> float:
    """mean ÷ max, 1.0 when there is no work at all (nothing to balance)."""
    return mean / maximum if maximum > 0 else 1.0


def _order(key: StageKey) -> tuple[int, int]:
    barrier, stage = key
    return (-1 if barrier is None else barrier, stage)


class WaitStateAnalyser:
    """Keeps a `RunWaitStates` up to date with one `StageBook`; `update` is cheap when little
    changed (nothing: the same object back; one stage: that stage and the totals)."""

    def __init__(self) -> None:
        self._book: StageBook | None = None  # held, not its id: an id can be reused
        self._reset(epoch=-1)

    def _reset(self, epoch: int) -> None:
        self._epoch = epoch
        self._version = -1
        self._spawns = 0
        self._listed: Collection[int] = ()
        self._stages: dict[StageKey, StageWaitStates] = {}
        self._keys: list[tuple[int, int]] = []  # sorted order keys of self._stages
        self._key_of: dict[tuple[int, int], StageKey] = {}
        # party -> its release times, sorted, and the stage of each (parallel lists)
        self._release_times: dict[int, list[int]] = {}
        self._release_keys: dict[int, list[StageKey]] = {}
        self._indexed: dict[StageKey, dict[int, int]] = {}  # releases already filed
        self._latest_use: dict[int, int] = {}  # party -> latest arrive measured
        self._totals: dict[int, list[int]] = {}  # party -> work, wait, completion, delay, last
        self._party_rows: dict[int, PartyWaitStates] = {}  # built from _totals, kept if clean
        self._dirty: set[int] = set()  # parties whose totals changed since they were built
        self._everyone: list[int] = []  # the parties listed last time, in order
        self._everyone_for: tuple[Collection[int], int] | None = None  # (listed, len(rows))
        self._result: RunWaitStates | None = None

    def update(self, book: StageBook, parties: Collection[int] = ()) -> RunWaitStates:
        """The wait states of everything `book` holds now; `parties` (e.g. `range(n)`) are
        listed even if they never arrived anywhere."""
        if book is not self._book or book.epoch != self._epoch:
            self._reset(book.epoch)
            self._book = book
        if self._result is not None and book.version == self._version and parties == self._listed:
            return self._result
        changed = book.changed_since(self._version)
        everything = len(book.spawns) != self._spawns
        for record in changed:
            everything |= self._index_releases(record)
        if everything:
            changed = book.all_records()
        for record in changed:
            if record.arrivals:
                self._put(self._measure(record, book.spawns))
        self._version, self._spawns, self._listed = book.version, len(book.spawns), parties
        self._result = self._assemble(parties)
        return self._result

    # ------------------------------------------------------------------ one stage
    def _index_releases(self, record: StageRecord) -> bool:
        """File the record's new releases per party; True if one lands at or before something
        already measured (out-of-order delivery): then every stage is measured again."""
        key = (record.barrier, record.stage)
        done = self._indexed.setdefault(key, {})
        late = False
        for party, t in record.releases.items():
            old = done.get(party)
            if old == t:
                continue
            times = self._release_times.setdefault(party, [])
            keys = self._release_keys.setdefault(party, [])
            if old is not None:  # a second release of one stage replaces the first
                i = bisect.bisect_left(times, old)
                while keys[i] != key:
                    i += 1
                del times[i], keys[i]
                late = True
            i = bisect.bisect_right(times, t)
            times.insert(i, t)
            keys.insert(i, key)
            done[party] = t
            late |= t <= self._latest_use.get(party, -1)
        return late

    def _release_before(self, party: int, t_ns: int) -> tuple[int, StageKey] | None:
        times = self._release_times.get(party)
        if not times:
            return None
        i = bisect.bisect_right(times, t_ns)
        return (times[i - 1], self._release_keys[party][i - 1]) if i else None

    def _measure(self, r: StageRecord, spawns: Mapping[int, int]) -> StageWaitStates:
        arrivals = dict(r.arrivals)
        releases = dict(r.releases)
        last = max(sorted(arrivals), key=arrivals.__getitem__)
        last_t = arrivals[last]
        wait = {p: last_t - t for p, t in arrivals.items()}
        first_release = min(releases.values(), default=0)
        completion = {p: t - first_release for p, t in releases.items()}
        starts: dict[int, int] = {}
        sources: dict[int, StartSource] = {}
        after: dict[int, StageKey | None] = {}
        for p, arrived in arrivals.items():
            latest = self._latest_use.get(p, -1)
            if arrived > latest:
                self._latest_use[p] = arrived
            began = r.work_starts.get(p)
            if began is not None:
                before = self._release_before(p, began)
                starts[p], sources[p] = began, "work_start"
                after[p] = before[1] if before is not None else None
                continue
            before = self._release_before(p, arrived)
            if before is not None:
                starts[p], sources[p], after[p] = before[0], "release", before[1]
            elif p in spawns:
                starts[p], sources[p], after[p] = spawns[p], "spawn", None
        work = {p: arrivals[p] - t for p, t in starts.items()}
        mean = sum(work.values()) / len(work) if work else 0.0
        top = max(work.values(), default=0)
        outcome: StageOutcome = "released" if releases else "broken" if r.broken else "open"
        return StageWaitStates(
            barrier=r.barrier,
            stage=r.stage,
            outcome=outcome,
            last_arriver=last,
            last_arrival_ns=last_t,
            arrivals_ns=arrivals,
            releases_ns=releases,
            starts_ns=starts,
            start_sources=sources,
            start_after=after,
            wait_ns=wait,
            completion_ns=completion,
            work_ns=work,
            delay_cost_ns=sum(wait.values()),
            mean_work_ns=mean,
            max_work_ns=top,
            load_balance=balance(mean, top),
        )

    # ------------------------------------------------------------------ totals
    def _put(self, new: StageWaitStates) -> None:
        old = self._stages.get(new.key)
        if old is not None:
            self._add(old, -1)
        else:
            order = _order(new.key)
            bisect.insort(self._keys, order)
            self._key_of[order] = new.key
        self._stages[new.key] = new
        self._add(new, +1)

    def _add(self, s: StageWaitStates, sign: int) -> None:
        totals, dirty = self._totals, self._dirty
        for column, values in ((0, s.work_ns), (1, s.wait_ns), (2, s.completion_ns)):
            for p, v in values.items():
                row = totals.get(p)
                if row is None:
                    row = totals[p] = [0, 0, 0, 0, 0]
                row[column] += sign * v
            dirty.update(values)
        row = totals.setdefault(s.last_arriver, [0, 0, 0, 0, 0])
        row[3] += sign * s.delay_cost_ns
        row[4] += sign
        dirty.add(s.last_arriver)

    def _assemble(self, listed: Collection[int]) -> RunWaitStates:
        stages = tuple(self._stages[self._key_of[k]] for k in self._keys)
        rows, totals = self._party_rows, self._totals
        for p in self._dirty:
            rows[p] = PartyWaitStates(p, *totals[p])
        self._dirty.clear()
        if self._everyone_for != (listed, len(rows)):
            self._everyone = sorted(set(listed).union(rows))
            for p in self._everyone:
                if p not in rows:
                    rows[p] = PartyWaitStates(p, 0, 0, 0, 0, 0)
            self._everyone_for = (listed, len(rows))
        parties = tuple(rows[p] for p in self._everyone)
        mean_sum = sum(s.mean_work_ns for s in stages)
        max_sum = sum(s.max_work_ns for s in stages)
        return RunWaitStates(
            stages=stages,
            parties=parties,
            critical_path=tuple(s.last_arriver for s in stages),
            load_balance=balance(mean_sum, max_sum),
            several_barriers=len({s.barrier for s in stages}) > 1,
        )


def analyse_book(book: StageBook, parties: Collection[int] = ()) -> RunWaitStates:
    """The wait states of a finished book (a fresh analyser; live callers keep their own)."""
    return WaitStateAnalyser().update(book, parties)


def analyse_events(events: Iterable[Event], parties: Collection[int] = ()) -> RunWaitStates:
    """The wait states of a recorded run's events (every barrier's stages)."""
    return analyse_book(StageBook.from_events(events), parties)
