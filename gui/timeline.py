"""The timeline: one row per party, work and wait as bars, a line at every release.

Why it is built this way: a crowd run has 256 parties × many stages, and the view is repainted
60 times a second while it follows the present.  So closed spans live in growable numpy columns
(capacity doubles when full) and are drawn by ONE item as one QPainterPath per colour, rebuilt
only when spans were added; the few still-growing spans are a second, small item redrawn per
frame.  Releases are one batched curve, actions one scatter.  Hover look-ups are a vectorised
numpy test on the same columns, rate-limited through a SignalProxy.
"""

from __future__ import annotations

import contextlib
import math
import os
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph import exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QTransform,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QToolTip, QWidget

from engine.atomic import atomic_write_bytes
from engine.view_model import LaneState, RunViewModel, Span
from gui.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    DIED_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    WORK_COLOUR,
    renderable,
)

BAR_HEIGHT = 0.6  # of a row
FOLLOW_WINDOW_S = 30.0  # longer runs scroll: the last 30 s stay in view
MIN_VIEW_S = 1.0
TICK_PT = 12
KINDS = {"work": 0, "wait": 1}
KIND_WORDS = ("working", "waiting")
END_KINDS = frozenset({"crash", "exit"})  # log lines that tell when a process ended
ACTION_LABEL_LIMIT = 12  # more actions than this: stars only (tooltips still tell)
LIVE = ("running", "stopping")


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


class PartyAxis(pg.AxisItem):  # type: ignore[misc]
    """Party names as ticks, thinned so labels never overlap however many rows there are."""

    def __init__(self) -> None:
        super().__init__("left")
        self.names: list[str] = []

    def tickValues(self, min_val: float, max_val: float, size: float) -> list[Any]:
        if not self.names or size <= 0:
            return []
        min_val, max_val = sorted((min_val, max_val))  # the y axis is inverted
        px_per_row = size / max(max_val - min_val, 1e-9)
        step = max(1, math.ceil(TICK_PT * 1.9 / px_per_row))
        lo, hi = max(0, math.ceil(min_val)), min(len(self.names) - 1, math.floor(max_val))
        first = lo + (-lo) % step
        return [(step, list(range(first, hi + 1, step)))]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            name = self.names[int(v)] if 0 <= int(v) < len(self.names) else ""
            out.append(name if len(name) <= 18 else name[:17] + "…")
        return out


class ReleaseAxis(pg.AxisItem):  # type: ignore[misc]
    """The top axis: "release N" above each release line, skipping labels that would collide."""

    def __init__(self) -> None:
        super().__init__("top")
        self.times: list[float] = []

    def tickValues(self, min_val: float, max_val: float, size: float) -> list[Any]:
        min_val, max_val = sorted((min_val, max_val))
        px_per_s = size / max(max_val - min_val, 1e-9)
        kept: list[float] = []
        for t in self.times:
            if min_val <= t <= max_val and (not kept or (t - kept[-1]) * px_per_s > 110):
                kept.append(t)
        return [(1.0, kept)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"release {self.times.index(v) + 1}" for v in values]


def _text_symbol(glyph: str) -> QPainterPath:
    """A scatter symbol drawn from a font glyph, centred in pyqtgraph's unit square."""
    path = QPainterPath()
    path.addText(0, 0, QFont(), glyph)
    box = path.boundingRect()
    scale = 1.0 / max(box.width(), box.height(), 1e-9)
    transform = QTransform()
    transform.scale(scale, scale)
    transform.translate(-box.center().x(), -box.center().y())
    return transform.map(path)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _legend(broken: bool, died: bool) -> str:
    def item(colour: str, glyph: str, word: str) -> str:
        return f"<span style='color:{colour}'>{glyph}</span>&nbsp;{word}"

    items = [
        item(WORK_COLOUR, "■", "working"),
        item(WAIT_COLOUR, "■", "waiting"),
        item(RELEASE_COLOUR, "┃", "release"),
        item(ACTION_COLOUR, "★", "action"),
    ]
    if broken:
        items.append(item(BROKEN_COLOUR, "✖", "broken"))
    if died:
        items.append(item(DIED_COLOUR, "☠", "ended"))
    return "&nbsp;&nbsp;&nbsp;&nbsp;".join(items)


