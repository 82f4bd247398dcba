"""A small Python API for scripts and notebooks: load a scenario, run it, read what happened.

    from engine.api import load, run

    result = run(load("launch"), backend="threads", speed=10, seed=1)
    result.outcome.status        # RunStatus.PASSED
    result.events[0].kind        # "run_start"
    print(result.report())       # the wait-state report `run` prints

Why a facade: the command line and the window assemble the same pieces (a scenario, a source
from `make_source`, the headless loop feeding a `RunViewModel`); a script should not have to
know them.  Everything here is the engine's, so it is Qt-free and works in a plain Python or a
Jupyter kernel.  Runs are real (processes, threads, asyncio or MPI ranks, as the command line
runs them) and end before `run` returns; an interrupt (Ctrl+C, a notebook's stop button)
stops the run like the Stop button and still returns its result.  Bad input raises
`ScenarioError` (scenarios) or `EventLogReadError` (logs), each a one-line message.
See docs/api.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.cli.headless import follow
from engine.core.event_log_reader import EventLogReadError, read_event_log
from engine.core.events import Event
from engine.core.outcome import RunOutcome, RunStatus
from engine.model.report import stage_tables
from engine.model.stage_records import StageBook
from engine.model.view_model import RunViewModel
from engine.model.wait_states import RunWaitStates, analyse_run, report_json, report_text
from engine.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from engine.scenario.presets import list_presets, load_preset

__all__ = [
    "EventLogReadError",
    "RunResult",
    "ScenarioError",
    "load",
    "presets",
    "read_log",
    "run",
]


def presets() -> list[str]:
    """The names of the presets this installation ships (`load` takes any of them)."""
    return [info.name for info in list_presets()]


def load(scenario: str | os.PathLike[str] | Mapping[str, Any] | Scenario) -> Scenario:
    """A validated scenario from a preset name ("launch"), a TOML file (a path, or a name
    ending in .toml), a dict shaped like the TOML file, or a Scenario (returned as is)."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return parse_scenario(scenario)
    path = Path(scenario)
    if isinstance(scenario, os.PathLike) or path.suffix == ".toml" or os.sep in str(scenario):
        return load_scenario(path)
    return load_preset(str(scenario))


def run(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    *,
    backend: str | None = None,
    speed: float = 1.0,
    seed: int | None = None,
    events_path: str | os.PathLike[str] | None = None,
) -> RunResult:
    """Run `scenario` headless to its end on `backend` ("processes", "threads", "asyncio" or
    "mpi"; default: the scenario's own) and return what happened.

    `speed` divides every work time and the timeout (as --speed); `seed` fixes random work
    times; `events_path` also writes the event log (JSON Lines, as --events)."""
    chosen = load(scenario)
    if backend is not None and backend != chosen.backend:
        chosen = chosen.replace(backend=backend)
    if not 0 < speed <= 1000:
        raise ValueError(f"speed must be above 0 and at most 1000, got {speed}")
    from engine.sources.factory import make_source  # the backends: imported when needed

    source = make_source(chosen, speed=speed, seed=seed, events_path=events_path)
    model = follow(source)
    outcome = source.outcome
    assert outcome is not None  # follow returns once the source is done
    return RunResult(chosen, list(source.events), outcome, model)


def read_log(path: str | os.PathLike[str]) -> RunResult:
    """A recorded run (an event log written by --events or `events_path`) as a RunResult:
    the same questions answered from the file.  Lines that are not valid events are skipped
    (`result.warnings`); a file with no usable run raises EventLogReadError."""
    events, warnings = read_event_log(path)
    model = RunViewModel()
    model.apply(events)
    end = next((e for e in reversed(events) if e.kind == "run_end"), None)
    if end is None:
        outcome = RunOutcome(RunStatus.DIED, "the recorded log ends before run_end")
    else:
        outcome = RunOutcome(RunStatus.ended(end.get("status")), str(end.get("reason", "")))
    start = next(e for e in events if e.kind == "run_start")
    scenario: Scenario | None
    try:
        scenario = parse_scenario(start.get("scenario") or {})
    except ScenarioError:
        scenario = None
    return RunResult(scenario, events, outcome, model, warnings)


@dataclass
class RunResult:
    """What a run (or a recorded log) holds, as objects.

    `events` every event in order; `outcome` the status and reason (`exit_code` as the
    command line would exit); `model` the view model the window would paint (lanes, spans,
    failures, the stage book)."""

    scenario: Scenario | None
    events: list[Event]
    outcome: RunOutcome
    model: RunViewModel
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code

    @property
    def names(self) -> list[str]:
        return [lane.name for lane in self.model.lanes]

    @property
    def stages(self) -> StageBook:
        """Per-stage facts: who arrived when, who was released, the release skew."""
        return self.model.stage_book

    @property
    def narrative(self) -> list[str]:
        """The story as the headless run prints it: "[   0.712 s] Navigation ready."."""
        return [line.plain() for line in self.model.log]

    def wait_states(self) -> RunWaitStates:
        """Scalasca's wait states per stage and party, the critical path, load balance."""
        return analyse_run(self.events)[0]

    def report(self) -> str:
        """The wait-state report as text (what `run` and `analyze` print)."""
        return report_text(*analyse_run(self.events))

    def report_dict(self) -> dict[str, Any]:
        """The wait-state report as a JSON-ready dict (what `analyze --json` prints)."""
        return report_json(*analyse_run(self.events))

    def tables(self) -> str:
        """One table per stage: arrivals, waits, indices, release skew."""
        return stage_tables(self.stages, self.names)
