"""What the run allows right now, read once per frame into one small value.

Why one reader: the window enables its commands (Stop, Abort, G, N …), Space picks its
meaning, and the lanes offer Kill — all from the same facts.  Reading them in one function
keeps the questions asked of the run controller and the view model in one place, and the
value compares equal when nothing changed, so the window touches its actions only on change.
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.lanes.prompts import held_stage, presenter_turn
from gui.run.controller import RunController


@dataclass(frozen=True)
class RunState:
    running: bool = False  # a source is active (a live run, a trace or a replay)
    replaying: bool = False  # ... and it is a replay
    can_abort: bool = False
    can_reset: bool = False
    can_kill: bool = False
    gate_waiting: bool = False  # the presenter's turn: G opens the gate
    held_stage: int | None = None  # step-through: the stage the parties wait before

    @property
    def live(self) -> bool:
        """A real run (or traced program) is going: commands reach real parties."""
        return self.running and not self.replaying


def read_run_state(controller: RunController, replaying: bool) -> RunState:
    """The run's state now.  MERGE: the source-interface and view-model rewrites change only
    this function (controller.can(Capability.ABORT) …, model.held_stage, model.presenter_turn)."""
    running = controller.is_running
    live = running and not replaying
    model = controller.model
    can = controller.can
    return RunState(
        running=running,
        replaying=running and replaying,
        can_abort=live and can("abort"),
        can_reset=live and can("reset"),
        can_kill=live and can("kill"),
        gate_waiting=live and can("gate") and any(presenter_turn(lane) for lane in model.lanes),
        held_stage=held_stage(model) if live else None,
    )
