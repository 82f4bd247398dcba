"""What-if, replayed from the log: how the run would have gone with different work times.

The model: each party's work in each stage is scaled (or set to the stage's mean); it starts
where it started in the real run, moved by however much the release it follows moved (a start
after a release keeps its measured gap to that release); a stage trips when its last party
arrives, max over parties of (start + work); and every party is released as long after the trip
as it really was (the measured trip latency and completion).  Stages are replayed in the order
they really tripped, so a stage's starts follow the previous stage's releases.  With every
factor at 1 the model reproduces the log exactly, which is what makes a saving trustworthy.

A party with no known start keeps its real arrival.  A stage that never released (broken or
still open) releases nobody in the model either; its arrivals still count for the run's end.

Why a model object: the GUI replays on every drag of a factor, so the per-stage rows are laid
out once.  Ranking asks "what if this one party were faster?" for every party of the critical
path (only those can save anything: speeding up a party that never arrived last moves no trip).
Since a stage's releases all move by the same amount, the other parties of a stage move
together per release they follow; the two latest arrivals of each such group are enough to
replay one party's change in O(stages).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from engine.model.stage_records import StageKey
from engine.model.wait_states.metrics import RunWaitStates, StageWaitStates

WhatIfKind = Literal["party", "balance", "factors"]
SPEED_UP = 0.7  # the ranked what-ifs try each critical party's work 30 % shorter


class GhostSpan(NamedTuple):
    """One party's pass through one stage in the model (ns on the run's clock).  `start_ns` is
    None where the log gives no start; `release_ns` None where the stage did not release."""

    party: int
    barrier: int | None
    stage: int
    start_ns: int | None
    arrive_ns: int
    release_ns: int | None


class GhostStage(NamedTuple):
    """One stage of the model, column by column (the ghost bars the GUI draws over the real
    ones: one object per stage, not per party, since a drag of a factor replays them all)."""

    barrier: int | None
    stage: int
    tripper: int  # its last arriver in the model
    trip_ns: int
    parties: tuple[int, ...]  # in real arrival order
    start_ns: tuple[int | None, ...]
    arrive_ns: tuple[int, ...]
    release_ns: tuple[int | None, ...]

    def spans(self) -> list[GhostSpan]:
        columns = zip(self.parties, self.start_ns, self.arrive_ns, self.release_ns, strict=True)
        return [GhostSpan(p, self.barrier, self.stage, s, a, r) for p, s, a, r in columns]


@dataclass(frozen=True, slots=True)
class WhatIf:
    """One alternative run and what it changes."""

    kind: WhatIfKind
    factors: Mapping[int, float]  # party -> work factor (empty for perfect balance)
    party: int | None  # the one party changed (kind "party")
    baseline_end_ns: int  # the real run's end: its last release (or arrival)
    end_ns: int
    trippers: Mapping[StageKey, int]  # stage -> its last arriver in the model
    new_trippers: tuple[tuple[StageKey, int, int], ...]  # (stage, real, model) where they differ
    # In replay order (the order the stages tripped); empty when asked for without spans.
    stages: tuple[GhostStage, ...]

    @property
    def saving_ns(self) -> int:
        return self.baseline_end_ns - self.end_ns

    @property
    def factor(self) -> float | None:
        return self.factors.get(self.party) if self.party is not None else None

    @property
    def spans(self) -> list[GhostSpan]:
        """Every party's span, stage by stage (a convenience; `stages` is the cheap form)."""
        return [span for stage in self.stages for span in stage.spans()]


# One arrival of a stage: party, real start (None: no start known), the stage whose release
# the start follows (None: it stands on its own), work (None: unknown), real arrival.
_Row = tuple[int, int | None, StageKey | None, int | None, int]
_Top = tuple[tuple[int, int], ...]  # (arrival, party) of a group's two latest, latest first


@dataclass(frozen=True, slots=True)
class _Stage:
    real: StageWaitStates
    rows: tuple[_Row, ...]
    parties: tuple[int, ...]
    by_party: Mapping[int, _Row]
    groups: tuple[tuple[StageKey | None, _Top], ...]  # by followed release
    release_offsets: tuple[int | None, ...]  # per row: release − real last arrival
    latest_offset: int  # the largest of those, 0 without releases


