"""How a failure shows on the lanes beyond the banner: the gate counter's colour, a lock on a
wedged gate, clearer row labels, and the lane context menu that kills a party.

Why these live together: each maps the view model's failure facts (`wedged`, `stranded`,
`counter_note`, `ended_by_app`) onto the lanes' geometry, while `overlay`/`painter` keep
painting the healthy run.  A wedged barrier looks exactly like a waiting one (parties frozen at
the gate), so without the lock and the word "stuck" an audience cannot tell "waiting for the
last party" from "waiting forever"; likewise a stranded barrier needs its counter to say that
nobody is left to come.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QMenu, QWidget

from engine.model.view_model import ALIVE, RunStatus, RunViewModel
from gui.lanes.alert import paint_lock
from gui.lanes.layout import LaneGeometry, sized_font
from gui.style.palette import BROKEN_COLOUR

ENDED_BY_APP = "ended by the app (wedged barrier)"


def alert_hint(model: RunViewModel, now_ns: int | None = None) -> str:
    """The banner's right-hand hint: how to recover, or what happens next — with a countdown
    while the app waits before ending a stuck barrier, so the pause visibly leads somewhere."""
    if not model.status.live:
        return "press Run (Ctrl+R) to run again"
    due = model.app_ends_stuck_at_ns
    left = None if due is None or now_ns is None else max((due - now_ns) / 1e9, 0.0)
    if model.wedged:
        if left is not None and left > 0.05:
            return f"the app ends the stuck parties in {left:.1f} s"
        return "the app is ending the stuck parties…"
    if model.stranded:
        if left is not None and left > 0.05:
            return f"Abort (A) now, or the app aborts in {left:.1f} s"
        return "Abort (A) ends the wait now"
    return ""


def row_words(model: RunViewModel) -> tuple[str, dict[int, str]]:
    """The word for waiting time ("stuck" on a wedged barrier) and per-lane detail overrides."""
    if not model.wedged:
        return "waiting", {}
    details = {lane.index: ENDED_BY_APP for lane in model.lanes if model.ended_by_app(lane)}
    return "stuck", details


def paint_failure_marks(p: QPainter, g: LaneGeometry, model: RunViewModel) -> None:
    """A lock on a wedged gate, and the gate's caption saying what happened to it."""
    caption = ""
    if model.wedged:
        caption = "barrier wedged"
        size = max(26.0, 34 * g.scale)
        centre = QPointF(g.gate_x, g.lanes_top - 4 * g.scale)  # on the gate's top end
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BROKEN_COLOUR))
        p.drawRoundedRect(
            QRectF(centre.x() - size / 2, centre.y() - size / 2, size, size),
            size * 0.22,
            size * 0.22,
        )
        paint_lock(p, centre, size * 0.62, QColor("white"))
    elif model.barrier_broken:
        caption = "barrier broken"
    if not caption:
        return
    font = sized_font(g.small_font, g.small_font.pixelSize(), bold=True)
    h = font.pixelSize() * 1.6
    w = QFontMetricsF(font).horizontalAdvance(caption) + 16 * g.scale
    left = min(g.gate_x - w / 2, g.width - w - 4)  # centred on the gate, but never cut off
    rect = QRectF(left, g.lanes_bottom + 8 * g.scale, w, h)
    p.fillRect(rect, g.style.colours.q("background"))  # over the plain "barrier" caption
    p.setFont(font)
    p.setPen(QColor(BROKEN_COLOUR).lighter(130) if g.style.colours.dark else QColor("#A84A00"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, caption)


def lane_at(g: LaneGeometry | None, y: float, lanes: int) -> int | None:
    """The lane index under a y position, from the layout of the last paint."""
    if g is None or g.row_h <= 0 or not g.lanes_top <= y < g.lanes_bottom:
        return None
    index = int((y - g.lanes_top) // g.row_h)
    return index if 0 <= index < min(lanes, g.rows) else None


def kill_menu(
    parent: QWidget,
    model: RunViewModel,
    index: int,
    can_kill: bool,
    on_kill: Callable[[int], object],
) -> QMenu:
    """The lane's context menu: "Kill Navigation (SIGKILL pid 1234)", enabled while the
    party's process is alive and the source can kill."""
    lane = model.lanes[index]
    alive = lane.pid is not None and lane.state in ALIVE and model.status == RunStatus.RUNNING
    label = f"Kill {lane.name} (SIGKILL pid {lane.pid})" if lane.pid else f"Kill {lane.name}"
    menu = QMenu(parent)
    menu.setObjectName("lane_menu")
    action = QAction(label, menu)
    action.setObjectName("kill_party")
    action.setEnabled(can_kill and alive)
    action.setToolTip(
        "Send SIGKILL to this party's process, as a crash would: killed while working, the "
        "others are stranded at the barrier; killed inside wait(), the barrier wedges."
    )
    action.triggered.connect(lambda _checked=False: on_kill(index))
    menu.addAction(action)
    menu.setToolTipsVisible(True)
    return menu
