"""The wait states of the stages that are over, for a run still going on.

Why: in an open stage the "last arriver" is only the latest so far, so the delay cost charged
to it (and its `last_count`) blames someone who may well not be the one the others end up
waiting for.  A live view shows the stages that tripped or broke; the open one is told by
"who is missing" instead.  Once the run ends, views show every stage (as `analyze` does).
Cheap: the open stages' figures are taken off the totals (usually one stage per barrier).
"""

from __future__ import annotations

import dataclasses

from engine.model.wait_states.metrics import PartyWaitStates, RunWaitStates, balance


def settled_states(states: RunWaitStates) -> RunWaitStates:
    """`states` without its open stages (the same object when none is open)."""
    open_stages = [s for s in states.stages if s.outcome == "open"]
    if not open_stages:
        return states
    over = tuple(s for s in states.stages if s.outcome != "open")
    totals = {
        p.party: [p.work_ns, p.wait_ns, p.completion_ns, p.delay_cost_ns, p.last_count]
        for p in states.parties
    }
    for s in open_stages:
        for column, values in ((0, s.work_ns), (1, s.wait_ns), (2, s.completion_ns)):
            for party, value in values.items():
                totals[party][column] -= value
        totals[s.last_arriver][3] -= s.delay_cost_ns
        totals[s.last_arriver][4] -= 1
    return dataclasses.replace(
        states,
        stages=over,
        parties=tuple(PartyWaitStates(p, *row) for p, row in totals.items()),
        critical_path=tuple(s.last_arriver for s in over),
        load_balance=balance(sum(s.mean_work_ns for s in over), sum(s.max_work_ns for s in over)),
        several_barriers=len({s.barrier for s in over}) > 1,
    )
