"""What a feature may ask of the window around it: a status line, a title, a dialog parent.

Why so little: features (exports, replay, presentation, trace, the run and failure commands)
used to take the whole main window and reach through it, which tied every module to every
other.  They now receive the run controller, the view model and the scenario panel's public
methods for what they do, and this host for how they tell the user about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStatusBar, QWidget

APP_NAME = "Barrier Visualiser"
MESSAGE_MS = 8000


@dataclass(frozen=True)
class Host:
    """The window as features see it."""

    window: QWidget  # the parent of dialogs, and what a recording or a screenshot captures
    status_bar: QStatusBar
    on_stage: Callable[[str], None] | None = None  # shows a message where the room looks

    def say(self, text: str, ms: int = MESSAGE_MS) -> None:
        """A message in the status line; ms=0 keeps it until the next one."""
        self.status_bar.showMessage(text, ms)

    def say_aloud(self, text: str) -> None:
        """A message that must be seen in presentation mode too (the status line is hidden
        there): the status line, and over the lanes."""
        self.say(text)
        if self.on_stage is not None:
            self.on_stage(text)

    def show_subject(self, subject: str) -> None:
        """The window title: what the views show now ("Replay: run.jsonl", a scenario …);
        the editor's edited marker belongs to the scenario's title, not to this one."""
        self.window.setWindowModified(False)
        self.window.setWindowTitle(f"{subject.replace('[*]', '[*][*]')} — {APP_NAME}")
