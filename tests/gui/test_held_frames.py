"""Held frames: events wait for the frame that shows their moment, the clock of a past moment,
and the run controller drawing frames for a recording (a replay, so every moment is exact)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import LaneState
from engine.sources.commands import Seek
from engine.sources.replay import ReplaySource
from gui.run.controller import RunController
from gui.run.held_frames import LATEST_AFTER_ARRIVAL_NS, ClockTrack, HeldEvents

T0 = 7_000_000_000_000
MS = 1_000_000


def event(kind: str, t_ms: int, party: int | None = 0, **data: object) -> Event:
    return Event(kind, T0 + t_ms * MS, party, 10 + (party or 0), 0, dict(data))


def two_party_run() -> list[Event]:
    end = {"status": "passed", "exit_code": 0, "reason": "every stage passed"}
    return [
        event("run_start", 0, None, names=["A", "B"], parties=2, stages=1),
        event("work_start", 10, 0, planned_s=0.1),
        event("work_start", 10, 1, planned_s=0.2),
        event("arrive", 110, 0, barrier=0),
        event("arrive", 210, 1, barrier=0),
        event("release", 211, 0, barrier=0, index=1),
        event("release", 211, 1, barrier=0, index=0),
        event("run_end", 220, None, **end),
    ]


def test_an_event_waits_for_its_moment_and_for_everything_before_it() -> None:
    held = HeldEvents()
    late_stamp, early_stamp = event("arrive", 50, 0), event("arrive", 40, 1)
    held.add([event("work_start", 10), late_stamp, early_stamp], arrived_ns=0)
    assert [e.t_ns for e in held.take_due(T0 + 9 * MS)] == []
    assert [e.kind for e in held.take_due(T0 + 45 * MS)] == ["work_start"]
    # stamped at 40 ms but delivered after the 50 ms event: it keeps the delivered order
    assert held.take_due(T0 + 50 * MS) == [late_stamp, early_stamp]
    assert len(held) == 0


def test_an_event_on_a_foreign_clock_is_let_through_a_second_after_it_came() -> None:
    held = HeldEvents()
    foreign = event("arrive", 10_000_000)  # stamped on a clock far ahead of this one
    held.add([foreign], arrived_ns=5 * MS)
    assert held.take_due(T0, wall_ns=5 * MS + LATEST_AFTER_ARRIVAL_NS - 1) == []
    assert held.take_due(T0, wall_ns=5 * MS + LATEST_AFTER_ARRIVAL_NS) == [foreign]


def test_a_new_source_makes_what_is_left_of_the_old_one_due() -> None:
    held = HeldEvents()
    old = event("arrive", 500)
    held.add([old], arrived_ns=0)
    held.new_segment()
    fresh = Event("run_start", 3, None, 1, None, {})  # another clock altogether
    held.add([fresh], arrived_ns=0)
    assert held.take_due(source_ns=2) == [old]
    assert held.take_due(source_ns=3) == [fresh]


def test_the_clock_track_maps_a_past_wall_moment_onto_the_source_clock() -> None:
    track = ClockTrack()
    assert track.at(123) == 123  # nothing sampled: the wall clock itself
    track.new_segment()
    track.sample(1_000, 50_000)
    track.sample(1_100, 50_200)  # a replay at 2x
    assert track.at(1_050) == 50_100  # between samples: interpolated
    assert track.at(1_200) == 50_400  # after the last: the last rate goes on
    assert track.at(900) == 50_000  # before the source began: where it began
    track.new_segment()
    track.sample(2_000, 2_000)  # a live run: the identity, at rate 1
    assert track.at(2_500) == 2_500
    assert track.at(1_150) == 50_300  # the old source's moments keep the old mapping


def test_held_frames_show_each_moment_and_end_the_run_in_the_frame_of_its_last_event(
    qtbot: QtBot,
) -> None:
    controller = RunController()
    shown: list[int] = []
    controller.frame_ready.connect(shown.append)
    source = ReplaySource(two_party_run())
    controller.hold_frames()
    assert controller.frames_held
    controller.start_source(source)
    source.send(Seek(source.duration_s()))  # every event is out at once: frames decide
    try:
        model = controller.model
        controller.draw_frame(T0 + 5 * MS)
        assert [lane.state for lane in model.lanes] == [LaneState.STARTING] * 2
        assert controller.clock() == T0 + 5 * MS == shown[-1]  # what is on screen
        controller.draw_frame(T0 + 150 * MS)
        assert [lane.state for lane in model.lanes] == [LaneState.WAITING, LaneState.WORKING]
        assert controller.is_running  # every event was collected, not yet shown
        with qtbot.assertNotEmitted(controller.run_finished):
            controller.draw_frame(T0 + 215 * MS)
        assert [lane.state for lane in model.lanes] == [LaneState.DONE] * 2
        with qtbot.waitSignal(controller.run_finished, timeout=1_000) as finished:
            controller.draw_frame(T0 + 220 * MS)
        assert finished.args == [0] and not controller.is_running
    finally:
        controller.release_frames()
        controller.shutdown()
    assert not controller.frames_held


def test_releasing_held_frames_applies_what_was_held(qtbot: QtBot) -> None:
    controller = RunController()
    source = ReplaySource(two_party_run())
    controller.hold_frames()
    controller.start_source(source)
    source.send(Seek(source.duration_s()))
    controller.draw_frame(T0)
    assert controller.model.lanes[0].state == LaneState.STARTING
    with qtbot.waitSignal(controller.run_finished, timeout=5_000):
        controller.release_frames()  # the frame timer takes over and finishes the run
    assert [lane.state for lane in controller.model.lanes] == [LaneState.DONE] * 2
    controller.shutdown()
