"""The Chrome/Perfetto trace export, from a real run, from hand-made events and from the CLI.

Every trace goes through one structural check (`check_trace`): named tracks with the right pids,
one work and one wait slice per party per stage, release instants, the n_waiting counter, the
action slices and flow arrows bound inside slices on both ends.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from engine.core.events import Event
from engine.export.chrome_trace import build_trace, write_trace
from engine.export.trace_wait_states import (
    COUNTER_KEY,
    CRITICAL_THREAD,
    DELAY_COUNTER,
    WAIT_COUNTER,
)
from engine.model.wait_states import analyse_events
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from tests.paths import ROOT

T0 = 5_000_000_000
APP = 4000
PIDS = (4001, 4002, 4003)
NAMES = ("Navigation", "Communication", "Propulsion")
MESSAGE = "🚀 All systems go!"

Trace = dict[str, Any]


# ---------------------------------------------------------------------- helpers
def ev(
    kind: str, ms: float, party: int | None = None, stage: int | None = None, **data: Any
) -> Event:
    pid = APP if party is None else PIDS[party]
    return Event(kind, T0 + int(ms * 1_000_000), party, pid, stage, data)


def synthetic(stages: int = 2) -> list[Event]:
    """Three parties pass `stages` stages; party 2 always arrives last and runs the action."""
    out = [ev("run_start", 0, names=list(NAMES), parties=3, stages=stages, barrier=0)]
    out += [ev("spawn", 1 + i, i, name=name) for i, name in enumerate(NAMES)]
    t = 5.0
    for k in range(stages):
        arrive = [t + 10 * (i + 1) for i in range(3)]
        for i in range(3):
            out.append(ev("work_start", t + i * 0.1, i, k, planned_s=0.01 * (i + 1)))
            out.append(ev("arrive", arrive[i], i, k, barrier=0))
        out.append(ev("action", arrive[2] + 0.2, 2, k, message=MESSAGE, barrier=0))
        for j, i in enumerate((2, 0, 1)):
            out.append(ev("release", arrive[2] + 0.5 + 0.1 * j, i, k, index=i, barrier=0))
        t = arrive[2] + 1
    out += [ev("exit", t + 1 + i, i, exitcode=0) for i in range(3)]
    out.append(ev("run_end", t + 5, status="passed", exit_code=0, reason="every stage passed"))
    return out


def of(trace: Trace, ph: str, pid: int | None = None) -> list[dict[str, Any]]:
    return [e for e in trace["traceEvents"] if e["ph"] == ph and pid in (None, e["pid"])]


def metadata(trace: Trace, name: str) -> dict[int, Any]:
    return {e["pid"]: e["args"] for e in of(trace, "M") if e["name"] == name}


def inside_slice(trace: Trace, pid: int, ts: float) -> bool:
    return any(s["ts"] <= ts <= s["ts"] + s["dur"] for s in of(trace, "X", pid))


def check_trace(trace: Trace, names: tuple[str, ...], stages: int, message: str) -> None:
    """Everything a trace of a passed run must hold (pids are read from the trace itself)."""
    trace = json.loads(json.dumps(trace, ensure_ascii=False))  # JSON-ready, round trips
    assert trace["displayTimeUnit"] == "ms" and isinstance(trace["otherData"], dict)
    parties = len(names)
    procs = metadata(trace, "process_name")
    sort = metadata(trace, "process_sort_index")
    threads = metadata(trace, "thread_name")
    app = trace["otherData"]["app_pid"]
    assert procs[app]["name"] == f"Barrier Visualiser (pid {app})"
    assert sort[app]["sort_index"] < min(sort[p]["sort_index"] for p in procs if p != app)
    by_name = {args["name"].split(" (pid")[0]: pid for pid, args in procs.items() if pid != app}
    assert sorted(by_name) == sorted(names)
    for index, name in enumerate(names):
        pid = by_name[name]
        assert procs[pid]["name"] == f"{name} (pid {pid})"
        assert sort[pid]["sort_index"] == index and pid in threads
    assert len(set(by_name.values()) | {app}) == parties + 1
    assert all("ts" not in e for e in of(trace, "M"))
    timed = [e for e in trace["traceEvents"] if e["ph"] != "M"]
    assert all(isinstance(e["ts"], int | float) and e["ts"] >= 0 for e in timed)
    assert {e["ph"] for e in timed} <= {"X", "i", "C", "s", "f"}

    for pid in by_name.values():
        counts = Counter(s["name"] for s in of(trace, "X", pid))
        for k in range(1, stages + 1):
            assert counts[f"stage {k}: work"] == 1 and counts[f"stage {k}: wait"] == 1
    assert all(s["dur"] >= 0 for s in of(trace, "X"))

    releases = [i for i in of(trace, "i") if i["name"].startswith("released, index")]
    assert len(releases) == parties * stages
    assert {i["pid"] for i in releases} == set(by_name.values())
    assert all(i["s"] in ("t", "p") for i in releases)
    marks = sorted(i["name"] for i in of(trace, "i", app) if i["name"].endswith(" released"))
    assert marks == [f"stage {k} released" for k in range(1, stages + 1)]

    samples = [c["args"]["n_waiting"] for c in of(trace, "C", app) if c["name"] == "n_waiting"]
    assert samples and min(samples) >= 0 and max(samples) == parties and samples[-1] == 0

    actions = [s for s in of(trace, "X") if s["name"] == message]
    assert len(actions) == stages
    for a in actions:  # nested in the same party's wait slice
        waits = [w for w in of(trace, "X", a["pid"]) if w["name"].endswith(": wait")]
        assert any(w["ts"] <= a["ts"] and a["ts"] + a["dur"] <= w["ts"] + w["dur"] for w in waits)

    starts = {s["id"]: s for s in of(trace, "s")}
    ends = {f["id"]: f for f in of(trace, "f")}
    assert len(starts) == len(of(trace, "s")) and starts.keys() == ends.keys()
    assert len(starts) == (parties - 1) * stages
    for fid, s in starts.items():
        f = ends[fid]
        assert (s["cat"], s["name"]) == (f["cat"], f["name"]) and f["bp"] == "e"
        assert s["pid"] != f["pid"] and s["ts"] <= f["ts"]
        assert inside_slice(trace, s["pid"], s["ts"]) and inside_slice(trace, f["pid"], f["ts"])


def counter_series(trace: Trace, name: str, pid: int) -> list[tuple[float, float]]:
    return [(c["ts"], c["args"][COUNTER_KEY]) for c in of(trace, "C", pid) if c["name"] == name]


def check_wait_states(trace: Trace, events: list[Event]) -> None:
    """The counters end at the analysis' totals and climb only at last arrivals; the critical
    path has one slice per stage on its own thread of the app track, named after the last
    arriver, and an instant on that party's track at its arrival."""
    trace = json.loads(json.dumps(trace, ensure_ascii=False))
    app = trace["otherData"]["app_pid"]
    run = analyse_events(events)
    procs = metadata(trace, "process_name")
    pid_of = {e.party: e.pid for e in events if e.kind == "spawn"}
    t0 = next(e.t_ns for e in events if e.kind == "run_start")
    stage_ends = {round((s.last_arrival_ns - t0) / 1000, 3) for s in run.stages}
    for p in run.parties:
        pid = pid_of[p.party]
        assert pid in procs
        for name, total in ((WAIT_COUNTER, p.wait_ns), (DELAY_COUNTER, p.delay_cost_ns)):
            series = counter_series(trace, name, pid)
            assert series[0] == (0.0, 0.0)
            assert series[-1][1] == pytest.approx(total / 1e9)
            assert all(a[1] <= b[1] for a, b in itertools.pairwise(series))
            assert {ts for ts, _ in series[1:]} <= stage_ends
    threads = [m for m in of(trace, "M", app) if m["name"] == "thread_name" and m["tid"] != app]
    assert [m["args"]["name"] for m in threads][:1] == [CRITICAL_THREAD]
    tids = {m["tid"] for m in threads}
    assert not tids & ({app} | set(pid_of.values()))
    critical = [x for x in of(trace, "X", app) if x["tid"] in tids]
    assert len(critical) == len(run.stages)
    names = {p: procs[pid]["name"].split(" (pid")[0] for p, pid in pid_of.items()}
    by_end = sorted(critical, key=lambda x: x["ts"] + x["dur"])
    for s, x in zip(sorted(run.stages, key=lambda s: s.last_arrival_ns), by_end, strict=True):
        assert x["name"].endswith(f"stage {s.stage + 1}: {names[s.last_arriver]} arrived last")
        assert x["args"]["last_arriver"] == s.last_arriver
        assert x["ts"] + x["dur"] == pytest.approx((s.last_arrival_ns - t0) / 1000, abs=0.002)
        marks = [
            i
            for i in of(trace, "i", pid_of[s.last_arriver])
            if i["name"].startswith("last to arrive")
            and i["args"]["stage"] == s.stage + 1
            and i["args"]["barrier"] == s.barrier
        ]
        assert len(marks) == 1
        assert marks[0]["args"]["delay_cost_s"] == pytest.approx(s.delay_cost_ns / 1e9)


