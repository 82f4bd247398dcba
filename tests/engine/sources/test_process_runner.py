"""The runner with real processes: every preset obeys barrier semantics, events stream live,
stop ends every process, and the event log holds every event."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from engine.core.events import Event
from engine.model.analysis import barrier_violations, summarise_stages
from engine.scenario.presets import list_presets, load_preset
from engine.sources.base import Source
from engine.sources.factory import make_source
from engine.sources.processes.runner import Runner

FAST = 25.0


def run_to_end(runner: Source, timeout: float = 40) -> list[Event]:
    runner.start()
    assert runner.join(timeout), "run did not finish"
    return runner.events


FAILURE_PRESETS = {"timeout", "action-fails", "too-few", "too-many", "wedge", "crash"}
PASSING = [p.name for p in list_presets() if p.name not in FAILURE_PRESETS]


def test_failure_presets_exist() -> None:
    assert {p.name for p in list_presets()} >= FAILURE_PRESETS


@pytest.mark.parametrize("name", PASSING)
def test_every_preset_obeys_barrier_semantics(name: str) -> None:
    scenario = load_preset(name)
    runner = make_source(scenario, speed=FAST)
    events = run_to_end(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 0, runner.outcome
    assert barrier_violations(events, scenario.parties, scenario.stages) == []
    spawns = [e for e in events if e.kind == "spawn"]
    assert len(spawns) == scenario.processes  # each its own process (or thread: `gil`)
    spawned = {e.pid for e in spawns}
    assert {e.pid for e in events if e.kind == "arrive"} == spawned  # arrivals come from parties


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_each_start_method_runs_two_stages(method: str) -> None:
    scenario = load_preset("two-rounds")
    runner = Runner(scenario, speed=FAST, start_method=method)
    events = run_to_end(runner)
    assert runner.start_method == method
    assert barrier_violations(events, 3, 2) == []


def test_the_violation_oracle_catches_a_premature_release() -> None:
    runner = Runner(load_preset("launch"), speed=FAST)
    events = run_to_end(runner)
    release = next(e for e in events if e.kind == "release")
    early = Event("release", 0, release.party, release.pid, release.stage, dict(release.data))
    tampered = [early if e is release else e for e in events]
    assert any("before the last arrival" in p for p in barrier_violations(tampered, 3, 1))


def test_summary_reports_waits_and_skew() -> None:
    runner = Runner(load_preset("straggler"), speed=10, seed=3)
    events = run_to_end(runner)
    stage = summarise_stages(events)[0]
    names = next(e.get("names") for e in events if e.kind == "run_start")
    assert names[stage.last_arriver or 0] == "Straggler"
    straggler = names.index("Straggler")
    fast_waits = [stage.wait_ns(p) or 0 for p in stage.arrivals if p != straggler]
    assert min(fast_waits) > (stage.wait_ns(straggler) or 0)  # everyone waits for the slowest
    assert stage.release_skew_ns is not None and stage.release_skew_ns >= 0


def test_same_seed_gives_same_plan() -> None:
    a = Runner(load_preset("dungeon"), seed=11)
    b = Runner(load_preset("dungeon"), seed=11)
    c = Runner(load_preset("dungeon"), seed=12)
    assert a.plan == b.plan != c.plan


def test_speed_scales_work_and_timeout() -> None:
    slow = Runner(load_preset("launch"), seed=1)
    fast = Runner(load_preset("launch"), seed=1, speed=10)
    assert fast.plan[0][0] == pytest.approx(slow.plan[0][0] / 10, abs=1e-5)
    assert slow.timeout is not None and fast.timeout == pytest.approx(slow.timeout / 10)


def test_stop_ends_every_party_process() -> None:
    runner = Runner(load_preset("dungeon"), speed=0.2)  # would take many seconds
    runner.start()
    deadline_events: list[Event] = []
    while sum(e.kind == "work_start" for e in deadline_events) < 3:
        deadline_events += runner.wait_events(5)
    pids = runner.pids
    assert len(pids) == 3 and all(psutil.pid_exists(p) for p in pids)
    runner.stop()
    assert runner.join(10)
    assert runner.outcome is not None and runner.outcome.status == "stopped"
    assert runner.outcome.exit_code == 4
    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]


def test_event_log_has_every_event_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    runner = Runner(load_preset("two-rounds"), speed=FAST, events_path=path)
    events = run_to_end(runner)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(events)
    decoded = [Event.from_json_line(line) for line in lines]
    assert decoded == events
    first = json.loads(lines[0])
    assert set(first) >= {"kind", "t_ns", "party", "pid", "stage"}
    assert first["kind"] == "run_start" and decoded[-1].kind == "run_end"
    assert not path.with_name("run.jsonl.part").exists()


def test_poll_never_blocks_and_streams_before_the_end() -> None:
    runner = Runner(load_preset("launch-staggered"), speed=4)
    runner.start()
    seen: list[Event] = []
    while not any(e.kind == "arrive" for e in seen):
        seen += runner.wait_events(5)
    assert not runner.done  # arrivals are visible while others still work
    assert runner.join(30)
