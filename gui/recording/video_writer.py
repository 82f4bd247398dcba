"""The encoding half of a recording: a thread that feeds window images to ffmpeg.

Why a thread with a bounded queue: the GUI thread must never wait for the encoder.  It hands
each grabbed image over with `offer()`, which refuses at once when the queue is full (the
recorder then simply draws that frame a little later: the video's clock is its frame count,
so nothing is lost).  The thread passes the image's own 32-bit pixels to ffmpeg untouched —
ffmpeg (the binary bundled with imageio-ffmpeg, run directly so that its pipes and its last
error line are ours) converts the colours in its own process, pads an odd width or height for
yuv420p and encodes — so neither thread spends time on conversions.
The file appears atomically: a hidden temporary beside the target, renamed when complete (after
the chapters, if any, were copied in).
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage

from gui.recording.video_chapters import Chapter, add_chapters

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


def check_video_path(path: Path) -> None:
    """Refuse at once (ValueError, one line) what could only fail at the end of a recording."""
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"--record: {path.name} must end in .mp4 or .gif")
    if not path.parent.is_dir():
        raise ValueError(f"--record: the folder {path.parent} does not exist")


def frame_pixels(image: QImage, size: QSize) -> QImage:
    """`image` as 32-bit pixels of exactly `size`: a window that changed size is cropped or
    padded (black) at the right and bottom, so the video's size never changes."""
    if image.size() != size:
        image = image.copy(QRect(0, 0, size.width(), size.height()))
    if image.format() not in PIXEL_IMAGE_FORMATS:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    return image


def encoder_command(ffmpeg: str, size: QSize, fps: int, suffix: str, out: Path) -> list[str]:
    """ffmpeg reading raw 32-bit frames on stdin.  MP4: H.264 yuv420p, which plays
    everywhere but needs even sides, so an odd side gets one padded (black) row or column.
    GIF: one palette made from the whole clip (clean flat colours, small file)."""
    reads = ["-f", "rawvideo", "-pix_fmt", PIXEL_FORMAT]
    reads += ["-s", f"{size.width()}x{size.height()}", "-r", str(fps), "-i", "-", "-an"]
    if suffix == ".gif":
        palette = "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse"
        writes = ["-vf", palette, "-f", "gif"]
    else:
        writes = ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
        writes += ["-crf", "10", "-preset", "superfast", "-tune", "zerolatency"]
        writes += ["-movflags", "+faststart", "-f", "mp4"]
    return [ffmpeg, "-v", "error", "-y", *reads, *writes, str(out)]


class VideoWriter:
    """Encodes the images it is offered into `path`, on its own thread, until `finish()`.

    The thread never calls back: it ends, with `error` None or the one line saying why there
    is no file (see gui/recording/thread_end.py for why)."""

    def __init__(
        self,
        path: Path,
        size: QSize,
        fps: int,
    ) -> None:
        check_video_path(path)
        self.path = path
        self.suffix = path.suffix.lower()
        self.size = size
        self.fps = fps
        self.chapters: list[Chapter] = []  # set before finish(); written after the frames
        self.frames_offered = 0
        self.frames_written = 0
        self.error: str | None = None  # set by the thread before it ends; read once it has
        self._queue: queue.Queue[QImage] = queue.Queue(QUEUE_FRAMES)
        self._finishing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="video-writer", daemon=True)

    @property
    def temp_path(self) -> Path:
        return self.path.with_name(f".{self.path.stem}.part-{os.getpid()}{self.suffix}")

    @property
    def thread(self) -> threading.Thread:
        """The encoding thread: the recorder hears its end through `ThreadEndWatch`."""
        return self._thread

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
        try:
            with tempfile.TemporaryFile() as errors:
                self._encode(ffmpeg, temp, errors)
            if self.chapters and self.suffix == ".mp4":  # a GIF has nowhere to keep them
                self._add_chapters(ffmpeg, temp)
            os.replace(temp, self.path)
        except Exception as exc:  # any encoder failure becomes one line for the user
            self.error = f"video not saved to {self.path}: {exc}".splitlines()[0]
            with contextlib.suppress(OSError):
                temp.unlink()
            self._drain()

    def _encode(self, ffmpeg: str, temp: Path, errors: IO[bytes]) -> None:
        """Run ffmpeg over the queued frames until finish(); raises OSError if it fails."""
        command = encoder_command(ffmpeg, self.size, self.fps, self.suffix, temp)
        encoder = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
            start_new_session=True,  # Ctrl+C in the terminal must not cut the file short
        )  # fmt: skip
        assert encoder.stdin is not None
        try:
            while (image := self._next()) is not None:
                pixels = frame_pixels(image, self.size)
                encoder.stdin.write(memoryview(pixels.constBits()))  # releases the GIL
                self.frames_written += 1
        except OSError:
            pass  # ffmpeg stopped reading: its own message says why (below)
        finally:
            with contextlib.suppress(OSError):
                encoder.stdin.close()
            code = encoder.wait()
        if code != 0:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise OSError(f"ffmpeg failed: {said[-1] if said else f'exit code {code}'}")

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
