"""LiveAnalysis (Qt-free): follows a view model frame by frame, settles on the stages that
are over while the run goes on, replays the chosen what-if and ranks what-ifs off-thread."""

from __future__ import annotations

import threading
from typing import Any

from engine.core.events import Event
from engine.model.view_model import RunViewModel
from engine.model.wait_states import WhatIfModel, analyse_events
from gui.analysis.live import LiveAnalysis, WhatIfChoice

MS = 1_000_000
WAIT_S = 10.0


def ev(kind: str, ms: float, party: int | None, stage: int | None = None, **data: Any) -> Event:
    return Event(kind, round(ms * MS), party, 500 + (party or 0), stage, data)


def stage(k: int, start: float, arrivals: list[float]) -> list[Event]:
    out = [ev("work_start", start, p, k) for p in range(len(arrivals))]
    out += [ev("arrive", start + a, p, k, barrier=0) for p, a in enumerate(arrivals)]
    trip = start + max(arrivals)
    return out + [ev("release", trip + 1, p, k, barrier=0, index=p) for p in range(3)]


START = [ev("run_start", 0, None, names=["A", "B", "C"], barrier=0, stages=3)]
RUN = START + stage(0, 0, [30, 50, 80]) + stage(1, 81, [90, 20, 40])
END = [ev("run_end", 200, None, status="passed", exit_code=0, reason="ok")]


def wait_for(condition: Any, live: LiveAnalysis, model: RunViewModel) -> None:
    done = threading.Event()
    for _ in range(int(WAIT_S / 0.01)):
        live.update(model)
        if condition():
            return
        done.wait(0.01)  # the ranking runs on a worker: give it the time it takes
    raise AssertionError("timed out")


def test_it_follows_the_model_and_keeps_its_states_while_nothing_is_over() -> None:
    model, live = RunViewModel(), LiveAnalysis()
    model.apply(RUN[:6])  # stage 1: A and B arrived, C has not: open
    assert live.update(model) is True
    assert live.states is not None and live.states.stages == ()  # nothing is over yet
    states = live.states
    model.apply([RUN[6]])  # C arrives: the open stage moves on, nothing released yet
    live.update(model)
    assert live.states is states  # the views have nothing new to paint
    model.apply(RUN[7:] + END)
    live.update(model)
    assert live.states == analyse_events(RUN + END, range(3))  # ended: every stage


def test_the_chosen_what_if_is_replayed_and_the_top_ones_arrive_from_the_worker() -> None:
    model, live = RunViewModel(), LiveAnalysis()
    model.apply(RUN + END)
    live.update(model)
    assert live.ghost is None
    live.choose(WhatIfChoice(party=2, factor=0.5))
    assert live.states is not None and live.ghost is not None
    expected = WhatIfModel(live.states).evaluate({2: 0.5})
    assert live.ghost.end_ns == expected.end_ns and live.ghost.stages == expected.stages
    live.choose(WhatIfChoice(balanced=True))
    assert live.ghost.kind == "balance"
    live.choose(WhatIfChoice(party=2, factor=1.0))  # the real run: no ghost
    assert live.ghost is None
    wait_for(lambda: bool(live.top), live, model)
    ranked = WhatIfModel(live.states).rank(3)
    assert [(w.kind, w.party, w.saving_ns) for w in live.top] == [
        (w.kind, w.party, w.saving_ns) for w in ranked
    ]


def test_a_new_run_forgets_the_old_one() -> None:
    model, live = RunViewModel(), LiveAnalysis()
    model.apply(RUN + END)
    live.update(model)
    live.choose(WhatIfChoice(party=0, factor=0.5))
    assert live.ghost is not None
    model.apply([ev("run_start", 1000, None, names=["X"], barrier=1, stages=1)])
    live.update(model)
    assert live.ghost is None and live.top == [] and live.names == ["X"]
    assert live.states is not None and live.states.stages == ()
