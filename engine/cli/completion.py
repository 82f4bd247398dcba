"""Shell completion for bash and zsh, generated from the one parser (`completion bash|zsh`).

Why generated: the parser is the only list of commands and options; a hand-written script
would fall behind the first time a flag is added.  `shtab` reads an argparse parser and writes
both shells' scripts; file arguments (a scenario, a log, a program) complete file names.
"""

from __future__ import annotations

import argparse

import shtab

PROGRAM = "barrier-viz"

# Positional arguments and options that name files complete as files.
FILE_ARGUMENTS = {
    "--scenario",
    "--events",
    "--trace",
    "--output",
    "--screenshot",
    "--record",
    "log",
    "script",
}


PRESETS_FUNCTION = "_barrier_viz_presets"


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for `shell` ("bash" or "zsh"); --preset completes preset names
    (those of this installation, listed when the script is made)."""
    from engine.scenario.presets import list_presets

    names = " ".join(p.name for p in list_presets())
    presets = {"bash": PRESETS_FUNCTION, "zsh": f"({names})"}
    _mark(parser, presets)
    preamble = f'{PRESETS_FUNCTION}() {{ compgen -W "{names}" -- "$1"; }}\n'
    script: str = shtab.complete(parser, shell=shell, preamble=preamble if shell == "bash" else "")
    return script if script.endswith("\n") else script + "\n"


def _mark(parser: argparse.ArgumentParser, presets: dict[str, str]) -> None:
    for action in parser._actions:  # argparse has no public walk of its actions
        names = set(action.option_strings) | {action.dest}
        if names & FILE_ARGUMENTS:
            action.complete = shtab.FILE  # type: ignore[attr-defined]
        elif "--preset" in names:
            action.complete = presets  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _mark(sub, presets)
