"""The MPI backend with real ranks launched by mpiexec (-n 3 and -n 4) on this machine: barrier
semantics in the event log, clock offsets, failures that end the whole job, and teardown.

Skipped, with the reason, where mpi4py or mpiexec is missing (install the `[mpi]` extra).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from engine.core.event_log_reader import read_event_log
from engine.core.events import Event
from engine.model.analysis import barrier_violations, summarise_stages
from engine.scenario import Scenario, ScenarioError
from engine.scenario.presets import load_preset
from engine.sources.mpi.config import ENV_MPIEXEC, ENV_PYTHON, MpiUnavailable, find_mpiexec
from engine.sources.mpi.protocol import BOOT_ID_ENV, ClockEstimate, applied_offset, estimate_offset
from engine.sources.mpi.source import MpiRunner
from tests.paths import ROOT

FAST = 20.0


def _why_no_mpi() -> str | None:
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install '.[mpi]')"
    try:
        find_mpiexec()
    except MpiUnavailable as exc:
        return str(exc)
    return None


NO_MPI = _why_no_mpi()
needs_mpi = pytest.mark.skipif(NO_MPI is not None, reason=NO_MPI or "")


def mpi(name: str, **changes: object) -> Scenario:
    return load_preset(name).replace(backend="mpi", **changes)


def run(runner: MpiRunner, timeout: float = 30) -> list[Event]:
    runner.start()
    assert runner.join(timeout), "the MPI run did not finish"
    return runner.events


def rank_processes() -> list[psutil.Process]:
    """Live rank programs (`python -m …mpi.rank …`; not mpiexec, whose line names it)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if (
                proc.cmdline()[1:3] == ["-m", "engine.sources.mpi.rank"]
                and proc.status() != "zombie"
            ):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


# ------------------------------------------------------------------ no MPI needed
def test_clock_estimate_keeps_the_round_with_the_least_round_trip() -> None:
    # (rank sent, app clock, rank received): the second round is the fastest
    samples = [(0, 1_000_500, 1_000), (2_000, 1_002_060, 2_100), (3_000, 1_003_900, 4_000)]
    estimate = estimate_offset(samples)
    assert estimate == ClockEstimate(offset_ns=1_000_010, uncertainty_ns=50, rounds=3)
    assert applied_offset("boot-a", "boot-a", estimate) == 0  # one machine, one clock
    assert applied_offset("boot-b", "boot-a", estimate) == 1_000_010
    assert applied_offset("", "", estimate) == 1_000_010  # unknown: never assume equal


def test_missing_mpiexec_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MPIEXEC, "/nonexistent/mpiexec")
    with pytest.raises(MpiUnavailable, match="mpiexec not found: '/nonexistent/mpiexec'"):
        MpiRunner(mpi("launch"))


def test_mpi_needs_one_rank_per_party() -> None:
    with pytest.raises(ScenarioError, match=r"processes: must equal parties \(4\)"):
        mpi("too-few")


# ------------------------------------------------------------------ real ranks
@needs_mpi
@pytest.mark.parametrize(("preset", "ranks", "stages"), [("launch", 3, 1), ("straggler", 4, 2)])
def test_ranks_obey_barrier_semantics(preset: str, ranks: int, stages: int, tmp_path: Path) -> None:
    scenario = mpi(preset)
    log = tmp_path / "events.jsonl"
    runner = MpiRunner(scenario, speed=FAST, events_path=log)
    events = run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 0, runner.outcome
    assert barrier_violations(events, ranks, stages) == []
    spawns = [e for e in events if e.kind == "spawn"]
    assert sorted(e.get("rank") for e in spawns) == list(range(ranks))
    assert {e.pid for e in events if e.kind == "arrive"} == {e.pid for e in spawns}
    assert set(runner.pids) == {e.pid for e in spawns} and os.getpid() not in runner.pids
    for spawn in spawns:
        assert spawn.get("host") and spawn.get("same_clock") is True
        assert spawn.get("clock_offset_ns") == 0 and spawn.get("clock_uncertainty_ns") == 0
        assert spawn.get("clock_estimate_uncertainty_ns") > 0
    for s in summarise_stages(events):  # the action: once, strictly between arrive and release
        assert s.action_t_ns is not None and s.action_party == 0
        assert (s.last_arrival or 0) < s.action_t_ns < min(s.releases.values())
        by_arrival = sorted(s.arrivals, key=lambda p: s.arrivals[p])
        assert [s.indices[p] for p in by_arrival] == list(range(ranks))  # index = arrival order
    logged, warnings = read_event_log(log)  # every event, in the order it was delivered
    assert warnings == [] and logged == events

    for stage in range(stages):  # delivered in causal order: all arrivals before any release
        kinds = [e.kind for e in events if e.stage == stage and e.kind in ("arrive", "release")]
        assert kinds == ["arrive"] * ranks + ["release"] * ranks
    assert events[0].kind == "run_start" and events[-1].kind == "run_end"
    assert events[0].get("backend") == "mpi"


