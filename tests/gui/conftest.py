"""Fixtures the window tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.style.theme import apply_theme
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """A main window with settings of its own, shown; the app's theme is light again after
    it (a test that switches to dark must not leave every later window dark)."""
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
