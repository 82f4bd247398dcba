"""Faults of the app's own, not the barrier's: an event log that cannot be written (a folder,
a device, a full disk before or during the run) and a source thread that dies.  Each ends the
run — parties ended, one line saying why, an exit code — instead of hanging the app.

A full disk is simulated with RLIMIT_FSIZE in the app's process: writes beyond the limit fail
with EFBIG, as they fail with ENOSPC on a full disk (the limit also caps shared-memory files,
so it stays above multiprocessing's first 4 KiB arena).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from engine.core.event_log import EventLogWriter
from engine.core.outcome import RunStatus
from engine.scenario.presets import load_preset
from engine.sources.factory import make_source
from engine.sources.inprocess.threads import ThreadRunner
from engine.sources.processes.pump import RunPump
from engine.sources.processes.runner import Runner
from tests.paths import MAIN, ROOT

RUN_S = 60
RUN_START_FITS = 8192  # bytes: crowd's run_start (and shared memory) fit, its log does not


def run_app(*args: str, file_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, str(MAIN), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=RUN_S,
        preexec_fn=limit,
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize("backend", ["processes", "threads"])
def test_an_events_path_naming_a_folder_is_refused_before_the_run(
    backend: str, tmp_path: Path
) -> None:
    with pytest.raises(IsADirectoryError):
        make_source(load_preset("launch").replace(backend=backend), events_path=tmp_path)
    assert not Path(f"{tmp_path}.part").exists()


def test_the_cli_refuses_a_folder_a_device_and_a_full_disk_before_the_run(tmp_path: Path) -> None:
    folder = run_app("run", "--preset", "launch", "--events", str(tmp_path))
    assert folder.returncode == 2
    assert (
        one_line_error(folder)
        == f"error: --events: cannot write {tmp_path}: is a folder, not a file"
    )
    assert not Path(f"{tmp_path}.part").exists()
    device = tmp_path / "full.jsonl"
    device.symlink_to("/dev/full")
    refused = run_app("run", "--preset", "launch", "--events", str(device))
    assert refused.returncode == 2 and "is not a regular file" in one_line_error(refused)
    full = run_app("run", "--preset", "launch", "--events", str(tmp_path / "e.jsonl"), file_limit=0)
    assert full.returncode == 2 and "File too large" in one_line_error(full)
    assert not (tmp_path / "e.jsonl.part").exists()


def test_a_planted_link_at_the_part_file_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "events.jsonl.part").symlink_to(victim)
    with pytest.raises(OSError, match="not a regular file"):
        EventLogWriter(tmp_path / "events.jsonl")
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("backend", ["processes", "threads"])
def test_a_disk_that_fills_during_the_run_ends_it_with_exit_code_4(
    backend: str, tmp_path: Path
) -> None:
    events = tmp_path / "events.jsonl"
    done = run_app(
        "run", "--preset", "crowd", "--speed", "10", "--backend", backend, "--events",
        str(events), "--quiet", file_limit=RUN_START_FITS,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    result = done.stdout.strip().splitlines()[-1]
    assert result.startswith("Result: stopped — the run was ended: cannot write the event log")
    assert "File too large" in result and "events.jsonl.part" in result
    part = tmp_path / "events.jsonl.part"
    assert part.exists() and 0 < part.stat().st_size <= RUN_START_FITS  # what was written
    assert not events.exists()


def test_a_dying_pump_thread_still_ends_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    wind_up = RunPump._wind_up

    def wind_up_then_fail(self: RunPump, reader: object, writer: object) -> None:
        wind_up(self, reader, writer)
        raise RuntimeError("boom")

    monkeypatch.setattr(RunPump, "_wind_up", wind_up_then_fail)
    runner = Runner(load_preset("launch"), speed=20)
    runner.start()
    assert runner.join(RUN_S)
    outcome = runner.outcome
    assert outcome is not None and outcome.status == RunStatus.STOPPED
    assert outcome.exit_code == 4
    assert "internal error on the run-pump thread: RuntimeError: boom" in outcome.reason
    assert runner.events[-1].kind == "run_end"
    assert not [pid for pid in runner.pids if psutil.pid_exists(pid)]


def test_a_dying_supervisor_thread_still_ends_a_threads_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cleanup = ThreadRunner._cleanup

    def cleanup_then_fail(self: ThreadRunner) -> None:
        cleanup(self)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ThreadRunner, "_cleanup", cleanup_then_fail)
    runner = ThreadRunner(load_preset("launch"), speed=20)
    before = {t.name for t in threading.enumerate()}
    runner.start()
    assert runner.join(RUN_S)
    outcome = runner.outcome
    assert outcome is not None and outcome.exit_code == 4
    assert "No space left on device" in outcome.reason
    names = {spec.name for spec in load_preset("launch").party}
    alive = {t.name for t in threading.enumerate()} - before
    assert not alive & names  # every party thread ended


def test_an_unwritable_folder_is_refused_at_construction(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(PermissionError):
            make_source(load_preset("launch"), events_path=locked / "e.jsonl")
    finally:
        locked.chmod(0o700)
