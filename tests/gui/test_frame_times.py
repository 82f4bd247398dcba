"""Which moment each frame of a video shows: wall moments of a live run, steps of a log."""

from __future__ import annotations

import pytest

from gui.recording.frame_times import HOLDBACK_NS, SECOND_NS, LiveTimes, LogTimes

START = 1_000 * SECOND_NS


class Track:
    """A source clock 5 s ahead of the wall clock."""

    def source_time_at(self, wall_ns: int) -> int:
        return wall_ns + 5 * SECOND_NS


def test_a_live_frame_stands_for_its_wall_moment_and_waits_for_its_events() -> None:
    times = LiveTimes(START, fps=30)
    assert times.wall(30) == START + SECOND_NS
    assert times.moment(30, Track()) == (START + 6 * SECOND_NS, START + SECOND_NS)
    assert times.wait_ns(30, START + SECOND_NS) == HOLDBACK_NS  # its events may be in flight
    assert times.wait_ns(30, START + SECOND_NS + HOLDBACK_NS) == 0
    late = START + 2 * SECOND_NS + HOLDBACK_NS
    assert times.lag_ns(30, late) == SECOND_NS  # drawn a second behind
    assert times.frames_until(START + SECOND_NS) == 31  # frames 0..30 stand for moments ≤ 1 s


def test_a_skipped_still_is_left_out_and_the_frames_go_on_from_there() -> None:
    times = LiveTimes(START, fps=30)
    times.skip_to(15, START + 3 * SECOND_NS)
    assert times.wall(15) == START + 3 * SECOND_NS
    assert times.wall(45) == START + 4 * SECOND_NS
    assert times.frames_until(START + 3 * SECOND_NS) == 16
    times.skip_to(20, START)  # never back in time
    assert times.wall(20) == START + 3 * SECOND_NS + 5 * SECOND_NS // 30


def test_a_log_is_rendered_at_fixed_steps_of_its_own_clock() -> None:
    times = LogTimes(START, fps=30, rate=2.0, lead_in_frames=15)
    assert [times.moment(k, Track())[0] for k in (0, 14)] == [START] * 2  # the lead-in
    assert times.moment(15, Track())[0] == START + round(2 * SECOND_NS / 30)  # a step a frame
    assert times.moment(44, Track()) == (START + 2 * SECOND_NS, None)  # 30 frames at 2x
    no_lead = LogTimes(START, fps=30)
    assert [no_lead.moment(k, Track())[0] for k in (0, 1)] == [START, START + round(SECOND_NS / 30)]
    assert times.wait_ns(45, 0) == 0 and times.lag_ns(45, 10**18) == 0
    assert times.frames_until(10**18) is None  # no wall clock at all
    with pytest.raises(ValueError):
        LogTimes(START, fps=30, rate=0.0)