class TimelineView(pg.PlotWidget):  # type: ignore[misc]
    """Live Gantt chart of a run; follows the present while running, free to explore after."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.party_axis, self.release_axis = PartyAxis(), ReleaseAxis()
        super().__init__(
            parent, background="w", axisItems={"left": self.party_axis, "top": self.release_axis}
        )
        plot = self.getPlotItem()
        self.vb: pg.ViewBox = plot.getViewBox()
        plot.invertY(True)
        plot.hideButtons()
        plot.showAxis("top")
        plot.setMenuEnabled(enableMenu=False, enableViewBoxMenu=True)
        self.vb.disableAutoRange()
        self.vb.setDefaultPadding(0.0)
        for name in ("left", "bottom", "top"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen("#444444"))
            axis.setTextPen(pg.mkPen("#222222"))
            axis.setTickFont(_font(TICK_PT))
        self.release_axis.setTextPen(pg.mkPen(RELEASE_COLOUR))
        self.release_axis.setStyle(tickLength=-6)
        plot.setLabel("bottom", "seconds", **{"font-size": f"{TICK_PT}pt", "color": "#222"})
        self.bars = SpanBars((WORK_COLOUR, WAIT_COLOUR))
        self.open_bars = SpanBars((WORK_COLOUR, WAIT_COLOUR), capacity=16)  # still growing
        self.releases = pg.PlotCurveItem(pen=pg.mkPen(RELEASE_COLOUR, width=2.5), connect="pairs")
        self.actions = pg.ScatterPlotItem(
            symbol="star", size=18, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(ACTION_COLOUR)
        )
        self.ends = pg.ScatterPlotItem(size=20, pxMode=True)  # ✖ broke, ☠ process ended
        self._skull = _text_symbol("☠")
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=1, dash=[4, 4]))
        for item in (self.bars, self.open_bars, self.releases, self.now_line):
            plot.addItem(item)
        for item in (self.actions, self.ends):
            plot.addItem(item)
            item.setZValue(10)
        self.setMouseTracking(True)
        self._hover = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30, slot=self._hovered)
        self.scene().sigMouseClicked.connect(self._clicked)
        fit_action = self.vb.menu.addAction("Fit whole run")
        fit_action.triggered.connect(self.fit)
        self._labels: list[pg.TextItem] = []
        self._model: RunViewModel | None = None
        self._t0: int | None = None
        self._markers_seen = 0
        self._end_s = 0.0
        self._following = self._fit_pending = False
        self._action_xy: list[tuple[float, float]] = []
        self._action_text: list[str] = []
        self._end_marks: list[tuple[float, float, str]] = []
        self._log_seen = 0
        self._ended_ns: dict[int, int] = {}
        self._legend_state = (False, False)
        self._reset(None)

    # ---------------------------------------------------------------- public
    @property
    def span_count(self) -> int:
        return int(self.bars.count)

    @property
    def open_span_count(self) -> int:
        return int(self.open_bars.count)

    @property
    def release_count(self) -> int:
        return len(self.release_axis.times)

    @property
    def action_count(self) -> int:
        return len(self._action_xy)

    @property
    def following(self) -> bool:
        return self._following

    def update_from(self, model: RunViewModel, now_ns: int) -> None:
        """Absorb what is new since the last frame (cheap: only the new spans are converted)."""
        if (
            model is not self._model
            or model.t0_ns != self._t0
            or len(model.spans) < self.bars.count
            or len(model.markers) < self._markers_seen
        ):
            self._reset(model)
        if model.t0_ns is None:
            return
        t0 = model.t0_ns
        if len(model.lanes) != len(self.party_axis.names):
            self.party_axis.names = [lane.name for lane in model.lanes]
            self.party_axis.picture = None
            self._fit_party_axis()
        if len(model.spans) > self.bars.count:
            self.bars.add_spans(model.spans[self.bars.count :], t0)
        if len(model.markers) > self._markers_seen:
            self._add_markers(model, t0)
        live = model.status in LIVE
        end_ns = now_ns if live or model.end_ns is None else model.end_ns
        self._note_endings(model, t0)
        self.open_bars.set_spans(model.open_spans(end_ns) + self._ended_spans(model, end_ns), t0)
        self._update_legend_marks(model, t0)
        self._end_s = (end_ns - t0) / 1e9
        if live:
            self._follow((now_ns - t0) / 1e9)
        elif self._following or self._fit_pending:
            self._following = self._fit_pending = False
            self.now_line.hide()
            self.vb.setMouseEnabled(x=True, y=True)
            self.fit()

    def fit(self) -> None:
        """Show the whole run and every party."""
        rows = max(len(self.party_axis.names), 1)
        right = max(self._end_s * 1.05, 1e-3)
        self.vb.setRange(xRange=(-0.015 * right, right), yRange=(-0.5, rows - 0.5), padding=0)

    def tooltip_at(self, x: float, y: float) -> str | None:
        """What hovering at data point (x seconds, y row) should say, or None."""
        px, py = self.vb.viewPixelSize() if self.vb.width() > 0 else (0.0, 0.0)
        actions = [
            (ax, ay, f"★ action in {self._name(int(ay))}\n{text}")
            for (ax, ay), text in zip(self._action_xy, self._action_text, strict=True)
        ]
        for mx, my, text in actions + self._end_marks:
            if abs(mx - x) <= 10 * px and abs(my - y) <= max(10 * py, 0.3):
                return text
        for bars in (self.bars, self.open_bars):
            i = bars.hit(x, y)
            if i is not None:
                start, end = float(bars.start[i]), float(bars.end[i])
                row, stage, kind = int(bars.row[i]), int(bars.stage[i]), int(bars.kind[i])
                return (
                    f"{self._name(row)} — stage {stage + 1}, {KIND_WORDS[kind]}\n"
                    f"from {start:.3f} s for {end - start:.3f} s"
                )
        return None

    def export_image(self, path: str) -> None:
        """Save the plot as SVG or (otherwise) a 2× PNG, atomically."""
        if path.lower().endswith(".svg"):
            atomic_write_bytes(path, self._svg_bytes())
            return
        exporter = exporters.ImageExporter(self.getPlotItem())
        exporter.parameters()["width"] = int(max(self.width(), 600) * 2)
        image: QImage = exporter.export(toBytes=True)
        folder, name = os.path.split(os.path.abspath(path))
        temp = os.path.join(folder, f".{name}.{os.getpid()}.tmp{os.path.splitext(name)[1]}")
        try:  # a temp file beside the target (the suffix picks the format), then one rename
            if not image.save(temp):
                raise OSError(f"cannot save the timeline as {path}")
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise

    def _svg_bytes(self) -> bytes:
        """The plot as SVG, rendered by Qt's own generator.

        Why not pyqtgraph's SVGExporter: in pyqtgraph 0.14 it cannot parse the closed paths
        ("... Z") that Qt 6 writes, so it fails on every plot (pyqtgraph issue #3495).
        """
        source = self.getPlotItem().sceneBoundingRect()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(source.size().toSize())
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle("Barrier Visualiser timeline")
        generator.setResolution(self.logicalDpiX())  # else 72 dpi: fonts and axes shrink
        painter = QPainter(generator)
        try:
            self.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            painter.end()
        return bytes(data.data())

    # ---------------------------------------------------------------- internals
    def _reset(self, model: RunViewModel | None) -> None:
        """A new run (or model): forget everything drawn so far."""
        self._model, self._t0 = model, (model.t0_ns if model else None)
        self._markers_seen, self._end_s = 0, 0.0
        self._following, self._fit_pending = False, True
        self._action_xy, self._action_text = [], []
        self._end_marks = []
        self._log_seen, self._ended_ns, self._legend_state = 0, {}, (False, False)
        self.bars.clear()
        self.open_bars.clear()
        self.releases.setData([], [])
        self.actions.clear()
        self.ends.clear()
        for label in self._labels:
            self.getPlotItem().removeItem(label)
        self._labels = []
        self.release_axis.times = []
        self.party_axis.names = []
        self.getPlotItem().setTitle(_legend(False, False), size=f"{TICK_PT}pt", color="#222")
        self.vb.setRange(xRange=(0.0, MIN_VIEW_S), yRange=(-0.5, 0.5), padding=0)

    def _fit_party_axis(self) -> None:
        metrics = QFontMetrics(_font(TICK_PT))
        widest = max((metrics.horizontalAdvance(n[:18]) for n in self.party_axis.names), default=0)
        self.party_axis.setWidth(min(widest + 24, 240))

    def _add_markers(self, model: RunViewModel, t0: int) -> None:
        for marker in model.markers[self._markers_seen :]:
            x = (marker.t_ns - t0) / 1e9
            if marker.kind == "release":
                self.release_axis.times.append(x)
            elif marker.kind == "action":
                row = float(marker.party if marker.party is not None else 0)
                text = renderable(marker.text, _font(TICK_PT)) or "the barrier action ran"
                self._action_xy.append((x, row))
                self._action_text.append(text)
                if len(self._action_xy) <= ACTION_LABEL_LIMIT:
                    self._add_label(text, x, row)
                elif self._labels:  # too many to label them all: label none, stay consistent
                    for label in self._labels:
                        self.getPlotItem().removeItem(label)
                    self._labels = []
        self._markers_seen = len(model.markers)
        rows = max(len(model.lanes), 1)
        xs = np.repeat(np.array(self.release_axis.times), 2)
        ys = np.tile(np.array([-0.5, rows - 0.5]), len(self.release_axis.times))
        self.releases.setData(xs, ys, connect="pairs")
        self.release_axis.picture = None
        self.release_axis.update()
        if self._action_xy:
            ax, ay = zip(*self._action_xy, strict=True)
            self.actions.setData(list(ax), list(ay))

    def _add_label(self, text: str, x: float, row: float) -> None:
        short = text if len(text) <= 28 else text[:27] + "…"
        label = pg.TextItem(
            short,
            color=QColor(ACTION_COLOUR).darker(160),
            anchor=(1, 0.5),  # left of the star: the action ends a stage, so there is room
            fill=pg.mkBrush(255, 255, 255, 225),
            border=pg.mkPen(ACTION_COLOUR),
        )
        label.setFont(_font(TICK_PT - 1, bold=True))
        label.setPos(QPointF(x, row))
        label.setZValue(11)
        self.getPlotItem().addItem(label)
        self._labels.append(label)

    def _note_endings(self, model: RunViewModel, t0: int) -> None:
        """When each party's process crashed or exited, read from the new log lines."""
        if len(model.log) < self._log_seen:
            self._log_seen = 0
        for line in model.log[self._log_seen :]:
            if line.kind in END_KINDS and line.party is not None:
                self._ended_ns.setdefault(line.party, t0 + int(line.t_s * 1e9))
        self._log_seen = len(model.log)

    def _ended_spans(self, model: RunViewModel, end_ns: int) -> list[Span]:
        """The last phase of processes that died or were stopped: the model closes no span for
        them, so without these their last work or wait would vanish from the chart."""
        out = []
        for lane in model.lanes:
            if lane.state not in (LaneState.DIED, LaneState.STOPPED):
                continue
            waiting = lane.arrived_ns is not None
            start = lane.arrived_ns if waiting else lane.work_start_ns
            if start is not None:
                stop = max(self._ended_ns.get(lane.index, end_ns), start)
                out.append(Span(lane.index, lane.stage, "wait" if waiting else "work", start, stop))
        return out

    def _update_legend_marks(self, model: RunViewModel, t0: int) -> None:
        """✖ where a party got BrokenBarrierError, ☠ where its process ended early."""
        marks: list[tuple[float, float, str]] = []
        symbols: list[Any] = []
        for lane in model.lanes:
            name = self._name(lane.index)
            if lane.state == LaneState.BROKEN and lane.released_ns is not None:
                x = (lane.released_ns - t0) / 1e9
                marks.append((x, lane.index, f"✖ {name} broke at {x:.3f} s\n{lane.detail}"))
                symbols.append(("x", BROKEN_COLOUR))
            elif lane.state in (LaneState.DIED, LaneState.STOPPED):
                end = self._ended_ns.get(lane.index, model.end_ns)
                if end is None:
                    continue
                word = "died" if lane.state == LaneState.DIED else "was stopped"
                x = (end - t0) / 1e9
                marks.append((x, lane.index, f"☠ {name} {word} at {x:.3f} s\n{lane.detail}"))
                symbols.append((self._skull, DIED_COLOUR))
        if marks == self._end_marks:
            return
        self._end_marks = marks
        self.ends.setData(
            [m[0] for m in marks],
            [m[1] for m in marks],
            symbol=[sym for sym, _ in symbols],
            brush=[pg.mkBrush(colour) for _, colour in symbols],
            pen=[pg.mkPen("w" if sym == "x" else colour, width=1) for sym, colour in symbols],
            size=[20 if sym == "x" else 26 for sym, _ in symbols],
        )
        state = (
            any(sym == "x" for sym, _ in symbols),
            any(sym is self._skull for sym, _ in symbols),
        )
        if state != self._legend_state:
            self._legend_state = state
            self.getPlotItem().setTitle(_legend(*state), size=f"{TICK_PT}pt", color="#222")

    def _follow(self, now_s: float) -> None:
        """Keep `now` in view: the whole run while short, the last FOLLOW_WINDOW_S after."""
        if not self._following:
            self._following = True
            self.vb.setMouseEnabled(x=False, y=False)
            self.now_line.show()
        right = max(now_s * 1.04, MIN_VIEW_S)
        left = max(0.0, right - FOLLOW_WINDOW_S) or -0.015 * right  # room for the "0" tick
        rows = max(len(self.party_axis.names), 1)
        self.vb.setRange(xRange=(left, right), yRange=(-0.5, rows - 0.5), padding=0)
        self.now_line.setValue(now_s)

    def _name(self, row: int) -> str:
        names = self.party_axis.names
        return names[row] if 0 <= row < len(names) else f"Party {row + 1}"

    def _hovered(self, args: tuple[QPointF]) -> None:
        pos = args[0]
        text = None
        if self.vb.sceneBoundingRect().contains(pos):
            point = self.vb.mapSceneToView(pos)
            text = self.tooltip_at(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()

    def _clicked(self, event: Any) -> None:
        if event.double() and not self._following:
            self.fit()