# ---------------------------------------------------------------------- a real run
@pytest.fixture(scope="module")
def real_events() -> list[Event]:
    runner = Runner(load_preset("two-rounds"), speed=20)
    runner.start()
    assert runner.join(30), "the run did not finish"
    assert runner.outcome is not None and runner.outcome.status == "passed"
    return runner.events


def test_real_run_trace_is_complete(real_events: list[Event]) -> None:
    scenario = load_preset("two-rounds")
    names = tuple(p.name for p in scenario.party)
    assert scenario.action is not None
    trace = build_trace(real_events)
    check_trace(trace, names, scenario.stages, scenario.action.message)
    spawned = {e.get("name"): e.pid for e in real_events if e.kind == "spawn"}
    procs = metadata(trace, "process_name")
    for name, pid in spawned.items():
        assert procs[pid]["name"] == f"{name} (pid {pid})"
    parent = next(e.pid for e in real_events if e.kind == "run_start")
    assert procs[parent]["name"] == f"Barrier Visualiser (pid {parent})"
    assert trace["otherData"]["scenario"] == scenario.name
    check_wait_states(trace, real_events)


def test_write_trace_writes_parseable_json_atomically(
    real_events: list[Event], tmp_path: Path
) -> None:
    target = tmp_path / "run.json"
    target.write_text("old")
    write_trace(real_events, target)
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        json.dumps(build_trace(real_events), ensure_ascii=False, default=str)
    )
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temp file left behind


