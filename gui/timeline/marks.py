"""The timeline's failure marks: ✖ where a party got BrokenBarrierError, ☠ where its process
ended early, and the last phase of a process that died (the model closes no span for it).

When a process ended is the model's fact (`Lane.ended_ns`: its crash, or its early exit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg

from engine.model.view_model import Lane, LaneState, RunViewModel, Span
from gui.style.palette import BROKEN_COLOUR, DIED_COLOUR
from gui.timeline.items import text_symbol

Mark = tuple[float, float, str]  # x seconds, row, tooltip


class EndMarks:
    """Owns the scatter item of ✖/☠ marks and when each party's process ended."""

    def __init__(self, item: pg.ScatterPlotItem) -> None:
        self.item = item
        self.skull = text_symbol("☠")
        self.marks: list[Mark] = []
        self.legend_state = (False, False)  # (any ✖, any ☠): the legend shows those it needs
        self._ended_version = -1  # model.version `_ended_lanes` was taken at
        self._ended_lanes: list[Lane] = []

    def reset(self) -> None:
        self.marks, self.legend_state = [], (False, False)
        self._ended_version, self._ended_lanes = -1, []
        self.item.clear()

    def ended_spans(self, model: RunViewModel, end_ns: int) -> list[Span]:
        """The last phase of processes that died or were stopped: the model closes no span for
        them, so without these their last work or wait would vanish from the chart."""
        if model.version != self._ended_version:  # lane states change only in apply()
            self._ended_version = model.version
            self._ended_lanes = [
                lane for lane in model.lanes if lane.state in (LaneState.DIED, LaneState.STOPPED)
            ]
        out = []
        for lane in self._ended_lanes:
            waiting = lane.arrived_ns is not None
            start = lane.arrived_ns if waiting else lane.work_start_ns
            if start is not None:
                ended = end_ns if lane.ended_ns is None else lane.ended_ns
                stop = max(ended, start)
                out.append(Span(lane.index, lane.stage, "wait" if waiting else "work", start, stop))
        return out

    def update(
        self, model: RunViewModel, t0: int, name: Callable[[int], str]
    ) -> tuple[bool, bool] | None:
        """Refresh the marks; returns the new legend state when it changed, else None."""
        marks: list[Mark] = []
        symbols: list[Any] = []
        for lane in model.lanes:
            if lane.state == LaneState.BROKEN and lane.released_ns is not None:
                x = (lane.released_ns - t0) / 1e9
                who = name(lane.index)
                marks.append((x, lane.index, f"✖ {who} broke at {x:.3f} s\n{lane.detail}"))
                symbols.append(("x", BROKEN_COLOUR))
            elif lane.state in (LaneState.DIED, LaneState.STOPPED):
                end = model.end_ns if lane.ended_ns is None else lane.ended_ns
                if end is None:
                    continue
                who = name(lane.index)
                word = "died" if lane.state == LaneState.DIED else "was stopped"
                x = (end - t0) / 1e9
                marks.append((x, lane.index, f"☠ {who} {word} at {x:.3f} s\n{lane.detail}"))
                symbols.append((self.skull, DIED_COLOUR))
        if marks == self.marks:
            return None
        self.marks = marks
        self.item.setData(
            [m[0] for m in marks],
            [m[1] for m in marks],
            symbol=[sym for sym, _ in symbols],
            brush=[pg.mkBrush(colour) for _, colour in symbols],
            pen=[pg.mkPen("w" if sym == "x" else colour, width=1) for sym, colour in symbols],
            size=[20 if sym == "x" else 26 for sym, _ in symbols],
        )
        state = (
            any(sym == "x" for sym, _ in symbols),
            any(sym is self.skull for sym, _ in symbols),
        )
        if state == self.legend_state:
            return None
        self.legend_state = state
        return state
