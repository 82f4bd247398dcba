"""engine.model.wait_states (metrics): Scalasca's measures on small hand-made logs.

Every expected number is worked out here by hand from the log's times (in ms), straight from
the definitions, never by calling the code under test: a party that never arrives, a broken
stage, several barriers, a threads run (one pid), an old log without work_start, ties, no work.
Then the live analyser is checked against a fresh one for every prefix of a log.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from engine.core.events import Event
from engine.model.stage_records import StageBook
from engine.model.wait_states import (
    RunWaitStates,
    StageWaitStates,
    WaitStateAnalyser,
    analyse_book,
    analyse_events,
)

MS = 1_000_000


def ev(kind: str, ms: float, party: int | None, stage: int | None = None, **data: Any) -> Event:
    pid = 500 + (party if party is not None else -1)
    return Event(kind, round(ms * MS), party, pid, stage, data)


def s(ms: float) -> int:
    """ms → the ns the analysis reports."""
    return round(ms * MS)


# A, B, C pass stage 1; in stage 2 B crashes before arriving and the barrier breaks.
NEVER_ARRIVES = [
    ev("run_start", 0, None, names=["A", "B", "C"], barrier=0),
    ev("spawn", 1, 0, name="A"),
    ev("spawn", 2, 1, name="B"),
    ev("spawn", 3, 2, name="C"),
    *(ev("work_start", 10, p, 0, planned_s=0.05) for p in range(3)),
    ev("arrive", 40, 0, 0, barrier=0),
    ev("arrive", 50, 2, 0, barrier=0),
    ev("arrive", 70, 1, 0, barrier=0),
    ev("release", 72, 1, 0, barrier=0, index=2),
    ev("release", 73, 0, 0, barrier=0, index=0),
    ev("release", 75, 2, 0, barrier=0, index=1),
    ev("work_start", 72, 1, 1),
    ev("work_start", 73, 0, 1),
    ev("work_start", 75, 2, 1),
    ev("arrive", 90, 2, 1, barrier=0),
    ev("crash", 95, 1, 1, error="RuntimeError: boom"),
    ev("arrive", 100, 0, 1, barrier=0),
    ev("broken", 120, 0, 1, barrier=0),
    ev("broken", 120, 2, 1, barrier=0),
    ev("run_end", 130, None, status="broken", exit_code=3),
]


def test_a_party_that_never_arrives_and_a_broken_stage() -> None:
    run = analyse_events(NEVER_ARRIVES)
    first, second = run.stages
    # stage 1: arrivals A 40, C 50, B 70 → B last; waits 30, 20, 0; releases 72 (B), 73, 75
    assert (first.key, first.outcome, first.last_arriver) == ((0, 0), "released", 1)
    assert first.wait_ns == {0: s(30), 2: s(20), 1: 0}
    assert first.completion_ns == {1: 0, 0: s(1), 2: s(3)}
    assert first.work_ns == {0: s(30), 2: s(40), 1: s(60)}  # from work_start 10
    assert first.delay_cost_ns == s(50)
    assert first.load_balance == pytest.approx((130 / 3) / 60)
    # stage 2: only C (90) and A (100) arrive; B never does; nobody is released
    assert (second.outcome, second.last_arriver) == ("broken", 0)
    assert second.wait_ns == {2: s(10), 0: 0} and second.completion_ns == {}
    assert second.work_ns == {2: s(15), 0: s(27)}  # from work_starts 75 and 73
    assert second.delay_cost_ns == s(10)
    assert second.load_balance == pytest.approx(21 / 27)
    assert run.critical_path == (1, 0)
    assert run.load_balance == pytest.approx((130 / 3 + 21) / (60 + 27))
    totals = {p.party: p for p in run.parties}
    assert [totals[p].work_ns for p in range(3)] == [s(57), s(60), s(55)]
    assert [totals[p].wait_ns for p in range(3)] == [s(30), 0, s(30)]
    assert [totals[p].completion_ns for p in range(3)] == [s(1), 0, s(3)]
    assert [totals[p].delay_cost_ns for p in range(3)] == [s(10), s(50), 0]
    assert [totals[p].last_count for p in range(3)] == [1, 1, 0]


OLD_LOG = [  # no work_start at all: the first start is the spawn, then the previous release
    ev("run_start", 0, None, names=["P", "Q"], barrier=4),
    ev("spawn", 0, 0),
    ev("spawn", 5, 1),
    ev("arrive", 20, 0, 0, barrier=4),
    ev("arrive", 50, 1, 0, barrier=4),
    ev("release", 51, 1, 0, barrier=4, index=1),
    ev("release", 52, 0, 0, barrier=4, index=0),
    ev("arrive", 60, 0, 1, barrier=4),
    ev("arrive", 100, 1, 1, barrier=4),
    ev("release", 101, 1, 1, barrier=4, index=1),
    ev("release", 103, 0, 1, barrier=4, index=0),
]


def test_an_old_log_without_work_start_measures_from_spawn_then_release() -> None:
    run = analyse_events(OLD_LOG)
    first, second = run.stages
    assert first.work_ns == {0: s(20), 1: s(45)}  # arrive − spawn (0, 5)
    assert first.start_sources == {0: "spawn", 1: "spawn"}
    assert second.work_ns == {0: s(8), 1: s(49)}  # arrive − own previous release (52, 51)
    assert second.start_sources == {0: "release", 1: "release"}
    assert second.start_after == {0: (4, 0), 1: (4, 0)}
    assert first.wait_ns == {0: s(30), 1: 0} and second.wait_ns == {0: s(40), 1: 0}
    assert second.completion_ns == {1: 0, 0: s(2)}
    assert run.critical_path == (1, 1)
    assert run.load_balance == pytest.approx((32.5 + 28.5) / (45 + 49))
    assert run.parties[1].delay_cost_ns == s(70) and run.parties[1].last_count == 2


# A traced program: barrier 0 gathers Chef (0) and Sous-chef (1); barrier 1 gathers them and
# the Waiter (2).  The tracer files the cooks' work after barrier 0 under (0, 1) (it guesses
# the same barrier again); those are not work_starts of (1, 0).
TWO_BARRIERS = [
    ev("run_start", 0, None, names=[], barrier=None),
    ev("barrier", 0, None, barrier=0, parties=2),
    ev("barrier", 0, None, barrier=1, parties=3),
    ev("spawn", 0, 0, name="Chef"),
    ev("work_start", 0, 0, 0, barrier=0),
    ev("spawn", 0, 1, name="Sous-chef"),
    ev("work_start", 0, 1, 0, barrier=0),
    ev("spawn", 0, 2, name="Waiter"),
    ev("work_start", 0, 2, 0, barrier=1),
    ev("arrive", 5, 2, 0, barrier=1),
    ev("arrive", 10, 0, 0, barrier=0),
    ev("arrive", 30, 1, 0, barrier=0),
    ev("release", 31, 1, 0, barrier=0, index=1),
    ev("work_start", 31, 1, 1, barrier=0),
    ev("release", 32, 0, 0, barrier=0, index=0),
    ev("work_start", 32, 0, 1, barrier=0),
    ev("arrive", 35, 1, 0, barrier=1),
    ev("arrive", 40, 0, 0, barrier=1),
    ev("release", 41, 0, 0, barrier=1, index=0),
    ev("release", 42, 1, 0, barrier=1, index=2),
    ev("release", 43, 2, 0, barrier=1, index=1),
]


def test_several_barriers_are_measured_apart_in_barrier_stage_order() -> None:
    run = analyse_events(TWO_BARRIERS)
    kitchen, service = run.stages
    assert run.several_barriers and (kitchen.key, service.key) == ((0, 0), (1, 0))
    assert kitchen.last_arriver == 1 and kitchen.wait_ns == {0: s(20), 1: 0}
    assert kitchen.work_ns == {0: s(10), 1: s(30)}
    assert service.last_arriver == 0
    assert service.wait_ns == {2: s(35), 1: s(5), 0: 0}
    assert service.completion_ns == {0: 0, 1: s(1), 2: s(2)}
    # Waiter from its work_start (0); the cooks from their barrier-0 release (32, 31)
    assert service.work_ns == {2: s(5), 1: s(4), 0: s(8)}
    assert service.start_sources == {2: "work_start", 1: "release", 0: "release"}
    assert run.critical_path == (1, 0)
    assert run.load_balance == pytest.approx((20 + 17 / 3) / (30 + 8))
    assert [p.delay_cost_ns for p in run.parties] == [s(40), s(20), 0]


THREADS = [  # one pid for every party; a tie at the barrier; no work; a party with no start
    Event("run_start", 0, None, 77, None, {"names": ["T0", "T1", "T2"], "barrier": 9}),
    Event("spawn", 0, 0, 77, None, {"ident": 1}),
    Event("spawn", 0, 1, 77, None, {"ident": 2}),
    Event("work_start", 10 * MS, 0, 77, 0, {}),
    Event("work_start", 10 * MS, 1, 77, 0, {}),
    Event("arrive", 10 * MS, 1, 77, 0, {"barrier": 9}),
    Event("arrive", 10 * MS, 0, 77, 0, {"barrier": 9}),
    Event("arrive", 10 * MS, 2, 77, 0, {"barrier": 9}),
    Event("release", 11 * MS, 0, 77, 0, {"barrier": 9, "index": 2}),
    Event("release", 11 * MS, 1, 77, 0, {"barrier": 9, "index": 1}),
    Event("release", 12 * MS, 2, 77, 0, {"barrier": 9, "index": 0}),
]


def test_threads_ties_and_zero_work() -> None:
    run = analyse_events(THREADS, parties=range(4))
    (only,) = run.stages
    assert only.key == (9, 0) and only.last_arriver == 0  # a tie goes to the lower number
    assert only.wait_ns == {0: 0, 1: 0, 2: 0} and only.delay_cost_ns == 0
    assert only.work_ns == {0: 0, 1: 0}  # party 2 has no work_start, release or spawn
    assert only.load_balance == 1.0 and run.load_balance == 1.0
    assert only.completion_ns == {0: 0, 1: 0, 2: s(1)}
    assert [p.party for p in run.parties] == [0, 1, 2, 3]  # 3 asked for, never seen
    assert run.parties[3].work_ns == 0 and run.parties[3].last_count == 0


def test_an_open_stage_is_measured_over_who_has_arrived() -> None:
    run = analyse_events(NEVER_ARRIVES[:8])  # only A arrived in stage 1 so far
    (stage,) = run.stages
    assert (stage.outcome, stage.last_arriver, stage.wait_ns) == ("open", 0, {0: 0})
    assert analyse_events(NEVER_ARRIVES[:7]).stages == ()  # work, no arrival


def test_sparse_party_numbers_stay_sparse() -> None:
    events = [
        ev("run_start", 0, None, names=[]),
        ev("arrive", 1, 0, 0),
        ev("arrive", 3, 10**9, 0),
    ]
    run = analyse_events(events)
    assert [p.party for p in run.parties] == [0, 10**9]


# ---------------------------------------------------------------------- live and incremental
def split(events: list[Event], seed: int) -> list[list[Event]]:
    rng = random.Random(seed)
    batches, i = [], 0
    while i < len(events):
        n = rng.randint(1, 4)
        batches.append(events[i : i + n])
        i += n
    return batches


@pytest.mark.parametrize("log", [NEVER_ARRIVES, OLD_LOG, TWO_BARRIERS, THREADS])
def test_the_live_analyser_matches_a_fresh_one_after_every_batch(log: list[Event]) -> None:
    book, live = StageBook(), WaitStateAnalyser()
    seen: list[Event] = []
    for batch in split(log, seed=len(log)):
        book.apply(batch)
        seen += batch
        assert live.update(book, range(3)) == analyse_events(seen, range(3))


def test_nothing_new_gives_the_same_object_back() -> None:
    book = StageBook.from_events(NEVER_ARRIVES)
    live = WaitStateAnalyser()
    first = live.update(book)
    assert live.update(book) is first
    book.apply([ev("progress", 200, 0, 1, fraction=0.5)])  # not a stage event
    assert live.update(book) is first
    assert live.update(book, range(5)) is not first  # other parties asked for


def test_a_late_release_makes_the_analyser_measure_again() -> None:
    """Out-of-order delivery: Q's release of stage 1 arrives after its stage-2 arrival."""
    late = [e for e in OLD_LOG if not (e.kind == "release" and e.party == 1 and e.stage == 0)]
    release = next(e for e in OLD_LOG if e.kind == "release" and e.party == 1 and e.stage == 0)
    book, live = StageBook.from_events(late), WaitStateAnalyser()
    before = live.update(book).stages[1]
    assert before.work_ns[1] == s(95)  # from its spawn (5): the release is not known yet
    book.apply([release])
    assert live.update(book) == analyse_events([*late, release])
    assert live.update(book).stages[1].work_ns[1] == s(49)


def test_a_new_run_start_drops_the_old_run() -> None:
    book, live = StageBook.from_events(NEVER_ARRIVES), WaitStateAnalyser()
    assert len(live.update(book).stages) == 2
    book.apply(OLD_LOG)
    again = live.update(book)
    assert again == analyse_book(StageBook.from_events(OLD_LOG))
    assert [st.key for st in again.stages] == [(4, 0), (4, 1)]


def stage_of(run: RunWaitStates, barrier: int | None, stage: int) -> StageWaitStates:
    found = run.stage(barrier, stage)
    assert found is not None
    return found


def test_stage_lookup() -> None:
    run = analyse_events(TWO_BARRIERS)
    assert stage_of(run, 1, 0).last_arriver == 0 and run.stage(2, 0) is None


def test_a_new_book_is_never_taken_for_the_old_one() -> None:
    live = WaitStateAnalyser()
    assert len(live.update(StageBook.from_events(NEVER_ARRIVES)).stages) == 2
    fresh = StageBook.from_events(OLD_LOG[:4])  # a smaller version count than the first book
    assert [st.key for st in live.update(fresh).stages] == [(4, 0)]
