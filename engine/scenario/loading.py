"""Scenarios: what to run (parties, stages, work times) and how to narrate it.

This is the public facade; import everything scenario-related from here.  The model lives in
engine.scenario.model and the validator in engine.scenario.validate, split only for size.

Why TOML files: scenarios are meant to be read and edited by learners in any text editor, and
TOML is comment-friendly and in the standard library (tomllib) for reading.  Saving goes through
``tomli_w`` and an atomic write, so a crash never leaves a half-written scenario behind.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from engine.core.atomic import atomic_write_text
from engine.scenario.model import (
    ALLOWED_BACKENDS,
    DEFAULT_TEMPLATES,
    DEFAULT_WORK,
    FAULTS,
    MAX_PARTIES,
    MAX_PROCESSES,
    MAX_STAGES,
    MAX_TIMEOUT,
    MAX_WORK,
    NARRATIVE_KINDS,
    PLACEHOLDERS,
    START_METHODS,
    WORKLOADS,
    ActionSpec,
    Narrative,
    NarrativeKind,
    PartySpec,
    Scenario,
    ScenarioError,
    WorkTime,
)
from engine.scenario.toml_io import dumps_compact
from engine.scenario.validate import parse_scenario

__all__ = [
    "ALLOWED_BACKENDS",
    "DEFAULT_TEMPLATES",
    "DEFAULT_WORK",
    "FAULTS",
    "MAX_PARTIES",
    "MAX_PROCESSES",
    "MAX_STAGES",
    "MAX_TIMEOUT",
    "MAX_WORK",
    "NARRATIVE_KINDS",
    "PLACEHOLDERS",
    "START_METHODS",
    "WORKLOADS",
    "ActionSpec",
    "Narrative",
    "NarrativeKind",
    "PartySpec",
    "Scenario",
    "ScenarioError",
    "WorkTime",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_to_dict",
]

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
    return work  # not a WorkTime (e.g. via Scenario.replace): let the validator report it


def _action_value(action: object) -> object:
    if not isinstance(action, ActionSpec):
        return action
    table: dict[str, object] = {"message": action.message}
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


def scenario_to_dict(s: Scenario) -> dict[str, object]:
    """The minimal TOML-able dict for `s`: defaults are omitted so saved files stay short and
    readable.  ``parse_scenario(scenario_to_dict(s)) == s`` for every valid scenario.

    Tolerates an unvalidated Scenario (as built by ``Scenario.replace``): odd values are passed
    through unchanged for the validator to reject with a proper message.
    """
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
        action = s.action
        out["action"] = _action_value(action)
    narrative = _narrative_value(s.narrative)
    if narrative != {}:
        out["narrative"] = narrative
    if not _are_default_parties(s.party):
        party = s.party
        out["party"] = [_party_value(p) for p in party] if isinstance(party, tuple) else party
    return out


def dump_scenario(s: Scenario) -> str:
    """`s` as TOML text (the format load_scenario reads), laid out compactly for humans."""
    return dumps_compact(scenario_to_dict(s))


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; every failure is a one-line ScenarioError whose source
    is the file's name."""
    file = Path(path)
    source = file.name or str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, None, f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        # utf-8-sig: tolerate the byte-order mark some Windows editors add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise ScenarioError(source, None, problem) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, None, f"invalid TOML: {exc}") from exc
    return parse_scenario(data, source)


def save_scenario(s: Scenario, path: str | os.PathLike[str]) -> None:
    """Validate `s`, then write it atomically as TOML.

    Why validate first: a saved file that load_scenario then rejects would be a trap for the
    user; better to refuse the save with the same error message loading would give.
    """
    parse_scenario(scenario_to_dict(s), Path(path).name or str(path))
    atomic_write_text(path, dump_scenario(s))
