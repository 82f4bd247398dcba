"""Show a traced, unmodified program (`main.py trace SCRIPT --gui`) in the main window.

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

from engine.sources.tracer.runner import TraceRunner

if TYPE_CHECKING:
    from gui.window.main_window import MainWindow


def command_line(runner: TraceRunner) -> str:
    """`classic.py --fast`: what is traced, short enough for a title."""
    return shlex.join([os.path.basename(runner.script), *runner.args])


def start_trace(window: MainWindow, runner: TraceRunner) -> bool:
    """Start `runner` in `window`'s views; False (nothing started) while a run is active."""
    what = command_line(runner)
    if not window.controller.start_source(runner):
        window.statusBar().showMessage("A run is already in progress.", 8000)
        return False
    window.panel.set_locked(
        f"Tracing {what}\nThe program's own barriers are shown live; "
        "the scenario editor is not used while it runs."
    )
    window.setWindowTitle(f"Tracing {what} — Barrier Visualiser")

    def finished(code: int) -> None:
        window.controller.run_finished.disconnect(finished)
        status = window.model.status
        window.panel.set_locked(
            f"Traced {what}: {status} (exit code {code}).\nChoose or edit a scenario to run one.",
            locked=False,
        )
        window.panel.scenario_changed.connect(edited)

    def edited() -> None:  # the user moved on to a scenario: the note has done its job
        window.panel.scenario_changed.disconnect(edited)
        window.panel.set_locked(None)

    window.controller.run_finished.connect(finished)
    return True
