"""The recorder: a video that starts at the start line, shows a new picture in every frame of a
run, drops nothing, renders a log the same way every time, and carries chapters.

The videos are decoded again with the bundled ffmpeg and compared frame by frame; what each
frame stood for is noted from the view model as the recorder draws it (frame_ready)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from engine.model.view_model import LaneState, RunStatus
from engine.scenario import parse_scenario
from gui.app import screencast
from gui.app.entry import parse_command_line
from gui.app.launch import launch_gui
from gui.app.options import GuiOptions
from gui.recording.recorder import FPS, Recorder
from gui.recording.video_chapters import ChapterSpan, read_chapters
from gui.recording.video_writer import QUEUE_FRAMES, VideoWriter
from gui.window import main_window
from gui.window.main_window import MainWindow
from tests.gui.video_frames import summarise
from tests.paths import ROOT

LEAD = round(screencast.LEAD_IN_S * FPS)
TAIL = round(screencast.TAIL_S * FPS)
SAVE_MS = 120_000  # encoding on a loaded two-core machine


@dataclass(frozen=True)
class Shown:
    """What one recorded frame showed, noted as it was drawn."""

    status: RunStatus
    states: tuple[LaneState, ...]
    progress: tuple[float, ...]


class FrameNotes:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.shown: list[Shown] = []
        window.controller.frame_ready.connect(self.note)

    def note(self, now_ns: int) -> None:
        if not self.window.controller.frames_held:
            return  # not a recorded frame
        model = self.window.model
        self.shown.append(
            Shown(
                model.status,
                tuple(lane.state for lane in model.lanes),
                tuple(model.progress(lane, now_ns) for lane in model.lanes),
            )
        )


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[FrameNotes]:
    """Notes on the windows `launch_gui` opens in this process."""
    notes: list[FrameNotes] = []

    class NotedWindow(MainWindow):
        def __init__(self) -> None:
            super().__init__()
            notes.append(FrameNotes(self))

    monkeypatch.setattr(main_window, "MainWindow", NotedWindow)
    return notes


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_recorded_launch_starts_at_the_start_line_and_never_freezes(
    qapp: object, launched: list[FrameNotes], tmp_path: Path
) -> None:
    video = tmp_path / "launch.mp4"
    options = parse_command_line(
        ["gui", "--preset", "launch", "--speed", "2", "--autorun", "--quit-after-run",
         "--record", str(video)]
    )  # fmt: skip
    assert isinstance(options, GuiOptions)
    assert launch_gui(options) == 0
    shown = launched[0].shown
    recorder = launched[0].window.features.exports.recorder
    assert recorder is not None and recorder.dropped_frames == 0
    summary = summarise(video)
    assert summary.count == len(shown) == recorder.frames_drawn == recorder.frames_written
    # The first frames: every party at zero, before the run, and nothing moves (a still).
    zero = (0.0,) * 3
    assert all(s.status is RunStatus.IDLE and s.progress == zero for s in shown[:LEAD])
    assert all(changed == 0 for changed in summary.changed[1:LEAD])
    # Then the run, straight away: its first frame still shows every party at zero.
    assert shown[LEAD].status is RunStatus.RUNNING and shown[LEAD].progress == zero
    moving = next(i for i, s in enumerate(shown) if any(p > 0 for p in s.progress))
    assert all(s.progress == zero for s in shown[:moving])
    # The bars leave the start line together (within a frame), and are seen leaving it.
    assert all(p < 0.1 for p in shown[moving].progress)
    assert all(state is LaneState.WORKING for state in shown[moving + 1].states)
    assert all(p < 0.2 for p in shown[moving + 1].progress)
    # From the run's first frame to the final second, every frame is a new picture.
    assert summary.still_runs(LEAD, summary.count - TAIL) == []
    assert shown[-1].status is RunStatus.PASSED


def crowd(parties: int) -> dict[str, object]:
    return {
        "name": f"Crowd of {parties}",
        "parties": parties,
        "stages": 2,
        "timeout": 60.0,
        "seed": 3,
        "party": [{"name": f"Worker {i + 1}", "work": [0.3, 1.2]} for i in range(parties)],
    }


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_crowd_is_recorded_without_dropping_or_repeating_a_frame(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.panel.set_scenario(parse_scenario(crowd(16)))
    window.panel.set_speed(2)
    notes = FrameNotes(window)
    video = tmp_path / "crowd.mp4"
    recorder = screencast.record_live(window, video)
    assert recorder is not None
    screencast.after_lead_in(recorder, lambda: window.run() or None)
    with qtbot.waitSignal(window.controller.run_finished, timeout=SAVE_MS):
        pass
    with qtbot.waitSignal(recorder.saved, timeout=SAVE_MS):
        recorder.stop_after(screencast.TAIL_S)
    assert recorder.dropped_frames == 0
    summary = summarise(video)
    assert summary.count == recorder.frames_drawn == recorder.frames_written == len(notes.shown)
    running = next(i for i, s in enumerate(notes.shown) if s.status is RunStatus.RUNNING)
    assert running == LEAD
    assert summary.still_runs(LEAD, summary.count - TAIL) == []


def run_in(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`main.py args…` with settings of its own (every render starts from the same state)."""
    env = {**os.environ, "BARRIER_VIZ_SETTINGS": str(tmp_path / f"{name}.ini")}
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, env=env, timeout=180,
        capture_output=True, text=True,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_replayed_log_renders_to_the_same_frames_every_time(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    made = run_in(tmp_path, "run", "run", "--preset", "two-rounds", "--speed", "4", "--quiet",
                  "--events", str(log))  # fmt: skip
    assert made.returncode == 0, made.stderr
    renders = []
    for name in ("first", "second"):
        video = tmp_path / f"{name}.mp4"
        done = run_in(tmp_path, name, "replay", str(log), "--quit-after-run", "--record",
                      str(video))  # fmt: skip
        assert done.returncode == 0, done.stderr
        renders.append(summarise(video))
    first, second = renders
    assert first.hashes == second.hashes  # frame for frame the same pictures
    assert (tmp_path / "first.mp4").read_bytes() == (tmp_path / "second.mp4").read_bytes()
    # The lead-in, then one frame per 1/30 s of the log's clock, then the final second.
    assert all(changed == 0 for changed in first.changed[1:LEAD])
    assert first.changed[LEAD] > 0
    assert first.still_runs(LEAD, first.count - TAIL) == []


def test_chapters_start_at_the_frames_they_were_marked_at(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    video = tmp_path / "talk.mp4"
    recorder = window.features.exports.start_recording(video, announce=False)
    assert recorder is not None
    first = recorder.mark_chapter("The start line")
    assert first.start_frame == 0
    recorder.after_frames(6, lambda: recorder.mark_chapter("  Launch:\n go  "))
    with qtbot.waitSignal(recorder.saved, timeout=SAVE_MS):
        recorder.after_frames(12, lambda: recorder.stop(catch_up=False))
    assert [c.start_frame for c in recorder.chapters] == [0, 6]
    assert read_chapters(video) == [
        ChapterSpan("The start line", 0.0, 0.2),
        ChapterSpan("Launch: go", 0.2, 0.4),
    ]
    assert summarise(video).count == 12
    with pytest.raises(ValueError):
        recorder.mark_chapter("")


def test_an_odd_window_is_recorded_at_its_own_size_padded_to_even_sides(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.resize(1201, 801)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1201, 801))
    video = tmp_path / "odd.mp4"
    recorder = window.features.exports.start_recording(video, announce=False)
    assert recorder is not None and (recorder.size.width(), recorder.size.height()) == (1201, 801)
    with qtbot.waitSignal(recorder.saved, timeout=SAVE_MS):
        recorder.after_frames(3, lambda: recorder.stop(catch_up=False))
    summary = summarise(video, keep=(2,))
    assert summary.size == (1202, 802)
    frame = summary.kept[2]
    assert frame[:, -1].max() < 40 and frame[-1, :].max() < 40  # the padding: black
    grabbed = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    centre = grabbed.pixelColor(600, 400)
    assert abs(int(frame[400, 600, 0]) - centre.red()) < 40  # the window itself, unmoved


def test_the_gui_thread_never_waits_for_a_full_encoder_queue(qtbot: QtBot) -> None:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    writer = VideoWriter(Path("never-started.mp4"), image.size(), FPS)
    assert all(writer.offer(image) for _ in range(QUEUE_FRAMES))
    assert not writer.has_room()
    assert writer.offer(image) is False  # refused at once: the recorder draws it later
    assert writer.frames_offered == QUEUE_FRAMES


def test_a_video_that_cannot_be_saved_is_one_line_and_the_run_is_no_longer_held(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    exports = window.features.exports
    assert exports.start_recording(tmp_path / "missing" / "x.mp4") is None  # refused at once
    assert "does not exist" in window.statusBar().currentMessage()
    taken = tmp_path / "x.mp4"
    taken.mkdir()  # the name is a folder: only the final rename can find out
    recorder = Recorder(window, taken, window.controller)
    with qtbot.waitSignal(recorder.failed, timeout=SAVE_MS) as failed:
        recorder.start()
        recorder.after_frames(2, lambda: recorder.stop(catch_up=False))
    message = str(failed.args[0])
    assert message.startswith(f"video not saved to {taken}") and "\n" not in message
    assert not recorder.recording and not window.controller.frames_held
    assert not list(tmp_path.glob(".*part*"))  # the temporary is gone


HIDPI_RECORDING = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
window = MainWindow(open_settings(sys.argv[2]))
window.show()
recorder = window.features.exports.start_recording(sys.argv[1], announce=False)
recorder.after_frames(3, lambda: recorder.stop(catch_up=False))
recorder.saved.connect(lambda _path: app.quit())
app.exec()
print(window.width(), window.height(), window.devicePixelRatio(), recorder.dropped_frames)
"""


@pytest.mark.slow
def test_a_window_at_device_pixel_ratio_2_is_recorded_whole(tmp_path: Path) -> None:
    video = tmp_path / "hidpi.mp4"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", HIDPI_RECORDING, str(video), str(tmp_path / "s.ini")],
        cwd=ROOT, env=env, timeout=120, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    width, height, ratio, dropped = done.stdout.split()
    assert float(ratio) == 2.0 and dropped == "0"
    summary = summarise(video)
    # every device pixel of the window, not its top-left quarter
    assert summary.size == (2 * int(width), 2 * int(height)) and summary.count == 3
