"""The wait-state analysis as words: the readable report and the JSON object.

Both say the same things: a per-party table (work, wait at barrier, completion, delay cost
caused, times last), one line per stage, the critical path in names, the run's load balance with
a one-line verdict (POP's rule of thumb: below 0.8 is worth fixing) and the most valuable
what-ifs.  JSON maps keyed by party are keyed by the party number as a string; times are
seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.core.events import Event
from engine.model.stage_records import StageKey
from engine.model.wait_states.metrics import RunWaitStates, StageWaitStates, analyse_events
from engine.model.wait_states.what_if import WhatIf, broke, rank_what_ifs

WORTH_FIXING = 0.8  # POP's rule of thumb for load balance
MAX_STAGE_LINES = 30  # longer runs list their first stages; the JSON keeps them all
MAX_PATH_STEPS = 12


Names = Sequence[str] | Mapping[int, str]  # by party number (a list, or sparse)


def party_names(events: Iterable[Event]) -> dict[int, str]:
    """Names by party number: run_start's `names`, else each spawn's `name` (a traced program
    names its lanes as they appear).  A dict: a log's party numbers need not be dense."""
    names: dict[int, str] = {}
    spawned: dict[int, str] = {}
    for e in events:
        if e.kind == "run_start":
            given = e.get("names")
            names = dict(enumerate(map(str, given))) if isinstance(given, list) else {}
            spawned = {}
        elif e.kind == "spawn" and e.party is not None:
            name = e.get("name")
            if isinstance(name, str) and name:
                spawned.setdefault(e.party, name)
    return {**spawned, **names}


def analyse_run(events: Sequence[Event]) -> tuple[RunWaitStates, dict[int, str], list[WhatIf]]:
    """Everything a report needs from a recorded run: the wait states, the names and the
    three most valuable what-ifs."""
    names = party_names(events)
    states = analyse_events(events, names.keys())
    return states, names, rank_what_ifs(states)


def run_report(events: Sequence[Event]) -> str:
    """The readable report of a recorded run (what `run` prints after its stage tables)."""
    return report_text(*analyse_run(events))


def _name(names: Names, party: int) -> str:
    if isinstance(names, Mapping):
        return names.get(party) or f"Party {party + 1}"
    return names[party] if 0 <= party < len(names) else f"Party {party + 1}"


def _s(ns: float) -> float:
    return ns / 1e9


def duration(ns: float) -> str:
    """A span for a sentence, in the unit that keeps it readable: 0.42 s, 12.3 ms, 204 µs."""
    seconds = abs(ns) / 1e9
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def stage_label(key: StageKey, several_barriers: bool) -> str:
    barrier, stage = key
    if several_barriers and barrier is not None:
        return f"barrier {barrier} stage {stage + 1}"
    return f"stage {stage + 1}"


# ---------------------------------------------------------------------- sentences
def load_balance_verdict(value: float) -> str:
    """One line: is the work spread evenly enough? (POP: below 0.8 is worth fixing)."""
    if value < WORTH_FIXING:
        return (
            f"load balance {value:.2f}: worth fixing (below {WORTH_FIXING}): the parties spend "
            "much of the run waiting for the slowest one"
        )
    return f"load balance {value:.2f}: good (0.8 or more): the work is spread evenly"


def describe_what_if(w: WhatIf, names: Names, several_barriers: bool = False) -> str:
    """ "If Propulsion's work were 30 % shorter, the run would end 0.42 s sooner (stage 1 would
    then be tripped by Navigation)." — and the like for perfect balance or several factors."""
    if w.kind == "balance":
        what = "If every party's work were the stage's mean (perfect balance)"
    elif w.kind == "party" and w.party is not None and w.factor is not None:
        what = f"If {_name(names, w.party)}'s work were {_percent(w.factor)}"
    else:
        changes = ", ".join(f"{_name(names, p)} {_percent(f)}" for p, f in w.factors.items())
        what = f"If the work were changed ({changes or 'unchanged'})"
    if w.saving_ns > 0:
        when = f"the run would end {duration(w.saving_ns)} sooner"
    elif w.saving_ns < 0:
        when = f"the run would end {duration(w.saving_ns)} later"
    else:
        when = "the run would end no sooner"
    text = f"{what}, {when}"
    if w.new_trippers and w.kind != "balance":
        shown = [
            f"{stage_label(key, several_barriers)} would then be tripped by {_name(names, new)}"
            for key, _, new in w.new_trippers[:3]
        ]
        more = len(w.new_trippers) - len(shown)
        text += f" ({'; '.join(shown)}{f'; {more} more' if more > 0 else ''})"
    return text + "."


def _percent(factor: float) -> str:
    change = round(abs(1 - factor) * 100)
    if change == 0:
        return "unchanged"
    return f"{change} % {'shorter' if factor < 1 else 'longer'}"


