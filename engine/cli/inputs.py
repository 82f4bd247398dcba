"""Input from outside the program, checked before anything starts: scenarios, logs, paths.

Why one module for both front ends: `run`, `code`, `replay --headless` and the window's
`gui`/`replay` commands all turn the same options into the same things, and every refusal must
read the same way — one line naming the file or field and what is allowed, exit code 2.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from engine.cli.options import ScenarioChoice
from engine.core.event_log_reader import REPLAY_MAX_GAP_S, EventLogReadError, read_event_log
from engine.core.events import Event
from engine.core.safe_text import printable
from engine.scenario import Scenario, ScenarioError, load_scenario
from engine.scenario.presets import load_preset

PROBE_BYTES = 4096  # one block: a full disk refuses it


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
    """Refuse an output path that cannot be written, before a run spends time on it.

    Outputs are written next to the target and renamed onto it, so the target must be a
    regular file or nothing (renaming onto /dev/full would replace the device), and its
    folder must take a new file: a probe is written, synced and removed, which finds a
    read-only file system, a folder we may not write and a full disk."""
    target = Path(path)
    shown = printable(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{option}: cannot write {shown}: {exc.strerror}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(f"{option}: cannot write {shown}: is a folder, not a file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{option}: cannot write {shown}: is not a regular file")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InputError(f"{option}: cannot write {shown}: its folder does not exist")
    probe = folder / f".{target.name}.{os.getpid()}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(f"{option}: cannot write {shown}: {exc.strerror}") from None


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
