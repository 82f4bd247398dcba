"""How the analysis pane reads: theme colours and text sizes, from the window's `Look`.

Why its own small value: the pane's painted charts cache their fonts and layout until the look
changes (as the lanes do), and presentation mode must give every text at least 24 px.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont

from gui.lanes.style import DARK, LIGHT, LaneColours
from gui.style.palette import BROKEN_COLOUR, RELEASE_COLOUR, WAIT_COLOUR

BASE_PX = 14.0
PRESENT_MIN_PX = 24.0
GOOD_COLOUR = RELEASE_COLOUR  # load balance at or above POP's 0.8
POOR_COLOUR = WAIT_COLOUR  # below it: the parties spend time waiting
WAITED_COLOUR = WAIT_COLOUR  # cumulative wait at the barrier
CAUSED_COLOUR = BROKEN_COLOUR  # delay cost caused: vermillion, the one who held the others


@dataclass(frozen=True)
class PaneLook:
    dark: bool = False
    scale: float = 1.0
    presenting: bool = False

    @property
    def colours(self) -> LaneColours:
        return DARK if self.dark else LIGHT

    def q(self, which: str) -> QColor:
        return self.colours.q(which)

    def px(self, size: float = BASE_PX) -> float:
        """A text size: scaled, and never under 24 px on stage."""
        scaled = size * self.scale
        return max(scaled, PRESENT_MIN_PX * size / BASE_PX) if self.presenting else scaled

    def font(self, size: float = BASE_PX, bold: bool = False) -> QFont:
        font = QFont()
        font.setPixelSize(max(1, round(self.px(size))))
        font.setBold(bold)
        return font

    def style_sheet(self) -> str:
        """The pane's plain widgets (labels, buttons, spin boxes) at this size and theme."""
        c = self.colours
        return (
            f"QWidget#analysis_pane, QScrollArea {{ background: {c.background}; }}"
            f" QWidget#analysis_pane QLabel, QWidget#analysis_pane QCheckBox"
            f" {{ color: {c.text}; font-size: {round(self.px())}px; }}"
            f" QWidget#analysis_pane QPushButton, QWidget#analysis_pane QComboBox,"
            f" QWidget#analysis_pane QDoubleSpinBox {{ font-size: {round(self.px())}px; }}"
        )
