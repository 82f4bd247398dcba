"""What each headless command was asked to do, as typed values (one frozen dataclass each).

Why typed: the command line is parsed once (engine/cli/parser.py) and every command reads
named, typed fields instead of probing an argparse namespace; a test can build the options of
a command directly.  The window's flags (`gui`, and `replay`/`trace` shown in the window) are
declared by the gui package beside these, in gui/app/options.py.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class ScenarioChoice:
    """--preset NAME or --scenario FILE.toml (or neither), with --speed and --seed."""

    preset: str | None = None
    scenario: str | None = None
    speed: float = 1.0
    seed: int | None = None

    @property
    def given(self) -> bool:
        return self.preset is not None or self.scenario is not None


@dataclass(frozen=True)
class RunOptions:
    """`run`: a scenario headless, narrated live."""

    choice: ScenarioChoice
    events: str | None = None
    trace: str | None = None
    quiet: bool = False
    backend: str | None = None
    all_tables: bool = False  # --tables all: every stage's table, however many


@dataclass(frozen=True)
class PresetsOptions:
    """`presets`: list the presets (no options)."""


@dataclass(frozen=True)
class CodeOptions:
    """`code`: the scenario as a standalone Python program."""

    choice: ScenarioChoice
    output: str | None = None


@dataclass(frozen=True)
class ReplayOptions:
    """`replay FILE.jsonl`: a recorded run, in the window or (`--headless`) as narrative."""

    log: str
    speed: float = 1.0
    headless: bool = False


@dataclass(frozen=True)
class TraceOptions:
    """`trace SCRIPT [ARGS…]`: an unmodified program with its barriers instrumented.

    `program_args` are the program's own arguments, our trailing options already taken off."""

    script: str
    program_args: tuple[str, ...] = ()
    events: str | None = None
    quiet: bool = False
    all_tables: bool = False


@dataclass(frozen=True)
class AnalyzeOptions:
    """`analyze FILE.jsonl [--json]`: the wait-state analysis of a recorded event log."""

    log: str
    json: bool = False


@dataclass(frozen=True)
class CompletionOptions:
    """`completion bash|zsh`: the shell completion script, generated from the parser."""

    shell: str
    parser: argparse.ArgumentParser  # the whole command line, the window's flags included


@dataclass(frozen=True)
class LessonListOptions:
    """`lesson --list` (or `lesson` with no NAME): the lessons, headless.  `listing` is False
    when no NAME was given without --list: the list then follows a one-line error."""

    listing: bool = True


HeadlessOptions = (
    RunOptions
    | PresetsOptions
    | CodeOptions
    | ReplayOptions
    | TraceOptions
    | AnalyzeOptions
    | CompletionOptions
    | LessonListOptions
)
