"""The wait-state analysis drawn into a Chrome/Perfetto trace: counters and the critical path.

What it adds to the trace `chrome_trace` builds (always recomputed from the events; the event
log carries none of it):
- on every party's track, two counters that step at each stage's last arrival (when that
  stage's waits are known): "wait at barrier (cumulative)" and "delay cost caused
  (cumulative)", in seconds;
- on the app's track, one "critical path" thread per barrier: a slice per stage from the last
  arriver's start to its arrival, named after it, so the chain of last arrivals reads as one row;
- on the last arriver's own track, an instant at its arrival: "last to arrive: stage k".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.model.wait_states.metrics import RunWaitStates

CATEGORY = "barrier.wait_states"
WAIT_COUNTER = "wait at barrier (cumulative)"
DELAY_COUNTER = "delay cost caused (cumulative)"
COUNTER_KEY = "seconds"  # Perfetto names the track "<name> <key>"
CRITICAL_THREAD = "critical path"

TraceEvent = dict[str, Any]


def wait_state_events(
    states: RunWaitStates,
    *,
    party_pids: Mapping[int, int],
    names: Mapping[int, str],
    app_pid: int,
    first_tid: int,
    t0_ns: int,
    ts: Callable[[int], float],
) -> tuple[list[TraceEvent], list[TraceEvent]]:
    """(metadata, timed events) for `states`; `first_tid` is free for the critical-path threads
    (one per barrier), `ts` turns a `t_ns` into the trace's microseconds."""
    timed: list[TraceEvent] = []

    def emit(ph: str, name: str, pid: int, tid: int, t_ns: int, **extra: Any) -> None:
        event = {"ph": ph, "name": name, "cat": CATEGORY, "pid": pid, "tid": tid}
        timed.append({**event, "ts": ts(t_ns), **extra})

    wait_total: dict[int, int] = {}
    delay_total: dict[int, int] = {}
    for party_pid in party_pids.values():
        for counter in (WAIT_COUNTER, DELAY_COUNTER):
            emit("C", counter, party_pid, party_pid, t0_ns, args={COUNTER_KEY: 0.0})
    several = states.several_barriers
    barriers = sorted({s.barrier for s in states.stages}, key=lambda b: -1 if b is None else b)
    tids = {b: first_tid + i for i, b in enumerate(barriers)}
    for s in sorted(states.stages, key=lambda s: s.last_arrival_ns):
        label = f"stage {s.stage + 1}"
        if several and s.barrier is not None:
            label = f"barrier {s.barrier} {label}"
        at = s.last_arrival_ns
        for party, waited in s.wait_ns.items():
            waiter = party_pids.get(party)
            if waiter is None or waited == 0:
                continue
            wait_total[party] = wait_total.get(party, 0) + waited
            total_s = wait_total[party] / 1e9
            emit("C", WAIT_COUNTER, waiter, waiter, at, args={COUNTER_KEY: total_s})
        last = s.last_arriver
        name = names.get(last) or f"Party {last + 1}"
        facts = {
            "stage": s.stage + 1,
            "barrier": s.barrier,
            "last_arriver": last,
            "name": name,
            "delay_cost_s": s.delay_cost_ns / 1e9,
            "load_balance": s.load_balance,
            "outcome": s.outcome,
        }
        culprit = party_pids.get(last)
        if culprit is not None:
            delay_total[last] = delay_total.get(last, 0) + s.delay_cost_ns
            total_s = delay_total[last] / 1e9
            emit("C", DELAY_COUNTER, culprit, culprit, at, args={COUNTER_KEY: total_s})
            emit("i", f"last to arrive: {label}", culprit, culprit, at, s="t", args=facts)
        start = s.starts_ns.get(last, at)
        dur = round(max(at - start, 0) / 1000, 3)
        work = {"work_s": (at - start) / 1e9}
        slice_name = f"{label}: {name} arrived last"
        emit("X", slice_name, app_pid, tids[s.barrier], start, dur=dur, args={**facts, **work})
    meta: list[TraceEvent] = []
    for order, (barrier, tid) in enumerate(tids.items(), start=1):
        thread = CRITICAL_THREAD if not several else f"{CRITICAL_THREAD}, barrier {barrier}"
        meta.append(_thread_meta("thread_name", app_pid, tid, {"name": thread}))
        meta.append(_thread_meta("thread_sort_index", app_pid, tid, {"sort_index": order}))
    return meta, timed


def _thread_meta(name: str, pid: int, tid: int, args: dict[str, Any]) -> TraceEvent:
    return {"ph": "M", "name": name, "pid": pid, "tid": tid, "args": args}
