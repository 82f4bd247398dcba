"""`analyze`: the wait-state report and JSON of event logs from REAL runs, checked against the
definitions recomputed here, independently, from the raw events.

Sources: the launch, two-rounds, straggler and crowd presets as processes, two-rounds as
threads and as asyncio tasks (one pid for every party) and a traced program with two
barriers.  Plus bad input (one line on stderr, exit 2) and the module run as `python -m`.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.cli.analyze import cmd_analyze
from engine.core.event_log_reader import read_event_log
from engine.core.events import Event
from engine.scenario.presets import load_preset
from engine.sources.factory import make_source
from engine.sources.tracer.runner import TraceRunner
from tests.paths import PROGRAMS, ROOT

SPEED = 20


# ---------------------------------------------------------------------- the definitions, again
def recompute(events: list[Event]) -> dict[str, Any]:
    """Scalasca's measures straight from the raw events, without the engine's StageBook."""
    run_barrier = next(e.get("barrier") for e in events if e.kind == "run_start")
    table: dict[tuple[Any, int], dict[str, dict[int, int]]] = {}
    spawn: dict[int, int] = {}
    releases: dict[int, list[int]] = {}
    for e in events:
        if e.kind == "spawn" and e.party is not None:
            spawn.setdefault(e.party, e.t_ns)
        if e.kind not in ("arrive", "release", "work_start") or e.party is None:
            continue
        if e.stage is None:
            continue
        barrier = e.get("barrier", run_barrier)
        slot = table.setdefault((barrier, e.stage), {"arrive": {}, "release": {}, "work": {}})
        if e.kind == "work_start":
            slot["work"].setdefault(e.party, e.t_ns)
        else:
            slot[e.kind][e.party] = e.t_ns
        if e.kind == "release":
            releases.setdefault(e.party, []).append(e.t_ns)
    stages = []
    for (barrier, stage), slot in sorted(
        table.items(), key=lambda kv: (-1 if kv[0][0] is None else kv[0][0], kv[0][1])
    ):
        arrive, release = slot["arrive"], slot["release"]
        if not arrive:
            continue
        latest = max(arrive.values())
        last = min(p for p, t in arrive.items() if t == latest)
        work = {}
        for p, t in arrive.items():
            before = [r for r in releases.get(p, []) if r <= t]
            start = slot["work"].get(p, max(before) if before else spawn.get(p))
            if start is not None:
                work[p] = t - start
        first = min(release.values(), default=0)
        wait = {p: latest - t for p, t in arrive.items()}
        stages.append(
            {
                "barrier": barrier,
                "stage": stage,
                "last_arriver": last,
                "wait": wait,
                "completion": {p: t - first for p, t in release.items()},
                "work": work,
                "delay": sum(wait.values()),
                "mean": sum(work.values()) / len(work),
                "max": max(work.values()),
            }
        )
    return {"stages": stages, "path": [s["last_arriver"] for s in stages]}


def seconds(values: dict[int, int]) -> dict[str, Any]:
    return {str(p): pytest.approx(v / 1e9, abs=1e-9) for p, v in sorted(values.items())}


def check_against_definitions(report: dict[str, Any], events: list[Event]) -> None:
    want = recompute(events)
    assert set(report) == {"stages", "parties", "critical_path", "load_balance", "what_if"}
    assert len(report["stages"]) == len(want["stages"]) > 0
    for got, exp in zip(report["stages"], want["stages"], strict=True):
        assert (got["barrier"], got["stage"]) == (exp["barrier"], exp["stage"])
        assert got["last_arriver"] == exp["last_arriver"]
        assert got["wait_at_barrier_s"] == seconds(exp["wait"])
        assert got["completion_s"] == seconds(exp["completion"])
        assert got["work_s"] == seconds(exp["work"])
        assert got["delay_cost_s"] == pytest.approx(exp["delay"] / 1e9, abs=1e-9)
        lb = exp["mean"] / exp["max"] if exp["max"] > 0 else 1.0
        assert got["load_balance"] == pytest.approx(lb)
    assert report["critical_path"] == want["path"]
    means = sum(s["mean"] for s in want["stages"])
    maxes = sum(s["max"] for s in want["stages"])
    assert report["load_balance"] == pytest.approx(means / maxes)
    for party in report["parties"]:
        p = party["party"]
        mine = [s for s in want["stages"] if p in s["wait"]]
        total = {
            "work_s": sum(s["work"].get(p, 0) for s in mine),
            "wait_at_barrier_s": sum(s["wait"][p] for s in mine),
            "completion_s": sum(s["completion"].get(p, 0) for s in mine),
            "delay_cost_s": sum(s["delay"] for s in want["stages"] if s["last_arriver"] == p),
        }
        for key, ns in total.items():
            assert party[key] == pytest.approx(ns / 1e9, abs=1e-9), (p, key)
        assert party["last_count"] == want["path"].count(p)
    for what_if in report["what_if"]:
        assert what_if["saving_s"] > 0 and what_if["text"].startswith("If ")


# ---------------------------------------------------------------------- real runs
def scenario_run(preset: str, **changes: object) -> Callable[[Path], None]:
    def record(log: Path) -> None:
        scenario = load_preset(preset)
        if changes:
            scenario = scenario.replace(**changes)
        runner = make_source(scenario, speed=SPEED, events_path=log)
        runner.start()
        assert runner.join(60), f"{preset} did not finish"
        assert runner.outcome is not None and runner.outcome.status == "passed"

    return record


def traced_run(program: str) -> Callable[[Path], None]:
    def record(log: Path) -> None:
        out, err = io.BytesIO(), io.BytesIO()
        runner = TraceRunner(PROGRAMS / program, events_path=log, stdout=out, stderr=err)
        runner.start()
        assert runner.join(60), f"{program} did not finish"
        assert runner.outcome is not None and runner.outcome.exit_code == 0

    return record


SOURCES = {
    "launch": (scenario_run("launch"), ["Navigation", "Communication", "Propulsion"]),
    "two-rounds": (scenario_run("two-rounds"), ["Warrior", "Mage", "Rogue"]),
    "straggler": (scenario_run("straggler"), ["Fast 1", "Fast 2", "Fast 3", "Straggler"]),
    "threads": (scenario_run("two-rounds", backend="threads"), ["Warrior", "Mage", "Rogue"]),
    "asyncio": (  # asyncio.Barrier has no action and no timeout
        scenario_run("two-rounds", backend="asyncio", action=None, timeout=None),
        ["Warrior", "Mage", "Rogue"],
    ),
    "two_barriers": (traced_run("two_barriers.py"), ["Chef", "Sous-chef", "Waiter"]),
    "crowd": (scenario_run("crowd"), [f"Worker {i:02d}" for i in range(1, 33)]),
}


def analyse(log: Path, capsys: pytest.CaptureFixture[str], as_json: bool) -> str:
    assert cmd_analyze(str(log), as_json) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


@pytest.mark.parametrize(
    "source",
    [pytest.param(s, marks=[pytest.mark.slow] if s == "crowd" else []) for s in SOURCES],
)
def test_json_of_a_real_run_gives_the_definitions(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record, names = SOURCES[source]
    log = tmp_path / f"{source}.jsonl"
    record(log)
    events, warnings = read_event_log(log)
    assert warnings == []
    out = analyse(log, capsys, as_json=True)
    assert out.count("\n") == 1  # one JSON object on one line
    report = json.loads(out)
    check_against_definitions(report, events)
    got_names = [p["name"] for p in report["parties"]]
    if source == "two_barriers":  # lanes are numbered in the order processes first wait
        assert sorted(got_names) == sorted(names)
    else:
        assert got_names == names
    assert all(s["outcome"] == "released" for s in report["stages"])
    pids = {e.pid for e in events if e.party is not None}
    if source in ("threads", "asyncio"):
        assert len(pids) == 1  # every party is a thread (or task) of one process
    if source == "two_barriers":
        assert {(s["barrier"], s["stage"]) for s in report["stages"]} == {(0, 0), (1, 0)}
    else:
        preset = "two-rounds" if source in ("threads", "asyncio") else source
        assert len(report["stages"]) == load_preset(preset).stages
    if source == "straggler":  # the straggler is last every time and costs the most
        assert report["critical_path"] == [3, 3]
        assert report["load_balance"] < 0.8
        assert report["what_if"] and report["what_if"][0]["saving_s"] > 0
    text = analyse(log, capsys, as_json=False)
    for name in names[:4]:
        assert name in text
    assert "Critical path: " in text and "Load balance " in text


# ---------------------------------------------------------------------- the text report
def test_report_text_of_a_hand_made_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.model.test_wait_states import NEVER_ARRIVES

    log = tmp_path / "broken.jsonl"
    log.write_text("".join(e.to_json_line() + "\n" for e in NEVER_ARRIVES), encoding="utf-8")
    text = analyse(log, capsys, as_json=False)
    lines = text.splitlines()
    assert lines[0] == "Wait states (Scalasca's definitions)"
    row = next(line for line in lines if line.strip().startswith("B "))
    # B: work 60 ms, waited 0, completion 0, caused 50 ms of waiting, last once
    assert row.split() == ["B", "0.060", "s", "0.000", "s", "0.00", "ms", "0.050", "s", "1"]
    assert (
        "  Stage 1: B arrived last; 2 others waited 50.0 ms in all (delay cost); "
        "load balance 0.72" in lines
    )
    assert any(
        line.startswith("  Stage 2 (broken): A arrived last; 1 other waited") for line in lines
    )
    assert "Critical path: B → A" in lines
    assert any(line.startswith("Load balance 0.74: worth fixing") for line in lines)
    # a timeout or an abort ended this run, not its work: no what-if would end it sooner
    assert "What if: none — the barrier broke, so the break ended the run, not the work." in lines
    assert json.loads(analyse(log, capsys, as_json=True))["what_if"] == []


def test_report_of_a_log_with_no_arrival(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "empty.jsonl"
    log.write_text(Event("run_start", 1, None, 1, None, {}).to_json_line() + "\n")
    assert "nothing to analyse" in analyse(log, capsys, as_json=False)
    report = json.loads(analyse(log, capsys, as_json=True))
    assert report == {
        "stages": [],
        "parties": [],
        "critical_path": [],
        "load_balance": 1.0,
        "what_if": [],
    }


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "cannot be read"),
        ("not json at all\n", "not a Barrier Visualiser event log"),
        (
            '{"kind":"run_start","t_ns":1,"party":null,"pid":1,"stage":null}\n'
            '{"kind":"arrive","t_ns":2,"party":-3,"pid":1,"stage":0}\n',
            "party must be an integer from 0 to 4095 or null, got -3",
        ),
        (
            '{"kind":"run_start","t_ns":1,"party":null,"pid":1,"stage":null}\n'
            '{"kind":"arrive","t_ns":2,"party":0,"pid":1,"stage":-1}\n',
            "stage must be an integer from 0 to 1000000 or null, got -1",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: str | None, needle: str) -> None:
    log = tmp_path / "log.jsonl"
    if content is not None:
        log.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cmd_analyze(str(log), False, out=out, err=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().count("\n") == 1 and needle in err.getvalue()
    assert err.getvalue().startswith("error: ") and "Traceback" not in err.getvalue()


def test_damaged_lines_are_warnings(tmp_path: Path) -> None:
    from tests.engine.model.test_wait_states import OLD_LOG

    log = tmp_path / "damaged.jsonl"
    lines = [e.to_json_line() for e in OLD_LOG]
    log.write_text("\n".join([*lines[:3], "garbage", *lines[3:]]) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cmd_analyze(str(log), True, out=out, err=err) == 0
    assert err.getvalue().startswith(f"warning: {log}: skipped 1 line (line 4: not JSON")
    assert json.loads(out.getvalue())["critical_path"] == [1, 1]


def test_python_dash_m(tmp_path: Path) -> None:
    from tests.engine.model.test_wait_states import TWO_BARRIERS

    log = tmp_path / "two.jsonl"
    log.write_text("".join(e.to_json_line() + "\n" for e in TWO_BARRIERS), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "engine.cli.analyze", str(log), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["critical_path"] == [1, 0]
    assert [p["name"] for p in report["parties"]] == ["Chef", "Sous-chef", "Waiter"]
    bad = subprocess.run(
        [sys.executable, "-m", "engine.cli.analyze", str(tmp_path / "missing.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
