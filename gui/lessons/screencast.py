"""A lesson recorded as a screencast: the video, a chapter per step, the captions as subtitles.

Why a small interface of its own (`start`, `mark_chapter`, `stop`, then `saved`/`failed`): the
lesson only says when a step begins and when it is over; how frames reach the file is the
recorder's business (gui/recording/recorder.py), and it writes the chapters into the MP4
itself.  This keeps each step's caption with the video time its chapter starts at and, once
the video is saved, writes the captions beside it as FILE.vtt (on a worker thread; the GUI only
hears `saved` or `failed`, on its own thread, once the worker has ended).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from engine.files.atomic import atomic_write_text
from engine.lessons.subtitles import Chapter, chapters_from_marks, webvtt
from gui.recording.recorder import Recorder
from gui.recording.thread_end import ThreadEndWatch
from gui.run.controller import RunController


def subtitle_path(video: str | os.PathLike[str]) -> Path:
    return Path(video).with_suffix(".vtt")


class LessonRecording(QObject):
    """Records `widget` into `path` (.mp4) with a chapter per step and a .vtt of the captions.

    `controller` is the lesson's run controller: the recorder draws each frame for its own
    moment of the run, so the video never freezes or skips while a step runs."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self, widget: QWidget, path: str | os.PathLike[str], controller: RunController
    ) -> None:
        super().__init__(widget)
        self.path = Path(path)
        self.recorder = Recorder(widget, self.path, controller)
        self.recorder.saved.connect(self._on_video)
        self.recorder.failed.connect(self.failed.emit)
        self.marks: list[tuple[float, str, str]] = []
        self._end_s = 0.0
        self._thread: threading.Thread | None = None
        self._captions_error: str | None = None  # set by the captions thread before it ends

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    def start(self) -> None:
        self.recorder.start()

    def mark_chapter(self, title: str, caption: str = "") -> None:
        """A chapter called `title` begins at the next frame; `caption` is its subtitle."""
        if self.recording:
            self.marks.append((self.recorder.video_time_s, title, caption))
            self.recorder.mark_chapter(title)

    def stop(self) -> None:
        if self.recording:
            self._end_s = self.recorder.video_time_s
            self.recorder.stop()

    def wait(self, timeout: float) -> bool:
        """Join the writer and the subtitle writing (tests only)."""
        if not self.recorder.wait(timeout):
            return False
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _on_video(self, path: str) -> None:
        chapters = chapters_from_marks(self.marks, max(self._end_s, self.recorder.video_time_s))
        self._thread = threading.Thread(
            target=self._finish, args=(Path(path), chapters), name="lesson-captions", daemon=True
        )
        self._thread.start()
        ThreadEndWatch(self._thread, lambda: self._on_captions(path), self)

    def _finish(self, video: Path, chapters: list[Chapter]) -> None:
        """On the captions thread: no Qt here (gui/recording/thread_end.py says why)."""
        try:
            atomic_write_text(subtitle_path(video), webvtt(chapters))
        except OSError as exc:
            self._captions_error = f"captions not written beside {video}: {exc}".splitlines()[0]

    def _on_captions(self, video: str) -> None:
        if self._captions_error is None:
            self.saved.emit(video)
        else:
            self.failed.emit(self._captions_error)
