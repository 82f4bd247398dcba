"""Where the settings live, and the window's own: its last scenario between sessions.

Why an env var / argument for the file: tests (and demos) must never read or overwrite the
user's real settings, so `BARRIER_VIZ_SETTINGS=/some/file` or an explicit path redirects
everything.  The file itself is a SettingsStore (gui/features/settings_store.py: merged,
locked, atomic writes, so two windows never undo each other's choices); settings an older
version kept in QSettings are carried over on the first start.  The last scenario is kept both
as its path (if it came from a file) and as TOML text, so an edited-but-unsaved scenario
survives a restart too; it is written only when this window's scenario is not the one it
opened with, so closing an untouched window keeps another window's scenario.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from engine.scenario import Scenario, ScenarioError, dump_scenario, parse_scenario
from gui.features.settings_store import SettingsStore

SETTINGS_ENV = "BARRIER_VIZ_SETTINGS"
ORGANISATION = "BarrierVisualiser"
APPLICATION = "Barrier Visualiser"
FILE_NAME = "settings.json"


class ScenarioSource(Protocol):
    """What we need from the scenario panel."""

    current_path: Path | None

    def current_scenario(self) -> Scenario | None: ...
    def set_scenario(self, s: Scenario) -> None: ...
    def open_file(self, path: str | Path) -> bool: ...


def default_path() -> Path:
    """~/.config/BarrierVisualiser/settings.json (the platform's equivalent elsewhere)."""
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(config or Path.home() / ".config") / ORGANISATION / FILE_NAME


def legacy_values() -> dict[str, object]:
    """What an older version remembered in QSettings (its native file), to carry over once."""
    old = QSettings(ORGANISATION, APPLICATION)
    values: dict[str, object] = {}
    for key in old.allKeys():
        value = old.value(key)
        if isinstance(value, QByteArray | str | bool | int | float):
            values[key] = value
    return values


def open_settings(path: str | os.PathLike[str] | None = None) -> SettingsStore:
    """The settings store: `path`, else $BARRIER_VIZ_SETTINGS, else the user's real settings."""
    chosen = path or os.environ.get(SETTINGS_ENV)
    if chosen:
        return SettingsStore(Path(chosen))
    target = default_path()
    fresh = not target.exists() and not target.with_name(FILE_NAME + ".bak").exists()
    return SettingsStore(target, seed=legacy_values() if fresh else None)


def save_bytes(settings: SettingsStore, key: str, data: QByteArray) -> None:
    settings.setValue(key, data)


def load_bytes(settings: SettingsStore, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def remembered_scenario(settings: SettingsStore) -> Scenario | None:
    text = str(settings.value("scenario/toml", "") or "")
    if not text:
        return None
    try:
        return parse_scenario(tomllib.loads(text), "<remembered scenario>")
    except (tomllib.TOMLDecodeError, ScenarioError):
        return None


ScenarioChoice = tuple[Scenario | None, str]  # the scenario, and the path of its file ("")


def scenario_choice(panel: ScenarioSource) -> ScenarioChoice:
    path = panel.current_path
    return panel.current_scenario(), str(path) if path is not None else ""


def save_scenario_choice(
    settings: SettingsStore, panel: ScenarioSource, at_open: ScenarioChoice | None = None
) -> None:
    """Remember the panel's scenario, unless it is still `at_open` (what the window opened
    with: another window may have remembered a newer one since)."""
    scenario, path = choice = scenario_choice(panel)
    if scenario is None or choice == at_open:
        return
    with settings.batch():
        settings.setValue("scenario/path", path)
        settings.setValue("scenario/toml", dump_scenario(scenario))


def restore_scenario_choice(settings: SettingsStore, panel: ScenarioSource) -> bool:
    """Put the remembered scenario back into the panel; False if nothing usable was saved."""
    path = str(settings.value("scenario/path", "") or "")
    scenario = remembered_scenario(settings)
    if scenario is not None:
        panel.set_scenario(scenario)
    if path and Path(path).is_file():
        if scenario is None:
            return panel.open_file(path)
        panel.current_path = Path(path)  # the text may hold unsaved edits: keep them
        return True
    return scenario is not None
