"""settled_states: a live run's wait states without its open stage — the same figures as an
analysis of a log that holds only the stages that are over (worked out here by hand)."""

from __future__ import annotations

from typing import Any

from engine.core.events import Event
from engine.model.wait_states import analyse_events, settled_states

MS = 1_000_000


def ev(kind: str, ms: float, party: int | None, stage: int | None = None, **data: Any) -> Event:
    return Event(kind, round(ms * MS), party, 500 + (party or 0), stage, data)


STAGE_1 = [
    ev("run_start", 0, None, names=["A", "B", "C"], barrier=0),
    *(ev("work_start", 0, p, 0) for p in range(3)),
    ev("arrive", 30, 0, 0, barrier=0),
    ev("arrive", 50, 1, 0, barrier=0),
    ev("arrive", 80, 2, 0, barrier=0),  # C trips stage 1: A waited 50, B 30 → C caused 80
    *(ev("release", 81, p, 0, barrier=0, index=p) for p in range(3)),
]
# stage 2 is open: B arrived first, A after it; C has not come
STAGE_2_OPEN = [
    *(ev("work_start", 81, p, 1) for p in range(3)),
    ev("arrive", 100, 1, 1, barrier=0),
    ev("arrive", 140, 0, 1, barrier=0),
]


def test_the_open_stage_is_left_out_and_nobody_is_blamed_for_it() -> None:
    live = analyse_events(STAGE_1 + STAGE_2_OPEN, range(3))
    assert [s.outcome for s in live.stages] == ["released", "open"]
    assert live.parties[0].delay_cost_ns == 40 * MS  # A, "last so far", charged with B's 40
    settled = settled_states(live)
    assert [s.stage for s in settled.stages] == [0]
    assert settled.critical_path == (2,)
    a, b, c = settled.parties
    assert (a.wait_ns, b.wait_ns, c.wait_ns) == (50 * MS, 30 * MS, 0)
    assert (a.delay_cost_ns, b.delay_cost_ns, c.delay_cost_ns) == (0, 0, 80 * MS)
    assert (a.last_count, b.last_count, c.last_count) == (0, 0, 1)
    assert (a.work_ns, b.work_ns, c.work_ns) == (30 * MS, 50 * MS, 80 * MS)
    assert settled.load_balance == (30 + 50 + 80) / 3 / 80
    assert settled == analyse_events(STAGE_1, range(3))  # as if the open stage never began


def test_nothing_open_gives_the_same_object() -> None:
    done = analyse_events(STAGE_1, range(3))
    assert settled_states(done) is done
