"""How an MPI run ended.  Same statuses and exit codes as every backend (engine.core.outcome), but
the reasons know that one rank's death ends the whole job: the rank that died is named, the
ranks mpiexec ended because of it are not blamed.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.events import Event
from engine.core.outcome import RunOutcome, RunStatus, decide_outcome


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def decide_mpi_outcome(
    events: Sequence[Event],
    names: Sequence[str],
    stopped: bool,
    failure: str | None,
    mpiexec_code: int | None,
) -> RunOutcome:
    """The run's status and a one-line reason."""
    if failure is not None:
        return RunOutcome(RunStatus.DIED, failure)
    if stopped:
        return RunOutcome(RunStatus.STOPPED, "the run was stopped; mpiexec ended every rank")

    def name(party: int | None) -> str:
        i = party if party is not None else -1
        return names[i] if 0 <= i < len(names) else f"rank {i}"

    culprits = sorted({e.party for e in events if e.kind in ("crash", "kill")}, key=str)
    if culprits:
        who = _join([name(p) for p in culprits])
        return RunOutcome(RunStatus.DIED, f"{who} died; mpiexec then ended every other rank")
    exits = [e for e in events if e.kind == "exit"]
    unreported = [name(e.party) for e in exits if not e.get("reported", True)]
    if unreported:
        code = "" if mpiexec_code is None else f" (mpiexec exit code {mpiexec_code})"
        return RunOutcome(RunStatus.DIED, f"{_join(unreported)} ended without reporting{code}")
    if len(exits) < len(names):
        return RunOutcome(RunStatus.DIED, f"only {len(exits)} of {len(names)} ranks ran")
    exitcodes = {e.party or 0: e.get("exitcode") for e in exits}
    return decide_outcome(events, exitcodes, stopped=False)
