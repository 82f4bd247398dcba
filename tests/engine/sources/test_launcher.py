"""The windowed app's launcher: once started, a run that names no start method is started by
the fork server (the parties are its children, not the app's); a scenario that names a start
method still gets exactly that one."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest

from tests.paths import ROOT


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_runs_without_a_start_method_use_the_launcher_and_named_ones_keep_theirs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.launcher_app"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    runs, app = report["runs"], report["app"]
    assert report["before"] == multiprocessing.get_start_method() and report["started"] is True
    assert {name: run["method"] for name, run in runs.items()} == {
        "None": "forkserver", "fork": "fork", "spawn": "spawn", "forkserver": "forkserver",
    }  # fmt: skip
    assert all(run["code"] == 0 for run in runs.values())
    assert runs["fork"]["parent"] == runs["spawn"]["parent"] == app  # the app started them
    assert runs["None"]["parent"] not in (None, app)  # the launcher did
    assert runs["None"]["parent"] == runs["forkserver"]["parent"]
