"""The timeline's theme and text size: ground, axis ink, tick fonts, the legend's size.

Why the timeline keeps its own look: it resets its legend and re-fits the party axis whenever
a run starts or its marks change.  Holding the look here lets every such reset draw in the
current theme and size at once, so nothing outside has to restyle the plot after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

NAME_CHARS = 18  # party names are cut to this on the axis (see PartyAxis)
MAX_AXIS_PX = 420


@dataclass(frozen=True)
class TimelineLook:
    dark: bool = False
    tick_px: float = 16.0

    @property
    def ink(self) -> str:
        return "#E8ECF1" if self.dark else "#1B1F24"

    @property
    def ground(self) -> str:
        return "#0B0E13" if self.dark else "w"

    @property
    def line(self) -> str:
        return "#9AA4B2" if self.dark else "#444444"

    def font(self) -> QFont:
        font = QFont()
        font.setPixelSize(max(8, round(self.tick_px)))
        return font

    @property
    def title_size(self) -> str:
        return f"{max(8, round(self.tick_px * 0.85))}px"

    def axis_width(self, names: list[str]) -> int:
        """Room for the widest (cut) party name at this text size."""
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(n[:NAME_CHARS]) for n in names), default=0)
        return min(widest + 24, MAX_AXIS_PX)


def style_plot(widget: pg.PlotWidget, look: TimelineLook) -> None:
    """Ground, axis colours and tick fonts through pyqtgraph's public API."""
    widget.setBackground(look.ground)
    plot = widget.getPlotItem()
    font = look.font()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(look.line))
        axis.setTextPen(pg.mkPen(look.ink))
        axis.setTickFont(font)
    top = plot.getAxis("top")
    top.setPen(pg.mkPen(look.line))
    top.setTickFont(font)
    plot.setLabel(
        "bottom", "seconds", **{"font-size": f"{round(look.tick_px)}px", "color": look.ink}
    )
