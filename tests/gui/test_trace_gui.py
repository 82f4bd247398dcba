"""`main.py trace SCRIPT --gui`: a traced program shown live in the main window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import LaneState, RunViewModel
from engine.sources.commands import Capability
from engine.sources.tracer.runner import TraceRunner
from gui.lanes.overlay import barrier_counts
from gui.lanes.painter import badge_text
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.paths import PROGRAMS, ROOT

RUN_MS = 40_000
SHOTS = Path("/tmp/shots")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    yield win


def shot(window: MainWindow, name: str, qtbot: QtBot | None = None) -> None:
    """Save a screenshot when BARRIER_VIZ_SHOTS is set (with qtbot: after layouts settle)."""
    if os.environ.get("BARRIER_VIZ_SHOTS"):
        if qtbot is not None:
            qtbot.wait(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / name))


def trace(qtbot: QtBot, window: MainWindow, program: str, *args: str) -> int:
    runner = TraceRunner(PROGRAMS / program, args, echo=False)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        assert window.features.trace.start(runner)
        assert window.panel.locked and program in window.panel.lock_note.text()
        assert window.controller.can(Capability.KILL)
        assert not window.controller.can(Capability.ABORT)
    return int(done.args[0])


def test_classic_program_lanes_named_done_and_its_output_in_the_log(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert trace(qtbot, window, "classic.py") == 0
    model = window.model
    assert sorted(lane.name for lane in model.lanes) == [
        "Communication",
        "Navigation",
        "Propulsion",
    ]
    assert all(lane.state == LaneState.DONE for lane in model.lanes)
    said = [(line.party, line.text) for line in model.log if line.kind == "output"]
    assert any(text == "Navigation ready." for _, text in said)  # not "Navigation: Navigation…"
    nav = next(lane.index for lane in model.lanes if lane.name == "Navigation")
    assert (nav, "Navigation ready.") in said  # attributed to its lane
    assert any(text == "🚀 All systems go!" for _, text in said)  # the main process: no lane
    assert "Navigation ready." in window.log.toPlainText()
    assert "Navigation: Navigation" not in window.log.toPlainText()
    assert not window.panel.locked and "passed" in window.panel.lock_note.text()


def test_several_barriers_counted_per_barrier(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []
    waiting_badges: set[str] = set()

    def watch(now_ns: object) -> None:
        model = window.model
        counts = barrier_counts(model)
        if counts and (not seen or counts != seen[-1]):
            seen.append(counts)
        for lane in model.lanes:
            if lane.state == LaneState.WAITING:
                waiting_badges.add(badge_text(lane, model.barriers[lane.barrier or 0], False, True))
        working = any(lane.open_ended and lane.state == LaneState.WORKING for lane in model.lanes)
        if working and model.n_waiting and not shots_taken:
            shots_taken.append("kitchen_working.png")
            shot(window, "kitchen_working.png")

    shots_taken: list[str] = []
    window.controller.frame_ready.connect(watch)
    assert trace(qtbot, window, "kitchen.py", "0.5") == 0
    window.controller.frame_ready.disconnect(watch)
    model = window.model
    assert model.barriers == {0: 2, 1: 3}
    assert sorted(lane.name for lane in model.lanes) == ["Chef", "Sous-chef", "Waiter"]
    assert all(lane.state == LaneState.DONE for lane in model.lanes)
    assert seen[-1] == "#0: 0 of 2 · #1: 0 of 3"
    assert "#0: 1 of 2 · #1: 0 of 3" in seen or "#0: 1 of 2 · #1: 1 of 3" in seen
    assert any(b.startswith("‖ waiting #1 · ") and b.endswith(" of 3") for b in waiting_badges)
    shot(window, "kitchen_done.png", qtbot)


def _e(kind: str, t: int, party: int | None, **data: object) -> Event:
    return Event(kind, t, party, 1, 0 if party is not None else None, dict(data))


def test_a_trip_releases_only_the_lanes_waiting_at_that_barrier() -> None:
    model = RunViewModel()
    events = [_e("run_start", 0, None, names=[], parties=0, stages=0)]
    events += [
        _e("barrier", 1, None, barrier=0, parties=2),
        _e("barrier", 2, None, barrier=1, parties=3),
    ]
    events += [_e("spawn", 3, i, name=n) for i, n in enumerate(("Chef", "Sous", "Waiter"))]
    events += [
        _e("arrive", 10, 2, barrier=1),  # the waiter waits at the second barrier first
        _e("arrive", 11, 0, barrier=0),
        _e("arrive", 12, 1, barrier=0),
        _e("release", 13, 1, barrier=0, index=0),  # the first barrier trips
    ]
    model.apply(events)
    passed = (LaneState.RELEASED, LaneState.DONE)  # a trace has no planned stages
    assert [lane.state in passed for lane in model.lanes] == [True, True, False]
    assert model.lanes[2].state == LaneState.WAITING
    assert model.lanes[0].released_ns == model.lanes[1].released_ns == 13
    assert model.lanes[2].arrival_rank == 1 and model.lanes[1].arrival_rank == 2
    assert model.waiting_at(1) == 1 and model.waiting_at(0) == 0


def test_cli_trace_gui_quits_after_the_run_with_a_screenshot(tmp_path: Path) -> None:
    png = tmp_path / "trace.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "main.py", "trace", str(PROGRAMS / "classic.py"), "--gui",
         "--quit-after-run", "--screenshot", str(png)],
        cwd=ROOT, capture_output=True, timeout=50, env=env,
    )  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "Traceback" not in err
    assert b"Navigation ready." in done.stdout  # the program's stdout passes through
    assert png.stat().st_size > 10_000


def test_cli_trace_gui_missing_script_is_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "main.py", "trace", str(tmp_path / "nope.py"), "--gui"],
        cwd=ROOT, capture_output=True, timeout=50, env=env,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode().strip().count("\n") == 0 and "nope.py" in done.stderr.decode()
