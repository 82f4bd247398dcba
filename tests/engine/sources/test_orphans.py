"""Nothing outlives the app under any start method: SIGKILL, SIGTERM or SIGHUP of the app
during a forkserver run, of the tracer of a program that uses forkserver, and the end of a
trace whose program left daemons behind — no process of the run, no temp folder it made.

Each app runs with TMPDIR pointing into the test's own folder, so "no /tmp/pymp-* left" is
checked on folders this test alone could have made (other runs share the machine's /tmp).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from engine.core.lifeline import EXIT_APP_GONE
from engine.sources.tracer.runner import TraceRunner
from tests.paths import MAIN, PROGRAMS, ROOT

GONE_WITHIN_S = 5.0
LINUX = sys.platform.startswith("linux")


def wait_until(predicate: Callable[[], bool], timeout: float = GONE_WITHIN_S) -> bool:
    """Poll a condition on processes and folders we do not own; False at the deadline."""
    tick = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return True
        tick.wait(0.05)
    return predicate()


@pytest.fixture
def apps() -> Iterator[list[subprocess.Popen[str]]]:
    """Every app a test starts is killed (if it still runs) and its pipe closed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()


def hang_up_as_a_terminal_does() -> None:
    """SIGHUP's own action (end the app) in the child, whatever this test run inherited: a
    suite started under `nohup` passes SIGHUP on ignored, and the app would never hear it."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def app(apps: list[subprocess.Popen[str]], args: list[str], tmp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-u", str(MAIN), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
        preexec_fn=hang_up_as_a_terminal_does,
    )
    apps.append(proc)
    return proc


def read_until(proc: subprocess.Popen[str], done: Callable[[list[str]], bool]) -> list[str]:
    """The app's output, line by line, until `done(lines so far)`."""
    assert proc.stdout is not None
    lines: list[str] = []
    while not done(lines):
        line = proc.stdout.readline()
        assert line, f"the app ended early: {lines}"
        lines.append(line)
    return lines


def counted(needle: str, count: int) -> Callable[[list[str]], bool]:
    return lambda lines: sum(needle in line for line in lines) >= count


def leftovers(procs: list[psutil.Process]) -> list[str]:
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{proc.pid} {' '.join(proc.cmdline())[:70]}")
        except psutil.NoSuchProcess:
            continue
    return alive


def assert_nothing_left(procs: list[psutil.Process], tmp: Path, *patterns: str) -> None:
    assert wait_until(lambda: not leftovers(procs)), f"still running: {leftovers(procs)}"
    folders = lambda: [p.name for pattern in patterns for p in tmp.glob(pattern)]  # noqa: E731
    assert wait_until(lambda: not folders()), f"left behind in TMPDIR: {folders()}"


def forkserver_scenario(tmp: Path) -> Path:
    scenario = tmp / "forkserver.toml"
    text = (ROOT / "assets/presets/dungeon.toml").read_text(encoding="utf-8")
    scenario.write_text('start_method = "forkserver"\n' + text, encoding="utf-8")
    return scenario


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=str)
def test_nothing_outlives_an_app_killed_during_a_forkserver_run(
    sig: signal.Signals, tmp_path: Path, apps: list[subprocess.Popen[str]]
) -> None:
    proc = app(
        apps, ["run", "--scenario", str(forkserver_scenario(tmp_path)), "--speed", "0.2"], tmp_path
    )
    read_until(proc, counted("making their way", 3))
    run = psutil.Process(proc.pid).children(recursive=True)
    assert len(run) >= 5  # the fork server, the resource tracker, three parties (the janitor)
    assert list(tmp_path.glob("pymp-*")), "the fork server's temp folder should exist by now"
    proc.send_signal(sig)
    proc.wait(10)
    assert_nothing_left(run, tmp_path, "pymp-*")


@pytest.mark.skipif(not LINUX, reason="reads exit codes through PR_SET_CHILD_SUBREAPER")
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_pipe_alone_ends_the_parties_of_a_killed_app(method: str) -> None:
    """The macOS path, forced here: no death signal, only the app-watching pipe."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.subreaper", "-m", "tests.orphan_app", method, "darwin"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert len(report["parties"]) == 3 and report["left"] == [], report
    if method == "spawn":  # the parties were the app's children: their exit codes reached us
        codes = {report["exits"][str(pid)] for pid in report["parties"]}
        assert codes == {EXIT_APP_GONE}, report  # the lifeline, not a signal, ended them


@pytest.mark.slow
def test_nothing_outlives_a_killed_tracer_of_a_forkserver_program(
    tmp_path: Path, apps: list[subprocess.Popen[str]]
) -> None:
    proc = app(apps, ["trace", str(PROGRAMS / "forkserver_stuck.py")], tmp_path)
    read_until(proc, counted(" waits", 2))
    run = psutil.Process(proc.pid).children(recursive=True)
    assert len(run) >= 4  # the program, its fork server, two parties (resource tracker)
    proc.kill()
    proc.wait(10)
    assert_nothing_left(run, tmp_path, "pymp-*", "barrier-viz-trace-*")


def printed_pids(lines: list[str]) -> list[int]:
    return [int(m.group(1)) for line in lines if (m := re.match(r"(?:daemon|forked) (\d+)", line))]


def test_a_trace_leaves_no_daemon_and_no_hand_forked_process() -> None:
    runner = TraceRunner(PROGRAMS / "daemons.py", stdout=io.BytesIO(), stderr=io.BytesIO())
    runner.start()
    assert runner.join(50), "trace did not finish"
    texts = [str(e.get("text")) for e in runner.events if e.kind == "output"]
    pids = printed_pids(texts)
    assert len(pids) == 2, texts  # the setsid daemon and the raw fork
    procs = [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]
    assert wait_until(lambda: not leftovers(procs)), f"still running: {leftovers(procs)}"


@pytest.mark.slow
def test_daemons_and_hand_forked_processes_die_with_a_killed_tracer(
    tmp_path: Path, apps: list[subprocess.Popen[str]]
) -> None:
    proc = app(apps, ["trace", str(PROGRAMS / "daemons.py"), "--wait"], tmp_path)
    lines = read_until(
        proc, lambda seen: len(printed_pids(seen)) == 2 and counted("ready", 1)(seen)
    )
    pids = printed_pids(lines)
    run = [psutil.Process(pid) for pid in pids] + psutil.Process(proc.pid).children(recursive=True)
    proc.kill()
    proc.wait(10)
    assert_nothing_left(run, tmp_path, "barrier-viz-trace-*")
