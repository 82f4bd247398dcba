"""The keyboard map (one table, shown in Help → Keyboard Shortcuts) and its focus guard.

Why single keys need a guard: on stage everything is one key (Space, G, N, 1–9), but the same
keys must still type into the scenario editor.  Qt already lets text fields and spin boxes keep
printable keys (they accept the ShortcutOverride event); buttons, check boxes, the party table
and combo boxes do not, so `SingleKeyGuard` makes them keep their own single keys while they
have focus.  Everywhere else in the window the single-key shortcuts work.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

KEYBOARD_MAP: tuple[tuple[str, str], ...] = (
    ("Space", "Run / stop — continue when paused before a stage; play / pause a replay"),
    ("Ctrl+R", "Run"),
    ("Esc", "Stop the run"),
    ("G", "Release the gate: the presenter, the last party, calls wait()"),
    ("N", "Continue to the next stage (step through stages)"),
    ("A", "Abort the barrier"),
    ("R", "Reset the barrier"),
    ("1 – 9", "Pick preset 1 – 9"),
    ("[ / ]", "Slower / faster (0.1× … 50×, for the next run)"),
    ("F11", "Presentation mode on / off"),
    ("Ctrl+= / Ctrl+-", "Bigger / smaller text"),
    ("Ctrl+0", "Normal text size"),
    ("Ctrl+Shift+R", "Record a video of the window on / off"),
    ("Ctrl+U", "Show the scenario as Python code"),
    ("Ctrl+O", "Open a scenario"),
    ("Ctrl+S / Ctrl+Shift+S", "Save the scenario / save it as…"),
    ("Ctrl+Shift+O", "Open an event log and replay it"),
    ("Ctrl+E", "Save the event log of the last run"),
    ("F1", "This list of keyboard shortcuts"),
    ("Ctrl+Q", "Quit"),
)

SINGLE_KEYS = frozenset(
    {Qt.Key.Key_Space, Qt.Key.Key_G, Qt.Key.Key_N, Qt.Key.Key_A, Qt.Key.Key_R}
    | {Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight}
    | {Qt.Key(Qt.Key.Key_1.value + i) for i in range(9)}
)


def keyboard_map_markdown() -> str:
    """The map as a Markdown table (for the README)."""
    rows = ["| Key | Does |", "|---|---|"]
    rows += [f"| {keys} | {what} |" for keys, what in KEYBOARD_MAP]
    return "\n".join(rows)


class SingleKeyGuard(QObject):
    """Lets focused buttons, tables and combo boxes keep Space, letters and digits."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if plain and event.key() in SINGLE_KEYS:
                event.accept()  # "this widget wants the key": no shortcut fires
                return True
        return False

    def guard(self, root: QWidget) -> int:
        """Install on every focusable button, item view and combo box under `root`."""
        kinds = (QAbstractButton, QAbstractItemView, QComboBox)
        widgets = [w for kind in kinds for w in root.findChildren(kind)]
        for widget in widgets:
            widget.installEventFilter(self)
        return len(widgets)


class ShortcutsDialog(QDialog):
    """Help → Keyboard Shortcuts: the map as a clean two-column table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard Shortcuts")
        rows = "".join(
            f"<tr><td style='padding:5px 18px 5px 0; white-space:nowrap'><b>{keys}</b></td>"
            f"<td style='padding:5px 0'>{what}</td></tr>"
            for keys, what in KEYBOARD_MAP
        )
        self.table = QLabel(
            "<p>Single keys work anywhere in the window except while typing in a field."
            f"</p><table cellspacing='0'>{rows}</table>"
        )
        self.table.setObjectName("shortcuts_table")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(680, 740)
