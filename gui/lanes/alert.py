"""Paint the failure banner above the lanes: icon + bold title + the plain-language why.

Why it takes the action banner's slot: a failed run has no action to announce, and the slot
sits right above the lanes, where the audience is already looking.  The layout makes the slot
taller while an alert shows, so two or three lines of explanation fit at projector size
without covering a lane.  Wrapping is done once per (text, width, font) and cached, because the
banner is repainted every frame while the run's afterglow lasts.

What the banner says is the view model's: its first `Failure` (the cause) and the failure that
followed it.  Nothing here reads the story's sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from engine.model.failures import Failure, FailureGroup
from engine.model.view_model import RunViewModel
from gui.lanes.layout import LaneGeometry, sized_font
from gui.style.palette import BROKEN_COLOUR, renderable

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
TINT = QColor(BROKEN_COLOUR).lighter(100)
DARK = QColor("#8A3A00")  # BROKEN_COLOUR darkened for text on the pale tint (contrast ≥ 7:1)
# a glyph the default font renders, or "lock" (painted: no font here has one)
ICONS = {
    FailureGroup.BROKEN: "✖",
    FailureGroup.STRANDED: "⚠",
    FailureGroup.WEDGED: "lock",
    FailureGroup.CRASH: "☠",
}


@dataclass(frozen=True)
class Alert:
    """The banner's words, all taken from the model's Failures."""

    kind: FailureGroup  # broken | stranded | wedged | crash
    title: str  # "Barrier timed out", "Barrier aborted", …
    icon: str
    text: str  # the cause, in plain language, capitalised
    then: str  # what followed from it ("" if nothing new)
    t_s: float  # when the cause happened, seconds from the run's start
    party: int | None  # the party whose event showed the cause


def alert_for(model: RunViewModel) -> Alert | None:
    """The banner for the run's failures so far, or None while nothing went wrong."""
    cause = model.failure
    return None if cause is None else _alert(cause, model.followed_by)


@lru_cache(maxsize=16)
def _alert(cause: Failure, then: Failure | None) -> Alert:
    text = cause.explanation
    return Alert(
        cause.group,
        cause.title,
        ICONS.get(cause.group, "⚠"),
        text[:1].upper() + text[1:],
        then.explanation if then is not None else "",
        cause.t_s,
        cause.party,
    )


