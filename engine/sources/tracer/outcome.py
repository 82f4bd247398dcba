"""How a traced program's run ended: the program's own exit status first, then the barrier.

Exit codes (documented for `trace`): the program's own nonzero code when it has one (1 when it
raised, with its traceback), otherwise as for `run`: 0 every lane passed its barriers, 3 a
barrier broke, 4 a lane's process died or the trace was stopped.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.core.events import Event
from engine.core.outcome import EXIT_CODES, RunOutcome, RunStatus


@dataclass(frozen=True)
class TraceOutcome(RunOutcome):
    program_code: int | None = None  # the program's own nonzero exit code, if that decides

    @property
    def exit_code(self) -> int:
        return self.program_code if self.program_code is not None else EXIT_CODES[self.status]


def describe_exit(code: int | None) -> str:
    if code is None:
        return "ended without saying how"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def decide_trace_outcome(
    events: Sequence[Event],
    names: Sequence[str],
    lane_exits: Mapping[int, int | None],
    program_exit: int | None,
    error: str | None,
    stopped: bool,
    failure: str | None = None,
    wedged: int | None = None,
) -> TraceOutcome:
    """`wedged`: the lane that died inside wait(), if the trace then ended the program."""
    if failure is not None:
        return TraceOutcome(RunStatus.DIED, failure)
    if stopped:
        return TraceOutcome(RunStatus.STOPPED, "the trace was stopped")
    if wedged is not None:
        who = names[wedged] if 0 <= wedged < len(names) else f"lane {wedged + 1}"
        return TraceOutcome(
            RunStatus.DIED,
            f"{who} died inside wait(); the wedged barrier's remaining processes were ended",
        )
    if error is not None:
        return TraceOutcome(RunStatus.DIED, f"your program raised {error}", program_code=1)
    if program_exit:
        code = program_exit if program_exit > 0 else None
        return TraceOutcome(RunStatus.DIED, f"your program {describe_exit(program_exit)}", code)
    broke = {e.party for e in events if e.kind == "broken"}
    # a lane that ended badly right after BrokenBarrierError is a broken barrier, not a death
    died = [p for p, code in sorted(lane_exits.items()) if code != 0 and p not in broke]
    if died:
        who = ", ".join(
            f"{names[p] if p < len(names) else p} {describe_exit(lane_exits[p])}" for p in died
        )
        return TraceOutcome(RunStatus.DIED, who)
    if any(e.kind == "broken" for e in events):
        return TraceOutcome(RunStatus.BROKEN, "a barrier broke")
    if not names:
        return TraceOutcome(RunStatus.PASSED, "the program ended; no process waited on a barrier")
    return TraceOutcome(RunStatus.PASSED, "every barrier wait passed")
