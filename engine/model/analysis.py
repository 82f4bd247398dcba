"""What a run's events say about each stage: arrivals, waits, release skew — and whether the
barrier behaved like a barrier.

Used by the headless summary, the GUI status bar and the tests (`barrier_violations` is the
oracle every backend's event log must satisfy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from engine.core.events import Event


@dataclass
class StageSummary:
    stage: int
    arrivals: dict[int, int] = field(default_factory=dict)  # party -> t_ns of `arrive`
    releases: dict[int, int] = field(default_factory=dict)  # party -> t_ns of `release`
    indices: dict[int, int] = field(default_factory=dict)  # party -> wait() return value
    action_t_ns: int | None = None
    action_party: int | None = None
    started: set[int] = field(default_factory=set)  # parties that began this stage's work
    broken: dict[int, int] = field(default_factory=dict)  # party -> t_ns its wait() raised

    @property
    def first_arrival(self) -> int | None:
        return min(self.arrivals.values(), default=None)

    @property
    def last_arrival(self) -> int | None:
        return max(self.arrivals.values(), default=None)

    @property
    def last_arriver(self) -> int | None:
        if not self.arrivals:
            return None
        return max(self.arrivals, key=lambda p: self.arrivals[p])

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


def summarise_stages(events: Iterable[Event], barrier: int | None = None) -> list[StageSummary]:
    """One summary per stage that saw any arrival, in stage order.

    `barrier` picks one barrier by id when a program has several; None takes the run's own
    (named in run_start) or, without one, every barrier event.
    """
    stages: dict[int, StageSummary] = {}
    for e in events:
        if e.kind == "run_start" and barrier is None:
            barrier = e.get("barrier")
        if e.stage is None or (barrier is not None and e.get("barrier", barrier) != barrier):
            continue
        if e.kind not in ("arrive", "release", "action", "broken", "work_start"):
            continue
        summary = stages.setdefault(e.stage, StageSummary(e.stage))
        if e.kind == "arrive" and e.party is not None:
            summary.arrivals[e.party] = e.t_ns
        elif e.kind == "release" and e.party is not None:
            summary.releases[e.party] = e.t_ns
            summary.indices[e.party] = int(e.get("index"))
        elif e.kind == "action":
            summary.action_t_ns = e.t_ns
            summary.action_party = e.party
        elif e.kind == "broken" and e.party is not None:
            summary.broken[e.party] = e.t_ns
        elif e.kind == "work_start" and e.party is not None:
            summary.started.add(e.party)
    return [stages[k] for k in sorted(stages) if stages[k].arrivals]


def barrier_violations(events: Sequence[Event], parties: int, stages: int) -> list[str]:
    """Every way the log contradicts barrier semantics for a run that passed (empty = sound).

    Checks: each stage has `parties` arrivals and releases; no release precedes the last
    arrival; the action (if any) fires once, after the last arrival and before the first
    release; the wait() indices are exactly 0…parties−1; each party is its own process.
    """
    problems: list[str] = []
    summaries = summarise_stages(events)
    if len(summaries) != stages:
        problems.append(f"expected {stages} stages, saw {len(summaries)}")
    actions_per_stage: dict[int | None, int] = {}
    for e in events:
        if e.kind == "action":
            actions_per_stage[e.stage] = actions_per_stage.get(e.stage, 0) + 1
    has_action = bool(actions_per_stage)
    for s in summaries:
        label = f"stage {s.stage}"
        if len(s.arrivals) != parties or len(s.releases) != parties:
            problems.append(f"{label}: {len(s.arrivals)} arrivals, {len(s.releases)} releases")
            continue
        last_arrival = s.last_arrival or 0
        first_release = min(s.releases.values())
        if first_release < last_arrival:
            problems.append(f"{label}: a party was released before the last arrival")
        if sorted(s.indices.values()) != list(range(parties)):
            problems.append(f"{label}: wait() indices {sorted(s.indices.values())}")
        if has_action:
            if actions_per_stage.get(s.stage, 0) != 1:
                problems.append(f"{label}: action fired {actions_per_stage.get(s.stage, 0)}×")
            elif s.action_t_ns is None or not last_arrival <= s.action_t_ns <= first_release:
                problems.append(f"{label}: action outside last arrival … first release")
    # a party is a process, or a thread / asyncio task inside one: each must be its own
    carriers = [(e.pid, e.get("ident"), e.get("task")) for e in events if e.kind == "spawn"]
    if len(set(carriers)) != len(carriers):
        problems.append("two parties shared a process (or thread, or task)")
    return problems