def critical_path_text(states: RunWaitStates, names: Names) -> str:
    """Names in stage order, repeats folded ("Straggler ×2 → Mage")."""
    steps = [
        f"{_name(names, p)}{f' ×{n}' if n > 1 else ''}"
        for p, n in ((p, len(list(g))) for p, g in itertools.groupby(states.critical_path))
    ]
    if len(steps) > MAX_PATH_STEPS:
        steps = [*steps[:MAX_PATH_STEPS], f"… ({len(steps) - MAX_PATH_STEPS} more)"]
    return " → ".join(steps) or "—"


def stage_line(s: StageWaitStates, names: Names, several_barriers: bool) -> str:
    label = stage_label(s.key, several_barriers).capitalize()
    others = len(s.arrivals_ns) - 1
    state = {"released": "", "broken": " (broken)", "open": " (never released)"}[s.outcome]
    who = _name(names, s.last_arriver)
    if others == 0:
        cost = f"{who} arrived alone"
    else:
        waited = duration(s.delay_cost_ns)
        plural = "s" if others != 1 else ""
        cost = f"{who} arrived last; {others} other{plural} waited {waited} in all (delay cost)"
    return f"  {label}{state}: {cost}; load balance {s.load_balance:.2f}"


# ---------------------------------------------------------------------- the report
def report_text(states: RunWaitStates, names: Names, what_ifs: Sequence[WhatIf]) -> str:
    """The readable report `analyze` prints (and `run` after its stage tables)."""
    if not states.stages:
        return "Wait states: no party arrived at a barrier, so there is nothing to analyse."
    width = max([len("party"), *(len(_name(names, p.party)) for p in states.parties)])
    head = (
        f"  {'party':<{width}}  {'work':>9}  {'wait at barrier':>15}  {'completion':>10}  "
        f"{'delay cost caused':>17}  {'times last':>10}"
    )
    rows = ["Wait states (Scalasca's definitions)", head]
    for p in states.parties:
        rows.append(
            f"  {_name(names, p.party):<{width}}  {_s(p.work_ns):>7.3f} s  "
            f"{_s(p.wait_ns):>13.3f} s  {p.completion_ns / 1e6:>7.2f} ms  "
            f"{_s(p.delay_cost_ns):>15.3f} s  {p.last_count:>10}"
        )
    rows.append("")
    shown = states.stages[:MAX_STAGE_LINES]
    rows += [stage_line(s, names, states.several_barriers) for s in shown]
    if len(states.stages) > len(shown):
        rows.append(f"  … and {len(states.stages) - len(shown)} more stages (see --json)")
    rows.append("")
    rows.append(f"Critical path: {critical_path_text(states, names)}")
    verdict = load_balance_verdict(states.load_balance)
    rows.append(verdict[0].upper() + verdict[1:] + ".")
    if what_ifs:
        rows.append("What if:")
        rows += [f"  {describe_what_if(w, names, states.several_barriers)}" for w in what_ifs]
    elif broke(states):
        rows.append("What if: none — the barrier broke, so the break ended the run, not the work.")
    else:
        rows.append("What if: no change of one party's work or of balance would end it sooner.")
    return "\n".join(rows)


def _by_party(values: Mapping[int, float]) -> dict[str, float]:
    return {str(p): _s(values[p]) for p in sorted(values)}


def report_json(states: RunWaitStates, names: Names, what_ifs: Sequence[WhatIf]) -> dict[str, Any]:
    """The JSON object of `analyze --json`: stages, parties, critical_path, load_balance,
    what_if (each stage also says its `outcome`: released, broken or open)."""
    stages = [
        {
            "barrier": s.barrier,
            "stage": s.stage,
            "outcome": s.outcome,
            "last_arriver": s.last_arriver,
            "delay_cost_s": _s(s.delay_cost_ns),
            "load_balance": s.load_balance,
            "wait_at_barrier_s": _by_party(s.wait_ns),
            "completion_s": _by_party(s.completion_ns),
            "work_s": _by_party(s.work_ns),
        }
        for s in states.stages
    ]
    parties = [
        {
            "party": p.party,
            "name": _name(names, p.party),
            "work_s": _s(p.work_ns),
            "wait_at_barrier_s": _s(p.wait_ns),
            "completion_s": _s(p.completion_ns),
            "delay_cost_s": _s(p.delay_cost_ns),
            "last_count": p.last_count,
        }
        for p in states.parties
    ]
    return {
        "stages": stages,
        "parties": parties,
        "critical_path": list(states.critical_path),
        "load_balance": states.load_balance,
        "what_if": [_what_if_json(w, names, states.several_barriers) for w in what_ifs],
    }


def _what_if_json(w: WhatIf, names: Names, several_barriers: bool) -> dict[str, Any]:
    return {
        "kind": w.kind,
        "party": w.party,
        "name": None if w.party is None else _name(names, w.party),
        "factors": {str(p): f for p, f in sorted(w.factors.items())},
        "saving_s": _s(w.saving_ns),
        "new_trippers": [
            {"barrier": key[0], "stage": key[1], "was": old, "now": new}
            for key, old, new in w.new_trippers
        ],
        "text": describe_what_if(w, names, several_barriers),
    }
