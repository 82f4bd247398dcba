"""The mouse wheel scrolls the editor; it does not edit it.

Why: Qt's spin boxes and combo boxes take wheel events whenever the pointer is over them, so
scrolling the form with the wheel changed whatever passed under the pointer — Parties 3 → 2
silently deleted a party, with no undo.  Here a control takes the wheel only once it has the
focus (clicked or tabbed into); otherwise the event goes on to the scroll area.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


class WheelGuard(QObject):
    """An event filter: wheel events on an unfocused control pass to its parents."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            event.ignore()  # not accepted: Qt offers it to the parents (the scroll area)
            return True  # and the control itself never sees it
        return False


def guard_wheel(root: QWidget) -> WheelGuard:
    """Guard every spin box and combo box under `root`; the guard lives as long as `root`."""
    guard = WheelGuard(root)
    for control in [*root.findChildren(QAbstractSpinBox), *root.findChildren(QComboBox)]:
        control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone gives no focus
        control.installEventFilter(guard)
    return guard
