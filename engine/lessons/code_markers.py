"""Which line of the exported program each party is executing now, from the lane states.

Why from the view model: it is the one interpreter of the run's events, so the markers move
exactly when the lanes do — a working lane sits on its work line (``time.sleep`` or the cpu
loop), a waiting one on ``barrier.wait()``, a released one on the line after the wait, a
broken one in ``except BrokenBarrierError``.  The action runs in one process, the last to
arrive, in the instant before the release; its marker stays on the action's line for
ACTION_HOLD_NS so that the room can see where it ran.  The line numbers come from the
generator's line map (engine.export.line_map), never from searching the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.export.line_map import LineMap, LineRole
from engine.model.view_model import Lane, LaneState, RunViewModel
from engine.scenario import Scenario

ACTION_HOLD_NS = 1_600_000_000

# Where a role the program lacks is shown instead (e.g. no release narrative: no line after
# the wait, so the marker stays on the wait; no crash branch: the work line).
_FALLBACK = {
    LineRole.AFTER_WAIT: LineRole.WAIT,
    LineRole.BROKEN: LineRole.WAIT,
    LineRole.CRASH_WORK: LineRole.WORK,
    LineRole.CRASH: LineRole.WORK,
    LineRole.ACTION: LineRole.AFTER_WAIT,
}


@dataclass(frozen=True)
class CodeMarker:
    party: int
    name: str
    line: int  # 1-based, in the program's text
    role: LineRole
    state: LaneState


def _crashes_now(lane: Lane, scenario: Scenario) -> bool:
    spec = scenario.party[lane.index]
    return spec.fault == "crash" and lane.stage == spec.fault_stage - 1


def _ran_action(lane: Lane, model: RunViewModel, now_ns: int) -> bool:
    book = model.stage_book
    record = book.get(book.run_barrier, lane.stage)
    if record is None or record.action_party != lane.index or record.action_t_ns is None:
        return False
    return 0 <= now_ns - record.action_t_ns < ACTION_HOLD_NS


def lane_role(lane: Lane, model: RunViewModel, scenario: Scenario, now_ns: int) -> LineRole | None:
    """The role of the line `lane`'s party is on now; None before it started or once stopped."""
    match lane.state:
        case LaneState.WORKING:
            return LineRole.CRASH_WORK if _crashes_now(lane, scenario) else LineRole.WORK
        case LaneState.WAITING:
            return LineRole.WAIT
        case LaneState.RELEASED | LaneState.DONE:
            return LineRole.ACTION if _ran_action(lane, model, now_ns) else LineRole.AFTER_WAIT
        case LaneState.BROKEN:
            return LineRole.BROKEN
        case LaneState.DIED:
            if _crashes_now(lane, scenario):
                return LineRole.CRASH
            started = lane.work_start_ns or 0
            waiting = lane.arrived_ns is not None and lane.arrived_ns >= started
            return LineRole.WAIT if waiting else LineRole.WORK
    return None


def resolve(lines: LineMap, role: LineRole) -> tuple[LineRole, int] | None:
    """The line for `role`, or for the role shown in its place when the program lacks it."""
    seen: set[LineRole] = set()
    current: LineRole | None = role
    while current is not None and current not in seen:
        line = lines.line(current)
        if line is not None:
            return current, line
        seen.add(current)
        current = _FALLBACK.get(current)
    return None


def code_markers(
    model: RunViewModel, lines: LineMap, scenario: Scenario, now_ns: int
) -> list[CodeMarker]:
    """A marker per scenario party that is somewhere in the program now (the presenter's
    party, which the program does not have, never gets one)."""
    out = []
    for lane in model.lanes[: len(scenario.party)]:
        role = lane_role(lane, model, scenario, now_ns)
        found = resolve(lines, role) if role is not None else None
        if found is not None:
            out.append(CodeMarker(lane.index, lane.name, found[1], found[0], lane.state))
    return out
