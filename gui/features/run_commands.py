"""Run, Stop and the presenter's keys: Space, G, N, [ and ], 1–9, and the run options.

Why together: they are the commands of one presenter on stage, and Space means whichever of
them the moment needs.  The presenter's options (a gate that waits for G, a hold before every
stage) are one small typed value handed to the run when it starts, not a dict others write to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from engine.sources.commands import ContinueStage, ReleaseGate
from gui.editor.panel import ScenarioPanel
from gui.features.host import Host
from gui.run.controller import RunController
from gui.run.state import read_run_state

SPEED_STEPS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0, 50.0)


@dataclass(frozen=True)
class PresenterOptions:
    """How the next run is presented (View/Run menus; applied when a run starts)."""

    presenter_gate: bool = False  # the presenter is the last party; the barrier waits for G
    step_stages: bool = False  # every party holds before each new stage until N


class RunCommands(QObject):
    """Starts and steers runs of the scenario panel's scenario."""

    options_changed = Signal()

    def __init__(self, controller: RunController, panel: ScenarioPanel, host: Host) -> None:
        super().__init__(controller)
        self.controller = controller
        self.panel = panel
        self.host = host
        self._options = PresenterOptions()

    @property
    def options(self) -> PresenterOptions:
        return self._options

    def set_options(self, **changes: bool) -> None:
        """Change presenter options for the next run (e.g. presenter_gate=True)."""
        options = replace(self._options, **changes)
        if options != self._options:
            self._options = options
            self.options_changed.emit()

    # ------------------------------------------------------------------ run and stop
    def run(self) -> bool:
        """Start the panel's scenario; False (with a status message) if it cannot start."""
        if self.controller.is_running:
            self.host.say("A run is already in progress.")
            return False
        scenario = self.panel.current_scenario()
        if scenario is None:
            problem = self.panel.problem or "see the field marked in the editor"
            self.host.say_aloud(f"Cannot run: {problem}")
            return False
        options = self._options
        try:
            return self.controller.start(
                scenario,
                self.panel.speed(),
                self.panel.seed(),
                presenter_gate=options.presenter_gate,
                step_stages=options.step_stages,
            )
        except (ValueError, OSError) as exc:  # MpiUnavailable, ScenarioError: nothing started
            self.host.say(f"Cannot run: {exc}")
            if isinstance(exc, ValueError):
                self.panel.show_run_problem(exc)
            return False

    def stop(self) -> None:
        self.controller.stop()

    def run_stop_or_continue(self) -> None:
        """Space (outside a replay): continue a held stage, else stop a run, else run."""
        state = read_run_state(self.controller, replaying=False)
        if state.held_stage is not None:
            self.continue_stage()
        elif state.running:
            self.stop()
        else:
            self.run()

    # ------------------------------------------------------------------ presenter
    def release_gate(self) -> bool:
        """G: the presenter, the last party, calls wait()."""
        return self.controller.send(ReleaseGate())

    def continue_stage(self) -> bool:
        """N: the held stage begins."""
        return self.controller.send(ContinueStage())

    def step_speed(self, direction: int) -> float:
        """[ and ]: the next slower/faster of the usual speeds (0.1× … 50×), between runs."""
        now = self.panel.speed()
        if direction < 0:
            choice = max((s for s in SPEED_STEPS if s < now - 1e-9), default=SPEED_STEPS[0])
        else:
            choice = min((s for s in SPEED_STEPS if s > now + 1e-9), default=SPEED_STEPS[-1])
        self.panel.set_speed(choice)
        self.host.say(f"Speed {self.panel.speed():g}× (for the next run)", 3000)
        return self.panel.speed()

    def pick_preset(self, n: int) -> bool:
        """1–9: the n-th preset, between runs."""
        presets = self.panel.preset_choices()
        if self.controller.is_running or not 1 <= n <= len(presets):
            return False
        name, title = presets[n - 1]
        self.panel.select_preset(name)
        self.host.say(f"Preset {n}: {title}", 4000)
        return True
