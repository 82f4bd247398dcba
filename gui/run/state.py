"""What the run allows right now, read once per frame into one small value.

Why one reader: the window enables its commands (Stop, Abort, G, N …), Space picks its
meaning, and the lanes offer Kill — all from the same facts.  Reading them in one function
keeps the questions asked of the run controller and the view model in one place, and the
value compares equal when nothing changed, so the window touches its actions only on change.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.sources.commands import Capability
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
    """The run's state now: the source's capabilities and the view model's facts."""
    running = controller.is_running
    live = running and not replaying
    model = controller.model
    can = controller.can
    return RunState(
        running=running,
        replaying=running and replaying,
        can_abort=live and can(Capability.ABORT),
        can_reset=live and can(Capability.RESET),
        can_kill=live and can(Capability.KILL),
        gate_waiting=live and can(Capability.GATE) and model.presenter_turn,
        held_stage=model.held_stage if live else None,
    )