@needs_mpi
def test_offsets_estimated_for_ranks_that_look_remote(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BOOT_ID_ENV, "another-machine")  # read by the ranks only
    events = run(MpiRunner(mpi("launch"), speed=FAST))
    spawns = [e for e in events if e.kind == "spawn"]
    assert len(spawns) == 3
    for spawn in spawns:
        offset, error = spawn.get("clock_offset_ns"), spawn.get("clock_uncertainty_ns")
        assert spawn.get("same_clock") is False and error > 0
        assert abs(offset) <= error  # the true offset here is 0: it must lie within ±error
    worst = 2 * max(e.get("clock_uncertainty_ns") for e in spawns)
    (stage,) = summarise_stages(events)  # sound within the clocks' uncertainty
    assert len(stage.arrivals) == len(stage.releases) == 3
    assert (stage.last_arrival or 0) <= min(stage.releases.values()) + worst


@needs_mpi
def test_timeout_breaks_every_rank() -> None:
    runner = MpiRunner(mpi("timeout"), speed=2.5)
    events = run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 3
    assert sorted(e.party for e in events if e.kind == "broken") == [0, 1, 2]
    assert {e.get("exitcode") for e in events if e.kind == "exit"} == {3}
    assert not any(e.kind == "release" for e in events)


@needs_mpi
def test_action_that_raises_breaks_the_barrier_in_rank_0() -> None:
    runner = MpiRunner(mpi("action-fails"), speed=FAST)
    events = run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 3
    broken = {e.party: e.get("reason") for e in events if e.kind == "broken"}
    assert broken == {0: "action_raised", 1: "broken", 2: "broken"}
    assert sum(e.kind == "action" for e in events) == 1


@needs_mpi
def test_a_rank_that_crashes_ends_the_whole_job() -> None:
    scenario = mpi("crash")
    crasher = next(i for i, p in enumerate(scenario.party) if p.fault == "crash")
    runner = MpiRunner(scenario, speed=FAST)
    events = run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 4
    assert scenario.party[crasher].name in runner.outcome.reason
    assert [e.party for e in events if e.kind == "crash"] == [crasher]
    exits = {e.party: e.get("exitcode") for e in events if e.kind == "exit"}
    assert exits[crasher] == 1 and len(exits) == len(scenario.party)
    assert rank_processes() == []


@needs_mpi
def test_stop_mid_run_leaves_no_rank() -> None:
    runner = MpiRunner(mpi("straggler"), speed=1.0)
    runner.start()
    seen: list[Event] = []
    while not any(e.kind == "arrive" for e in seen):  # stop while ranks wait at the barrier
        assert not runner.done, runner.outcome
        seen += runner.wait_events(5)
    assert len(rank_processes()) == 4
    runner.stop()
    assert runner.join(10)
    assert runner.outcome is not None and runner.outcome.status == "stopped"
    assert runner.outcome.exit_code == 4
    assert any(e.kind == "stop" for e in runner.events)
    assert rank_processes() == []


@needs_mpi
def test_mpiexec_that_cannot_start_ranks_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "python-without-mpi4py"
    fake.write_text(
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'mpi4py'\" >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_PYTHON, str(fake))
    runner = MpiRunner(mpi("launch"), speed=FAST)
    run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 4
    assert "No module named 'mpi4py'" in runner.outcome.reason
    assert "mpiexec exited with code" in runner.outcome.reason


@needs_mpi
def test_ranks_that_do_not_see_each_other_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A foreign mpiexec starts N singletons (world size 1 each): say so, end them all."""
    fake = tmp_path / "foreign-mpiexec"
    fake.write_text('#!/bin/sh\nn=$2; shift 2\nfor i in $(seq "$n"); do "$@" & done\nwait\n')
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_MPIEXEC, str(fake))
    runner = MpiRunner(mpi("launch"), speed=FAST)
    run(runner)
    assert runner.outcome is not None and runner.outcome.exit_code == 4
    assert "world size 1, expected 3" in runner.outcome.reason
    assert "MPICH" in runner.outcome.reason or "MPI" in runner.outcome.reason
    assert rank_processes() == []


# ------------------------------------------------------------------ the command line
def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=40,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@needs_mpi
def test_cli_runs_launch_on_mpi_ranks() -> None:
    done = cli("run", "--backend", "mpi", "--preset", "launch", "--speed", str(FAST))
    assert done.returncode == 0, done.stderr
    assert "All systems go" in done.stdout and "Result: passed" in done.stdout
    assert "Traceback" not in done.stderr


def test_cli_without_mpiexec_is_one_line_and_exit_2() -> None:
    done = cli(
        "run", "--backend", "mpi", "--preset", "launch", env={ENV_MPIEXEC: "/nonexistent/mpiexec"}
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--backend mpi: mpiexec not found" in lines[0]


# ------------------------------------------------------------------ the GUI, live
@needs_mpi
def test_the_gui_shows_an_mpi_run_live(qtbot: QtBot) -> None:
    from engine.model.view_model import LaneState
    from engine.sources.base import Source
    from gui.run.controller import RunController

    controller = RunController()
    frames: list[list[LaneState]] = []
    model = controller.model
    controller.frame_ready.connect(lambda _now: frames.append([ln.state for ln in model.lanes]))
    runner = MpiRunner(mpi("launch"), speed=5.0)
    assert isinstance(runner, Source)
    try:
        with qtbot.waitSignal(controller.run_finished, timeout=30_000) as blocker:
            assert controller.start_source(runner)
        assert blocker.args == [0]
        assert [lane.state for lane in model.lanes] == [LaneState.DONE] * 3
        assert any(LaneState.WAITING in frame for frame in frames)  # seen while it happened
        assert model.actions_per_stage == {0: 1} and model.status == "passed"
    finally:
        controller.shutdown()
