"""The Scenario: validated fields plus what a run asks of them (a work plan, an edited copy).

Why it sits above the validator: ``replace`` must validate every edit again, so this module
imports the validator, and the validator (which only builds plain `ScenarioFields`) never
imports this one.  ``parse_scenario`` is here for the same reason: it is the one way to turn a
loosely typed mapping into a Scenario.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from dataclasses import dataclass

from engine.scenario.encode import scenario_to_dict
from engine.scenario.specs import ScenarioFields
from engine.scenario.validate import validate_fields

__all__ = ["Scenario", "parse_scenario"]


@dataclass(frozen=True)
class Scenario(ScenarioFields):
    """Everything needed to run and narrate one barrier demonstration (fields: ScenarioFields)."""

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
        changed = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        return parse_scenario(scenario_to_dict(changed))


def parse_scenario(data: Mapping[str, object], source: str = "<scenario>") -> Scenario:
    """Validate `data` and build a Scenario, or raise a one-line ScenarioError.

    `source` (a file name, usually) starts every error message.
    """
    fields = validate_fields(data, source)
    return Scenario(**{f.name: getattr(fields, f.name) for f in dataclasses.fields(fields)})
