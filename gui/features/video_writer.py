"""The encoding half of a recording: a thread that feeds window images to ffmpeg.

Why a thread with a bounded queue: the GUI thread must never wait for the encoder.  It hands
each grabbed image over with `offer()`, which refuses at once when the queue is full (the
recorder then simply draws that frame a little later: the video's clock is its frame count,
so nothing is lost).  The thread passes the image's own 32-bit pixels to ffmpeg untouched —
ffmpeg (the one bundled with imageio-ffmpeg) converts the colours in its own process, pads an
odd width or height for yuv420p and encodes — so neither thread spends time on conversions.
The file appears atomically: a hidden temporary beside the target, renamed when complete (after
the chapters, if any, were copied in).
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage

from gui.features.video_chapters import Chapter, add_chapters

QUEUE_FRAMES = 8  # ~50 MB of 1600×1000 images; the recorder waits when they are all taken
POLL_S = 0.05
# Qt's RGB32 is 0xffRRGGBB in native byte order: B, G, R, 255 in memory on little-endian.
PIXEL_FORMAT = "bgra" if sys.byteorder == "little" else "argb"
PIXEL_IMAGE_FORMATS = (
    QImage.Format.Format_RGB32,
    QImage.Format.Format_ARGB32,
    QImage.Format.Format_ARGB32_Premultiplied,
)
FORMATS = (".mp4", ".gif")


def frame_pixels(image: QImage, size: QSize) -> QImage:
    """`image` as 32-bit pixels of exactly `size`: a window that changed size is cropped or
    padded (black) at the right and bottom, so the video's size never changes."""
    if image.size() != size:
        image = image.copy(QRect(0, 0, size.width(), size.height()))
    if image.format() not in PIXEL_IMAGE_FORMATS:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    return image


def encoder_params(suffix: str) -> dict[str, object]:
    """ffmpeg settings per container.  MP4: H.264 yuv420p (plays everywhere; needs even
    sides, so an odd side gets one padded row/column).  GIF: one palette made from the whole
    clip (clean flat colours, small file)."""
    if suffix == ".gif":
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
            "-vf",
            "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-preset",
            "superfast",
            "-tune",
            "zerolatency",
            "-movflags",
            "+faststart",
        ],
    }


class VideoWriter:
    """Encodes the images it is offered into `path`, on its own thread, until `finish()`."""

    def __init__(
        self,
        path: Path,
        size: QSize,
        fps: int,
        on_end: Callable[[str | None], None],
    ) -> None:
        self.path = path
        self.suffix = path.suffix.lower()
        if self.suffix not in FORMATS:
            raise ValueError(f"--record: {path.name} must end in .mp4 or .gif")
        self.size = size
        self.fps = fps
        self.chapters: list[Chapter] = []  # set before finish(); written after the frames
        self.frames_offered = 0
        self.frames_written = 0
        self.error: str | None = None
        self._on_end = on_end  # called on the writer thread with None or the error line
        self._queue: queue.Queue[QImage] = queue.Queue(QUEUE_FRAMES)
        self._finishing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="video-writer", daemon=True)

    @property
    def temp_path(self) -> Path:
        return self.path.with_name(f".{self.path.stem}.part-{os.getpid()}{self.suffix}")

    @property
    def pending(self) -> int:
        """Frames offered and not yet written (0 once the thread has ended)."""
        if not self._thread.is_alive():
            return 0
        return self.frames_offered - self.frames_written

    def start(self) -> None:
        self._thread.start()

    def has_room(self) -> bool:
        return self.error is None and not self._queue.full()

    def offer(self, image: QImage) -> bool:
        """Queue one frame; False (at once, never blocking) if the queue is full."""
        try:
            self._queue.put_nowait(image)
        except queue.Full:
            return False
        self.frames_offered += 1
        return True

    def finish(self) -> None:
        """No more frames: the thread writes what is queued, closes the file and ends."""
        self._finishing.set()

    def join(self, timeout: float) -> bool:
        if not self._thread.is_alive() and self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ------------------------------------------------------------------ the thread
    def _next(self) -> QImage | None:
        while True:
            try:
                return self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if self._finishing.is_set() and self._queue.empty():
                    return None

    def _run(self) -> None:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
        temp = self.temp_path
        writer = None
        try:
            writer = imageio_ffmpeg.write_frames(
                str(temp),
                (self.size.width(), self.size.height()),
                fps=self.fps,
                pix_fmt_in=PIXEL_FORMAT,
                macro_block_size=1,
                ffmpeg_log_level="error",
                **encoder_params(self.suffix),
            )
            writer.send(None)
            while (image := self._next()) is not None:
                pixels = frame_pixels(image, self.size)
                writer.send(memoryview(pixels.constBits()))  # the write releases the GIL
                self.frames_written += 1
            writer.close()
            writer = None
            if self.chapters and self.suffix == ".mp4":  # a GIF has nowhere to keep them
                self._add_chapters(ffmpeg, temp)
            os.replace(temp, self.path)
        except Exception as exc:  # any encoder failure becomes one line for the user
            self.error = f"video not saved to {self.path}: {exc}".splitlines()[0]
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.close()
            with contextlib.suppress(OSError):
                temp.unlink()
            self._drain()
            self._on_end(self.error)
            return
        self._on_end(None)

    def _add_chapters(self, ffmpeg: str, temp: Path) -> None:
        chaptered = temp.with_name(temp.stem + ".chapters" + self.suffix)
        try:
            add_chapters(ffmpeg, temp, chaptered, self.chapters, self.fps, self.frames_written)
            os.replace(chaptered, temp)
        finally:
            chaptered.unlink(missing_ok=True)

    def _drain(self) -> None:
        """After a failure: let go of queued images (the recorder sees `error` and stops)."""
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
