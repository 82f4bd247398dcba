"""Pick the event source for a scenario: processes, threads, asyncio or MPI — one interface.

Why a factory: the CLI and the GUI must not care which barrier runs underneath; they call
`make_source(scenario, ...)` and get a `Source` (engine.sources.base), whose `capabilities`
say which commands it takes.
"""

from __future__ import annotations

import os
from typing import Any

from engine.scenario import Scenario
from engine.sources.base import Source
from engine.sources.inprocess.aio import AsyncioRunner
from engine.sources.inprocess.threads import ThreadRunner
from engine.sources.mpi.source import MpiRunner
from engine.sources.processes.runner import Runner


def make_source(
    scenario: Scenario,
    *,
    speed: float = 1.0,
    seed: int | None = None,
    events_path: str | os.PathLike[str] | None = None,
    start_method: str | None = None,
    stuck_grace_s: float | None = None,
    presenter_gate: bool = False,
    step_stages: bool = False,
) -> Source:
    """A source for `scenario.backend`; options that do not apply to it are ignored."""
    extra: dict[str, Any] = {}
    if stuck_grace_s is not None:
        extra["stuck_grace_s"] = stuck_grace_s
    if scenario.backend == "threads":
        return ThreadRunner(scenario, speed=speed, seed=seed, events_path=events_path, **extra)
    if scenario.backend == "asyncio":
        return AsyncioRunner(scenario, speed=speed, seed=seed, events_path=events_path, **extra)
    if scenario.backend == "mpi":  # raises MpiUnavailable (one line) if MPI is missing
        return MpiRunner(scenario, speed=speed, seed=seed, events_path=events_path)
    return Runner(
        scenario,
        speed=speed,
        seed=seed,
        events_path=events_path,
        start_method=start_method,
        presenter_gate=presenter_gate,
        step_stages=step_stages,
        **extra,
    )
