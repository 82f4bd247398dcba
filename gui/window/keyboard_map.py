"""The keyboard map (Help → Keyboard Shortcuts, from the action table) and its focus guard.

Why single keys need a guard: on stage everything is one key (Space, G, N, 1–9), but the same
keys must still type into the scenario editor.  Qt already lets text fields and spin boxes keep
printable keys (they accept the ShortcutOverride event); buttons, check boxes, the party table
and combo boxes do not, so `SingleKeyGuard` makes them keep their own single keys while they
have focus.  Everywhere else in the window the single-key shortcuts work.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gui.style.placement import available_rect, fitted_size
from gui.window.action_spec import ActionSpec
from gui.window.action_table import ACTIONS, keyboard_map


def single_keys(specs: tuple[ActionSpec, ...] = ACTIONS) -> frozenset[str]:
    """Every key of the table that types a character and has no modifier: Space, G, N, A, R,
    1–9, [ and ] (not Esc or F11, which no editor field wants), as Qt writes them."""
    return frozenset(key for spec in specs for key in spec.keys if len(key) == 1 or key == "Space")


class SingleKeyGuard(QObject):
    """Lets focused buttons, tables and combo boxes keep Space, letters and digits."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.keys = single_keys()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if plain and QKeySequence(Qt.Key(event.key())).toString() in self.keys:
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
            for keys, what in keyboard_map()
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
        scroll = QScrollArea()  # a 720 px screen is shorter than the map: Close stays on it
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        screen = parent.screen() if parent is not None else None
        self.resize(fitted_size(QSize(680, 740), available_rect(screen)))
