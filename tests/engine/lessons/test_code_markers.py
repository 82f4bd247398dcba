"""Which program line each party is on, from the lane states and the generator's line map."""

from __future__ import annotations

from engine.export.codegen import generate_program
from engine.export.line_map import LineMap, LineRole
from engine.lessons.code_markers import ACTION_HOLD_NS, code_markers, resolve
from engine.model.view_model import LaneState
from engine.scenario.presets import load_preset
from tests.engine.lessons.test_answers import Stream

LAUNCH = load_preset("launch")
PROGRAM = generate_program(LAUNCH)


def roles_now(stream: Stream, now_ns: int | None = None) -> dict[int, LineRole]:
    model = stream.model()
    now = stream.t if now_ns is None else now_ns
    return {m.party: m.role for m in code_markers(model, PROGRAM.lines, LAUNCH, now)}


def test_markers_follow_work_wait_and_release() -> None:
    stream = Stream()
    for p in range(3):
        stream.add("work_start", p, planned_s=1.0)
    assert roles_now(stream) == dict.fromkeys(range(3), LineRole.WORK)
    stream.add("arrive", 0).add("arrive", 2)
    assert roles_now(stream) == {0: LineRole.WAIT, 1: LineRole.WORK, 2: LineRole.WAIT}
    stream.add("arrive", 1).add("action", 1, message="go").releases([0, 2, 1])
    markers = code_markers(stream.model(), PROGRAM.lines, LAUNCH, stream.t)
    by_party = {m.party: m for m in markers}
    assert by_party[1].role == LineRole.ACTION  # the last to arrive ran the action
    assert by_party[0].role == by_party[2].role == LineRole.AFTER_WAIT
    assert by_party[1].line == PROGRAM.lines.line(LineRole.ACTION)
    later = stream.t + ACTION_HOLD_NS
    assert roles_now(stream, later)[1] == LineRole.AFTER_WAIT
    assert {m.state for m in markers} == {LaneState.DONE}


def test_a_broken_wait_is_on_the_except_line() -> None:
    stream = Stream().arrivals([0, 1]).add("broken", 0, reason="broken")
    assert roles_now(stream)[0] == LineRole.BROKEN


def test_missing_roles_fall_back() -> None:
    lines = LineMap({LineRole.WORK: 5, LineRole.WAIT: 9})
    assert resolve(lines, LineRole.AFTER_WAIT) == (LineRole.WAIT, 9)
    assert resolve(lines, LineRole.ACTION) == (LineRole.WAIT, 9)
    assert resolve(lines, LineRole.CRASH) == (LineRole.WORK, 5)
    assert resolve(LineMap(), LineRole.ACTION) is None


def test_the_presenter_has_no_marker() -> None:
    stream = Stream(parties=4)
    for p in range(4):
        stream.add("work_start", p, planned_s=1.0)
    model = stream.model()
    assert len(model.lanes) == 4  # the presenter's lane is the fourth
    assert {m.party for m in code_markers(model, PROGRAM.lines, LAUNCH, stream.t)} == {0, 1, 2}
