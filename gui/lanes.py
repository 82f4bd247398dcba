"""The live lanes: one custom-painted row per party, all running toward one barrier gate.

Why one QPainter widget and not a QProgressBar per party: 256 parties at 60 fps would mean 256
widgets re-laid-out and repainted every frame.  Here a frame is one `update()`; the paint reads
the model once, with geometry and fonts cached until the size or the party list changes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.view_model import RunViewModel
from gui.lane_layout import LaneGeometry, compute_geometry, sized_font
from gui.lane_overlay import paint_banner, paint_gate, paint_header
from gui.lane_painter import MUTED, RowPainter

BACKGROUND = QColor("#FFFFFF")
EMPTY_HINT = "Choose a scenario on the left, then press Run (Ctrl+R)."


class LanesView(QWidget):
    """Paints the model's lanes; `update_from` is called once per frame by the controller."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lanes_view")
        self.setMinimumSize(480, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._model: RunViewModel | None = None
        self._now_ns = 0
        self._key: tuple[object, ...] | None = None
        self._geometry: LaneGeometry | None = None
        self._rows: RowPainter | None = None
        self.paints = 0

    @property
    def geometry_info(self) -> LaneGeometry | None:
        """The layout of the last paint (tests read row sizes and fonts from it)."""
        return self._geometry

    def update_from(self, model: RunViewModel, now_ns: int) -> None:
        self._model = model
        self._now_ns = now_ns
        self.update()

    def _layout(self, model: RunViewModel) -> tuple[LaneGeometry, RowPainter]:
        names = [lane.name for lane in model.lanes]
        key = (self.width(), self.height(), tuple(names), model.parties, self.font().key())
        if key != self._key or self._geometry is None or self._rows is None:
            parties = max(model.parties, len(names))
            self._geometry = compute_geometry(
                self.width(), self.height(), names, self.font(), parties
            )
            self._rows = RowPainter(self._geometry)
            self._key = key
        return self._geometry, self._rows

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.fillRect(self.rect(), BACKGROUND)
            model = self._model
            if model is None or not model.lanes:
                self._paint_empty(p)
                return
            geometry, rows = self._layout(model)
            paint_header(p, geometry, model)
            paint_banner(p, geometry, model, self._now_ns)
            rows.paint(p, model, self._now_ns)
            paint_gate(p, geometry, model, self._now_ns)
        finally:
            p.end()

    def _paint_empty(self, p: QPainter) -> None:
        font = sized_font(self.font(), max(16, min(self.width() / 60, 26)))
        p.setFont(font)
        p.setPen(MUTED)
        p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
