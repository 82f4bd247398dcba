"""Scenario fields as the minimal plain dict that TOML (and the validator) read back.

Why minimal: saved files are read and edited by people, so defaults are left out and the file
says only what is special about this scenario.  Why tolerant: ``Scenario.replace`` builds a
scenario with unchecked values and sends it through here and back into the validator, so an
odd value is passed through unchanged for the validator to reject with a proper message.
"""

from __future__ import annotations

from engine.scenario.limits import DEFAULT_TEMPLATES, NARRATIVE_KINDS
from engine.scenario.specs import (
    DEFAULT_WORK,
    ActionSpec,
    Narrative,
    PartySpec,
    ScenarioFields,
    WorkTime,
)

__all__ = ["scenario_to_dict"]

# Optional top-level fields and the value that means "not set" (omitted when saving).
_OPTIONAL_DEFAULTS: tuple[tuple[str, object], ...] = (
    ("timeout", None),
    ("start_method", None),
    ("seed", None),
    ("workload", "sleep"),
    ("backend", "processes"),
)


def _work_value(work: object) -> object:
    if isinstance(work, WorkTime):
        return work.lo if work.fixed else [work.lo, work.hi]
    return work


def _action_value(action: object) -> object:
    if not isinstance(action, ActionSpec):
        return action
    message: object = list(action.by_stage) if action.by_stage else action.message
    table: dict[str, object] = {"message": message}
    if action.raises:
        table["raises"] = True
    return table


def _party_value(spec: object) -> object:
    if not isinstance(spec, PartySpec):
        return spec
    table: dict[str, object] = {"name": spec.name}
    if spec.work != DEFAULT_WORK:
        table["work"] = _work_value(spec.work)
    if spec.work_by_stage is not None:
        table["work_by_stage"] = [_work_value(w) for w in spec.work_by_stage]
    if spec.fault is not None:
        table["fault"] = spec.fault
        if spec.fault_stage != 1:
            table["fault_stage"] = spec.fault_stage
    return table


def _are_default_parties(party: object) -> bool:
    """True if `party` is exactly what parsing generates without [[party]] tables, so saving
    can omit them (and changing `processes` via replace() regenerates them)."""
    if not isinstance(party, tuple) or not party:
        return False
    return all(spec == PartySpec(f"Party {i + 1}", DEFAULT_WORK) for i, spec in enumerate(party))


def _narrative_value(narrative: object) -> object:
    if not isinstance(narrative, Narrative):
        return narrative
    table: dict[str, object] = {}
    for kind in NARRATIVE_KINDS:
        templates = narrative.templates(kind)
        if templates != (DEFAULT_TEMPLATES[kind],):
            table[kind] = templates[0] if len(templates) == 1 else list(templates)
    return table


def scenario_to_dict(s: ScenarioFields) -> dict[str, object]:
    """The minimal TOML-able dict for `s` (a Scenario, usually).
    ``parse_scenario(scenario_to_dict(s)) == s`` for every valid scenario."""
    out: dict[str, object] = {"name": s.name}
    if s.description:
        out["description"] = s.description
    out["parties"] = s.parties
    if s.processes != s.parties:
        out["processes"] = s.processes
    if s.stages != 1:
        out["stages"] = s.stages
    for key, default in _OPTIONAL_DEFAULTS:
        value = getattr(s, key)
        if value != default:
            out[key] = value
    if s.action is not None:
        out["action"] = _action_value(s.action)
    narrative = _narrative_value(s.narrative)
    if narrative != {}:
        out["narrative"] = narrative
    if not _are_default_parties(s.party):
        party = s.party
        out["party"] = [_party_value(p) for p in party] if isinstance(party, tuple) else party
    return out
