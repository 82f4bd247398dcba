"""`--record` from the command line: a screencast from before the run starts to a second after.

Why its own module: a scripted video is more than "start the recorder".  The timeline is
built before the first frame (otherwise it pops in mid-video); a live run starts only after the
first frames have shown every party at the start line (`LEAD_IN_S`), so the bars visibly leave
together; a replayed log is rendered at fixed steps of its own clock — the whole log is handed
to the controller at once and each frame takes the events of its moment — so the same log
always gives the same video; and the video ends `TAIL_S` after the run, counted in frames.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.sources.commands import Seek
from gui.recording.frame_times import LogTimes
from gui.recording.recorder import FPS, Recorder

if TYPE_CHECKING:
    from gui.window.main_window import MainWindow

LEAD_IN_S = 0.5  # the parties at zero before anything moves
TAIL_S = 1.0  # the final state, after the run has ended


def record_live(window: MainWindow, path: str | os.PathLike[str]) -> Recorder | None:
    """Record the window from now on (the caller starts the run after `LEAD_IN_S`)."""
    window.timeline  # noqa: B018 - built now, so that it is in every frame
    # The run's own modules, loaded now: between Run and the run's start the picture cannot
    # move, and importing them then would stretch that still by a third of a second.
    import engine.sources.factory  # noqa: F401

    return window.features.exports.start_recording(path, announce=False)


def after_lead_in(recorder: Recorder, start_run: Callable[[], None]) -> None:
    """Once the lead-in's frames are drawn, start the run; the video goes on from the run's
    first event (the still between is left out), so the window's own controls change in the
    same frame as the lanes."""

    def go() -> None:
        start_run()
        recorder.skip_to_run_start()

    recorder.after_frames(round(LEAD_IN_S * recorder.fps), go)


def record_replay(window: MainWindow, path: str | os.PathLike[str]) -> Recorder | None:
    """Render the replay that was just started, frame by frame on the log's clock."""
    window.timeline  # noqa: B018 - built now, so that it is in every frame
    source = window.features.replay.source
    if source is None:
        return None
    # Every event at once: the held frames hand them to the views at their recorded moments.
    source.send(Seek(source.duration_s()))
    times = LogTimes(source.t0_ns, FPS, rate=source.speed, lead_in_frames=round(LEAD_IN_S * FPS))
    return window.features.exports.start_recording(path, times=times, announce=False)
