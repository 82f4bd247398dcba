"""Input from outside the program, checked before anything starts: scenarios, logs, paths.

Why one module for both front ends: `run`, `code`, `replay --headless` and the window's
`gui`/`replay` commands all turn the same options into the same things, and every refusal must
read the same way — one line naming the file or field and what is allowed, exit code 2.
"""

from __future__ import annotations

import sys

from engine.cli.options import ScenarioChoice
from engine.core.event_log_reader import REPLAY_MAX_GAP_S, EventLogReadError, read_event_log
from engine.core.events import Event
from engine.core.safe_text import printable
from engine.files.output_path import check_output_path
from engine.scenario import Scenario, ScenarioError, load_scenario
from engine.scenario.presets import load_preset


class InputError(Exception):
    """Bad input from the command line: one line, exit code 2."""


def load_chosen_scenario(choice: ScenarioChoice, default: str | None = "launch") -> Scenario:
    """The scenario --scenario or --preset names (or the `default` preset)."""
    try:
        if choice.scenario:
            return load_scenario(choice.scenario)
        name = choice.preset or default
        if name is None:
            raise InputError("give --preset NAME or --scenario FILE.toml")
        return load_preset(name)
    except ScenarioError as exc:
        raise InputError(str(exc)) from None


def check_writable(option: str, path: str) -> None:
    """Refuse an output path that cannot be written, before a run spends time on it (one
    line naming the option, the path and why: engine.files.output_path decides)."""
    try:
        check_output_path(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"{option}: cannot write {printable(path)}: {reason}") from None


def read_log_input(path: str) -> list[Event]:
    """The events of an event log named on the command line, to replay (long pauses
    shortened); skipped lines are warned about on stderr, an unusable file is an InputError."""
    try:
        events, warnings = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
    except EventLogReadError as exc:
        raise InputError(str(exc)) from None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return events
