"""The timeline's span bars: every work and wait span of a run as ONE graphics item.

Why one item and numpy columns: a crowd run has 256 parties × many stages, repainted 60 times
a second while the view follows the present.  Closed spans live in growable numpy columns
(capacity doubles when full) and are painted as one QPainterPath per colour, rebuilt only when
spans were added; hover look-ups are a vectorised numpy test on the same columns.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from engine.model.view_model import Span

BAR_HEIGHT = 0.6  # of a row
KINDS = {"work": 0, "wait": 1}
KIND_WORDS = ("working", "waiting")


class SpanBars(pg.GraphicsObject):  # type: ignore[misc]
    """Every span as a rect, painted as one path per kind; columns grow by doubling."""

    def __init__(self, colours: tuple[str, ...], capacity: int = 256) -> None:
        super().__init__()
        self._brushes = [QBrush(QColor(c)) for c in colours]
        self.count = 0
        self.start = np.zeros(capacity)
        self.end = np.zeros(capacity)
        self.row = np.zeros(capacity, dtype=np.int32)
        self.stage = np.zeros(capacity, dtype=np.int32)
        self.kind = np.zeros(capacity, dtype=np.int8)
        self._paths: list[QPainterPath] | None = None
        self._bounds = QRectF()

    def clear(self) -> None:
        self.count = 0
        self._changed()

    def set_spans(self, spans: list[Span], t0_ns: int) -> None:
        self.count = 0
        self.add_spans(spans, t0_ns)

    def add_spans(self, spans: list[Span], t0_ns: int) -> None:
        if not spans:
            return
        need = self.count + len(spans)
        if need > len(self.start):
            self._grow(max(need, 2 * len(self.start)))
        cols = np.array(
            [
                (s.start_ns - t0_ns, s.end_ns - t0_ns, s.party, s.stage, KINDS[s.kind])
                for s in spans
            ],
            dtype=np.float64,
        )
        new = slice(self.count, need)
        self.start[new], self.end[new] = cols[:, 0] / 1e9, cols[:, 1] / 1e9
        self.row[new], self.stage[new], self.kind[new] = cols[:, 2], cols[:, 3], cols[:, 4]
        self.count = need
        self._changed()

    def _grow(self, capacity: int) -> None:
        for name in ("start", "end", "row", "stage", "kind"):
            old = getattr(self, name)
            fresh = np.zeros(capacity, dtype=old.dtype)
            fresh[: self.count] = old[: self.count]
            setattr(self, name, fresh)

    def hit(self, x: float, y: float) -> int | None:
        """Index of the span under (x, y) in data coordinates, or None."""
        n = self.count
        mask = (self.start[:n] <= x) & (x <= self.end[:n])
        mask &= np.abs(self.row[:n] - y) <= BAR_HEIGHT / 2
        found = np.flatnonzero(mask)
        return int(found[-1]) if len(found) else None

    def _changed(self) -> None:
        self.prepareGeometryChange()
        self._paths = None
        n = self.count
        if n:
            x0, x1 = float(self.start[:n].min()), float(self.end[:n].max())
            y0, y1 = float(self.row[:n].min()) - 0.5, float(self.row[:n].max()) + 0.5
            self._bounds = QRectF(x0, y0, max(x1 - x0, 1e-9), y1 - y0)
        else:
            self._bounds = QRectF()
        self.update()

    def _build_paths(self) -> list[QPainterPath]:
        n, h = self.count, BAR_HEIGHT / 2
        paths = []
        for code in range(len(self._brushes)):
            pick = np.flatnonzero(self.kind[:n] == code)
            if not len(pick):
                paths.append(QPainterPath())
                continue
            x0, x1, r = self.start[pick], self.end[pick], self.row[pick].astype(np.float64)
            # Four corners, not closed: fillPath closes each rect itself, and an explicit close
            # ("Z") would break pyqtgraph's SVG export parser.
            xs = np.column_stack([x0, x1, x1, x0]).ravel()
            ys = np.column_stack([r - h, r - h, r + h, r + h]).ravel()
            connect = np.tile(np.array([1, 1, 1, 0], dtype=np.int32), len(pick))
            paths.append(pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False))
        return paths

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *args: QStyleOptionGraphicsItem | QWidget | None) -> None:
        if self._paths is None:
            self._paths = self._build_paths()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        for brush, path in zip(self._brushes, self._paths, strict=True):
            p.fillPath(path, brush)


def text_symbol(glyph: str) -> QPainterPath:
    """A scatter symbol drawn from a font glyph, centred in pyqtgraph's unit square."""
    path = QPainterPath()
    path.addText(0, 0, QFont(), glyph)
    box = path.boundingRect()
    scale = 1.0 / max(box.width(), box.height(), 1e-9)
    transform = QTransform()
    transform.scale(scale, scale)
    transform.translate(-box.center().x(), -box.center().y())
    return transform.map(path)
