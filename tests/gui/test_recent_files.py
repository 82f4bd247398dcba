"""File → Open Recent: scenarios and event logs, most recent first, up to 8, a file that has
gone greyed, Clear; built from the action table's rows and remembered in the settings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from engine.scenario import save_scenario
from engine.scenario.presets import load_preset
from gui.features.recent_files import NONE_YET, RECENT_MAX
from gui.window.action_table import ACTIONS
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.sample_log import short_event_log


def make_window(qtbot: QtBot, settings: Path) -> MainWindow:
    window = MainWindow(open_settings(settings))
    qtbot.addWidget(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = make_window(qtbot, tmp_path / "settings.json")
    yield win
    win.controller.shutdown()


def scenario_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.toml"
    save_scenario(load_preset("launch"), path)
    return path


def recent_menu(window: MainWindow) -> QMenu:
    return window.menus["File/Open Recent"]


def shown(window: MainWindow) -> list[QAction]:
    """The recent-file rows as the menu shows them when it opens (the Clear row apart)."""
    menu = recent_menu(window)
    menu.aboutToShow.emit()
    return [
        a
        for a in menu.actions()
        if a.isVisible() and not a.isSeparator() and a.objectName().startswith("action_recent_")
    ]


def test_the_menu_is_made_of_the_tables_rows(window: MainWindow) -> None:
    file_menu = window.menus["File"]
    titles = [a.text() for a in file_menu.actions() if not a.isSeparator()][:4]
    assert titles == ["Open Scenario…", "Open Recent", "Save Scenario", "Save Scenario As…"]
    rows = [s.id for s in ACTIONS if s.menu is not None and s.menu.path == "File/Open Recent"]
    assert rows == [f"recent_{n}" for n in range(1, RECENT_MAX + 1)] + ["clear_recent"]
    assert [a.objectName() for a in recent_menu(window).actions() if not a.isSeparator()] == [
        f"action_{row}" for row in rows
    ]
    first = shown(window)
    assert [a.text() for a in first] == [NONE_YET] and not first[0].isEnabled()
    assert not window.commands["clear_recent"].isEnabled()


def test_opened_files_come_first_and_open_again(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    talk = scenario_file(tmp_path, "talk")
    assert window.features.files.open_path(talk)
    assert window.features.replay.open_log(short_event_log(tmp_path / "run.jsonl"))
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=30_000)
    rows = shown(window)
    assert [a.text().split("  ")[1] for a in rows] == ["run.jsonl", "talk.toml"]
    assert rows[0].text().startswith("&1") and rows[1].text().startswith("&2")
    assert rows[1].statusTip() == f"scenario: {talk.resolve()}"  # the whole path, on hover
    assert all(a.isEnabled() for a in rows)
    window.panel.set_scenario(load_preset("straggler"))
    rows[1].trigger()  # Open Recent → talk.toml: through File → Open's own command
    assert window.panel.current_path == talk
    assert window.panel.current_scenario() == load_preset("launch")
    assert shown(window)[0].text().split("  ")[1] == "talk.toml"  # first again


def test_a_saved_scenario_is_recent_too(window: MainWindow, tmp_path: Path) -> None:
    window.panel.current_path = tmp_path / "saved.toml"
    window.features.files.save()
    assert (tmp_path / "saved.toml").is_file()
    assert shown(window)[0].text().split("  ")[1] == "saved.toml"


def test_eight_at_most_gone_files_grey_and_clear_empties(
    window: MainWindow, tmp_path: Path
) -> None:
    paths = [scenario_file(tmp_path, f"s{n}") for n in range(RECENT_MAX + 2)]
    for path in paths:
        assert window.features.files.open_path(path)
    rows = shown(window)
    names = [a.text().split("  ")[1] for a in rows]
    assert names == [p.name for p in reversed(paths)][:RECENT_MAX]  # the two oldest dropped
    paths[-1].unlink()  # the most recent file is deleted (or on a stick that is not plugged in)
    rows = shown(window)
    assert not rows[0].isEnabled() and "(not found)" in rows[0].text()
    assert all(a.isEnabled() for a in rows[1:])
    window.commands["clear_recent"].trigger()
    assert [a.text() for a in shown(window)] == [NONE_YET]
    assert window.settings.value("recent/files") == []


def test_remembered_and_shared_between_windows(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    other = make_window(qtbot, tmp_path / "settings.json")  # a second window, open at once
    first_file, second_file = scenario_file(tmp_path, "first"), scenario_file(tmp_path, "second")
    assert window.features.files.open_path(first_file)
    assert other.features.files.open_path(second_file)  # keeps the first window's entry
    window.menus["File"].aboutToShow.emit()  # the File menu opens: the list is read again
    assert [a.text().split("  ")[1] for a in shown(window)] == ["second.toml", "first.toml"]
    again = make_window(qtbot, tmp_path / "settings.json")
    assert [a.text().split("  ")[1] for a in shown(again)] == ["second.toml", "first.toml"]


def test_names_are_shown_safely(window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "R&D"
    folder.mkdir()
    odd = scenario_file(folder, "a&b")
    assert window.features.files.open_path(odd)
    text = shown(window)[0].text()
    assert "a&&b.toml" in text and "R&&D" in text  # "&" is not taken as a shortcut marker


def test_a_hostile_list_in_the_settings_is_skipped(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    good = scenario_file(tmp_path, "good")
    entries = [
        {"kind": "scenario", "path": str(good)},
        {"kind": "virus", "path": "/bin/sh"},
        {"kind": "scenario", "path": 42},
        "just a string",
        {"kind": "event log", "path": "bad\0path"},
    ]
    document = {"format": "barrier-viz settings", "version": 1, "values": {}}
    document["values"] = {"recent/files": entries}
    path.write_text(json.dumps(document))
    window = make_window(qtbot, path)
    assert [a.text().split("  ")[1] for a in shown(window)] == ["good.toml"]


def test_an_event_log_reopens_as_a_replay(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    log = short_event_log(tmp_path / "run.jsonl")
    assert window.features.replay.open_log(log)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=30_000)
    window.features.replay.source = None  # as if another run had replaced it
    shown(window)[0].trigger()
    assert window.features.replay.active
    assert window.windowTitle().startswith("Replay: run.jsonl")
    window.controller.stop()
