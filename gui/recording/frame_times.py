"""Which moment each frame of a video shows: the wall clock of a live run, or fixed steps of a log.

Why frames are moments and not "whatever the window shows when the timer fires": a video is
30 frames a second of the run, whatever the GUI thread was doing.  Frame k of a live recording
stands for the wall moment start + k/30 s; the controller holds the events back until that
frame is drawn, so a frame drawn late (after a stall) still shows its own moment.  A frame is
drawn a little after its moment (`HOLDBACK_NS`) so the events stamped up to it have arrived.
Frame k of a log rendered to video stands for start + k/30 s × speed on the log's own clock:
no wall time at all, so two renders of one log are the same video.  Qt-free.
"""

from __future__ import annotations

from typing import Protocol

SECOND_NS = 1_000_000_000
# Events reach the GUI a few milliseconds after they are stamped (pipe, pump thread, the
# controller's 16 ms collection tick); a frame waits this long so its events are all in.
HOLDBACK_NS = 100_000_000


class MomentClock(Protocol):
    """What a frame needs to know of the run controller."""

    def source_time_at(self, wall_ns: int) -> int: ...


class FrameTimes(Protocol):
    fps: int

    def wait_ns(self, frame: int, wall_now_ns: int) -> int:
        """How long before `frame` can be drawn (0: now)."""
        ...

    def moment(self, frame: int, clock: MomentClock) -> tuple[int, int | None]:
        """(source-clock ns the frame shows, wall ns it stands for or None)."""
        ...

    def lag_ns(self, frame: int, wall_now_ns: int) -> int:
        """How far behind its moment `frame` is being drawn (0 when rendering a log)."""
        ...

    def frames_until(self, wall_now_ns: int) -> int | None:
        """How many frames stand for moments up to `wall_now_ns` (None: not wall time)."""
        ...


class LiveTimes:
    """Frame k stands for the wall moment start + k/fps; drawn once HOLDBACK has passed.

    `skip_to(frame, wall)` leaves out the wall time before `wall`: frame `frame` then stands
    for `wall`, and the frames after it follow on from there (for a still the video need not
    show in full, such as the wait between a lead-in and the run it leads into)."""

    def __init__(self, start_wall_ns: int, fps: int) -> None:
        self.fps = fps
        self.anchor_frame = 0
        self.anchor_ns = start_wall_ns

    def skip_to(self, frame: int, wall_ns: int) -> None:
        self.anchor_frame, self.anchor_ns = frame, max(wall_ns, self.wall(frame))

    def wall(self, frame: int) -> int:
        return self.anchor_ns + (frame - self.anchor_frame) * SECOND_NS // self.fps

    def wait_ns(self, frame: int, wall_now_ns: int) -> int:
        return max(0, self.wall(frame) + HOLDBACK_NS - wall_now_ns)

    def moment(self, frame: int, clock: MomentClock) -> tuple[int, int | None]:
        wall = self.wall(frame)
        return clock.source_time_at(wall), wall

    def lag_ns(self, frame: int, wall_now_ns: int) -> int:
        return max(0, wall_now_ns - self.wall(frame) - HOLDBACK_NS)

    def frames_until(self, wall_now_ns: int) -> int | None:
        after = (wall_now_ns - self.anchor_ns) * self.fps // SECOND_NS + 1
        return max(0, self.anchor_frame + after)


class LogTimes:
    """Frame k shows `start` plus k steps of 1/fps s × rate on the log's own clock, except
    that the first `lead_in_frames` frames all show `start` (the parties at the start line
    before anything moves) and the steps count on from there.  Nothing here reads a clock, so
    the video is a function of the log."""

    def __init__(self, start_ns: int, fps: int, rate: float = 1.0, lead_in_frames: int = 0) -> None:
        if not rate > 0:
            raise ValueError("rate must be > 0")
        self.start_ns = start_ns
        self.fps = fps
        self.rate = rate
        self.lead_in_frames = max(0, lead_in_frames)

    def wait_ns(self, frame: int, wall_now_ns: int) -> int:
        return 0

    def moment(self, frame: int, clock: MomentClock) -> tuple[int, int | None]:
        steps = max(0, frame - max(self.lead_in_frames - 1, 0))
        return self.start_ns + round(steps * SECOND_NS * self.rate / self.fps), None

    def lag_ns(self, frame: int, wall_now_ns: int) -> int:
        return 0

    def frames_until(self, wall_now_ns: int) -> int | None:
        return None
