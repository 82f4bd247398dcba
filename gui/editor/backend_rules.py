"""What the chosen backend allows in the scenario editor: greyed controls and one line why.

Why greyed and not hidden: a user who switches to asyncio should see that the timeout and the
action still exist but do not apply (asyncio.Barrier only counts tasks), and get them back,
values intact, when switching back.  The values of greyed controls are not sent to the
validator (gui/scenario_binding.py), so a scenario that had a timeout still validates.
"""

from __future__ import annotations

from engine.scenario import Scenario
from gui.editor.fields import ERROR_ICON
from gui.editor.form import BACKEND_NOTES, ScenarioForm


def mpi_problem() -> str | None:
    """Why the mpi backend cannot run here (mpiexec or mpi4py missing), or None."""
    from engine.sources.mpi.config import MpiUnavailable, load_config

    try:
        load_config()
    except MpiUnavailable as exc:
        return str(exc)
    return None


def apply_backend_rules(form: ScenarioForm) -> None:
    """Enable what the backend supports: asyncio has no action and no timeout; only processes
    have a start method; MPI needs mpiexec and mpi4py here (else the reason shows inline)."""
    f = form
    backend = str(f.backend_combo.currentData())
    aio = backend == "asyncio"
    f.no_timeout_check.setEnabled(not aio)
    f.timeout_spin.setEnabled(not aio and not f.no_timeout_check.isChecked())
    f.action_check.setEnabled(not aio)
    f.action_edit.setEnabled(not aio and f.action_check.isChecked())
    f.action_note.setVisible(aio)
    f.start_method_combo.setEnabled(backend == "processes")
    note = BACKEND_NOTES.get(backend, "")
    f.backend_note.setText(note)
    f.backend_note.setVisible(bool(note))
    problem = mpi_problem() if backend == "mpi" else None
    f.backend_problem.setText(f"{ERROR_ICON}  {problem}" if problem else "")
    f.backend_problem.setVisible(problem is not None)


def asyncio_left_out(form: ScenarioForm, saved: Scenario) -> str:
    """What the greyed asyncio controls hold that the saved scenario cannot: "action",
    "timeout" or "action and the timeout" ("" for other backends, or nothing left out)."""
    f = form
    if saved.backend != "asyncio":
        return ""
    parts = []
    if f.action_check.isChecked() and f.action_edit.exact_text().strip():
        parts.append("action")
    if not f.no_timeout_check.isChecked():
        parts.append("timeout")
    return " and the ".join(parts)
