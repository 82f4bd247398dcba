"""Runs pressed one after another in one window hold nothing more than the first did: fds,
threads, children and shared memory stay where they were, with the cyclic garbage collector
off, so every run releases what it holds when it ends — and a window's second 256-party run
starts under the usual `ulimit -n 1024` instead of failing with "Too many open files".

The window lives in a child process (tests/gui_budget_runs.py), which sets its own fd limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT


def window_runs(tmp_path: Path, runs: int, parties: int, fd_limit: int) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BUDGET_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui_budget_runs", str(runs), str(parties), str(fd_limit)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_twenty_runs_in_one_window_hold_nothing_more_under_ulimit_256(tmp_path: Path) -> None:
    report = window_runs(tmp_path, runs=20, parties=0, fd_limit=256)
    assert report["codes"] == [0] * 20  # every run passed: none failed for want of an fd
    assert report["after"] == report["before"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_windows_second_256_party_run_starts_under_ulimit_1024(tmp_path: Path) -> None:
    report = window_runs(tmp_path, runs=2, parties=256, fd_limit=1024)
    assert report["codes"] == [0, 0]
    assert report["after"] == report["before"]
