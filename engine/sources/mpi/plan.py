"""What the app decides before a run (each rank's job, the run_start facts) and how it reads a
failed launch.  Kept apart from the supervisor so each stays small and testable.
"""

from __future__ import annotations

from typing import IO, Any

from engine.scenario import Scenario, scenario_to_dict
from engine.sources.mpi.config import MpiConfig
from engine.sources.mpi.protocol import BARRIER_ID, RankJob
from engine.sources.processes.party import PartyJob
from engine.sources.processes.pump import KILL_IN_WAIT_DELAY_S

KILL_IN = {"kill-in-work": "work", "kill-in-wait": "wait"}


def rank_jobs(
    scenario: Scenario, plan: list[list[float]], timeout: float | None, speed: float = 1.0
) -> list[RankJob]:
    """One job per rank, faults included: the rank itself crashes or kills itself on cue,
    because the app cannot signal a process on another host (its wait before a kill-in-wait
    is scaled by `speed`, like the work)."""
    jobs = []
    for i, spec in enumerate(scenario.party):
        crash = spec.fault_stage - 1 if spec.fault == "crash" else None
        kill_in = KILL_IN.get(spec.fault or "")
        party = PartyJob(i, spec.name, tuple(plan[i]), scenario.workload, 0.0, crash)
        at = spec.fault_stage - 1 if kill_in else None
        kill_after = KILL_IN_WAIT_DELAY_S / speed
        jobs.append(RankJob(party, timeout, scenario.action, at, kill_in, kill_after))
    return jobs


def run_start_data(
    scenario: Scenario,
    config: MpiConfig,
    *,
    speed: float,
    seed: int,
    timeout: float | None,
    plan: list[list[float]],
) -> dict[str, Any]:
    """The run_start event's keys: those of the processes backend, plus how MPI was run."""
    return {
        "scenario": scenario_to_dict(scenario),
        "names": [p.name for p in scenario.party],
        "parties": scenario.parties,
        "processes": scenario.processes,
        "stages": scenario.stages,
        "speed": speed,
        "seed": seed,
        "start_method": "mpiexec",
        "timeout": timeout,
        "plan": plan,
        "backend": "mpi",
        "barrier": BARRIER_ID,
        "mpiexec": config.mpiexec,
        "hosts": config.hostfile,
    }


def launch_failure(output: IO[bytes], returncode: int | None) -> str:
    """One line for an mpiexec that ended before every rank started, naming the cause: the
    last line mpiexec or a rank printed (e.g. "ModuleNotFoundError: No module named 'mpi4py'")."""
    output.seek(0)
    lines = [ln.strip() for ln in output.read().decode(errors="replace").splitlines()]
    tail = next((ln for ln in reversed(lines) if ln and not ln.startswith("=")), "")
    text = f"mpiexec exited with code {returncode} before every rank started"
    return f"{text}: {tail[:300]}" if tail else text
