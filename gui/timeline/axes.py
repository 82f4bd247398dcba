"""The timeline's axes and title: party names on the left, "release N" on top, the legend.

Why custom axes: a crowd has up to 256 rows, so party labels are thinned until they never
overlap, and release labels that would collide are skipped (the lines themselves all stay).
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont

from gui.style.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    DIED_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    WORK_COLOUR,
)

TICK_PT = 12


GROUP_ABOVE = 12  # more rows than this: the axis labels groups of rows by party number


class PartyAxis(pg.AxisItem):  # type: ignore[misc]
    """Party names as ticks, thinned so labels never overlap however many rows there are;
    a crowd's rows are labelled as groups ("#9–16"), by the numbers its tiles show."""

    def __init__(self) -> None:
        super().__init__("left")
        self.names: list[str] = []
        self._step = 1

    def tickValues(self, min_val: float, max_val: float, size: float) -> list[Any]:
        if not self.names or size <= 0:
            return []
        min_val, max_val = sorted((min_val, max_val))  # the y axis is inverted
        px_per_row = size / max(max_val - min_val, 1e-9)
        step = max(1, math.ceil(TICK_PT * 1.9 / px_per_row))
        lo, hi = max(0, math.ceil(min_val)), min(len(self.names) - 1, math.floor(max_val))
        first = lo + (-lo) % step
        self._step = step
        return [(step, list(range(first, hi + 1, step)))]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        count = len(self.names)
        if count > GROUP_ABOVE:
            return [group_label(int(v), self._step, count) for v in values]
        out = []
        for v in values:
            name = self.names[int(v)] if 0 <= int(v) < len(self.names) else ""
            out.append(name if len(name) <= 18 else name[:17] + "…")
        return out


def group_label(first: int, step: int, count: int) -> str:
    """ "#9–16": the rows from party `first` (0-based) on, `step` of them (one: "#9")."""
    last = min(first + step, count)
    return f"#{first + 1}" if last - first <= 1 else f"#{first + 1}–{last}"


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


def tick_font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def legend_html(broken: bool, died: bool) -> str:
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
    return "&nbsp;&nbsp;&nbsp; ".join(items)  # a narrow timeline wraps between items
