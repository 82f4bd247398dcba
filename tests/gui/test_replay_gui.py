"""Replaying a recorded run in the window: same final picture, pause, scrub, speed, CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from engine.model.view_model import RunViewModel
from engine.scenario.presets import load_preset
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.probes import drawn_spans, shown_lines
from tests.paths import ROOT

RUN_MS = 30_000


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.show()
    yield win


def final_picture(model: RunViewModel) -> list[tuple[str, str, int | None, int]]:
    return [(lane.name, lane.state.value, lane.last_index, lane.stage) for lane in model.lanes]


def record_live_run(qtbot: QtBot, window: MainWindow, path: Path, preset: str) -> None:
    window.panel.set_scenario(load_preset(preset))
    window.panel.set_speed(10)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        assert window.run()
    assert window.save_event_log(path)


def test_replay_ends_in_the_live_runs_final_state(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    log = tmp_path / "run.jsonl"
    record_live_run(qtbot, window, log, "two-rounds")
    live = final_picture(window.model)
    live_spans = [(s.party, s.stage, s.kind, s.end_ns - s.start_ns) for s in window.model.spans]
    bar = window.features.replay
    assert not bar.isVisible()
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        assert bar.open_log(log, speed=8)
        assert bar.isVisible() and bar.active
    assert done.args == [0]
    assert final_picture(window.model) == live
    replayed = [(s.party, s.stage, s.kind, s.end_ns - s.start_ns) for s in window.model.spans]
    assert replayed == live_spans  # recorded timings reproduced exactly
    assert drawn_spans(window.timeline) == len(live_spans)
    assert len(shown_lines(window.log)) == len(window.model.log) > 0
    window.panel.set_speed(20)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        assert window.run()  # a live run hides the replay bar
    assert not bar.isVisible()


def test_pause_scrub_and_speed(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    record_live_run(qtbot, window, log, "two-rounds")
    bar = window.features.replay
    assert bar.open_log(log, speed=0.5)
    source = bar.source
    assert source is not None
    bar.toggle_play()  # pause
    assert not source.playing and bar.play_button.text() == "Play"
    frozen = source.position_s()
    qtbot.wait(200)
    assert source.position_s() == frozen
    middle = source.duration_s() / 2
    bar.seek(middle)
    qtbot.waitUntil(lambda: abs(bar.slider.value() / 100 - middle) < 0.02, timeout=5_000)
    qtbot.waitUntil(lambda: window.model.t0_ns is not None, timeout=5_000)
    assert abs(window.model.elapsed_s(window.controller.clock()) - middle) < 0.02
    assert f"{middle:.2f} s" in bar.position_label.text()
    bar.speed_spin.setValue(20)
    assert source.speed == 20
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        bar.toggle_play()  # play at 20x to the end
    assert bar.play_button.text() == "Replay again"
    bar.seek(0.0)  # scrubbing an ended replay brings it back
    assert window.controller.is_running and bar.active


def test_bad_log_is_one_message_without_a_modal_dialog(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("this is not json\n")
    shown: list[tuple[str, str]] = []
    window.features.replay.show_error = lambda _parent, title, text: shown.append((title, text))
    assert not window.features.replay.open_log(bad)
    assert len(shown) == 1 and "bad.jsonl" in shown[0][1] and "\n" not in shown[0][1]
    assert not window.controller.is_running


def test_main_replay_command_opens_the_gui_and_quits(tmp_path: Path) -> None:
    log, shot = tmp_path / "run.jsonl", tmp_path / "end.png"
    subprocess.run(
        [sys.executable, "main.py", "run", "--preset", "launch", "--speed", "20", "--quiet",
         "--events", str(log)],
        cwd=ROOT, check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "main.py", "replay", str(log), "--speed", "20", "--quit-after-run",
         "--screenshot", str(shot)],
        cwd=ROOT, timeout=60, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    missing = subprocess.run(
        [sys.executable, "main.py", "replay", str(tmp_path / "nope.jsonl"), "--quit-after-run"],
        cwd=ROOT, timeout=60, capture_output=True, text=True,
    )  # fmt: skip
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "case_id",
    ["one-huge-t_ns", "party-10**9", "run_start-names-number", "fifo", "ESC-title-in-spawn-name"],
)
def test_hostile_logs_from_the_menu_replay_or_say_why(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, case_id: str
) -> None:
    """File → Open Event Log with a hostile log: a refused one is one message and no run; a
    spoiled one replays what is left, says what was skipped, and ends (no traceback in Qt)."""
    from tests.engine.core.hostile_logs import CORPUS

    case = next(c for c in CORPUS if c.id == case_id)
    path = case.make(tmp_path)
    shown: list[tuple[str, str]] = []
    said: list[str] = []
    bar = window.features.replay
    bar.show_error = lambda _parent, title, text: shown.append((title, text))
    bar.host.status_bar.messageChanged.connect(said.append)
    if case.refused:
        assert not bar.open_log(path)
        assert len(shown) == 1 and "\n" not in shown[0][1] and case.needle in shown[0][1]
        assert not window.controller.is_running
        return
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        assert bar.open_log(path, speed=20)
    assert done.args == [case.code]
    assert bar.slider.maximum() < 10_000  # a sane range: the absurd pause was shortened
    assert not case.needle or any(case.needle in text for text in said)
    assert len(window.model.lanes) <= 4096
