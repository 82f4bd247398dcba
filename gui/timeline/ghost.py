"""The what-if ghost on the timeline: the run as it would have been, over the real one.

Each party's work in the model is a dashed outline where its bar would be, its wait a dotted
line at the row's middle up to its release; a dashed vertical line marks where the run would
end, labelled with the saving.  Outlines, not fills, so the real bars stay readable beneath.
Built from `GhostStage` columns (one per stage) into one path per kind, like the span bars,
so 256 parties × 100 stages draw as two paths.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from engine.model.wait_states import WhatIf
from engine.model.wait_states.text import duration
from gui.timeline.items import BAR_HEIGHT

Z = 7  # above the critical path


class GhostBars(pg.GraphicsObject):  # type: ignore[misc]
    """The model's spans as two paths: work outlines and wait lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z)
        self._work = QPainterPath()
        self._wait = QPainterPath()
        self._bounds = QRectF()
        self.spans = 0
        self.set_dark(False)

    def set_dark(self, dark: bool) -> None:
        ink = QColor("#F2F5F9" if dark else "#14171C")
        self._work_pen = QPen(ink, 2.0, Qt.PenStyle.DashLine)
        self._work_pen.setCosmetic(True)
        self._wait_pen = QPen(ink, 2.0, Qt.PenStyle.DotLine)
        self._wait_pen.setCosmetic(True)
        fill = QColor(ink)
        fill.setAlphaF(0.10)
        self._fill = fill
        self.update()

    def set_what_if(self, what_if: WhatIf | None, t0_ns: int) -> None:
        self.prepareGeometryChange()
        starts: list[float] = []
        arrives: list[float] = []
        rows: list[float] = []
        wait_from: list[float] = []
        wait_to: list[float] = []
        wait_rows: list[float] = []
        for stage in what_if.stages if what_if is not None else ():
            for party, start, arrive, release in zip(
                stage.parties, stage.start_ns, stage.arrive_ns, stage.release_ns, strict=True
            ):
                if start is not None:
                    starts.append(start)
                    arrives.append(arrive)
                    rows.append(party)
                if release is not None and release > arrive:
                    wait_from.append(arrive)
                    wait_to.append(release)
                    wait_rows.append(party)
        self.spans = len(starts)
        self._work = self._rects(starts, arrives, rows, t0_ns)
        self._wait = self._lines(wait_from, wait_to, wait_rows, t0_ns)
        self._bounds = self._work.boundingRect().united(self._wait.boundingRect())
        self.update()

    @staticmethod
    def _rects(x0: list[float], x1: list[float], rows: list[float], t0: int) -> QPainterPath:
        if not x0:
            return QPainterPath()
        a = (np.array(x0) - t0) / 1e9
        b = (np.array(x1) - t0) / 1e9
        r = np.array(rows, dtype=np.float64)
        h = BAR_HEIGHT * 0.5
        xs = np.column_stack([a, b, b, a, a]).ravel()
        ys = np.column_stack([r - h, r - h, r + h, r + h, r - h]).ravel()
        connect = np.tile(np.array([1, 1, 1, 1, 0], dtype=np.int32), len(a))
        path: QPainterPath = pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)
        return path

    @staticmethod
    def _lines(x0: list[float], x1: list[float], rows: list[float], t0: int) -> QPainterPath:
        if not x0:
            return QPainterPath()
        xs = np.column_stack([(np.array(x0) - t0) / 1e9, (np.array(x1) - t0) / 1e9]).ravel()
        ys = np.repeat(np.array(rows, dtype=np.float64), 2)
        path: QPainterPath = pg.arrayToQPath(xs, ys, connect="pairs", finiteCheck=False)
        return path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *args: QStyleOptionGraphicsItem | QWidget | None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._work_pen)
        p.setBrush(self._fill)
        p.drawPath(self._work)
        p.setPen(self._wait_pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self._wait)


class Ghost:
    """The ghost bars plus the line where the what-if run would end."""

    def __init__(self) -> None:
        self.bars = GhostBars()
        self.end = pg.InfiniteLine(
            angle=90,
            pen=pg.mkPen("#14171C", width=2, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={"position": 0.04, "color": "#14171C", "fill": (255, 255, 255, 220)},
        )
        self.end.setZValue(Z)
        self.items = (self.bars, self.end)
        self.what_if: WhatIf | None = None
        self.visible = True
        self.set_what_if(None, 0)

    def attach(self, plot: pg.PlotWidget) -> None:
        for item in self.items:
            plot.addItem(item)

    def set_dark(self, dark: bool) -> None:
        self.bars.set_dark(dark)
        ink = "#F2F5F9" if dark else "#14171C"
        self.end.setPen(pg.mkPen(ink, width=2, style=Qt.PenStyle.DashLine))
        self.end.label.setColor(ink)
        self.end.label.fill = pg.mkBrush((11, 14, 19, 220) if dark else (255, 255, 255, 220))

    def set_visible(self, on: bool) -> None:
        self.visible = on
        self.bars.setVisible(on)
        self.end.setVisible(on and self.what_if is not None and bool(self.what_if.stages))

    def set_what_if(self, what_if: WhatIf | None, t0_ns: int) -> None:
        self.what_if = what_if
        self.bars.set_what_if(what_if, t0_ns)
        if what_if is None or not what_if.stages or not self.visible:
            self.end.hide()
            return
        self.end.show()  # first: a hidden line's label ignores new text
        saving = what_if.saving_ns
        word = "sooner" if saving >= 0 else "later"
        self.end.label.setFormat(f"what-if: {duration(saving)} {word}")
        self.end.setValue((what_if.end_ns - t0_ns) / 1e9)
        self.end.label.valueChanged()
