"""Exports from the GUI: video (--record and the Record toggle), trace, timeline, window, code."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.paths import ROOT

RUN_MS = 30_000
PNG = b"\x89PNG\r\n\x1a\n"
OFFSCREEN_DIALOG = r"^This plugin does not support propagateSizeHints\(\)$"  # offscreen only


def video_facts(path: Path) -> tuple[tuple[int, int], int]:
    """(width, height) and the frame count, read back with the bundled ffmpeg."""
    frames = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(frames)
    finally:
        frames.close()  # ends ffmpeg and closes its pipes
    count, _seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    width, height = meta["size"]
    return (int(width), int(height)), int(count)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win


def finished_run(qtbot: QtBot, window: MainWindow) -> None:
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(20)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        assert window.run()


def test_record_flag_writes_the_whole_run_plus_a_second(tmp_path: Path) -> None:
    video, shot = tmp_path / "out.mp4", tmp_path / "end.png"
    done = subprocess.run(
        [sys.executable, "main.py", "gui", "--preset", "launch", "--speed", "20", "--autorun",
         "--quit-after-run", "--record", str(video), "--screenshot", str(shot)],
        cwd=ROOT, timeout=90, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    size, frames = video_facts(video)
    window = QImage(str(shot))
    assert size == ((window.width() + 1) & ~1, (window.height() + 1) & ~1)  # odd: padded
    plan = Runner(load_preset("launch"), speed=20).plan  # the run's planned work, in seconds
    run_s = max(sum(row) for row in plan)
    # 30 fps over run + 1 s of final state, plus start-up (process spawn, first paint)
    assert 30 * (run_s + 1.0) - 3 <= frames <= 30 * (run_s + 1.0 + 6.0), frames
    assert not list(tmp_path.glob(".*part*"))  # the temporary was renamed away
    bad = subprocess.run(
        [sys.executable, "main.py", "gui", "--record", str(tmp_path / "x.avi")],
        cwd=ROOT, timeout=60, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and ".mp4 or .gif" in bad.stderr
    nowhere = subprocess.run(
        [sys.executable, "main.py", "gui", "--record", str(tmp_path / "no" / "x.mp4")],
        cwd=ROOT, timeout=60, capture_output=True, text=True,
    )  # fmt: skip
    assert nowhere.returncode == 2
    assert nowhere.stderr.strip().splitlines() == [
        f"error: --record: cannot write {tmp_path / 'no' / 'x.mp4'}: its folder does not exist"
    ]


def test_record_toggle_writes_a_gif(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    exports = window.features.exports
    path = tmp_path / "clip.gif"
    exports.ask_path = lambda *_args: str(path)
    record = window.commands["record"]
    assert record.shortcut().toString() == "Ctrl+Shift+R"
    before_start = time.monotonic_ns()
    record.trigger()
    after_start = time.monotonic_ns()
    assert exports.recording and record.isChecked()
    qtbot.wait(500)  # half a second of window
    recorder = exports.recorder
    assert recorder is not None
    with qtbot.waitSignal(recorder.saved, timeout=60_000):
        before_stop = time.monotonic_ns()
        record.trigger()
        after_stop = time.monotonic_ns()
    assert not record.isChecked()
    size, frames = video_facts(path)
    assert size == (window.width(), window.height())  # a GIF keeps an odd side as it is
    # one frame per 1/30 s from the start to the moment Record was switched off, however
    # long each frame took to draw on this machine
    fewest = (before_stop - after_start) * 30 // 1_000_000_000
    most = (after_stop - before_start) * 30 // 1_000_000_000 + 1
    assert max(fewest, 15) <= frames <= most, (fewest, frames, most)
    assert frames == recorder.frames_written == recorder.frames_drawn
    assert recorder.dropped_frames == 0


def test_timeline_png_and_svg_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    finished_run(qtbot, window)
    for name in ("timeline.png", "timeline.svg"):
        path = tmp_path / name
        window.features.exports.ask_path = lambda *_args, p=path: str(p)
        window.commands["export_timeline"].trigger()
        assert path.stat().st_size > 0
    assert (tmp_path / "timeline.png").read_bytes()[:8] == PNG
    assert ET.parse(tmp_path / "timeline.svg").getroot().tag.endswith("svg")
    shot = tmp_path / "window.png"
    assert window.save_screenshot(shot)
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (window.width(), window.height())


def test_trace_export_parses(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "trace.json"
    window.features.exports.ask_path = lambda *_args: str(path)
    window.commands["export_trace"].trigger()
    assert not path.exists()  # nothing ran yet: a message, no file
    finished_run(qtbot, window)
    window.commands["export_trace"].trigger()
    trace = json.loads(path.read_text())
    assert any(e.get("ph") == "X" for e in trace["traceEvents"])


@pytest.mark.qt_log_ignore(OFFSCREEN_DIALOG)
def test_show_code_dialog_holds_a_program_that_compiles(window: MainWindow, tmp_path: Path) -> None:
    window.panel.set_scenario(load_preset("two-rounds"))
    window.commands["show_code"].trigger()
    dialog = window.features.exports.code_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.editor.isReadOnly()
    compile(dialog.script, "two_rounds.py", "exec")
    assert "Barrier" in dialog.script
    dialog.copy()
    assert QGuiApplication.clipboard().text() == dialog.script
    out = tmp_path / "prog.py"
    dialog.ask_path = lambda *_args: str(out)
    dialog.ask_save()
    assert out.read_text() == dialog.script
    dialog.close()
