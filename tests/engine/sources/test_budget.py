"""A hundred runs in one process end with exactly what they started with: fds, threads,
children, shared-memory mappings and /dev/shm entries — with the cyclic garbage collector
off and `ulimit -n 256`, so every run must release what it holds when it ends.

The runs happen in a child process (tests/budget_runs.py), which sets the limit for itself.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.paths import ROOT

RUNS = 100


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_hundred_runs_hold_nothing_more_than_before_under_ulimit_256() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.budget_runs", str(RUNS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=170,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert sum(report["runs"].values()) == RUNS
    assert set(report["runs"]) == {"fork", "forkserver", "spawn", "stranded", "threads", "asyncio"}
    assert report["bad_exits"] == {}  # no run failed (e.g. "Too many open files")
    assert report["after"] == report["before"]
