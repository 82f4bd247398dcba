"""Remember the window and the last scenario between sessions (QSettings).

Why an env var / argument for the file: tests (and demos) must never read or overwrite the
user's real settings, so `BARRIER_VIZ_SETTINGS=/some/file.ini` or an explicit path redirects
everything to an INI file.  The last scenario is kept both as its path (if it came from a file)
and as TOML text, so an edited-but-unsaved scenario survives a restart too.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings

from engine.scenario import Scenario, ScenarioError, dump_scenario, parse_scenario

SETTINGS_ENV = "BARRIER_VIZ_SETTINGS"
ORGANISATION = "BarrierVisualiser"
APPLICATION = "Barrier Visualiser"


class ScenarioSource(Protocol):
    """What we need from the scenario panel."""

    current_path: Path | None

    def current_scenario(self) -> Scenario | None: ...
    def set_scenario(self, s: Scenario) -> None: ...
    def open_file(self, path: str | Path) -> bool: ...


def open_settings(path: str | os.PathLike[str] | None = None) -> QSettings:
    """The settings store: `path`, else $BARRIER_VIZ_SETTINGS, else the user's real settings."""
    chosen = path or os.environ.get(SETTINGS_ENV)
    if chosen:
        return QSettings(str(chosen), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def save_bytes(settings: QSettings, key: str, data: QByteArray) -> None:
    settings.setValue(key, data)


def load_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_scenario_choice(settings: QSettings, panel: ScenarioSource) -> None:
    scenario = panel.current_scenario()
    path = panel.current_path
    settings.setValue("scenario/path", str(path) if path is not None else "")
    if scenario is not None:
        settings.setValue("scenario/toml", dump_scenario(scenario))


def restore_scenario_choice(settings: QSettings, panel: ScenarioSource) -> bool:
    """Put the remembered scenario back into the panel; False if nothing usable was saved."""
    path = str(settings.value("scenario/path", "") or "")
    text = str(settings.value("scenario/toml", "") or "")
    if text:
        try:
            panel.set_scenario(parse_scenario(tomllib.loads(text), "<remembered scenario>"))
        except (tomllib.TOMLDecodeError, ScenarioError):
            text = ""
    if path and Path(path).is_file():
        if not text:
            return panel.open_file(path)
        panel.current_path = Path(path)  # the text may hold unsaved edits: keep them
        return True
    return bool(text)
