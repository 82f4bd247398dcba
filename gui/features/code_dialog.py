"""Show the scenario as the plain Python program it stands for (View → Show Code).

Why: the visualiser is a teaching tool; after watching the lanes, people want the dozen lines
of `multiprocessing.Barrier` code that did it, to run and change themselves.  The program comes
from `engine.export.codegen.generate_script` (stdlib only); this dialog shows it read-only in a
monospace font with Copy and Save As… — non-modal, so the run can go on beside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.files.atomic import atomic_write_text
from engine.scenario import Scenario
from gui.style.palette import monospace_font

AskPath = Callable[[QWidget, str], str]


def _ask_save_path(parent: QWidget, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "Save Program", suggested, "Python (*.py)")
    return path


def script_for(scenario: Scenario, seed: int | None, speed: float) -> str:
    from engine.export.codegen import generate_script  # imported late: written by another module

    return generate_script(scenario, seed=seed, speed=speed)


class CodeDialog(QDialog):
    """A read-only program with Copy and Save As…; `ask_path` is injectable for tests."""

    def __init__(
        self,
        script: str,
        title: str,
        parent: QWidget | None = None,
        ask_path: AskPath | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("code_dialog")
        self.setWindowTitle(f"Code — {title}")
        self.ask_path: AskPath = ask_path or _ask_save_path
        self.suggested = "".join(c if c.isalnum() else "_" for c in title.lower()) + ".py"
        intro = QLabel(
            "The same run as a standalone Python program (standard library only): "
            "save it and run it with <code>python FILE.py</code>."
        )
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(script)
        self.editor.setObjectName("code_text")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = monospace_font()
        mono.setPixelSize(16)
        self.editor.setFont(mono)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy")
        self.save_button = QPushButton("Save As…")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.ask_save)
        if close is not None:
            close.clicked.connect(self.close)
        self.status = QLabel()
        self.status.setObjectName("code_status")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(980, 760)

    @property
    def script(self) -> str:
        return self.editor.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.script)
        self.status.setText("Copied to the clipboard.")

    def ask_save(self) -> None:
        path = self.ask_path(self, self.suggested)
        if path:
            self.save(path)

    def save(self, path: str | os.PathLike[str]) -> bool:
        try:
            atomic_write_text(path, self.script)
        except OSError as exc:
            self.status.setText(f"Not saved: {exc.strerror or exc}")
            return False
        self.status.setText(f"Saved to {path}")
        return True
