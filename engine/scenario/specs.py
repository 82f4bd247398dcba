"""The scenario's parts as plain frozen dataclasses, with no validation and no file format.

Why frozen dataclasses: a scenario is handed to worker processes, the GUI and the timeline at the
same time; immutability means nobody can change it under anyone else's feet, and value equality
makes "did the round trip lose anything?" a simple ``==``.  `ScenarioFields` holds every value
of a scenario; the validator produces it, and engine.scenario.model's `Scenario` adds the
behaviour on top (a work plan, a validated ``replace``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from engine.scenario.limits import DEFAULT_TEMPLATES, NarrativeKind


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
    """``Barrier(action=...)``: run by exactly one process each time the barrier trips.

    `message` is what it announces; `by_stage` (like the narrative's lists) holds one message
    per stage when they differ ("Round 1 done." … "Final round done."), and then `message` is
    the first of them."""

    message: str
    raises: bool = False  # demonstrate an action that throws: the barrier breaks
    by_stage: tuple[str, ...] = ()

    def message_for(self, stage: int) -> str:
        """The message of `stage` (0-based): its own if given per stage, else `message`."""
        if self.by_stage:
            return self.by_stage[min(max(stage, 0), len(self.by_stage) - 1)]
        return self.message


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
class ScenarioFields:
    """Every value of one barrier demonstration, as the validator checked it.

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
