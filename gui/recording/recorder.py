"""Record the window as a video (.mp4 or .gif): one real frame per 1/30 s of the run, never a
copy, and never a stall of the GUI.

Why the recorder draws the frames itself: a timer that grabs "whatever the window shows now"
repeats the last picture whenever the GUI thread was busy (forking the parties when Run is
pressed, building a view) and the video freezes exactly when the run starts.  Instead, while
recording, the run controller holds events back (`hold_frames`), and for frame k the recorder
asks it to draw the moment that frame stands for (`FrameTimes`: start + k/30 s of wall time for
a live run; fixed steps of the log's clock when a log is rendered), then grabs the window.  A
frame drawn late is still a true picture of its own moment; after a stall the recorder draws
the missed frames back to back until it has caught up.

Grabbing happens on the GUI thread (Qt requires it; with the repaint it causes, it is what a
frame costs); encoding happens on the writer thread (`VideoWriter`), fed through a bounded
queue.  When the encoder is
behind the recorder draws the next frame a little later instead of waiting or dropping one.
Chapters (`mark_chapter`) are frame numbers, written into the MP4 when it is complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from gui.recording.frame_times import FrameTimes, LiveTimes
from gui.recording.thread_end import ThreadEndWatch
from gui.recording.video_chapters import Chapter, chapter_title
from gui.recording.video_writer import VideoWriter, check_video_path
from gui.run.controller import RunController

FPS = 30
ENCODER_WAIT_MS = 5  # the queue is full: look again this soon
RUN_START_WAIT_S = 2.0  # skip_to_run_start: a run that says nothing by then is not waited for
FIRST_FRAME_MS = 100  # a live frame waits HOLDBACK anyway; a rendered log waits for layout


class Recorder(QObject):
    """Records `widget` into `path` from start() until stop(); `saved`/`failed` tell the end.

    The frame size is the size of the window's first grabbed image (device pixels), kept for
    the whole video."""

    saved = Signal(str)  # the final path, once the file is complete
    failed = Signal(str)  # one line: why there is no file
    stopped = Signal()  # no more frames (stop(), stop_after's end, or a failed encoder)

    def __init__(
        self,
        widget: QWidget,
        path: str | os.PathLike[str],
        controller: RunController,
        fps: int = FPS,
        times: FrameTimes | None = None,
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.controller = controller
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        check_video_path(self.path)
        self.fps = fps
        self.times = times  # None: a live recording from the moment start() is called
        self.size = QSize()
        self.frames_drawn = 0  # frames drawn and handed to the writer
        self.encoder_waits = 0  # times a frame waited because the encoder was behind
        self.max_lag_s = 0.0  # the furthest a frame was drawn behind its moment
        self.error: str | None = None
        self._chapters: list[Chapter] = []
        self._writer: VideoWriter | None = None
        self._at_frame: list[tuple[int, Callable[[], None]]] = []
        self._run_start_deadline_ns: int | None = None  # skip_to_run_start is waiting
        self._recording = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    # ------------------------------------------------------------------ facts
    @property
    def recording(self) -> bool:
        return self._recording

    @property
    def frames_written(self) -> int:
        return self._writer.frames_written if self._writer is not None else 0

    @property
    def dropped_frames(self) -> int:
        """Frames drawn that did not reach the file (0 unless the encoder failed)."""
        writer = self._writer
        if writer is None:
            return 0
        return self.frames_drawn - writer.frames_written - writer.pending

    @property
    def video_time_s(self) -> float:
        """Where the video is now: the time, in the video, of the next frame to be drawn."""
        return self.frames_drawn / self.fps

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(self._chapters)

    # ------------------------------------------------------------------ commands
    def start(self) -> None:
        """Begin: the video's size is the window's size now; frame 0 shows this moment."""
        if self._writer is not None:
            return
        first = self.widget.grab().toImage()
        self.size = first.size()
        writer = VideoWriter(self.path, self.size, self.fps)
        self._writer = writer
        if self.times is None:
            self.times = LiveTimes(time.monotonic_ns(), self.fps)
        self.controller.hold_frames()
        writer.start()
        ThreadEndWatch(writer.thread, self._on_writer_end, self)
        self._recording = True
        # Not at once: what started with the recording (a replay's bar, a run's first layout)
        # is laid out by posted events; the first frame waits until they are done.
        self._timer.start(FIRST_FRAME_MS)

    def stop(self, catch_up: bool = True) -> None:
        """End the video at this moment.  A live recording first draws the frames it still
        owes up to now (they are drawn a little behind their moments), then ends; with
        `catch_up=False`, or when rendering a log, the last frame drawn is the last.  The
        writer then finishes the file off the GUI thread (`saved` or `failed`)."""
        if not self._recording:
            return
        if catch_up:
            self.after_caught_up(self._end)
        else:
            self._end()

    def _end(self) -> None:
        if not self._recording:
            return
        self._recording = False
        self._timer.stop()
        self._at_frame.clear()
        self.controller.release_frames()
        writer = self._writer
        if writer is not None:
            writer.chapters = list(self._chapters)
            writer.finish()
        self.stopped.emit()

    def mark_chapter(self, title: str) -> Chapter:
        """A chapter titled `title` starts at the next frame drawn (the first that shows what
        the window looks like after this call).  Raises ValueError for an empty title."""
        chapter = Chapter(chapter_title(title), self.frames_drawn)
        self._chapters.append(chapter)
        return chapter

    def after_frames(self, count: int, callback: Callable[[], None]) -> None:
        """Call `callback` (on the GUI thread) once `count` more frames have been drawn."""
        self._at_frame.append((self.frames_drawn + max(0, count), callback))
        self._at_frame.sort(key=lambda item: item[0])
        self._run_due_callbacks()

    def after_caught_up(self, callback: Callable[[], None]) -> None:
        """Call `callback` once every frame up to this moment has been drawn (at once when
        rendering a log).  A step of a scripted talk changes the window after this, so the
        change never shows over frames of the moments before it."""
        times = self.times
        due = times.frames_until(time.monotonic_ns()) if times is not None else None
        self.after_frames(0 if due is None else due - self.frames_drawn, callback)

    def skip_to_now(self) -> None:
        """The next frame shows this moment: the wall time since the last frame drawn is left
        out of the video.  Only for a still (nothing moves): e.g. between a lead-in and the
        run it leads into, or while a talk waits for the presenter.  No effect when
        rendering a log."""
        times = self.times
        if isinstance(times, LiveTimes):
            times.skip_to(self.frames_drawn, time.monotonic_ns())

    def skip_to_run_start(self, timeout_s: float = RUN_START_WAIT_S) -> None:
        """The next frame shows the moment the run just started (or about to be) stamped its
        first event: nothing is drawn until that event has come (at most `timeout_s`, then
        from that moment on), and the still before it is left out.  Call it right after
        starting a run, so the window's controls and the lanes change in the same frame."""
        self._run_start_deadline_ns = time.monotonic_ns() + int(timeout_s * 1e9)

    def stop_after(self, seconds: float, then: Callable[[], None] | None = None) -> None:
        """Draw `seconds` more of video, call `then()` while the window still shows the last
        frame (a screenshot there matches the video's end), and stop there."""

        def last() -> None:
            if then is not None:
                then()
            self._end()

        self.after_frames(round(seconds * self.fps), last)

    def wait(self, timeout: float) -> bool:
        """Join the writer (tests and the scripted quit path only); True if it finished."""
        writer = self._writer
        return writer is None or writer.join(timeout)

    # ------------------------------------------------------------------ the frames
    def _tick(self) -> None:
        writer, times = self._writer, self.times
        if not self._recording or writer is None or times is None:
            return
        if writer.error is not None:
            return  # _on_writer_end ends the recording and says why
        if not writer.has_room():  # the encoder is behind: this frame waits, none is lost
            self.encoder_waits += 1
            self._timer.start(ENCODER_WAIT_MS)
            return
        frame = self.frames_drawn
        now = time.monotonic_ns()
        if self._run_start_deadline_ns is not None and not self._skipped_to_run_start(now):
            self._timer.start(ENCODER_WAIT_MS)
            return
        wait_ns = times.wait_ns(frame, now)
        if wait_ns > 0:
            self._timer.start(max(1, -(-wait_ns // 1_000_000)))
            return
        try:
            source_ns, wall_ns = times.moment(frame, self.controller)
            self.controller.draw_frame(source_ns, wall_ns)
            # Text that changed in this frame is laid out before the picture is taken (the
            # only posted events delivered here: no input, no timers, nothing re-entrant).
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            image = self.widget.grab().toImage()
        except Exception as exc:  # a view that cannot draw must not leave the run held
            self._give_up(f"video stopped at frame {frame}: {exc}".splitlines()[0])
            raise
        if not writer.offer(image):  # has_room said yes: cannot happen (one producer)
            self._timer.start(ENCODER_WAIT_MS)
            return
        self.frames_drawn += 1
        self.max_lag_s = max(self.max_lag_s, times.lag_ns(frame, now) / 1e9)
        self._run_due_callbacks()
        if self._recording:
            self._timer.start(0)  # the next frame, or the wait for it, after pending events

    def _skipped_to_run_start(self, now: int) -> bool:
        """True once the wait for the run's first event is over (and the time skipped)."""
        assert self._run_start_deadline_ns is not None
        controller, times = self.controller, self.times
        first = controller.first_event_ns  # None until the run's first event has come
        wall = controller.wall_time_of(first) if first is not None else None
        if wall is None and now < self._run_start_deadline_ns:
            return False
        self._run_start_deadline_ns = None
        if wall is not None and first is not None:  # integer rounding must not hide the event
            wall += max(0, first - controller.source_time_at(wall))
        if isinstance(times, LiveTimes):
            times.skip_to(self.frames_drawn, now if wall is None else wall)
        return True

    def _run_due_callbacks(self) -> None:
        while self._at_frame and self._at_frame[0][0] <= self.frames_drawn:
            _, callback = self._at_frame.pop(0)
            callback()

    def _on_writer_end(self) -> None:
        error = self._writer.error if self._writer is not None else None
        if error is None:
            self.saved.emit(str(self.path))
        else:
            self._give_up(error)

    def _give_up(self, error: str) -> None:
        self.error = error
        self._end()
        self.failed.emit(error)
