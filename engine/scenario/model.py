"""The scenario data model: plain frozen dataclasses plus the limits that validation enforces.

Why frozen dataclasses: a scenario is handed to worker processes, the GUI and the timeline at the
same time; immutability means nobody can change it under anyone else's feet, and value equality
makes "did the round trip lose anything?" a simple ``==``.  Import from ``engine.scenario`` (the
public facade); this module exists only to keep the parser and the model in files of a sane size.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Literal

# Limits.  Why these numbers: 256 processes is already far more lanes than a screen can show and
# about what an OS will spawn quickly; 1000 stages and one hour per wait keep a typo from
# producing a run that never ends, while leaving room for any real lesson.
MAX_PARTIES = 256
MAX_PROCESSES = 256
MAX_STAGES = 1000
MAX_TIMEOUT = 3600.0
MAX_WORK = 3600.0
MAX_SEED = 2**63 - 1  # TOML integers are 64-bit signed; a larger seed could not be saved.

START_METHODS: tuple[str, ...] = ("fork", "spawn", "forkserver")
WORKLOADS: tuple[str, ...] = ("sleep", "cpu")
# A tuple, not a Literal, so that more backends can be added without touching the type of
# Scenario.backend.  processes: multiprocessing.Barrier; threads: threading.Barrier;
# asyncio: asyncio.Barrier (no action, no timeout; engine.sources.inprocess); mpi: MPI ranks
# launched with mpiexec, the barrier is MPI's own (engine.sources.mpi).
ALLOWED_BACKENDS: tuple[str, ...] = ("processes", "threads", "asyncio", "mpi")

PLACEHOLDERS: tuple[str, ...] = ("name", "stage", "stages", "index", "party")
NarrativeKind = Literal["work", "arrive", "release"]
NARRATIVE_KINDS: tuple[NarrativeKind, ...] = ("work", "arrive", "release")
DEFAULT_TEMPLATES: dict[NarrativeKind, str] = {
    "work": "",
    "arrive": "{name} is at the barrier.",
    "release": "{name} passes the barrier.",
}


class ScenarioError(ValueError):
    """A scenario could not be read or is invalid.

    The message is always ONE line, ``<source>: <field>: <problem>``, because it is shown in a
    status bar, a dialog and a terminal alike.  `field` (e.g. ``"party[1].work"``) lets the GUI
    point at the offending input; `source` is the file name or ``"<scenario>"``.  `location`
    overrides what is printed in the field slot ("" = nothing), for errors such as unknown keys
    where the field path would only repeat the problem text.
    """

    def __init__(
        self,
        source: str,
        field: str | None,
        problem: str,
        *,
        allowed: str | None = None,
        location: str | None = None,
    ) -> None:
        where = field if location is None else location
        text = problem if allowed is None else f"{problem} (allowed: {allowed})"
        message = f"{source}: {where}: {text}" if where else f"{source}: {text}"
        super().__init__(" ".join(message.split()))  # guarantee a single line
        self.source = source
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class WorkTime:
    """How long a party works before arriving at the barrier, in seconds (fixed if lo == hi).

    A range is what makes a barrier interesting: arrival order changes from run to run, yet the
    release is always together.
    """

    lo: float
    hi: float

    @property
    def fixed(self) -> bool:
        return self.lo == self.hi

    def draw(self, rng: random.Random) -> float:
        """A concrete duration.  Fixed times do not consume randomness, so they never shift the
        draws of other parties."""
        return self.lo if self.fixed else rng.uniform(self.lo, self.hi)


DEFAULT_WORK = WorkTime(0.5, 2.0)


FAULTS = ("crash", "kill-in-work", "kill-in-wait")
"""crash: the party's work raises; kill-in-work / kill-in-wait: the app SIGKILLs the party while
it works / while it is inside wait() (the latter wedges CPython's Barrier, gh-123899)."""


@dataclass(frozen=True)
class PartySpec:
    """One process taking part: its display name and how long it works per stage."""

    name: str
    work: WorkTime
    work_by_stage: tuple[WorkTime, ...] | None = None
    fault: str | None = None  # one of FAULTS: a failure this party demonstrates on purpose
    fault_stage: int = 1  # 1-based stage in which the fault strikes

    def work_for_stage(self, stage: int) -> WorkTime:
        """Work time for `stage` (0-based): the per-stage entry if given, else `work`."""
        return self.work if self.work_by_stage is None else self.work_by_stage[stage]


@dataclass(frozen=True)
class ActionSpec:
    """``Barrier(action=...)``: run by exactly one process each time the barrier trips."""

    message: str
    raises: bool = False  # demonstrate an action that throws: the barrier breaks


class _Fields(dict[str, object]):
    """Placeholders the caller did not supply render as "?" instead of raising: a narrative
    line must never crash a run (e.g. {index} used in an arrive line, where it is unknown)."""

    def __missing__(self, key: str) -> object:
        return "?"


@dataclass(frozen=True)
class Narrative:
    """Story lines printed as parties work, arrive and are released.

    Each kind holds one template per stage, or a single template used for every stage.
    """

    work: tuple[str, ...] = (DEFAULT_TEMPLATES["work"],)
    arrive: tuple[str, ...] = (DEFAULT_TEMPLATES["arrive"],)
    release: tuple[str, ...] = (DEFAULT_TEMPLATES["release"],)

    def templates(self, which: NarrativeKind) -> tuple[str, ...]:
        return {"work": self.work, "arrive": self.arrive, "release": self.release}[which]

    def line(self, which: NarrativeKind, stage: int, **fields: object) -> str:
        """The filled-in line for `stage` (0-based), or "" if that template is empty.

        ``{stage}`` defaults to ``stage + 1`` (people count stages from 1); pass name, stages,
        index and party as keyword arguments.
        """
        templates = self.templates(which)
        template = templates[0] if len(templates) == 1 else templates[stage]
        if not template:
            return ""
        values = _Fields(fields)
        values.setdefault("stage", stage + 1)
        return template.format_map(values)


@dataclass(frozen=True)
class Scenario:
    """Everything needed to run and narrate one barrier demonstration.

    `parties` is what the Barrier is created with; `processes` is how many processes actually
    run.  They may differ on purpose, to show what a mismatch does (a broken or stuck barrier).
    `party` has one entry per process.
    """

    name: str
    description: str
    parties: int
    processes: int
    stages: int
    timeout: float | None
    start_method: str | None
    seed: int | None
    workload: Literal["sleep", "cpu"]
    backend: str
    action: ActionSpec | None
    narrative: Narrative
    party: tuple[PartySpec, ...]

    def work_plan(self, seed: int | None = None) -> list[list[float]]:
        """Seconds of work per party (outer list) per stage (inner list).

        Drawn up front from one RNG so a seeded run is reproducible regardless of how the OS
        schedules the processes.  `seed` overrides the scenario's own; with neither, each call
        differs.
        """
        rng = random.Random(seed if seed is not None else self.seed)
        return [
            [spec.work_for_stage(stage).draw(rng) for stage in range(self.stages)]
            for spec in self.party
        ]

    def replace(self, **changes: object) -> Scenario:
        """A copy with `changes` applied and validated again.

        Why round-trip through the dict form: it reuses the one validator, so an edited
        scenario can never be in a state that loading a file would have rejected.  Raises
        ScenarioError (source "<scenario>") if the result is invalid.
        """
        # Imported here because engine.scenario imports this module.
        from engine.scenario import parse_scenario, scenario_to_dict

        changed = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        return parse_scenario(scenario_to_dict(changed))
