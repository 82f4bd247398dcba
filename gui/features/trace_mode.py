"""Show a traced, unmodified program (`main.py trace SCRIPT --gui`) in the window's views.

Why this is so small: a `TraceRunner` is a `Source`, so the run controller shows it
like any run — lanes appear as the program's processes reach a barrier, named as the tracer
names them.  What is left is the window around it: the scenario editor does not apply to a
program we did not write, so it is greyed with a note that says what is being traced, and
handed back (with the note saying how the program ended) once it exits.
"""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING

from gui.editor.panel import ScenarioPanel
from gui.features.host import Host
from gui.run.controller import RunController

if TYPE_CHECKING:  # the tracer (and what it imports) loads when a program is traced
    from engine.sources.tracer.runner import TraceRunner


def command_line(runner: TraceRunner) -> str:
    """`classic.py --fast`: what is traced, short enough for a title."""
    return shlex.join([os.path.basename(runner.script), *runner.args])


class TraceMode:
    """Starts a traced program in the views and locks the editor while it runs."""

    def __init__(self, controller: RunController, panel: ScenarioPanel, host: Host) -> None:
        self.controller = controller
        self.panel = panel
        self.host = host

    def start(self, runner: TraceRunner) -> bool:
        """Start `runner`; False (nothing started) while a run is active."""
        what = command_line(runner)
        controller, panel = self.controller, self.panel
        if not controller.start_source(runner):
            self.host.say("A run is already in progress.")
            return False
        panel.set_locked(
            f"Tracing {what}\nThe program's own barriers are shown live; "
            "the scenario editor is not used while it runs."
        )
        self.host.show_subject(f"Tracing {what}")

        def finished(code: int) -> None:
            controller.run_finished.disconnect(finished)
            status = controller.model.status
            panel.set_locked(
                f"Traced {what}: {status} (exit code {code}).\n"
                "Choose or edit a scenario to run one.",
                locked=False,
            )
            panel.scenario_changed.connect(edited)

        def edited() -> None:  # the user moved on to a scenario: the note has done its job
            panel.scenario_changed.disconnect(edited)
            panel.set_locked(None)

        controller.run_finished.connect(finished)
        return True