# ---------------------------------------------------------------------- hand-made events
def test_synthetic_trace_is_complete() -> None:
    check_trace(build_trace(synthetic(3)), NAMES, 3, MESSAGE)
    check_wait_states(build_trace(synthetic(3)), synthetic(3))


def test_counters_and_critical_path_of_a_synthetic_run() -> None:
    """Arrivals come 10, 20, 30 ms into each stage: per stage Navigation waits 20 ms,
    Communication 10 ms, and Propulsion, always last, causes 30 ms of delay."""
    trace = build_trace(synthetic(2))
    assert counter_series(trace, WAIT_COUNTER, PIDS[0]) == [
        (0.0, 0.0),
        (pytest.approx(35_000.0), pytest.approx(0.020)),
        (pytest.approx(66_000.0), pytest.approx(0.040)),
    ]
    assert counter_series(trace, WAIT_COUNTER, PIDS[2]) == [(0.0, 0.0)]  # never waited
    delays = counter_series(trace, DELAY_COUNTER, PIDS[2])
    assert [v for _, v in delays] == [0.0, pytest.approx(0.030), pytest.approx(0.060)]
    assert counter_series(trace, DELAY_COUNTER, PIDS[0]) == [(0.0, 0.0)]
    critical = [x for x in of(trace, "X", APP) if x["cat"] == "barrier.wait_states"]
    assert [x["name"] for x in critical] == [
        "stage 1: Propulsion arrived last",
        "stage 2: Propulsion arrived last",
    ]
    # from Propulsion's work_start (5.2 ms, 36.2 ms) to its arrival (35 ms, 66 ms)
    assert critical[0]["ts"] == pytest.approx(5_200.0) and critical[0]["dur"] == pytest.approx(
        29_800.0
    )
    assert critical[1]["ts"] == pytest.approx(36_200.0)


