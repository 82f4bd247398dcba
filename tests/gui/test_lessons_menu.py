"""Run → Lessons in the main window: the shipped lessons from the action table, a lesson file
of your own, and a malformed one as one line in the status bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from engine.lessons import lesson_titles
from gui.lessons.window import LessonWindow
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.features.lessons.close()


def submenu(window: MainWindow, top: str, title: str) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == top:
            menu = action.menu()
            assert isinstance(menu, QMenu)
            for item in menu.actions():
                if item.text() == title and isinstance(item.menu(), QMenu):
                    sub = item.menu()
                    assert isinstance(sub, QMenu)
                    return sub
    raise AssertionError(f"no {top} → {title}")


def test_run_lessons_lists_every_lesson_and_opens_one(qtbot: QtBot, window: MainWindow) -> None:
    menu = submenu(window, "Run", "Lessons")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [title for _name, title in lesson_titles()] + ["Open Lesson File…"]
    window.commands["lesson_barrier-basics"].trigger()
    lesson = window.features.lessons.window
    assert isinstance(lesson, LessonWindow) and lesson.isVisible()
    qtbot.waitUntil(lambda: lesson.driver.controller.is_running, timeout=10_000)
    assert lesson.caption.counter.startswith("1 / ")
    with qtbot.waitSignal(lesson.left, timeout=10_000):
        lesson.close()
    assert window.features.lessons.window is None
    qtbot.waitUntil(lambda: not lesson.driver.controller.is_running, timeout=10_000)


def test_a_malformed_lesson_file_is_one_line_in_the_status_bar(
    window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('title = "Mine"\n[[step]]\ntitle = "A"\nscenario = "launch"\n', "utf-8")

    def ask(_parent: QWidget) -> str:
        return str(bad)

    window.features.lessons.ask_path = ask
    window.commands["open_lesson"].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith(f"{bad}: step 1: caption: missing")
    assert "\n" not in message
    assert window.features.lessons.window is None
