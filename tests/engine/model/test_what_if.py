"""engine.model.wait_states (what-if): the run replayed with other work times, by hand.

Log (ms): A, B, C start stage 1 at 0 and arrive at 10, 30, 20; B trips it; releases come
1, 2, 3 ms after the trip (B, A, C).  Each starts stage 2 1 ms after its release and works
30, 10, 20 ms (A last at 63); releases 1, 2, 3 ms after the trip; the run ends at 66.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from engine.core.events import Event
from engine.model.wait_states import (
    WhatIfModel,
    analyse_events,
    describe_what_if,
    evaluate_balance,
    evaluate_factors,
    rank_what_ifs,
)
from tests.engine.model.test_wait_states import NEVER_ARRIVES, TWO_BARRIERS

MS = 1_000_000
A, B, C = 0, 1, 2


def ev(kind: str, ms: float, party: int | None, stage: int | None = None, **data: Any) -> Event:
    return Event(kind, round(ms * MS), party, 900, stage, {"barrier": 0, **data})


LOG = [
    ev("run_start", 0, None, names=["A", "B", "C"]),
    *(ev("work_start", 0, p, 0) for p in (A, B, C)),
    ev("arrive", 10, A, 0),
    ev("arrive", 20, C, 0),
    ev("arrive", 30, B, 0),
    ev("release", 31, B, 0, index=2),
    ev("release", 32, A, 0, index=0),
    ev("release", 33, C, 0, index=1),
    ev("work_start", 32, B, 1),
    ev("work_start", 33, A, 1),
    ev("work_start", 34, C, 1),
    ev("arrive", 42, B, 1),
    ev("arrive", 54, C, 1),
    ev("arrive", 63, A, 1),
    ev("release", 64, A, 1, index=2),
    ev("release", 65, B, 1, index=0),
    ev("release", 66, C, 1, index=1),
]
NAMES = ["A", "B", "C"]


def ms(ns: int | None) -> float | None:
    return None if ns is None else ns / MS


def test_unchanged_work_reproduces_the_log() -> None:
    run = analyse_events(LOG)
    same = evaluate_factors(run, {})
    assert same.saving_ns == 0 and same.baseline_end_ns == 66 * MS and same.new_trippers == ()
    real = {(e.party, e.stage, e.kind): e.t_ns for e in LOG if e.party is not None}
    for g in same.spans:
        assert g.arrive_ns == real[(g.party, g.stage, "arrive")]
        assert g.release_ns == real[(g.party, g.stage, "release")]
        assert g.start_ns == real[(g.party, g.stage, "work_start")]


def test_speeding_up_the_first_last_arriver_moves_every_later_stage() -> None:
    run = analyse_events(LOG)
    w = evaluate_factors(run, {B: 0.5})
    # stage 1: B arrives at 15, so C (20) trips it; releases B 21, A 22, C 23
    # stage 2: starts 23, 22, 24 → arrivals A 53, B 27, C 44; A trips at 53; releases 54, 55, 56
    spans = {
        (g.party, g.stage): (ms(g.start_ns), ms(g.arrive_ns), ms(g.release_ns)) for g in w.spans
    }
    assert spans[(B, 0)] == (0, 15, 21) and spans[(C, 0)] == (0, 20, 23)
    assert spans[(A, 1)] == (23, 53, 54) and spans[(B, 1)] == (22, 27, 55)
    assert spans[(C, 1)] == (24, 44, 56)
    assert w.kind == "party" and w.party == B and w.factor == 0.5
    assert w.end_ns == 56 * MS and w.saving_ns == 10 * MS
    assert w.new_trippers == (((0, 0), B, C),)
    assert describe_what_if(w, NAMES) == (
        "If B's work were 50 % shorter, the run would end 10.0 ms sooner "
        "(stage 1 would then be tripped by C)."
    )


def test_speeding_up_a_later_last_arriver() -> None:
    w = evaluate_factors(analyse_events(LOG), {A: 0.5})
    # stage 1 unchanged (B at 30); stage 2: A 33 + 15 = 48, B 42, C 54 → C trips at 54 → ends 57
    assert w.end_ns == 57 * MS and w.saving_ns == 9 * MS
    assert w.new_trippers == (((0, 1), A, C),)


def test_perfect_balance_puts_everyone_at_the_stage_mean() -> None:
    w = evaluate_balance(analyse_events(LOG))
    # stage 1: mean 20 → all arrive at 20, A (lowest) trips; releases B 21, A 22, C 23
    # stage 2: mean 20 → A 23 + 20, B 22 + 20, C 24 + 20 → C trips at 44; ends 44 + 3 = 47
    assert w.kind == "balance" and w.end_ns == 47 * MS and w.saving_ns == 19 * MS
    arrivals = {(g.party, g.stage): ms(g.arrive_ns) for g in w.spans}
    assert arrivals == {(A, 0): 20, (B, 0): 20, (C, 0): 20, (A, 1): 43, (B, 1): 42, (C, 1): 44}
    assert describe_what_if(w, NAMES) == (
        "If every party's work were the stage's mean (perfect balance), "
        "the run would end 19.0 ms sooner."
    )


def test_slower_work_and_a_factor_map() -> None:
    run = analyse_events(LOG)
    slower = evaluate_factors(run, {C: 2.0})
    # stage 1: C at 40 trips; releases B 41, A 42, C 43; stage 2: A 43 + 30 = 73 (last),
    # B 42 + 10, C 44 + 40 = 84 → C trips at 84; ends 84 + 3 = 87
    assert slower.end_ns == 87 * MS and slower.saving_ns == -21 * MS
    assert "the run would end 21.0 ms later" in describe_what_if(slower, NAMES)
    both = evaluate_factors(run, {A: 0.5, B: 0.5})
    # stage 1: C (20) trips; releases B 21, A 22, C 23; stage 2: A 23 + 15 = 38, B 22 + 5,
    # C 24 + 20 = 44 → C trips at 44; ends 47
    assert both.kind == "factors" and both.party is None and both.end_ns == 47 * MS
    assert describe_what_if(both, NAMES).startswith(
        "If the work were changed (A 50 % shorter, B 50 % shorter), the run would end 19.0 ms"
    )
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="finite numbers, 0 or more"):
            evaluate_factors(run, {A: bad})
        with pytest.raises(ValueError, match="finite numbers, 0 or more"):
            WhatIfModel(run).one_party(A, bad)


def test_ranking_keeps_the_most_valuable_that_save_time() -> None:
    ranked = rank_what_ifs(analyse_events(LOG), factor=0.5)
    assert [(w.kind, w.party, w.saving_ns) for w in ranked] == [
        ("balance", None, 19 * MS),
        ("party", B, 10 * MS),
        ("party", A, 9 * MS),
    ]
    assert rank_what_ifs(analyse_events(LOG), count=1, factor=0.5)[0].kind == "balance"
    assert rank_what_ifs(analyse_events(LOG), factor=1.0)[0].kind == "balance"  # only it saves


def test_chained_stages_across_two_barriers() -> None:
    """The Waiter's stage follows nobody's release; the cooks' follow their kitchen release."""
    w = evaluate_factors(analyse_events(TWO_BARRIERS), {1: 0.5})
    # kitchen: Sous-chef 30 → 15 trips it; releases Sous-chef 16, Chef 17
    # service: Waiter 0 + 5; Chef 17 + 8 = 25 (last); Sous-chef 16 + 4·0.5 = 18
    # releases Chef 26, Sous-chef 27, Waiter 28: the run ends at 28 instead of 43
    arrivals = {(g.barrier, g.party): ms(g.arrive_ns) for g in w.spans}
    assert arrivals == {(0, 0): 10, (0, 1): 15, (1, 0): 25, (1, 1): 18, (1, 2): 5}
    assert w.end_ns == 28 * MS and w.saving_ns == 15 * MS
    text = describe_what_if(w, ["Chef", "Sous-chef", "Waiter"], several_barriers=True)
    assert text == "If Sous-chef's work were 50 % shorter, the run would end 15.0 ms sooner."