def test_a_program_with_two_barriers_gets_a_critical_row_per_barrier() -> None:
    from tests.engine.model.test_wait_states import TWO_BARRIERS

    trace = build_trace(TWO_BARRIERS)
    app = trace["otherData"]["app_pid"]
    rows = [
        m["args"]["name"]
        for m in of(trace, "M", app)
        if m["name"] == "thread_name" and m["tid"] != app
    ]
    assert rows == ["critical path, barrier 0", "critical path, barrier 1"]
    critical = sorted(
        (x["tid"], x["name"]) for x in of(trace, "X", app) if x["cat"] == "barrier.wait_states"
    )
    assert [name for _, name in critical] == [
        "barrier 0 stage 1: Sous-chef arrived last",
        "barrier 1 stage 1: Chef arrived last",
    ]
    assert critical[0][0] != critical[1][0]


def test_timestamps_are_microseconds_since_run_start() -> None:
    trace = build_trace(synthetic(1))
    work = next(s for s in of(trace, "X", PIDS[0]) if s["name"] == "stage 1: work")
    assert work["ts"] == pytest.approx(5000.0) and work["dur"] == pytest.approx(10_000.0)
    assert work["args"]["planned_s"] == pytest.approx(0.01)
    wait = next(s for s in of(trace, "X", PIDS[0]) if s["name"] == "stage 1: wait")
    assert wait["args"]["index"] == 0 and wait["ts"] == pytest.approx(15_000.0)
    assert wait["ts"] + wait["dur"] == pytest.approx(35_600.0)  # its own release


def test_event_order_does_not_matter() -> None:
    events = synthetic(2)
    shuffled = random.Random(3).sample(events, len(events))
    assert build_trace(shuffled) == build_trace(events)


def test_a_crash_mid_work_closes_the_slice_and_breaks_the_others() -> None:
    events = [ev("run_start", 0, names=list(NAMES), parties=3, stages=1)]
    events += [ev("spawn", 1 + i, i, name=n) for i, n in enumerate(NAMES)]
    events += [ev("work_start", 5, i, 0, planned_s=0.05) for i in range(3)]
    events += [ev("arrive", 10, 0, 0), ev("arrive", 12, 1, 0)]
    events += [ev("crash", 20, 2, 0, error="RuntimeError: Propulsion hit a fault")]
    events += [ev("exit", 21, 2, exitcode=1)]
    events += [ev("broken", 40 + i, i, 0, reason="broken") for i in range(2)]
    events += [ev("exit", 45 + i, i, exitcode=3) for i in range(2)]
    events += [ev("run_end", 50, status="died", exit_code=4, reason="a party died")]
    trace = build_trace(events)
    work = [s for s in of(trace, "X", PIDS[2]) if s["name"] == "stage 1: work"]
    assert len(work) == 1 and work[0]["ts"] + work[0]["dur"] == pytest.approx(20_000.0)
    crash = [i for i in of(trace, "i", PIDS[2]) if i["name"].startswith("crash")]
    assert crash[0]["args"]["error"] == "RuntimeError: Propulsion hit a fault"
    assert "Propulsion hit a fault" in crash[0]["name"]
    for pid in PIDS[:2]:
        (wait,) = [s for s in of(trace, "X", pid) if s["name"] == "stage 1: wait"]
        assert wait["args"]["outcome"] == "broken"
        broken = [i for i in of(trace, "i", pid) if i["name"].startswith("broken")]
        assert len(broken) == 1 and broken[0]["args"]["error"] == "BrokenBarrierError"
    samples = [c["args"]["n_waiting"] for c in of(trace, "C") if c["name"] == "n_waiting"]
    assert samples == [0, 1, 2, 1, 0]
    assert not of(trace, "s") and not of(trace, "f")
    assert trace["otherData"]["status"] == "died"


def test_no_events_gives_an_empty_but_valid_trace() -> None:
    trace = json.loads(json.dumps(build_trace([])))
    assert trace["displayTimeUnit"] == "ms" and isinstance(trace["traceEvents"], list)


# ---------------------------------------------------------------------- the command line
def test_cli_run_writes_a_trace(tmp_path: Path) -> None:
    target = tmp_path / "launch.json"
    args = ["run", "--preset", "launch", "--speed", "20", "--quiet", "--trace", str(target)]
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    trace = json.loads(target.read_text(encoding="utf-8"))
    scenario = load_preset("launch")
    assert scenario.action is not None
    check_trace(trace, tuple(p.name for p in scenario.party), 1, scenario.action.message)
