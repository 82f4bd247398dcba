"""What a run's events say about each stage: arrivals, waits, release skew — and whether the
barrier behaved like a barrier.

Functions over a finished log, built on the same StageBook the view model keeps live; the
tests use `barrier_violations` as the oracle every backend's event log must satisfy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.core.events import Event
from engine.model.stage_records import StageBook, StageRecord


def summarise_stages(events: Iterable[Event], barrier: int | None = None) -> list[StageRecord]:
    """One record per stage that saw any arrival, in stage order.

    `barrier` picks one barrier by id when a program has several; None takes the run's own
    (named in run_start) or, without one, every barrier's stages.
    """
    return StageBook.from_events(events).records(barrier)


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
