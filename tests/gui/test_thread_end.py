"""Workers end before the GUI hears of them: a recording's `saved` (and `failed`) comes on the
GUI thread once the writer, and for a lesson the captions writer, has run its last line.

Why it matters: `lesson --record` quits on `saved`; a worker still inside a Qt emit at that
moment was ended mid-C++ by the finalizing interpreter, and the app died with SIGABRT after
writing the video (once, in a loaded run of tests/gui/test_lesson_screencast.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, SignalInstance
from pytestqt.qtbot import QtBot

from gui.lessons.screencast import LessonRecording, subtitle_path
from gui.recording.recorder import Recorder
from gui.recording.thread_end import ThreadEndWatch
from gui.window.main_window import MainWindow

SAVE_MS = 120_000  # encoding on a loaded two-core machine


class Heard:
    """What was true when a signal's slot ran: which thread, and whether a worker lived.

    Connect it with `hear()`: a direct connection runs it in the thread that emits."""

    def __init__(self, worker: Callable[[], threading.Thread | None]) -> None:
        self.worker = worker
        self.calls: list[tuple[bool, bool]] = []  # (on the GUI thread, worker still alive)

    def __call__(self, *_args: object) -> None:
        on_gui = threading.current_thread() is threading.main_thread()
        worker = self.worker()
        self.calls.append((on_gui, worker is not None and worker.is_alive()))


def hear(signal: SignalInstance, heard: Heard) -> None:
    signal.connect(heard, Qt.ConnectionType.DirectConnection)


def test_the_watch_calls_back_once_on_the_gui_thread_after_the_thread_ends(
    qtbot: QtBot, window: MainWindow
) -> None:
    go = threading.Event()
    worker = threading.Thread(target=go.wait, args=(30,), daemon=True)
    worker.start()
    heard = Heard(lambda: worker)
    watch = ThreadEndWatch(worker, heard, window, every_ms=5)
    qtbot.wait(50)  # the watch looks ten times meanwhile: the thread is still waiting
    assert heard.calls == [] and watch.waiting
    go.set()
    qtbot.waitUntil(lambda: heard.calls != [], timeout=10_000)
    qtbot.wait(30)
    assert heard.calls == [(True, False)] and not watch.waiting


def test_the_watch_refuses_a_thread_that_never_started(window: MainWindow) -> None:
    with pytest.raises(ValueError, match="has not been started"):
        ThreadEndWatch(threading.Thread(target=print), print, window)


def test_a_video_is_saved_on_the_gui_thread_after_its_writer_ended(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    recorder = Recorder(window, tmp_path / "x.mp4", window.controller)
    recorder.start()
    writer = recorder._writer
    assert writer is not None
    heard = Heard(lambda: writer.thread)
    hear(recorder.saved, heard)
    with qtbot.waitSignal(recorder.saved, timeout=SAVE_MS):
        recorder.after_frames(2, lambda: recorder.stop(catch_up=False))
    assert heard.calls == [(True, False)]
    assert (tmp_path / "x.mp4").stat().st_size > 0


def lesson_recording(window: MainWindow, video: Path) -> tuple[LessonRecording, Heard]:
    """A two-frame lesson video with one chapter, and what its end signals found."""
    recording = LessonRecording(window, video, window.controller)
    heard = Heard(lambda: recording._thread)
    hear(recording.saved, heard)
    hear(recording.failed, heard)
    return recording, heard


def record(recording: LessonRecording) -> None:
    recording.start()
    recording.mark_chapter("1. Launch", "Three systems. All ready?")
    recording.recorder.after_frames(2, recording.stop)


def test_a_lesson_is_saved_on_the_gui_thread_after_its_captions_are_written(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    video = tmp_path / "talk.mp4"
    recording, heard = lesson_recording(window, video)
    with qtbot.waitSignal(recording.saved, timeout=SAVE_MS):
        record(recording)
    assert heard.calls == [(True, False)]
    assert "Three systems. All ready?" in subtitle_path(video).read_text(encoding="utf-8")


def test_captions_that_cannot_be_written_fail_on_the_gui_thread_in_one_line(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    video = tmp_path / "talk.mp4"
    subtitle_path(video).mkdir()  # the captions' name is taken by a folder
    recording, heard = lesson_recording(window, video)
    with qtbot.waitSignal(recording.failed, timeout=SAVE_MS) as failed:
        record(recording)
    message = str(failed.args[0])
    assert message.startswith("captions not written beside") and "\n" not in message
    assert heard.calls == [(True, False)]
