"""Nothing outlives the app: headless Ctrl+C, the app being SIGKILLed, a finished run, a wedged
barrier, and many runs in a row (no growth in fds, threads or children).  All with psutil and
real processes.

For the long version of the repeated-runs check: BV_REPEAT_RUNS=100 python3 dev.py test -k repeated
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from engine.core.lifeline.janitor import MARKER as JANITOR_MARKER
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from tests.paths import ROOT


def start_headless(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "main.py"), "run", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def wait_for_lines(proc: subprocess.Popen[str], needle: str, count: int) -> list[str]:
    """Read the app's live narrative until `count` lines contain `needle`."""
    assert proc.stdout is not None
    lines: list[str] = []
    while sum(needle in line for line in lines) < count:
        line = proc.stdout.readline()
        assert line, f"the app ended before printing {count}× {needle!r}: {lines}"
        lines.append(line)
    return lines


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def assert_all_gone(procs: list[psutil.Process], within: float = 5.0) -> None:
    _, alive = psutil.wait_procs(procs, timeout=within)
    assert not alive, f"still running: {[p.pid for p in alive]}"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_ctrl_c_in_the_terminal_stops_the_run_and_its_parties(method: str, tmp_path: Path) -> None:
    scenario = tmp_path / "slow.toml"
    text = (ROOT / "assets/presets/dungeon.toml").read_text(encoding="utf-8")
    scenario.write_text(f'start_method = "{method}"\n' + text, encoding="utf-8")
    proc = start_headless("--scenario", str(scenario), "--speed", "0.2")
    wait_for_lines(proc, "making their way", 3)
    parties = descendants(proc.pid)
    assert len(parties) >= 3  # under forkserver: the server plus its three children
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 4, err
    assert "stopped" in out and "Traceback" not in err
    assert_all_gone(parties)


def test_parties_die_when_the_app_is_sigkilled() -> None:
    proc = start_headless("--preset", "dungeon", "--speed", "0.2")
    wait_for_lines(proc, "making their way", 3)
    everything = descendants(proc.pid)  # the parties, and the janitor of the app's temp folders
    parties = [p for p in everything if JANITOR_MARKER not in " ".join(p.cmdline())]
    assert len(parties) == 3
    proc.kill()
    proc.communicate(timeout=10)
    assert_all_gone(everything, within=5.0)


def test_a_finished_and_a_wedged_run_leave_no_process() -> None:
    for name in ("launch", "wedge"):
        runner = Runner(load_preset(name), speed=10, stuck_grace_s=0.3)
        runner.start()
        assert runner.join(30), f"{name} did not end"
        pids = runner.pids
        assert pids and not [p for p in pids if psutil.pid_exists(p)]


def test_repeated_runs_leave_no_growth_in_fds_threads_or_children() -> None:
    runs = int(os.environ.get("BV_REPEAT_RUNS", "6"))
    me = psutil.Process()

    def one_run() -> None:
        runner = Runner(load_preset("launch"), speed=50)
        runner.start()
        assert runner.join(30)
        assert runner.outcome is not None and runner.outcome.exit_code == 0

    one_run()  # warm-up: imports, lazily created helpers
    gc.collect()
    before = (me.num_fds(), threading.active_count(), len(me.children(recursive=True)))
    for _ in range(runs):
        one_run()
    gc.collect()
    after = (me.num_fds(), threading.active_count(), len(me.children(recursive=True)))
    assert after <= before, f"(fds, threads, children) grew from {before} to {after}"
