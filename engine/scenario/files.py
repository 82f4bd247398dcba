"""Scenario files: read one (refusing anything hostile with one line), write one atomically.

Why TOML files: scenarios are meant to be read and edited by learners in any text editor, and
TOML is comment-friendly and in the standard library (tomllib) for reading.  Saving goes through
``tomli_w`` and an atomic write, so a crash never leaves a half-written scenario behind.

A scenario file is input from outside: it is read only if it is a regular file of at most
MAX_FILE_BYTES (a FIFO would hang the app, ``/dev/zero`` would fill its memory), and parsed only
if its brackets nest at most MAX_NESTING deep (deeper would exhaust the parser's recursion).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from engine.files.atomic import atomic_write_text
from engine.files.bounded_read import FileRefused, read_regular_file
from engine.scenario.encode import scenario_to_dict
from engine.scenario.limits import MAX_FILE_BYTES, MAX_NESTING, ScenarioError
from engine.scenario.model import Scenario, parse_scenario
from engine.scenario.toml_io import dumps_compact, nesting_depth

__all__ = ["dump_scenario", "load_scenario", "save_scenario"]


def dump_scenario(s: Scenario) -> str:
    """`s` as TOML text (the format load_scenario reads), laid out compactly for humans."""
    return dumps_compact(scenario_to_dict(s))


def _too_deep(source: str, depth: int) -> ScenarioError:
    return ScenarioError(
        source,
        None,
        f"arrays or tables nested more than {depth - 1} levels deep",
        allowed=f"at most {MAX_NESTING} levels",
    )


def _read_text(file: Path, source: str) -> str:
    try:
        raw = read_regular_file(file, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise ScenarioError(source, None, f"{file} {exc.problem}", allowed=exc.allowed) from None
    try:
        # utf-8-sig: tolerate the byte-order mark some Windows editors add.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise ScenarioError(source, None, problem) from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; every failure is a one-line ScenarioError whose source
    is the file's name."""
    file = Path(path)
    source = file.name or str(file)
    text = _read_text(file, source)
    depth = nesting_depth(text, MAX_NESTING)
    if depth > MAX_NESTING:
        raise _too_deep(source, depth)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, None, f"invalid TOML: {exc}") from None
    except RecursionError:  # the scan above should make this unreachable; never a traceback
        raise _too_deep(source, MAX_NESTING + 1) from None
    return parse_scenario(data, source)


def save_scenario(s: Scenario, path: str | os.PathLike[str]) -> None:
    """Validate `s`, then write it atomically as TOML.

    Why validate first: a saved file that load_scenario then rejects would be a trap for the
    user; better to refuse the save with the same error message loading would give.
    """
    source = Path(path).name or str(path)
    parse_scenario(scenario_to_dict(s), source)
    text = dump_scenario(s)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError(
            source, None, "too large to save", allowed=f"at most {MAX_FILE_BYTES} bytes"
        )
    atomic_write_text(path, text)
