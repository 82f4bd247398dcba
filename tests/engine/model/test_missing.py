"""Who is missing: the view model names the parties a stage has waited for too long, from
hand-made events whose numbers can be checked by eye."""

from __future__ import annotations

from typing import Any

import pytest

from engine.core.events import Event
from engine.model.missing import MissingThreshold, stage_times
from engine.model.view_model import LaneState, RunViewModel

S = 1_000_000_000
NAMES = ["Ann", "Bob", "Cy"]


def ev(kind: str, t_s: float, party: int | None = None, stage: int | None = None, **data: Any):
    pid = 100 + party if party is not None else 1
    return Event(kind, round(t_s * S), party, pid, stage, data)


def two_stage_run(stage_1_arrivals: dict[int, float]) -> RunViewModel:
    """Stage 1 takes 1 s (work from 0 to arrivals ≤ 1 s, trip at 1 s); stage 2 began at 1 s."""
    events = [ev("run_start", 0, names=NAMES, parties=3, stages=2, barrier=7)]
    events += [ev("spawn", 0, p, name=n) for p, n in enumerate(NAMES)]
    events += [ev("work_start", 0, p, 0, planned_s=1.0) for p in range(3)]
    events += [ev("arrive", t, p, 0, barrier=7) for p, t in ((0, 0.5), (1, 0.8), (2, 1.0))]
    events += [ev("release", 1.0, p, 0, barrier=7, index=p) for p in range(3)]
    events += [ev("work_start", 1.0, p, 1, planned_s=1.0) for p in range(3)]
    events += [ev("arrive", t, p, 1, barrier=7) for p, t in stage_1_arrivals.items()]
    model = RunViewModel()
    model.apply(events)
    return model


def test_a_stage_that_waits_longer_than_3x_the_median_names_who_has_not_come() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6})
    assert stage_times(model.stage_book) == [1.0]
    threshold = MissingThreshold(factor=3.0, floor_s=2.0)  # max(2 s, 3 × 1 s) = 3 s
    assert model.missing(round(4.4 * S), threshold) is None  # waited 2.9 s since 1.5 s
    report = model.missing(round(4.6 * S), threshold)
    assert report is not None
    assert (report.barrier, report.stage, report.arrived) == (7, 1, (0, 1))
    assert report.waited_ns == round(3.1 * S) and report.threshold_ns == 3 * S
    (cy,) = report.parties
    assert (cy.party, cy.name, cy.pid, cy.state, cy.alive) == (2, "Cy", 102, "working", True)
    assert cy.since_ns == 1 * S and report.absent == 0


def test_the_floor_holds_while_stages_are_quick_and_before_any_median() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6})
    floor = MissingThreshold(factor=0.5, floor_s=2.0)  # 0.5 × 1 s is below the floor
    assert model.missing(round(3.4 * S), floor) is None
    assert model.missing(round(3.6 * S), floor) is not None
    first = RunViewModel()  # nothing tripped yet: no median, the floor alone decides
    first.apply(
        [ev("run_start", 0, names=NAMES, parties=3, stages=1)]
        + [ev("work_start", 0, p, 0, planned_s=1.0) for p in range(3)]
        + [ev("arrive", 0.2, 0, 0)]
    )
    assert first.missing(round(2.1 * S), floor) is None
    report = first.missing(round(2.3 * S), floor)
    assert report is not None and [p.name for p in report.parties] == ["Bob", "Cy"]


def test_a_dead_party_is_named_with_how_it_ended() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6})
    model.apply([ev("exit", 1.7, 2, exitcode=-9)])
    report = model.missing(10 * S)
    assert report is not None
    (cy,) = report.parties
    assert cy.state == LaneState.DIED and not cy.alive and cy.exit_code == -9
    assert "SIGKILL" in cy.detail and cy.since_ns == round(1.7 * S)


def test_the_story_tells_it_once_per_stage() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6})
    before = len(model.log)
    assert model.note_missing(round(4.0 * S)) is None and len(model.log) == before
    for now in (4.6, 5.0, 9.0):
        assert model.note_missing(round(now * S)) is not None
    (line,) = model.log[before:]
    assert line.kind == "missing" and line.party is None and line.t_s == pytest.approx(4.6)
    assert line.text == (
        "Who is missing: Stage 2 has waited 3.1 s for Cy (pid 102, working for 3.6 s)."
    )


def test_nobody_is_missing_once_the_stage_trips_or_the_run_ends() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6, 2: 1.9})
    model.apply([ev("release", 1.9, p, 1, barrier=7, index=p) for p in range(3)])
    assert model.missing(60 * S) is None
    waiting = two_stage_run({0: 1.5})
    assert waiting.missing(60 * S) is not None
    waiting.apply([ev("run_end", 2.0, status="stopped", exit_code=4, reason="stopped")])
    assert waiting.missing(60 * S) is None


def test_a_barrier_with_more_parties_than_processes_counts_the_ones_that_do_not_exist() -> None:
    model = RunViewModel()
    model.apply(
        [ev("run_start", 0, names=["A", "B"], parties=3, stages=1)]
        + [ev("arrive", 0.1, p, 0) for p in range(2)]
    )
    report = model.missing(5 * S)
    assert report is not None and report.parties == () and report.absent == 1
    model.note_missing(5 * S)
    assert model.log[-1].text.endswith("waited 4.9 s for 1 party that no process will ever be.")


def test_a_bad_threshold_is_refused() -> None:
    with pytest.raises(ValueError):
        MissingThreshold(factor=0.0)
    with pytest.raises(ValueError):
        MissingThreshold(floor_s=-1.0)


def test_a_stage_everyone_reached_is_missing_nobody() -> None:
    model = two_stage_run({0: 1.5, 1: 1.6, 2: 1.7})  # all arrived; it never tripped (wedged)
    assert model.missing(60 * S) is None


def test_a_first_stage_goes_by_how_long_the_parties_that_came_took() -> None:
    model = RunViewModel()
    model.apply(
        [ev("run_start", 0, names=NAMES, parties=3, stages=1)]
        + [ev("work_start", 0, p, 0, planned_s=1.0) for p in range(3)]
        + [ev("arrive", 1.4, 0, 0), ev("arrive", 1.6, 1, 0)]  # they took 1.4 and 1.6 s
    )
    # median 1.5 s × 3 = 4.5 s from the first arrival (1.4 s): a 1–4 s demo misses nobody
    assert model.missing(round(5.8 * S)) is None
    report = model.missing(round(6.0 * S))
    assert report is not None and report.threshold_ns == round(4.5 * S)
    assert [p.name for p in report.parties] == ["Cy"]
