"""The timeline: one row per party, work and wait as bars, a line at every release.

Why it is built this way: a crowd run has 256 parties × many stages, and the view is repainted
60 times a second while it follows the present.  So closed spans are drawn by ONE item
(items.py) rebuilt only when spans were added; the few still-growing spans are a
second, small item redrawn per frame.  Releases are one batched curve, actions one scatter,
failures one more scatter (marks.py).  Hover look-ups are rate-limited through a
SignalProxy.  Axes and legend: axes.py; theme and text size: look.py; image export: export.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QCursor, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QToolTip, QWidget

from engine.model.view_model import RunViewModel
from gui.style.palette import ACTION_COLOUR, RELEASE_COLOUR, WAIT_COLOUR, WORK_COLOUR, renderable
from gui.timeline.axes import TICK_PT, PartyAxis, ReleaseAxis, legend_html, tick_font
from gui.timeline.band import ActionBand
from gui.timeline.export import export_image
from gui.timeline.items import KIND_WORDS, SpanBars
from gui.timeline.look import TimelineLook, style_plot
from gui.timeline.marks import EndMarks

FOLLOW_WINDOW_S = 30.0  # longer runs scroll: the last 30 s stay in view
MIN_VIEW_S = 1.0
# While following, the view range is re-set at most this often (the now-line moves every
# frame): ViewBox.setRange re-lays out both axes and fans out to a dozen slots, ~6 ms a call.
FOLLOW_STEP_S = 0.1
BAND_LINES = 1.9  # the action band above the lanes is this many text lines tall
LEGEND_MARGIN_PX = 24  # the legend wraps this much inside the view


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
            plot.getAxis(name).enableAutoSIPrefix(False)  # seconds stay seconds
        self.release_axis.setTextPen(pg.mkPen(RELEASE_COLOUR))
        self.release_axis.setStyle(tickLength=-6)
        self.look = TimelineLook()
        style_plot(self, self.look)
        self.bars = SpanBars((WORK_COLOUR, WAIT_COLOUR))
        self.open_bars = SpanBars((WORK_COLOUR, WAIT_COLOUR), capacity=16)  # still growing
        self.releases = pg.PlotCurveItem(pen=pg.mkPen(RELEASE_COLOUR, width=2.5), connect="pairs")
        self.actions = pg.ScatterPlotItem(
            symbol="star", size=14, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(ACTION_COLOUR)
        )
        self.band = ActionBand()  # action messages and step holds, above the lanes
        plot.addItem(self.band, ignoreBounds=True)
        self.band.setZValue(9)
        self.ends = pg.ScatterPlotItem(size=20, pxMode=True)  # ✖ broke, ☠ process ended
        self.end_marks = EndMarks(self.ends)
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
        self.vb.sigXRangeChanged.connect(lambda *_: self._place_band())
        self.vb.sigResized.connect(lambda *_: self._refit_rows())
        self._model: RunViewModel | None = None
        self._t0: int | None = None
        self._markers_seen = 0
        self._end_s = 0.0
        self._following = self._fit_pending = False
        self._view: tuple[float, float, int] = (0.0, 0.0, 0)  # left, right, rows last set
        self._view_set_at = 0.0  # now_s when the range was last set
        self._marks_key: tuple[int, int, int | None, int] = (-1, -1, None, -1)
        self._action_xy: list[tuple[float, float]] = []
        self._action_text: list[str] = []
        self._reset(None)

    # ---------------------------------------------------------------- public
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
        live = model.status.live
        end_ns = now_ns if live or model.end_ns is None else model.end_ns
        ended = self.end_marks.ended_spans(model, end_ns)
        self.open_bars.set_spans(model.open_spans(end_ns) + ended, t0)
        self._update_marks(model, t0)
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
        end = max(self._end_s, 1e-3)
        # room past the end for half of the last "release N" label, which pyqtgraph drops
        # rather than cut: the last release (often the run's end) keeps its name
        half_label = QFontMetricsF(self.look.font()).horizontalAdvance("release 99") / 2 + 6
        share = min(half_label / max(self.vb.width(), 1.0), 0.5)
        right = max(end * 1.05, end / (1 - share))
        self.vb.setRange(xRange=(-0.015 * right, right), yRange=self._rows_range(rows), padding=0)
        self._place_band()

    def _rows_range(self, rows: int) -> tuple[float, float]:
        """The y range: every row, and above them the action band (a fixed height in pixels,
        so its text never shrinks with the number of rows)."""
        band_px = self.look.tick_px * BAND_LINES
        height = max(self.vb.height(), band_px * 2)
        per_row = max((height - band_px) / rows, 1.0)
        return (-0.5 - band_px / per_row, rows - 0.5)

    def _place_band(self) -> None:
        rows = max(len(self.party_axis.names), 1)
        (left, right), _ = self.vb.viewRange()
        self.band.set_geometry(self._rows_range(rows)[0], rows, (left, right))

    def _refit_rows(self) -> None:
        """The view was resized: keep the x range, re-fit the rows and the band's height."""
        rows = max(len(self.party_axis.names), 1)
        self.vb.setYRange(*self._rows_range(rows), padding=0)
        self._place_band()

    def tooltip_at(self, x: float, y: float) -> str | None:
        """What hovering at data point (x seconds, y row) should say, or None."""
        px, py = self.vb.viewPixelSize() if self.vb.width() > 0 else (0.0, 0.0)
        actions = [
            (ax, ay, f"★ action in {self._name(int(ay))}\n{text}")
            for (ax, ay), text in zip(self._action_xy, self._action_text, strict=True)
        ]
        for mx, my, text in actions + self.end_marks.marks:
            if abs(mx - x) <= 10 * px and abs(my - y) <= max(10 * py, 0.3):
                return text
        label = self.band.label_at(x, y)
        if label is not None:
            return f"★ barrier action\n{label}"
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

    def set_look(self, look: TimelineLook) -> None:
        """Theme and text size (the window calls this once per change)."""
        if look == self.look:
            return
        self.look = look
        style_plot(self, look)
        self.band.set_look(look.font(), look.dark)
        self._refit_rows()
        self._set_legend(self.end_marks.legend_state)
        self._fit_party_axis()
        self.viewport().update()

    def export_image(self, path: str) -> None:
        """Save the plot as SVG or (otherwise) a 2× PNG, atomically."""
        export_image(self, path)

    # ---------------------------------------------------------------- internals
    def _reset(self, model: RunViewModel | None) -> None:
        """A new run (or model): forget everything drawn so far."""
        self._model, self._t0 = model, (model.t0_ns if model else None)
        self._markers_seen, self._end_s = 0, 0.0
        self._following, self._fit_pending = False, True
        self._view, self._view_set_at = (0.0, 0.0, 0), 0.0
        self._marks_key = (-1, -1, None, -1)
        self._action_xy, self._action_text = [], []
        self.bars.clear()
        self.open_bars.clear()
        self.releases.setData([], [])
        self.actions.clear()
        self.end_marks.reset()
        self.band.clear()
        self.release_axis.times = []
        self.party_axis.names = []
        self._set_legend((False, False))
        self.vb.setRange(xRange=(0.0, MIN_VIEW_S), yRange=self._rows_range(1), padding=0)
        self._place_band()

    def _fit_party_axis(self) -> None:
        self.party_axis.setWidth(self.look.axis_width(self.party_axis.names))
        self._wrap_legend()  # the room beside the names changed

    def _set_legend(self, flags: tuple[bool, bool]) -> None:
        """The title line: what each colour and mark means ("broken"/"ended" once seen)."""
        self.getPlotItem().setTitle(
            legend_html(*flags), size=self.look.title_size, color=self.look.ink
        )
        self._wrap_legend()
        self.resizeEvent(None)  # lay the plot out again at the legend's new height

    def _wrap_legend(self) -> None:
        """The legend wraps to the plot's width: unwrapped, its one line set the plot's
        minimum width, and a narrow timeline (1280 px desk) was cut off at the right, the
        end of the run with it."""
        plot = self.getPlotItem()
        if plot is None:  # pyqtgraph resizes the view before it has made the plot
            return
        # The legend stands over the plot, not the names.  The axis's minimum is the width it
        # was just given; its geometry still has the old one until the layout runs.
        beside = plot.getAxis("left").minimumWidth()
        plot.titleLabel.item.setTextWidth(max(self.width() - beside - LEGEND_MARGIN_PX, 120))
        plot.titleLabel.updateMin()

    def resizeEvent(self, ev: QResizeEvent | None) -> None:
        self._wrap_legend()  # first: the plot is laid out to the view's width below
        super().resizeEvent(ev)

    def _add_markers(self, model: RunViewModel, t0: int) -> None:
        for marker in model.markers[self._markers_seen :]:
            x = (marker.t_ns - t0) / 1e9
            if marker.kind == "release":
                self.release_axis.times.append(x)
            elif marker.kind == "action":
                row = float(marker.party if marker.party is not None else 0)
                text = renderable(marker.text, tick_font(TICK_PT)) or "the barrier action ran"
                self._action_xy.append((x, row))
                self._action_text.append(text)
                self.band.add_label(x, text)
            elif marker.kind == "hold":
                self.band.hold_started(x)
            elif marker.kind == "continue":
                self.band.hold_ended(x)
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

    def _update_marks(self, model: RunViewModel, t0: int) -> None:
        """✖/☠ marks; the legend lists "broken"/"ended" only once a run has them.

        Only when something they depend on changed: walking 256 lanes every frame for marks
        that almost never change was a tenth of a crowd run's frame time.
        """
        key = (model.version, len(model.log), model.end_ns, len(self.party_axis.names))
        if key == self._marks_key:
            return
        self._marks_key = key
        legend = self.end_marks.update(model, t0, self._name)
        if legend is not None:
            self._set_legend(legend)

    def _follow(self, now_s: float) -> None:
        """Keep `now` in view: the whole run while short, the last FOLLOW_WINDOW_S after."""
        if not self._following:
            self._following = True
            self.vb.setMouseEnabled(x=False, y=False)
            self.now_line.show()
        rows = max(len(self.party_axis.names), 1)
        left, right, set_rows = self._view
        due = now_s - self._view_set_at >= FOLLOW_STEP_S or now_s < self._view_set_at
        if rows != set_rows or now_s > right or (due and self._moved_px(now_s, left, right)):
            # look one step ahead, so `now` stays in view until the next re-set
            right = max((now_s + FOLLOW_STEP_S) * 1.04, MIN_VIEW_S)
            left = max(0.0, right - FOLLOW_WINDOW_S) or -0.015 * right  # room for the "0" tick
            self.vb.setRange(
                xRange=(left, right), yRange=self._rows_range(rows), padding=0,
                disableAutoRange=False,
            )  # fmt: skip
            self._view, self._view_set_at = (left, right, rows), now_s
            self._place_band()
        self.now_line.setValue(now_s)

    def _moved_px(self, now_s: float, left: float, right: float) -> bool:
        """Would the followed window move by at least one pixel since it was last set?"""
        target = max((now_s + FOLLOW_STEP_S) * 1.04, MIN_VIEW_S)
        width = max(self.vb.width(), 1.0)
        return bool(abs(target - right) * width / max(right - left, 1e-9) >= 1.0)

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