def _valid(factor: float) -> bool:
    return math.isfinite(factor) and factor >= 0


def _latest(a: tuple[float, int], b: tuple[float, int]) -> bool:
    """Is arrival a (value, party) later than b?  Ties: the lower party counts as last."""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


class WhatIfModel:
    """The replay model of one `RunWaitStates` (build once, evaluate many times)."""

    def __init__(self, states: RunWaitStates) -> None:
        self.states = states
        by_key = {s.key: s for s in states.stages}
        ordered = sorted(states.stages, key=lambda s: (s.last_arrival_ns, s.barrier or 0, s.stage))
        self._stages = tuple(self._plan(s, by_key) for s in ordered)
        self.baseline_end_ns = max(
            (st.real.last_arrival_ns + st.latest_offset for st in self._stages), default=0
        )

    @staticmethod
    def _plan(s: StageWaitStates, by_key: Mapping[StageKey, StageWaitStates]) -> _Stage:
        rows: list[_Row] = []
        tops: dict[StageKey | None, list[tuple[int, int]]] = {}
        starts, start_after, works = s.starts_ns, s.start_after, s.work_ns
        for p, arrived in s.arrivals_ns.items():
            work = works.get(p)
            after = start_after.get(p) if work is not None else None
            if after is not None and (after not in by_key or p not in by_key[after].releases_ns):
                after = None  # the release it followed is not in the log: it cannot move
            rows.append((p, starts.get(p) if work is not None else None, after, work, arrived))
            top = tops.get(after)
            if top is None:
                tops[after] = [(arrived, p)]
            elif _latest((arrived, p), top[0]):
                tops[after] = [(arrived, p), top[0]]
            elif len(top) == 1 or _latest((arrived, p), top[1]):
                tops[after] = [top[0], (arrived, p)]
        released, last = s.releases_ns, s.last_arrival_ns
        offsets = tuple(released[r[0]] - last if r[0] in released else None for r in rows)
        latest = max((t - last for t in released.values()), default=0)
        groups = tuple((k, tuple(v)) for k, v in tops.items())
        parties = tuple(r[0] for r in rows)
        by_party = {r[0]: r for r in rows}
        return _Stage(s, tuple(rows), parties, by_party, groups, offsets, max(latest, 0))

    # ------------------------------------------------------------------ any change
    def evaluate(
        self,
        factors: Mapping[int, float] | None = None,
        *,
        balanced: bool = False,
        spans: bool = True,
    ) -> WhatIf:
        """The run with each party's work times its factor (absent: 1.0; 0.7 = 30 % shorter),
        or, `balanced`, every party at its stage's mean work."""
        factors = factors or {}
        if not all(_valid(f) for f in factors.values()):
            raise ValueError("work factors must be finite numbers, 0 or more")
        moved: dict[StageKey, float] = {}  # stage -> how far its releases moved
        trippers: dict[StageKey, int] = {}
        ghosts: list[GhostStage] = []
        end = float("-inf")
        for st in self._stages:
            s = st.real
            mean = s.mean_work_ns
            last_v, last_p = float("-inf"), -1
            began_at: list[int | None] = []
            arrived_at: list[int] = []
            for p, start, after, work, arrived in st.rows:
                if work is None or start is None:
                    began: float | None = None
                    v: float = arrived
                else:
                    began = start + moved.get(after, 0) if after is not None else start
                    if balanced:
                        v = began + mean
                    else:
                        f = factors.get(p)
                        v = began + (work if f is None else work * f)
                if v > last_v or (v == last_v and p < last_p):
                    last_v, last_p = v, p
                if spans:
                    began_at.append(None if began is None else round(began))
                    arrived_at.append(round(v))
            trippers[s.key] = last_p
            shift = last_v - s.last_arrival_ns
            moved[s.key] = shift
            end = max(end, last_v + st.latest_offset)
            if spans:
                trip = round(last_v)
                out = tuple(None if o is None else trip + o for o in st.release_offsets)
                barrier, stage = s.key
                ghosts.append(
                    GhostStage(
                        barrier,
                        stage,
                        last_p,
                        trip,
                        st.parties,
                        tuple(began_at),
                        tuple(arrived_at),
                        out,
                    )
                )
        kind: WhatIfKind = "balance" if balanced else "party" if len(factors) == 1 else "factors"
        party = next(iter(factors)) if kind == "party" else None
        return self._result(kind, factors, party, end, trippers, tuple(ghosts))

    def _result(
        self,
        kind: WhatIfKind,
        factors: Mapping[int, float],
        party: int | None,
        end: float,
        trippers: dict[StageKey, int],
        stages: tuple[GhostStage, ...],
    ) -> WhatIf:
        changed = tuple(
            (s.key, s.last_arriver, trippers[s.key])
            for s in self.states.stages
            if trippers[s.key] != s.last_arriver
        )
        end_ns = round(end) if self._stages else 0
        return WhatIf(
            kind, dict(factors), party, self.baseline_end_ns, end_ns, trippers, changed, stages
        )

    # ------------------------------------------------------------------ one party, fast
    def one_party(self, party: int, factor: float) -> WhatIf:
        """`evaluate({party: factor}, spans=False)`, in O(stages × groups)."""
        if not _valid(factor):
            raise ValueError("work factors must be finite numbers, 0 or more")
        moved: dict[StageKey, float] = {}
        trippers: dict[StageKey, int] = {}
        end = float("-inf")
        for st in self._stages:
            last: tuple[float, int] = (float("-inf"), -1)
            for after, top in st.groups:
                shift = moved.get(after, 0) if after is not None else 0
                for arrived, p in top:
                    if p != party:
                        if _latest((arrived + shift, p), last):
                            last = (arrived + shift, p)
                        break
            mine = st.by_party.get(party)
            if mine is not None:
                _, start, after, work, arrived = mine
                if work is None or start is None:
                    v: float = arrived
                else:
                    v = start + (moved.get(after, 0) if after is not None else 0) + work * factor
                if _latest((v, party), last):
                    last = (v, party)
            trippers[st.real.key] = last[1]
            moved[st.real.key] = last[0] - st.real.last_arrival_ns
            end = max(end, last[0] + st.latest_offset)
        return self._result("party", {party: factor}, party, end, trippers, ())

    def rank(self, count: int = 3, factor: float = SPEED_UP) -> list[WhatIf]:
        """The `count` what-ifs that save the most time (only those that save any): perfect
        balance, and each party of the critical path with its work times `factor`; the ones
        returned carry their spans.  None for a run whose barrier broke: a timeout or an abort
        ended it, not its work, so no work time would have ended it sooner."""
        if broke(self.states):
            return []
        candidates = [self.evaluate(balanced=True, spans=False)]
        candidates += [self.one_party(p, factor) for p in sorted(set(self.states.critical_path))]
        useful = [w for w in candidates if w.saving_ns > 0]
        useful.sort(key=lambda w: (-w.saving_ns, w.kind != "balance", w.party or 0))
        return [self.evaluate(w.factors, balanced=w.kind == "balance") for w in useful[:count]]


def broke(states: RunWaitStates) -> bool:
    """Some stage of the run broke (its barrier was aborted or timed out)."""
    return any(s.outcome == "broken" for s in states.stages)


def evaluate_factors(states: RunWaitStates, factors: Mapping[int, float]) -> WhatIf:
    """The run with each party's work multiplied by its factor (see `WhatIfModel.evaluate`)."""
    return WhatIfModel(states).evaluate(factors)


def evaluate_balance(states: RunWaitStates) -> WhatIf:
    """The run with perfect balance: every party's work in a stage at that stage's mean."""
    return WhatIfModel(states).evaluate(balanced=True)


def rank_what_ifs(states: RunWaitStates, count: int = 3, factor: float = SPEED_UP) -> list[WhatIf]:
    """The most valuable what-ifs of a run (see `WhatIfModel.rank`)."""
    return WhatIfModel(states).rank(count, factor)
