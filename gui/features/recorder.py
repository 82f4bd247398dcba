"""Record the window as a video (.mp4 or .gif) at 30 fps, without ever stalling the GUI.

Why this shape: the GUI thread only grabs the window (a cheap QPixmap → QImage) on a 33 ms
timer and hands the image to a writer thread through a bounded queue; the thread converts it to
RGB bytes and feeds ffmpeg (the one bundled with imageio-ffmpeg, so nothing to install).  The
video's clock is the wall clock: each tick enqueues as many frames as are due since the start,
so a late tick repeats the last image instead of making the video run fast, and the frame count
is 30 × the real duration.  If the queue is full (the encoder is behind) the tick is skipped,
and the next one makes up the time.  The file appears atomically: ffmpeg writes a hidden
temporary beside the target, renamed on success.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

FPS = 30
QUEUE_FRAMES = 48  # ~1.5 s of images waiting for the encoder, then ticks are skipped
FORMATS = (".mp4", ".gif")
_DONE = None


def even_size(size: QSize) -> QSize:
    """yuv420p needs even width and height: drop the odd last column/row."""
    return QSize(max(2, size.width() & ~1), max(2, size.height() & ~1))


def image_bytes(image: QImage, size: QSize) -> bytes:
    """Packed RGB24 bytes of `image`, cropped (or scaled, if the window changed) to `size`."""
    if image.size() != size:
        if image.width() >= size.width() and image.height() >= size.height():
            image = image.copy(0, 0, size.width(), size.height())
        else:
            image = image.scaled(
                size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = rgb.width(), rgb.height()
    import numpy as np  # only when recording: keeps numpy off the app's start-up path

    rows = np.frombuffer(rgb.constBits(), np.uint8, rgb.bytesPerLine() * height)
    return rows.reshape(height, rgb.bytesPerLine())[:, : width * 3].tobytes()


def _writer_params(suffix: str) -> dict[str, object]:
    if suffix == ".gif":  # a palette made from the whole clip: clean flat colours, small file
        return {
            "codec": "gif",
            "pix_fmt_out": "pal8",
            "output_params": [
                "-vf",
                "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse",
            ],
        }
    return {
        "codec": "libx264",
        "pix_fmt_out": "yuv420p",
        "quality": 8,
        "output_params": [
            "-preset",
            "superfast",
            "-tune",
            "zerolatency",
            "-movflags",
            "+faststart",
        ],
    }


class Recorder(QObject):
    """Records `widget` into `path` from start() until stop(); `saved`/`failed` tell the end."""

    saved = Signal(str)  # the final path, once the file is complete
    failed = Signal(str)  # one line: why there is no file

    def __init__(self, widget: QWidget, path: str | os.PathLike[str], fps: int = FPS) -> None:
        super().__init__(widget)
        self.widget = widget
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        if self.suffix not in FORMATS:
            raise ValueError(f"--record: {self.path.name} must end in .mp4 or .gif")
        self.fps = fps
        self.size = QSize()
        self.frames_due = 0  # frames handed to the writer so far (repeats included)
        self.frames_written = 0
        self.skipped_ticks = 0
        self.error: str | None = None
        self._queue: queue.Queue[tuple[QImage, int] | None] = queue.Queue(QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._t0 = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(round(1000 / fps))
        self._timer.timeout.connect(self._tick)

    @property
    def recording(self) -> bool:
        return self._timer.isActive()

    @property
    def temp_path(self) -> Path:
        return self.path.with_name(f".{self.path.stem}.part-{os.getpid()}{self.suffix}")

    def start(self) -> None:
        """Begin capturing now; the video's size is the widget's size now (made even)."""
        if self._thread is not None:
            return
        self.size = even_size(self.widget.size())
        self._t0 = time.monotonic_ns()
        self._thread = threading.Thread(target=self._write, name="video-writer", daemon=True)
        self._thread.start()
        self._tick()
        self._timer.start()

    def stop(self) -> None:
        """End capturing (the frame due now is the last); the writer finishes off-thread."""
        if not self._timer.isActive():
            return
        self._tick()
        self._timer.stop()
        self._send_done()

    def _send_done(self) -> None:
        if self.error is not None:
            return  # the writer already gave up (and said why)
        try:
            self._queue.put_nowait(_DONE)
        except queue.Full:  # the encoder is behind: try again shortly, never block the GUI
            QTimer.singleShot(20, self._send_done)

    def wait(self, timeout: float) -> bool:
        """Join the writer (tests and the scripted quit path only); True if it finished."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ------------------------------------------------------------------ GUI thread
    def _tick(self) -> None:
        due = (time.monotonic_ns() - self._t0) * self.fps // 1_000_000_000 + 1
        repeat = int(due) - self.frames_due
        if repeat <= 0 or self.error is not None:
            return
        image = self.widget.grab().toImage()
        try:
            self._queue.put_nowait((image, repeat))
        except queue.Full:
            self.skipped_ticks += 1  # the next tick repeats its image for this one's frames
            return
        self.frames_due += repeat

    # ------------------------------------------------------------------ writer thread
    def _write(self) -> None:
        import imageio_ffmpeg

        temp = self.temp_path
        size = (self.size.width(), self.size.height())
        writer = None
        try:
            writer = imageio_ffmpeg.write_frames(
                str(temp),
                size,
                fps=self.fps,
                macro_block_size=1,
                ffmpeg_log_level="error",
                **_writer_params(self.suffix),
            )
            writer.send(None)
            while (item := self._queue.get()) is not _DONE:
                image, repeat = item
                data = image_bytes(image, self.size)
                for _ in range(repeat):
                    writer.send(data)
                    self.frames_written += 1
            writer.close()
            writer = None
            os.replace(temp, self.path)
        except Exception as exc:  # any encoder failure becomes one line for the user
            self.error = f"video not saved to {self.path}: {exc}".splitlines()[0]
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.close()
            with contextlib.suppress(OSError):
                temp.unlink()
            self.failed.emit(self.error)
            return
        self.saved.emit(str(self.path))
