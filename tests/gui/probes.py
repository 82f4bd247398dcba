"""What the views show, read the way a viewer would: from a real paint, the log's document,
the timeline's plot items.  The views carry no accessors for tests; these helpers use what
the app itself uses (an overlay on the lanes, the text document, pyqtgraph's items).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter

from engine.model.view_model import RunViewModel
from gui.lanes.layout import LaneGeometry
from gui.lanes.view import LanesView
from gui.timeline.view import TimelineView
from gui.window.log_view import NarrativeLog


class PaintProbe:
    """An overlay on the lanes (the hook the analysis pane's marks use) that counts the paints
    and keeps the layout of the last one."""

    def __init__(self, view: LanesView) -> None:
        self.paints = 0
        self.geometry: LaneGeometry | None = None
        self.view = view
        view.overlays.append(self)

    def __call__(self, p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int) -> None:
        self.paints += 1
        self.geometry = g

    def remove(self) -> None:
        self.view.overlays.remove(self)


def painted_geometry(view: LanesView) -> LaneGeometry | None:
    """The layout the lanes have now: paint them once (off screen too) and read it; None
    when there is nothing to lay out (no run, no scenario)."""
    probe = PaintProbe(view)
    try:
        view.grab()
    finally:
        probe.remove()
    return probe.geometry


def painted_ground(view: LanesView) -> QColor:
    """The colour the lanes are painted on (the top-left corner is always bare ground)."""
    return view.grab().toImage().pixelColor(1, 1)


def shown_lines(log: NarrativeLog) -> list[str]:
    """The story's lines as shown (the document always has a block, even when empty)."""
    return [] if log.document().isEmpty() else log.toPlainText().split("\n")


def drawn_spans(view: TimelineView) -> int:
    """Closed work/wait bars on the timeline."""
    return int(view.bars.count)


def growing_spans(view: TimelineView) -> int:
    """Bars still growing (work or wait not yet ended)."""
    return int(view.open_bars.count)


def drawn_releases(view: TimelineView) -> int:
    """Releases marked on the timeline (each has its tick on the top axis)."""
    return len(view.release_axis.times)


def drawn_actions(view: TimelineView) -> int:
    """Barrier-action stars on the timeline."""
    x, _y = view.actions.getData()
    return 0 if x is None else len(x)


def follows_present(view: TimelineView) -> bool:
    """The timeline follows the present: the now line shows and the user cannot pan away."""
    return bool(view.now_line.isVisible()) and not view.vb.state["mouseEnabled"][0]
