"""The band above the timeline's lanes: each barrier action's message, and step-through holds.

Why a band of its own: an action label drawn on the last arriver's row covers that party's
bar, and its end — the moment of the release — is exactly what the room looks at.  Here every
label ends at its release line, above the lanes, in full when there is room and shortened
with "…" when the previous label is close (hovering it tells the whole message).  A step-mode
hold is a grey span across the lanes with "held" in the band, so the pause is not an
unexplained gap.

Painted in device pixels (text must not stretch with the zoom): the item maps its data
positions through the painter's transform, then draws with the transform reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from gui.style.palette import ACTION_COLOUR

MIN_LABEL_PX = 28  # narrower than this: only the ★ (the tooltip still tells)
GAP_PX = 10


@dataclass
class BandLabel:
    x: float  # seconds: where the label ends (its release)
    text: str
    shown: tuple[float, float] = (0.0, 0.0)  # the x range (seconds) it was last drawn over


@dataclass
class Hold:
    x0: float
    x1: float | None  # None while still held


@dataclass
class BandContent:
    labels: list[BandLabel] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)


class ActionBand(pg.GraphicsObject):  # type: ignore[misc]
    """Action labels in the band at y ∈ [top, -0.5], holds across all rows."""

    def __init__(self) -> None:
        super().__init__()
        self.content = BandContent()
        self.top = -1.5  # data y of the band's top edge (set by the view from its pixel size)
        self.rows = 1
        self.font = QFont()
        self.ink = QColor(ACTION_COLOUR).darker(160)
        self.hold_ink = QColor("#6B7380")
        self.x_range = (0.0, 1.0)

    def set_geometry(self, top: float, rows: int, x_range: tuple[float, float]) -> None:
        self.prepareGeometryChange()
        self.top, self.rows, self.x_range = top, rows, x_range
        self.update()

    def set_look(self, font: QFont, dark: bool) -> None:
        self.font = font
        self.ink = QColor(ACTION_COLOUR).lighter(140) if dark else QColor(ACTION_COLOUR).darker(160)
        self.hold_ink = QColor("#9AA4B2" if dark else "#5C6470")
        self.update()

    def clear(self) -> None:
        self.content = BandContent()
        self.update()

    def add_label(self, x: float, text: str) -> None:
        self.content.labels.append(BandLabel(x, text))
        self.update()

    def hold_started(self, x: float) -> None:
        self.content.holds.append(Hold(x, None))
        self.update()

    def hold_ended(self, x: float) -> None:
        if self.content.holds and self.content.holds[-1].x1 is None:
            self.content.holds[-1].x1 = x
            self.update()

    def label_at(self, x: float, y: float) -> str | None:
        """The whole message of the label drawn at (x seconds, y row), if any."""
        if not self.top <= y <= -0.5:
            return None
        for label in self.content.labels:
            lo, hi = label.shown
            if lo <= x <= hi:
                return label.text
        return None

    def boundingRect(self) -> QRectF:
        lo, hi = self.x_range
        return QRectF(lo, self.top, max(hi - lo, 1e-9), self.rows + (-0.5 - self.top) + 0.5)

    def paint(self, p: QPainter, *args: QStyleOptionGraphicsItem | QWidget | None) -> None:
        to_device = p.transform()
        back, ok = to_device.inverted()
        if not ok:
            return
        p.save()
        p.resetTransform()
        try:
            top_y = to_device.map(QPointF(0, self.top)).y()
            band_bottom = to_device.map(QPointF(0, -0.5)).y()
            lanes_bottom = to_device.map(QPointF(0, self.rows - 0.5)).y()
            self._paint_holds(p, to_device, band_bottom, lanes_bottom, top_y)
            self._paint_labels(p, to_device, back, top_y, band_bottom)
        finally:
            p.restore()

    def _paint_holds(
        self, p: QPainter, tr: QTransform, band_bottom: float, lanes_bottom: float, top_y: float
    ) -> None:
        for hold in self.content.holds:
            x0 = tr.map(QPointF(hold.x0, 0)).x()
            end = hold.x1 if hold.x1 is not None else self.x_range[1]
            x1 = tr.map(QPointF(end, 0)).x()
            shade = QColor(self.hold_ink)
            shade.setAlphaF(0.14)
            p.fillRect(
                QRectF(x0, band_bottom, max(x1 - x0, 2.0), lanes_bottom - band_bottom), shade
            )
            p.setFont(self.font)
            p.setPen(self.hold_ink)
            rect = QRectF(x0 + 4, top_y, max(x1 - x0 - 4, 0.0), band_bottom - top_y)
            text = "‖ held" if hold.x1 is not None else "‖ held: press N"
            if QFontMetricsF(self.font).horizontalAdvance(text) <= rect.width():
                p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_labels(
        self, p: QPainter, tr: QTransform, back: QTransform, top_y: float, band_bottom: float
    ) -> None:
        metrics = QFontMetricsF(self.font)
        p.setFont(self.font)
        p.setPen(self.ink)
        left_limit = tr.map(QPointF(self.x_range[0], 0)).x()
        height = band_bottom - top_y
        for label in self.content.labels:
            right = tr.map(QPointF(label.x, 0)).x() - 4
            room = right - left_limit
            star = "★"
            if room < MIN_LABEL_PX:
                text = star
            else:
                text = metrics.elidedText(f"{star} {label.text}", Qt.TextElideMode.ElideRight, room)
            width = metrics.horizontalAdvance(text)
            rect = QRectF(right - width, top_y, width, height)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            lo = back.map(QPointF(rect.left(), 0)).x()
            hi = back.map(QPointF(rect.right(), 0)).x()
            label.shown = (lo, hi)
            left_limit = right + GAP_PX
