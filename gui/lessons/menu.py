"""Run → Lessons: open a lesson (a shipped one, or a lesson file) in its own window.

Why its own window: a lesson takes the keys of a presentation clicker and the digits for the
room's answers, which mean other things here; the main window stays as it was behind it.
A lesson that cannot be read is one line in the status bar, naming the step and the field.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.lessons import LessonError, find_lesson
from gui.features.host import Host
from gui.lessons.window import LessonWindow

AskPath = Callable[[QWidget], str]


def _ask_lesson_file(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Open Lesson", "", "Lessons (*.toml)")
    return path


class LessonLauncher(QObject):
    """Opens one lesson window at a time, in the window's theme and presentation mode."""

    def __init__(
        self, host: Host, theme: Callable[[], str], presenting: Callable[[], bool]
    ) -> None:
        super().__init__(host.window)
        self.host = host
        self.theme, self.presenting = theme, presenting
        self.ask_path: AskPath = _ask_lesson_file
        self.window: LessonWindow | None = None

    def open(self, name: str) -> LessonWindow | None:
        """Open the lesson `name` (or at a path ending in .toml); None if it cannot be read."""
        try:
            lesson = find_lesson(name)
        except LessonError as exc:
            self.host.say(str(exc), 0)
            return None
        self.close()
        window = LessonWindow(lesson, theme=self.theme(), presenting=self.presenting())
        window.left.connect(lambda: self._forget(window))
        self.window = window
        if self.presenting():
            window.showFullScreen()
        else:
            window.show()
        window.activateWindow()
        return window

    def ask_open(self) -> LessonWindow | None:
        path = self.ask_path(self.host.window)
        return self.open(path) if path else None

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None

    def _forget(self, window: LessonWindow) -> None:
        if self.window is window:
            self.window = None
        window.deleteLater()
