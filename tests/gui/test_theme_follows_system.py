"""The theme is the system's light or dark, followed live, until the user picks one in the View
menu; that choice is remembered and wins, "Follow System" goes back, and --theme lasts one
session.  The system's switch is Qt's own signal (styleHints().colorSchemeChanged)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.features import presentation
from gui.style.theme import apply_theme, chosen_theme
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.probes import painted_ground


def app() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


def system_switches_to(scheme: Qt.ColorScheme) -> None:
    """What Qt emits when the desktop's light/dark preference changes."""
    app().styleHints().colorSchemeChanged.emit(scheme)


def dark_palette() -> bool:
    return app().palette().color(QPalette.ColorRole.Window).lightness() < 60


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "settings.json"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    apply_theme(app(), "light")  # the palette is global: leave it as the next test expects


def ticked(window: MainWindow) -> list[str]:
    return [n for n in ("system", "light", "dark") if window.commands[f"theme_{n}"].isChecked()]


def test_a_fresh_start_follows_the_system_live(window: MainWindow) -> None:
    look = window.features.presentation
    assert look.theme_choice == "system" and ticked(window) == ["system"]
    assert look.theme == "light"  # offscreen Qt does not know the scheme: light
    system_switches_to(Qt.ColorScheme.Dark)
    assert look.theme == "dark" and dark_palette()
    assert painted_ground(window.lanes).lightness() < 60
    system_switches_to(Qt.ColorScheme.Light)
    assert look.theme == "light" and not dark_palette()
    system_switches_to(Qt.ColorScheme.Unknown)
    assert look.theme == "light"
    assert window.settings.value("view/theme") is None  # nothing chosen, nothing written


def test_a_window_opened_on_a_dark_system_is_dark(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presentation, "system_theme", lambda: "dark")
    win = MainWindow(open_settings(tmp_path / "settings.json"))
    qtbot.addWidget(win)
    win.features.presentation.apply_app_theme()  # as the app does once its window exists
    try:
        assert win.features.presentation.theme == "dark" and dark_palette()
        assert ticked(win) == ["system"]
    finally:
        apply_theme(app(), "light")


def test_a_choice_from_the_menu_is_remembered_and_wins(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.commands["theme_light"].trigger()
    assert ticked(window) == ["light"]
    assert open_settings(tmp_path / "settings.json").value("view/theme") == "light"
    system_switches_to(Qt.ColorScheme.Dark)
    assert window.features.presentation.theme == "light" and not dark_palette()
    again = MainWindow(open_settings(tmp_path / "settings.json"))
    qtbot.addWidget(again)
    assert again.features.presentation.theme_choice == "light"  # remembered, not the system
    window.commands["theme_system"].trigger()  # back to following: dark, as the system is now
    assert ticked(window) == ["system"] and window.features.presentation.theme == "dark"
    assert open_settings(tmp_path / "settings.json").value("view/theme") == "system"
    system_switches_to(Qt.ColorScheme.Light)
    assert window.features.presentation.theme == "light"


def test_theme_on_the_command_line_lasts_one_session(window: MainWindow, tmp_path: Path) -> None:
    look = window.features.presentation
    look.set_theme("dark", remember=False)  # --theme dark
    assert look.theme == "dark" and ticked(window) == ["dark"]
    system_switches_to(Qt.ColorScheme.Light)
    assert look.theme == "dark"  # the command line wins over the system for this session
    assert open_settings(tmp_path / "settings.json").value("view/theme") is None
    window.commands["theme_system"].trigger()  # a menu choice ends it, and is remembered
    assert look.theme == "light" and look.theme_choice == "system"


def test_the_lesson_window_takes_the_same_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gui.style.theme.system_theme", lambda: "dark")
    assert chosen_theme("light") == "light" and chosen_theme("dark") == "dark"
    assert chosen_theme("system") == "dark" and chosen_theme(None) == "dark"
    assert chosen_theme(["hostile"]) == "dark"
