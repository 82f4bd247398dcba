"""Paint one party row: numbered mark + name, state badge (icon + word), and the progress bar.

The bar runs left→right toward the barrier gate: it fills while the party works, sits pressed
against the gate (orange, frozen) while it waits, and on release shoots through the gate
(green) with a short glow.  The release animation is a pure function of `released_ns` and
`now_ns`; the model stamps every party of a generation with the same `released_ns`, so all
rows animate in lockstep in the same frame — exactly what a barrier means.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QRadialGradient,
)

from engine.model.view_model import Lane, LaneState, RunViewModel
from gui.lanes.layout import LaneGeometry, sized_font
from gui.style.palette import RELEASE_COLOUR, party_mark, renderable, state_look

TEXT = QColor("#1B1F24")
MUTED = QColor("#5C6470")
TRACK = QColor("#E6E9EE")
TRACK_PAST = QColor("#DDF1E9")
RELEASE_ANIM_NS = 400_000_000
FULL_STATES = (LaneState.RELEASED, LaneState.DONE)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background` (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = (
        0.2126 * channel(background.redF())
        + 0.7152 * channel(background.greenF())
        + 0.0722 * channel(background.blueF())
    )
    return TEXT if lum > 0.22 else QColor("white")


def ease_out(t: float) -> float:
    return 1 - (1 - min(max(t, 0.0), 1.0)) ** 3


def badge_text(lane: Lane, parties: int, compact: bool, several: bool = False) -> str:
    """Icon + word; while waiting, the arrival rank (and, with `several` barriers, which)."""
    look = state_look(lane.state)
    if compact:
        return look.icon
    text = f"{look.icon} {look.word}"
    if lane.presenter and lane.state == LaneState.WORKING:
        text = f"{look.icon} your turn"  # the presenter's "work" is to press G
    if lane.state == LaneState.WAITING and several and lane.barrier is not None:
        text += f" #{lane.barrier}"
    if lane.state == LaneState.WAITING and lane.arrival_rank is not None:
        text += f" · {ordinal(lane.arrival_rank)} of {parties}"
    return text


def lane_parties(model: RunViewModel, lane: Lane) -> int:
    """Barrier(parties) of the barrier this lane waits at (a traced program may have several)."""
    if lane.barrier is not None and lane.barrier in model.barriers:
        return model.barriers[lane.barrier]
    return model.parties or len(model.lanes)


def release_age(lane: Lane, now_ns: int) -> float | None:
    """0..1 through the release animation, or None outside it."""
    if lane.released_ns is None or lane.state in (LaneState.BROKEN, LaneState.DIED):
        return None
    age = (now_ns - lane.released_ns) / RELEASE_ANIM_NS
    return age if 0 <= age < 1 else None


def paint_party_mark(
    p: QPainter, g: LaneGeometry, index: int, x: float, cy: float, size: float
) -> None:
    """The party's neutral mark: its number in an outlined swatch, in the text colour —
    never a state colour, so it cannot be read as working, waiting or released."""
    if size <= 0:
        return
    mark = party_mark(index)
    font = sized_font(g.name_font, size * (0.62 if len(mark) < 3 else 0.5), bold=True)
    colours = g.style.colours
    rect = QRectF(x, cy - size / 2, size, size)
    p.setPen(QPen(colours.q("muted"), max(1.0, size * 0.07)))
    p.setBrush(colours.q("background"))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), size * 0.24, size * 0.24)
    p.setFont(font)
    p.setPen(colours.q("text"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, mark)


class RowPainter:
    """Paints rows for one geometry; elided names are cached until the geometry changes."""

    def __init__(self, geometry: LaneGeometry) -> None:
        self.g = geometry
        self._elided: dict[str, str] = {}
        self._name_metrics = QFontMetricsF(geometry.name_font)
        # Set per frame by LanesView from the model's failure facts (gui/lanes/failure.py):
        # "stuck" while the barrier is wedged, and clearer words than "killed by SIGTERM" for
        # parties the app had to end.
        self.waiting_word = "waiting"
        self.details: dict[int, str] = {}
        self._clean: dict[str, str] = {}
        self.several_barriers = False  # a traced program with more than one barrier

    def paint(self, p: QPainter, model: RunViewModel, now_ns: int) -> None:
        self.several_barriers = len(model.barriers) > 1
        for lane in model.lanes[: self.g.rows]:
            self._paint_row(p, model, lane, now_ns)

    def _paint_row(self, p: QPainter, model: RunViewModel, lane: Lane, now_ns: int) -> None:
        g = self.g
        cy = g.row_centre(lane.index)
        if g.show_names:
            self._paint_name(p, lane, cy)
        self._paint_badge(p, lane, cy, lane_parties(model, lane), len(model.barriers) > 1)
        self._paint_track(p, cy)
        self._paint_bar(p, model, lane, cy, now_ns)

    def _paint_name(self, p: QPainter, lane: Lane, cy: float) -> None:
        g = self.g
        paint_party_mark(p, g, lane.index, g.name_x, cy, g.chip)
        text_x = g.name_text_x
        width = g.name_w - (text_x - g.name_x)
        name = self._elided.get(lane.name)
        if name is None:
            name = self._name_metrics.elidedText(lane.name, Qt.TextElideMode.ElideRight, width)
            self._elided[lane.name] = name
        p.setFont(g.name_font)
        p.setPen(g.style.colours.q("text"))
        rect = QRectF(text_x, cy - g.row_h / 2, width, g.row_h)
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)

    def _paint_badge(
        self, p: QPainter, lane: Lane, cy: float, parties: int, several: bool = False
    ) -> None:
        g = self.g
        colour = QColor(state_look(lane.state).colour)
        if g.compact and g.row_h < 10:  # too thin for a glyph: a coloured tick
            p.fillRect(QRectF(g.badge_x, cy - g.bar_h / 2, g.badge_w, g.bar_h), colour)
            return
        h = min(g.row_h * (0.86 if g.compact else 0.56), g.badge_font.pixelSize() * 1.9)
        rect = QRectF(g.badge_x, cy - h / 2, g.badge_w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(rect, h / 2, h / 2)
        p.setFont(g.badge_font)
        p.setPen(text_on(colour))
        text = badge_text(lane, parties, g.compact, several)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_track(self, p: QPainter, cy: float) -> None:
        g = self.g
        r = g.bar_h / 2
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(g.style.colours.q("track_past"))
        p.drawRoundedRect(QRectF(g.gate_x - r, cy - r, g.track_x1 - g.gate_x + r, g.bar_h), r, r)
        p.setBrush(g.style.colours.q("track"))
        p.drawRoundedRect(QRectF(g.track_x0, cy - r, g.gate_x - g.track_x0, g.bar_h), r, r)

    def _bar(self, p: QPainter, x0: float, x1: float, cy: float, colour: QColor) -> None:
        g = self.g
        r = g.bar_h / 2
        if x1 - x0 < 1:
            return
        grad = QLinearGradient(0, cy - r, 0, cy + r)
        grad.setColorAt(0, colour.lighter(112))
        grad.setColorAt(1, colour.darker(104))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(grad)
        p.drawRoundedRect(QRectF(x0, cy - r, max(x1 - x0, g.bar_h), g.bar_h), r, r)

    def _paint_bar(
        self, p: QPainter, model: RunViewModel, lane: Lane, cy: float, now_ns: int
    ) -> None:
        g = self.g
        colour = QColor(state_look(lane.state).colour)
        reach = g.gate_x - g.track_x0
        anim = release_age(lane, now_ns)
        if lane.state in FULL_STATES:
            head = g.gate_x + (g.track_x1 - g.gate_x) * (ease_out(anim) if anim is not None else 1)
            self._bar(p, g.track_x0, head, cy, colour)
            self._bar_label(p, lane, cy, head, colour, now_ns)
        elif lane.state == LaneState.WORKING and lane.open_ended:  # no planned end: stripes
            head = g.gate_x - g.bar_h * 0.6
            self._open_ended_bar(p, head, cy, colour, now_ns)
            self._bar_label(p, lane, cy, head, colour, now_ns)
        else:
            at = now_ns if lane.ended_ns is None else lane.ended_ns  # a killed bar stays put
            head = g.track_x0 + reach * model.progress(lane, at)
            if lane.state == LaneState.WAITING:
                head = g.gate_x  # pressed flat against the gate
            self._bar(p, g.track_x0, head, cy, colour)
            if anim is not None:  # released a moment ago and already working again
                ghost = QColor(RELEASE_COLOUR)
                ghost.setAlphaF(1 - anim)
                self._bar(
                    p, g.gate_x, g.gate_x + (g.track_x1 - g.gate_x) * ease_out(anim), cy, ghost
                )
            self._bar_label(p, lane, cy, head, colour, now_ns)
        if anim is not None:
            self._glow(p, g.gate_x + (g.track_x1 - g.gate_x) * ease_out(anim), cy, 1 - anim)

    def _open_ended_bar(
        self, p: QPainter, head: float, cy: float, colour: QColor, now_ns: int
    ) -> None:
        """Work of unknown length (a traced program): a pale track-long bar with stripes that
        drift toward the gate — busy, but no promise of when it ends."""
        g = self.g
        r = g.bar_h / 2
        rect = QRectF(g.track_x0, cy - r, max(head - g.track_x0, g.bar_h), g.bar_h)
        pale = QColor(colour)
        pale.setAlphaF(0.28)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pale)
        p.drawRoundedRect(rect, r, r)
        if g.compact:
            return
        clip = QPainterPath()
        clip.addRoundedRect(rect, r, r)
        stripe = QColor(colour)
        stripe.setAlphaF(0.42)
        period = g.bar_h * 1.5
        x = rect.left() - rect.height() - period + (now_ns / 1e9 * period) % period
        p.save()
        p.setClipPath(clip)
        p.setBrush(stripe)
        top, bottom, half = rect.top(), rect.bottom(), period / 2
        while x < rect.right():
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, bottom),
                        QPointF(x + half, bottom),
                        QPointF(x + half + rect.height(), top),
                        QPointF(x + rect.height(), top),
                    ]
                )
            )
            x += period
        p.restore()

    def _readable(self, text: str) -> str:
        """`text` without glyphs the font lacks (an error may quote "🚀"), cached."""
        clean = self._clean.get(text)
        if clean is None:
            clean = self._clean[text] = renderable(text, self.g.small_font)
        return clean

    def _text_width(self, text: str) -> float:
        return QFontMetricsF(self.g.small_font).horizontalAdvance(text)

    def _glow(self, p: QPainter, x: float, cy: float, strength: float) -> None:
        """A bright head on the bar as it shoots through the gate, kept inside the bar's own
        row: a glow spilling over the dark theme's ground left a grey haze by the lanes."""
        g = self.g
        radius = g.bar_h * 1.6
        grad = QRadialGradient(QPointF(x, cy), radius)
        core = QColor(RELEASE_COLOUR).lighter(170) if g.style.colours.dark else QColor("white")
        core.setAlphaF(0.9 * strength)
        edge = QColor(core)
        edge.setAlphaF(0.0)
        grad.setColorAt(0, core)
        grad.setColorAt(1, edge)
        p.save()
        r = g.bar_h / 2
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(g.gate_x - r, cy - r, g.track_x1 - g.gate_x + r, g.bar_h), r, r)
        p.setClipPath(clip)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(grad)
        p.drawEllipse(QPointF(x, cy), radius, radius)
        p.restore()

    def _bar_label(
        self, p: QPainter, lane: Lane, cy: float, head: float, colour: QColor, now_ns: int
    ) -> None:
        """Small text inside or after the bar (big rows only): index, wait time, detail."""
        g = self.g
        if g.compact and lane.state not in (LaneState.BROKEN, LaneState.DIED):
            return
        text, inside = "", True
        if lane.suspended and lane.state in (LaneState.WORKING, LaneState.WAITING):
            text = "⏸ stopped (SIGSTOP): it cannot move"
        elif lane.state in FULL_STATES and lane.last_index is not None:
            text = f"index {lane.last_index}"
        elif lane.state == LaneState.WAITING and lane.arrived_ns is not None:
            text = f"{self.waiting_word} {(now_ns - lane.arrived_ns) / 1e9:.2f} s"
            if self.several_barriers and lane.barrier is not None:
                text = f"at barrier #{lane.barrier} · {text}"
        elif lane.state == LaneState.WORKING and lane.open_ended and lane.work_start_ns:
            text = f"working {(now_ns - lane.work_start_ns) / 1e9:.1f} s"
        elif lane.state in (LaneState.BROKEN, LaneState.DIED, LaneState.STOPPED):
            text = self._readable(self.details.get(lane.index, lane.detail))  # in the bar or after
            room = min(head, g.gate_x) - g.track_x0 - g.bar_h * 1.5
            inside = self._text_width(text) <= room or room > (g.gate_x - g.track_x0) * 0.6
        if not text:
            return
        p.setFont(g.small_font)
        pad = g.bar_h * 0.5
        if inside:
            right = min(head, g.gate_x) - pad  # end left of the gate line, never under it
            rect = QRectF(g.track_x0 + pad, cy - g.bar_h / 2, right - g.track_x0 - pad, g.bar_h)
            if self._text_width(text) > rect.width():
                if lane.state not in (LaneState.BROKEN, LaneState.DIED, LaneState.STOPPED):
                    return
                metrics = QFontMetricsF(g.small_font)
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            pen = g.style.colours.q("text") if lane.open_ended else text_on(colour)
            p.setPen(pen if lane.state == LaneState.WORKING else text_on(colour))
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            return
        right = g.gate_x - pad if head < g.gate_x else g.track_x1  # never under the gate line
        rect = QRectF(head + pad, cy - g.row_h / 2, right - head - pad, g.row_h)
        colours = g.style.colours
        readable = colour.lighter(135) if colours.dark else colour.darker(130)
        p.setPen(colours.q("muted") if lane.state == LaneState.STOPPED else readable)
        elided = QFontMetricsF(g.small_font).elidedText(
            text, Qt.TextElideMode.ElideRight, rect.width()
        )
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