def test_a_broken_stage_releases_nobody_in_the_model() -> None:
    run = analyse_events(NEVER_ARRIVES)
    w = evaluate_factors(run, {1: 0.5})
    # stage 1: A 40, B 10 + 30 = 40, C 50 → C trips at 50: releases B 52, A 53, C 55
    # stage 2 (broken): A 53 + 27 = 80, C 55 + 15 = 70, no releases; the end is 80, not 100
    broken = [g for g in w.spans if g.stage == 1]
    assert all(g.release_ns is None for g in broken)
    assert {g.party: ms(g.arrive_ns) for g in broken} == {0: 80, 2: 70}
    assert w.baseline_end_ns == 100 * MS and w.end_ns == 80 * MS
    assert w.new_trippers == (((0, 0), 1, 2),)


def random_run(seed: int, parties: int = 6, stages: int = 5) -> list[Event]:
    """A random run with ties, releases out of party order and some parties without
    work_start (their work then follows their previous release)."""
    rng = random.Random(seed)
    out = [ev("run_start", 0, None, names=[f"P{p}" for p in range(parties)])]
    out += [ev("spawn", 0, p) for p in range(parties)]
    starts = [0] * parties
    for k in range(stages):
        arrivals = [starts[p] + rng.choice([5, 10, 10, 20, 35]) for p in range(parties)]
        trip = max(arrivals)
        for p in range(parties):
            if rng.random() < 0.7:
                out.append(ev("work_start", starts[p], p, k))
            out.append(ev("arrive", arrivals[p], p, k))
            starts[p] = trip + rng.choice([1, 2, 3])
            out.append(ev("release", starts[p], p, k, index=p))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_the_fast_one_party_replay_agrees_with_the_full_one(seed: int) -> None:
    model = WhatIfModel(analyse_events(random_run(seed)))
    for party in range(6):
        for factor in (0.0, 0.5, 0.7, 1.0, 1.5):
            fast, full = model.one_party(party, factor), model.evaluate({party: factor})
            assert (fast.end_ns, fast.trippers) == (full.end_ns, full.trippers), (party, factor)
            assert fast.new_trippers == full.new_trippers
    assert model.evaluate({}).saving_ns == 0


@pytest.mark.parametrize("log", [LOG, TWO_BARRIERS, NEVER_ARRIVES], ids=["log", "two", "broken"])
def test_the_fast_replay_agrees_on_the_hand_made_logs(log: list[Event]) -> None:
    model = WhatIfModel(analyse_events(log))
    for party in range(3):
        fast, full = model.one_party(party, 0.5), model.evaluate({party: 0.5})
        assert (fast.end_ns, fast.trippers) == (full.end_ns, full.trippers)
