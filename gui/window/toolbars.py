"""The window's two toolbars: the run's commands, and the presenter's on a row of its own
when one row is too narrow.

Why two rows and not Qt's » overflow menu: on a 1024×768 or 1280×720 projector, at stage text
sizes, one toolbar cannot hold Run, Stop, Abort, Reset, the speed, the gate, step mode,
Continue, Record and Present; the overflow menu then hid exactly the presenter's controls.
Two toolbars that share a row when they fit, and wrap when they do not, keep every control
in sight; only text far beyond stage sizes still needs the overflow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QStyle, QToolBar, QWidget

from gui.window.action_table import TOOLBAR_ROWS
from gui.window.qactions import BoundActions


class Toolbars:
    """Builds the two toolbars of `window` from the action table and wraps them to fit."""

    def __init__(self, window: QMainWindow, commands: BoundActions) -> None:
        self.window = window
        self.speed_label = QLabel()
        self.speed_label.setObjectName("speed_label")
        self.speed_label.setContentsMargins(8, 0, 8, 0)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        widgets = {"speed": self.speed_label, "spacer": spacer}
        bars = []
        names = (("run_toolbar", "Run"), ("stage_toolbar", "Present"))
        for (name, title), row in zip(names, TOOLBAR_ROWS, strict=True):
            bar = QToolBar(title)
            bar.setObjectName(name)
            bar.setMovable(False)
            commands.build_toolbar(bar, widgets, row)
            window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
            bars.append(bar)
        self.run_bar, self.stage_bar = bars

    @property
    def bars(self) -> tuple[QToolBar, QToolBar]:
        return self.run_bar, self.stage_bar

    @property
    def actions(self) -> list[QAction]:
        """Every action on the toolbars, in order (both rows)."""
        return self.run_bar.actions() + self.stage_bar.actions()

    def set_text_px(self, px: int) -> None:
        for bar in self.bars:
            bar.setStyleSheet(f"QToolButton, QLabel {{ font-size: {px}px; }}")
        self.fit()
        QTimer.singleShot(0, self.window, self.fit)  # again once the new font has settled

    def fit(self) -> None:
        """One row when both toolbars fit the width, else the presenter's on a row of its own."""
        needed = sum(_needed_width(bar) for bar in self.bars)
        wrap = needed > self.window.width()
        # ask the window, not a remembered flag: restoring a saved window state (or the
        # stage layout) may have moved the break behind our back
        if wrap == self.window.toolBarBreak(self.stage_bar):
            return
        if wrap:
            self.window.insertToolBarBreak(self.stage_bar)
        else:
            self.window.removeToolBarBreak(self.stage_bar)


def _needed_width(bar: QToolBar) -> int:
    """The width `bar` needs to show every item, measured with the current font (a toolbar's
    own size hint can still hold the previous font's sizes right after a restyle)."""
    margins = bar.contentsMargins()
    layout = bar.layout()
    spacing = layout.spacing() if layout is not None else 0
    total = (
        margins.left()
        + margins.right()
        + 2 * bar.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarHandleExtent)
    )
    for action in bar.actions():
        widget = bar.widgetForAction(action)
        if widget is None or not action.isVisible():
            continue
        widget.ensurePolished()
        expanding = widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Expanding
        total += (0 if expanding else widget.sizeHint().width()) + spacing
    return total