def wrap(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to `max_lines`; the last line is elided if text is left over."""
    metrics = QFontMetricsF(font)
    words, current = text.split(), ""
    lines: list[str] = []
    for i, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        if len(lines) >= max_lines - 1:  # the last line: keep the rest, elided below
            current = " ".join([current, *words[i:]])
            break
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if lines:
        lines[-1] = metrics.elidedText(lines[-1], Qt.TextElideMode.ElideRight, width)
    return lines[:max_lines]


def paint_lock(p: QPainter, centre: QPointF, size: float, colour: QColor) -> None:
    """A padlock (no font has one here): a shackle arc over a rounded body."""
    body = QRectF(centre.x() - size * 0.42, centre.y() - size * 0.08, size * 0.84, size * 0.6)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(colour, size * 0.13, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    shackle = QPainterPath()
    shackle.moveTo(centre.x() - size * 0.25, body.top())
    shackle.arcTo(
        QRectF(centre.x() - size * 0.25, centre.y() - size * 0.5, size * 0.5, size * 0.55),
        180,
        -180,
    )
    shackle.lineTo(centre.x() + size * 0.25, body.top())
    p.drawPath(shackle)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRoundedRect(body, size * 0.1, size * 0.1)


class AlertBanner:
    """Paints one alert; caches the wrapped lines until the text, width or font changes."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._lines: tuple[list[str], list[str]] = ([], [])

    def paint(
        self, p: QPainter, g: LaneGeometry, alert: Alert, hint: str, strength: float = 1.0
    ) -> None:
        rect = QRectF(g.margin, g.banner_y, g.width - 2 * g.margin, g.banner_h)
        radius = 14 * g.scale
        tint = QColor(TINT)
        tint.setAlphaF(0.13 * strength)
        p.setPen(QPen(QColor(BROKEN_COLOUR), max(1.5, 2 * g.scale)))
        p.setBrush(tint)
        p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)
        accent = 9 * g.scale
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BROKEN_COLOUR))
        p.drawRoundedRect(
            QRectF(rect.left(), rect.top(), accent * 2, rect.height()), radius, radius
        )
        pad = 14 * g.scale
        title_font = g.banner_font
        fits = (g.banner_h - 2 * pad - title_font.pixelSize() * 1.35) / (3 * 1.32)  # 3 lines
        body_px = max(min(g.small_font.pixelSize(), fits), g.style.min_text_px, 12.0)
        body_font = sized_font(g.small_font, body_px)
        title_h = title_font.pixelSize() * 1.35
        icon = title_font.pixelSize() * 1.45
        x = rect.left() + accent * 2 + pad
        icon_centre = QPointF(x + icon / 2, rect.top() + pad + title_h / 2)
        self._paint_icon(p, alert.icon, icon_centre, icon, title_font)
        text_x = x + icon + pad
        text_w = rect.right() - pad - text_x
        hint_font = sized_font(body_font, body_font.pixelSize(), bold=True)
        hint_w = QFontMetricsF(hint_font).horizontalAdvance(hint) if hint else 0.0
        title_w = QFontMetricsF(title_font).horizontalAdvance(alert.title)
        beside = not hint or title_w + pad * 2 + hint_w <= text_w  # else: a line of its own
        title_rect = QRectF(
            text_x, rect.top() + pad, text_w - (hint_w + pad if beside else 0), title_h
        )
        p.setFont(title_font)
        colours = g.style.colours
        p.setPen(QColor(BROKEN_COLOUR).lighter(135) if colours.dark else DARK)
        title = QFontMetricsF(title_font).elidedText(
            alert.title, Qt.TextElideMode.ElideRight, title_rect.width()
        )
        p.drawText(title_rect, LEFT, title)
        if hint and beside:
            p.setFont(hint_font)
            p.setPen(colours.q("muted"))
            p.drawText(QRectF(text_x, title_rect.top(), text_w, title_h), RIGHT, hint)
        line_h = body_font.pixelSize() * 1.32
        room = int((rect.bottom() - pad * 0.6 - title_rect.bottom()) // line_h)
        if hint and not beside:  # the hint takes the last line, under the explanation
            room -= 1
            hint_rect = QRectF(text_x, rect.bottom() - pad * 0.6 - line_h, text_w, line_h)
            p.setFont(hint_font)
            p.setPen(colours.q("muted"))
            shown = QFontMetricsF(hint_font).elidedText(hint, Qt.TextElideMode.ElideRight, text_w)
            p.drawText(hint_rect, LEFT, shown)
        body, then = self._wrapped(alert, body_font, text_w, max(room, 1))
        y = title_rect.bottom()
        p.setFont(body_font)
        p.setPen(colours.q("text"))
        for line in body:
            p.drawText(QRectF(text_x, y, text_w, line_h), LEFT, line)
            y += line_h
        p.setPen(colours.q("muted"))
        for line in then:
            p.drawText(QRectF(text_x, y, text_w, line_h), LEFT, line)
            y += line_h

    def _wrapped(
        self, alert: Alert, font: QFont, width: float, room: int
    ) -> tuple[list[str], list[str]]:
        key = (alert, font.key(), round(width), room)
        if key != self._key:
            body_room = room - 1 if alert.then and room > 1 else room
            body = wrap(renderable(alert.text, font), font, width, body_room)
            then_room = room - len(body)
            then = (
                wrap("Then: " + renderable(alert.then, font), font, width, then_room)
                if alert.then and then_room > 0
                else []
            )
            self._key, self._lines = key, (body, then)
        return self._lines

    @staticmethod
    def _paint_icon(p: QPainter, icon: str, centre: QPointF, size: float, font: QFont) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BROKEN_COLOUR))
        p.drawEllipse(centre, size / 2, size / 2)
        if icon == "lock":
            paint_lock(p, centre, size * 0.55, QColor("white"))
            return
        p.setFont(sized_font(font, size * 0.56, bold=True))
        p.setPen(QColor("white"))
        box = QRectF(centre.x() - size / 2, centre.y() - size / 2, size, size)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, icon)
