"""A lesson recorded as a screencast: the video, a chapter per step, the captions as subtitles.

Why a small interface of its own (`start`, `mark_chapter`, `stop`, then `saved`/`failed`): the
lesson only says when a step begins and when it is over; how frames reach the file is the
recorder's business (gui/features/recorder.py).  Today's recorder has no chapters, so this
keeps the chapter times itself (on the recorder's clock: the wall clock since it started) and,
once the video is saved, writes the chapters into the MP4 with one ffmpeg metadata pass (a
stream copy, no re-encoding) and the captions beside it as FILE.vtt.  Both happen on a worker
thread; the GUI only hears `saved` or `failed`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from engine.core.atomic import atomic_write_text
from engine.lessons.subtitles import Chapter, chapters_from_marks, ffmetadata, webvtt
from gui.features.recorder import Recorder

FFMPEG_TIMEOUT_S = 120


def subtitle_path(video: str | os.PathLike[str]) -> Path:
    return Path(video).with_suffix(".vtt")


def add_chapters(video: Path, metadata: str) -> None:
    """Rewrite `video` with the chapters of `metadata` (FFMETADATA1), streams copied."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="lesson-chapters-") as folder:
        meta = Path(folder) / "chapters.txt"
        meta.write_text(metadata, encoding="utf-8")
        out = video.with_name(f".{video.stem}.chapters-{os.getpid()}{video.suffix}")
        command = [
            ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-i", str(video), "-i", str(meta),
            "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-codec", "copy",
            "-movflags", "+faststart", str(out),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_S)
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["ffmpeg failed"])[-1]
                raise OSError(f"could not write the chapters: {last}")
            os.replace(out, video)
        finally:
            with contextlib.suppress(OSError):
                out.unlink()


class LessonRecording(QObject):
    """Records `widget` into `path` (.mp4) with chapters and a .vtt of the captions."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, widget: QWidget, path: str | os.PathLike[str]) -> None:
        super().__init__(widget)
        self.path = Path(path)
        self.recorder = Recorder(widget, self.path)
        self.recorder.saved.connect(self._on_video)
        self.recorder.failed.connect(self.failed.emit)
        self.marks: list[tuple[float, str, str]] = []
        self._t0 = 0.0
        self._end_s = 0.0
        self._thread: threading.Thread | None = None

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    def start(self) -> None:
        self.recorder.start()
        self._t0 = time.monotonic()

    def mark_chapter(self, title: str, caption: str = "") -> None:
        """A chapter called `title` begins now; `caption` is its subtitle."""
        if self.recording:
            self.marks.append((time.monotonic() - self._t0, title, caption))

    def stop(self) -> None:
        if self.recording:
            self._end_s = time.monotonic() - self._t0
            self.recorder.stop()

    def wait(self, timeout: float) -> bool:
        """Join the writer and the chapter pass (tests only)."""
        if not self.recorder.wait(timeout):
            return False
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _on_video(self, path: str) -> None:
        chapters = chapters_from_marks(self.marks, self._end_s)
        self._thread = threading.Thread(
            target=self._finish, args=(Path(path), chapters), name="lesson-chapters", daemon=True
        )
        self._thread.start()

    def _finish(self, video: Path, chapters: list[Chapter]) -> None:
        try:
            atomic_write_text(subtitle_path(video), webvtt(chapters))
            if chapters:
                add_chapters(video, ffmetadata(chapters))
        except (OSError, subprocess.SubprocessError) as exc:
            self.failed.emit(f"chapters not written to {video}: {exc}".splitlines()[0])
            return
        self.saved.emit(str(video))
