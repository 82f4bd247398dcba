"""Paint what the presenter must do next: "your turn: press G" and "Paused before stage 2".

Why in the lanes and not in a dialog or the status bar: on stage, everyone looks at the lanes.
The presenter's own lane has no planned duration (their "work" ends when they press G), so
instead of a bar that would jump, its track carries a pulsing call to action; in step-through
mode the banner slot says, in big type, which stage is waiting and which key continues.  A crowd
(tiles, or more than 64 thin rows) has no room for words in a row, so there the call to action
is a pulsing card in the banner slot too.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from engine.model.view_model import Lane, RunViewModel
from gui.lanes.layout import LaneGeometry, LayoutKind, sized_font
from gui.style.palette import GATE_COLOUR, renderable

PULSE_NS = 1_200_000_000
PRESENTER_PROMPT = "your turn: press G"
CROWD_ROWS = 64  # more compact rows than this are too thin for a prompt inside one
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


def hold_message(stage: int) -> str:
    return f"Paused before stage {stage + 1} — press N (or Space) to continue"


def paint_prompts(p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int) -> None:
    """Everything this module draws, on top of rows and gate (cheap: a few shapes)."""
    crowd = g.kind == LayoutKind.TILES or (g.compact and len(model.lanes) > CROWD_ROWS)
    turn = [lane for lane in model.lanes[: g.rows] if lane.presenter_turn]
    if turn and crowd:  # no room in a row: the banner slot calls the presenter
        paint_turn_card(p, g, now_ns)
    elif turn:
        paint_presenter_turn(p, g, turn[0], now_ns)
    stage = model.held_stage
    if stage is not None:
        paint_hold_card(p, g, stage, model)


def _pulse(now_ns: int) -> float:
    """0..1..0 once per PULSE_NS: draws the eye without flashing."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * (now_ns % PULSE_NS) / PULSE_NS)


def paint_presenter_turn(p: QPainter, g: LaneGeometry, lane: Lane, now_ns: int) -> None:
    cy = g.row_centre(lane.index)
    h = max(g.bar_h, g.small_font.pixelSize() * 1.7)
    h = min(h, g.row_h * 0.92)
    rect = QRectF(g.track_x0, cy - h / 2, g.gate_x - g.track_x0 - 10 * g.scale, h)
    fill = QColor(GATE_COLOUR)
    fill.setAlphaF(0.16 + 0.22 * _pulse(now_ns))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(fill)
    p.drawRoundedRect(rect, h / 2, h / 2)
    font = sized_font(g.small_font, min(g.small_font.pixelSize() * 1.1, h * 0.7), bold=True)
    p.setFont(font)
    p.setPen(g.style.colours.q("text"))
    text = f"▶ {PRESENTER_PROMPT}  (or click the gate)"
    if QFontMetricsF(font).horizontalAdvance(text) > rect.width() - h:
        text = f"▶ {PRESENTER_PROMPT}"
    p.drawText(rect.adjusted(h * 0.5, 0, -h * 0.5, 0), LEFT, text)


def paint_turn_card(p: QPainter, g: LaneGeometry, now_ns: int) -> None:
    """The presenter's turn in a crowd: the banner slot, pulsing in the gate's colour."""
    rect = QRectF(g.margin, g.banner_y, g.width - 2 * g.margin, g.banner_h)
    radius = 14 * g.scale
    fill = QColor(GATE_COLOUR)
    fill.setAlphaF(0.16 + 0.22 * _pulse(now_ns))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(g.style.colours.q("background"))  # opaque: the banner's words stay under it
    p.drawRoundedRect(rect, radius, radius)
    p.setPen(QPen(QColor(GATE_COLOUR), max(2.0, 2 * g.scale)))
    p.setBrush(fill)
    p.drawRoundedRect(rect, radius, radius)
    inner = rect.adjusted(24 * g.scale, 0, -24 * g.scale, 0)
    font = g.banner_font
    message = f"▶  {PRESENTER_PROMPT[:1].upper()}{PRESENTER_PROMPT[1:]} to open the gate"
    if QFontMetricsF(font).horizontalAdvance(message) > inner.width():
        message = f"▶  {PRESENTER_PROMPT}"
    p.setFont(font)
    p.setPen(g.style.colours.q("text"))
    p.drawText(inner, LEFT, message)


def paint_hold_card(p: QPainter, g: LaneGeometry, stage: int, model: RunViewModel) -> None:
    """Covers the banner slot; the barrier action that just ran is kept in the second line."""
    rect = QRectF(g.margin, g.banner_y, g.width - 2 * g.margin, g.banner_h)
    radius = 14 * g.scale
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(GATE_COLOUR))
    p.drawRoundedRect(rect, radius, radius)
    inner = rect.adjusted(24 * g.scale, 0, -24 * g.scale, 0)
    p.setPen(QColor("white"))
    message = f"‖  {hold_message(stage)}"
    font = g.banner_font
    metrics = QFontMetricsF(font)
    if metrics.horizontalAdvance(message) > inner.width():
        message = f"‖  Paused before stage {stage + 1} — press N"
    if g.compact:
        p.setFont(font)
        p.drawText(inner, LEFT, message)
        return
    top = QRectF(
        inner.left(), inner.top() + inner.height() * 0.08, inner.width(), inner.height() * 0.55
    )
    p.setFont(font)
    p.drawText(top, LEFT, message)
    p.setFont(g.small_font)
    sub = "Step-through: every party holds here until you let the next stage begin."
    action = model.action_banner
    if action is not None and action.stage == stage - 1:
        said = renderable(action.text, g.small_font) or "the barrier action ran"
        sub = f"Barrier action of stage {stage}: {said}   ·   every party holds until you continue."
    bottom = QRectF(inner.left(), top.bottom(), inner.width(), inner.height() * 0.32)
    p.drawText(bottom, LEFT, sub)
