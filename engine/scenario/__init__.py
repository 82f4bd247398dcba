"""Scenarios: what to run (parties, stages, work times) and how to narrate it.

This is the public facade; import everything scenario-related from here.  Inside, each module
imports only those below it, never back up:

    limits    the bounds, the choices and ScenarioError
    specs     the parts as plain frozen dataclasses (WorkTime, PartySpec, …, ScenarioFields)
    checks    typed one-line checks;  templates: narrative templates
    validate  a mapping -> ScenarioFields
    encode    ScenarioFields -> the minimal dict
    model     Scenario (a validated replace(), the work plan) and parse_scenario
    toml_io   TOML nesting scan and compact writing;  files: load/save/dump
    presets   the shipped scenarios (assets/presets)
"""

from engine.scenario.encode import scenario_to_dict
from engine.scenario.files import dump_scenario, load_scenario, save_scenario
from engine.scenario.limits import (
    ALLOWED_BACKENDS,
    DEFAULT_TEMPLATES,
    FAULTS,
    MAX_DESCRIPTION_CHARS,
    MAX_FILE_BYTES,
    MAX_FORMAT_WIDTH,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_NESTING,
    MAX_PARTIES,
    MAX_PROCESSES,
    MAX_SEED,
    MAX_STAGES,
    MAX_TIMEOUT,
    MAX_WORK,
    NARRATIVE_KINDS,
    PLACEHOLDERS,
    START_METHODS,
    WORKLOADS,
    NarrativeKind,
    ScenarioError,
)
from engine.scenario.model import Scenario, parse_scenario
from engine.scenario.specs import (
    DEFAULT_WORK,
    ActionSpec,
    Narrative,
    PartySpec,
    ScenarioFields,
    WorkTime,
)

__all__ = [
    "ALLOWED_BACKENDS",
    "DEFAULT_TEMPLATES",
    "DEFAULT_WORK",
    "FAULTS",
    "MAX_DESCRIPTION_CHARS",
    "MAX_FILE_BYTES",
    "MAX_FORMAT_WIDTH",
    "MAX_LINE_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NESTING",
    "MAX_PARTIES",
    "MAX_PROCESSES",
    "MAX_SEED",
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
    "ScenarioFields",
    "WorkTime",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_to_dict",
]
