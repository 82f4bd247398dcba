"""The critical path on the timeline: the chain of last arrivals across stages.

Each stage's last arriver held everyone else; its work that stage is drawn as a bold line on
its row, ending in a diamond at its arrival (the moment the barrier tripped), and a thin
dashed line joins it to the next stage's last arriver.  Following the bold line left to right
is following what the run's length was made of.

Added to a timeline from outside (`attach`), so the timeline's own file need not know it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.model.wait_states import RunWaitStates

Z = 6  # above the span bars, below the action stars and failure marks


class CriticalPath:
    """Owns the path's three plot items; `show` redraws them from a `RunWaitStates`."""

    def __init__(self) -> None:
        self.work = pg.PlotCurveItem(connect="pairs")
        self.links = pg.PlotCurveItem(connect="pairs")
        self.trips = pg.ScatterPlotItem(symbol="d", size=13, pxMode=True)
        self.items = (self.links, self.work, self.trips)
        for item in self.items:
            item.setZValue(Z)
        self.set_dark(False)
        self.stages = 0  # how many stages the drawn path has (tests read it)
        self.points: list[tuple[float, float]] = []  # each stage's (arrival s, row)

    def attach(self, plot: pg.PlotWidget) -> None:
        for item in self.items:
            plot.addItem(item)

    def set_dark(self, dark: bool) -> None:
        ink = "#F2F5F9" if dark else "#14171C"
        self.work.setPen(pg.mkPen(ink, width=4))
        self.links.setPen(pg.mkPen(ink, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.trips.setBrush(pg.mkBrush(ink))
        self.trips.setPen(pg.mkPen("#FFFFFF" if not dark else "#0B0E13", width=1.5))

    def set_visible(self, on: bool) -> None:
        for item in self.items:
            item.setVisible(on)

    def clear(self) -> None:
        self.work.setData([], [])
        self.links.setData([], [])
        self.trips.clear()
        self.stages, self.points = 0, []

    def show(self, states: RunWaitStates | None, t0_ns: int | None) -> None:
        if states is None or t0_ns is None or not states.stages:
            self.clear()
            return
        ordered = sorted(states.stages, key=lambda s: s.last_arrival_ns)
        wx: list[float] = []
        wy: list[float] = []
        lx: list[float] = []
        ly: list[float] = []
        points: list[tuple[float, float]] = []
        for s in ordered:
            row = float(s.last_arriver)
            arrive = (s.last_arrival_ns - t0_ns) / 1e9
            start_ns = s.starts_ns.get(s.last_arriver)
            start = arrive if start_ns is None else (start_ns - t0_ns) / 1e9
            if points:
                lx += [points[-1][0], start]
                ly += [points[-1][1], row]
            wx += [start, arrive]
            wy += [row, row]
            points.append((arrive, row))
        self.work.setData(np.array(wx), np.array(wy), connect="pairs")
        self.links.setData(np.array(lx), np.array(ly), connect="pairs")
        self.trips.setData([x for x, _ in points], [y for _, y in points])
        self.stages, self.points = len(ordered), points
