"""Nothing outlives the GUI: closing the window mid-run, Ctrl+C in its terminal, and the app
being SIGKILLed each leave no party process (checked with psutil, real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import psutil
from pytestqt.qtbot import QtBot

from engine.model.view_model import LaneState
from gui.window.main_window import MainWindow
from tests.paths import ROOT


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition on the real processes (there is no event to wait on across them)."""
    tick = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        tick.wait(0.05)
    raise AssertionError("condition not reached in time")


def start_gui(tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "gui", "--preset", "dungeon", "--speed", "0.2",
         "--autorun"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip


HELPERS = ("multiprocessing.resource_tracker", "barrier-viz-janitor")
LAUNCHER = "multiprocessing.forkserver"  # its children (the parties) show its command line


def is_helper(process: psutil.Process, app: int) -> bool:
    """The app's launcher (a fork server), multiprocessing's resource tracker, the janitor."""
    command = " ".join(process.cmdline())
    launcher = LAUNCHER in command and process.ppid() == app
    return launcher or any(helper in command for helper in HELPERS)


def parties_of(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """Every process the GUI started (its helpers too), once its three parties are running."""
    found: list[psutil.Process] = []

    def three_parties() -> bool:
        nonlocal found
        found = psutil.Process(proc.pid).children(recursive=True)
        return sum(not is_helper(p, proc.pid) for p in found) >= 3

    wait_until(three_parties)
    return found


def test_the_gui_starts_its_parties_from_a_qt_free_launcher(tmp_path: Path) -> None:
    """Run never forks the Qt process: the parties are children of a fork server that the app
    started before it imported Qt, and that server has no Qt library mapped."""
    proc = start_gui(tmp_path)
    try:
        started = parties_of(proc)
        (launcher,) = [p for p in started if is_helper(p, proc.pid) and p.children()]
        parties = [p for p in started if not is_helper(p, proc.pid)]
        assert {p.ppid() for p in parties} == {launcher.pid}
        assert launcher.ppid() == proc.pid
        assert qt_mapped(proc.pid) and not qt_mapped(launcher.pid)
        assert not any(qt_mapped(p.pid) for p in parties)
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    assert_all_gone(started)


def qt_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps", encoding="utf-8") as maps:
        return any("libQt6" in line or "PySide6" in line for line in maps)


def assert_all_gone(procs: list[psutil.Process], within: float = 5.0) -> None:
    _, alive = psutil.wait_procs(procs, timeout=within)
    assert not alive, f"still running: {[p.pid for p in alive]}"


def test_closing_the_window_mid_run_ends_every_party(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.panel.select_preset("dungeon")
    window.panel.set_speed(0.2)
    assert window.run()
    qtbot.waitUntil(
        lambda: sum(lane.state == LaneState.WORKING for lane in window.model.lanes) == 3,
        timeout=20_000,
    )
    runner = window.controller.source
    assert runner is not None
    parties = [psutil.Process(pid) for pid in runner.pids]  # type: ignore[attr-defined]
    assert len(parties) == 3
    window.close()
    assert_all_gone(parties)


def test_ctrl_c_in_the_gui_terminal_closes_it_and_its_parties(tmp_path: Path) -> None:
    proc = start_gui(tmp_path)
    parties = parties_of(proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err
    assert proc.returncode is not None
    assert_all_gone(parties)


def test_parties_die_when_the_gui_is_sigkilled(tmp_path: Path) -> None:
    proc = start_gui(tmp_path)
    parties = parties_of(proc)
    proc.kill()
    proc.communicate(timeout=10)
    assert_all_gone(parties, within=5.0)


def test_nothing_outlives_the_gui_killed_during_a_forkserver_run(tmp_path: Path) -> None:
    """Under forkserver the parties' parent is the fork server, which outlives the app while
    it has children: only a lifeline that watches the app itself ends them."""
    scenario = tmp_path / "forkserver.toml"
    text = (ROOT / "assets/presets/dungeon.toml").read_text(encoding="utf-8")
    scenario.write_text('start_method = "forkserver"\n' + text, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "gui", "--scenario", str(scenario), "--speed",
         "0.2", "--autorun"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path, env=env,
    )  # fmt: skip
    run: list[psutil.Process] = []

    def server_and_three_parties() -> bool:
        nonlocal run
        run = psutil.Process(proc.pid).children(recursive=True)
        server = [p for p in run if p.ppid() == proc.pid and "forkserver" in " ".join(p.cmdline())]
        return len(server) == 1 and len(server[0].children()) >= 3

    wait_until(server_and_three_parties)
    assert list(tmp_path.glob("pymp-*")), "the fork server's temp folder should exist by now"
    proc.kill()
    proc.wait(10)
    assert_all_gone(run, within=5.0)
    wait_until(lambda: not list(tmp_path.glob("pymp-*")), timeout=5.0)
