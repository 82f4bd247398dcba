"""Paint what spans all rows: the stage header, the barrier gate with its counter, the banner.

The gate is the one vertical line every bar runs toward; the counter above it ("2 of 3 at the
barrier") is the barrier's own state, and the banner announces the barrier action with who ran
it — the last party to arrive, which is how `threading`/`multiprocessing` Barrier works.

The banner stays until the next stage's action or the next run, and says which stage it
belongs to ("Stage 1 action: 🚀 All systems go!"): a message that fades after a few seconds
reads as if the action never ran.  Once the next stage is under way it is dimmed, so it never
reads as news beside the next stage's counter.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from engine.model.failures import CounterNote, NoteTone
from engine.model.view_model import Marker, RunStatus, RunViewModel
from gui.lanes.layout import LaneGeometry, LayoutKind, sized_font
from gui.lanes.painter import TEXT
from gui.style.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    DIED_COLOUR,
    GATE_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    renderable,
)

BANNER_FADE_IN_NS = 120_000_000
PAST_STAGE_STRENGTH = 0.55  # the banner of a stage that is over, while the next one runs
GATE_FLASH_NS = 700_000_000
IDLE_HINT = (
    "press Run (Ctrl+R or Space): the barrier action will show here, run by the last party "
    "to arrive"
)
WAITING_HINT = "the barrier action runs here, in the last party to arrive"
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
NOTE_COLOURS = {NoteTone.BROKEN: BROKEN_COLOUR, NoteTone.DIED: DIED_COLOUR}
MIN_LINE_SHRINK = 0.6  # an action message shrinks this far at most, then it is cut


def with_alpha(colour: str | QColor, alpha: float) -> QColor:
    out = QColor(colour)
    out.setAlphaF(max(0.0, min(1.0, alpha)))
    return out


def banner_strength(marker: Marker | None, now_ns: int, current_stage: int | None = None) -> float:
    """How strongly the action banner shows: it fades in, then stays (dimmed once a later
    stage, `current_stage`, is under way)."""
    if marker is None:
        return 0.0
    age = now_ns - marker.t_ns
    if age < 0:
        return 0.0
    strength = min(age / BANNER_FADE_IN_NS, 1.0)
    if current_stage is not None and current_stage > marker.stage:
        strength = min(strength, PAST_STAGE_STRENGTH)
    return strength


def banner_title(marker: Marker, stages: int) -> str:
    """ "Stage 1 action:" — whose stage the message belongs to (a trace counts releases)."""
    return f"Stage {marker.stage + 1} action:" if stages > 0 else "Barrier action:"


def last_release_ns(model: RunViewModel) -> int | None:
    for marker in reversed(model.markers):
        if marker.kind == "release":
            return marker.t_ns
    return None


def barrier_counts(model: RunViewModel) -> str | None:
    """A traced program with several barriers: each one's count ("#0: 2 of 2 · #1: 0 of 3")."""
    if len(model.barriers) < 2:
        return None
    return " · ".join(
        f"#{b}: {model.waiting_at(b)} of {parties}" for b, parties in sorted(model.barriers.items())
    )


def header_label(model: RunViewModel) -> str:
    """ "Stage 2 of 3" (see stage_words); when the barrier counts more or fewer parties than
    there are processes (too-few, too-many), it says both: "· Barrier(4), 3 processes"."""
    label = stage_words(model)
    lanes = len(model.lanes)
    if model.stages and model.parties and lanes and model.parties != lanes:
        label += f"  ·  Barrier({model.parties}), {lanes} process{'es' * (lanes != 1)}"
    return label


def stage_words(model: RunViewModel) -> str:
    """ "Stage 2 of 3": the header's words and the status strip's, so the two always agree;
    a traced program has no planned stages: how many times its gates opened."""
    if model.stages == 0:  # only a traced program has no planned stages
        trips = sum(1 for m in model.markers if m.kind == "release")
        return f"Trace · {trips} release{'s' * (trips != 1)}"
    stages = max(model.stages, 1)
    return f"Stage {min(model.current_stage + 1, stages)} of {stages}"


def paint_header(
    p: QPainter,
    g: LaneGeometry,
    model: RunViewModel,
    note: CounterNote | None = None,
    counts: str | None = None,
) -> None:
    stages = max(model.stages, 1)
    stage = min(model.current_stage + 1, stages)
    rect = QRectF(g.margin, g.header_y, g.gate_x - g.margin, g.header_h)
    cy = rect.center().y()
    counter = paint_counter(p, g, model, cy, note, counts)
    metrics = QFontMetricsF(g.header_font)
    dot = g.header_font.pixelSize() * 0.42
    dots = (min(stages, 24) * dot * 1.8 + dot * 2) if stages > 1 else 0.0
    room = counter.left() - g.margin - dots - 12 * g.scale  # never under the counter
    full, short = header_label(model), stage_words(model)
    mismatch = full.removeprefix(short).removeprefix("  ·  ")
    label = next(
        (c for c in (full, mismatch, short) if c and metrics.horizontalAdvance(c) <= room),
        metrics.elidedText(short, Qt.TextElideMode.ElideRight, max(room, 0.0)),
    )  # the parties/processes mismatch is the lesson: it outranks "Stage 1 of 1"
    p.setFont(g.header_font)
    p.setPen(g.style.colours.q("text"))
    p.drawText(rect, LEFT, label)
    width = metrics.horizontalAdvance(label)
    x = g.margin + width + dot * 2
    for i in range(min(stages, 24) if stages > 1 else 0):
        done = i < stage - 1 or (i == stage - 1 and model.status == RunStatus.PASSED)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(
            QColor(RELEASE_COLOUR)
            if done
            else QColor(GATE_COLOUR)
            if i == stage - 1
            else g.style.colours.q("chip_idle")
        )
        p.drawEllipse(QRectF(x, cy - dot / 2, dot, dot))
        x += dot * 1.8


def paint_counter(
    p: QPainter,
    g: LaneGeometry,
    model: RunViewModel,
    cy: float,
    note: CounterNote | None = None,
    counts: str | None = None,
) -> QRectF:
    """The barrier's own state; the model's `note` replaces it after a failure
    ("3 of 4 here — nobody left to come", "✖ barrier broken"), in the colour of its tone;
    `counts` replaces the text for several barriers (see barrier_counts)."""
    parties = model.parties or len(model.lanes)
    waiting = model.n_waiting
    text = counts or f"{waiting} of {parties} at the barrier"
    if note is not None:
        text = note.text
        waiting = 1  # a coloured pill, with text_on() contrast below
    font = g.header_font
    if g.kind == LayoutKind.TILES:  # a crowd is told by its count: the counter is the headline
        font = sized_font(font, font.pixelSize() * 1.35, bold=True)
    w = QFontMetricsF(font).horizontalAdvance(text) + font.pixelSize() * 1.6
    h = font.pixelSize() * 1.9
    x = min(g.gate_x - w / 2, g.width - g.margin - w)
    rect = QRectF(x, cy - h / 2, w, h)
    colour = QColor(WAIT_COLOUR) if waiting else g.style.colours.q("track")
    if note is not None:
        colour = QColor(NOTE_COLOURS[note.tone])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRoundedRect(rect, h / 2, h / 2)
    p.setFont(font)
    p.setPen(TEXT if waiting else g.style.colours.q("text"))
    p.drawText(rect, CENTRE, text)
    return rect


def paint_gate(p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int) -> None:
    top = g.lanes_top - 12 * g.scale
    bottom = g.lanes_bottom + 8 * g.scale
    width = max(4.0, 7 * g.scale)
    released = last_release_ns(model)
    flash = 0.0
    if released is not None and 0 <= now_ns - released < GATE_FLASH_NS:
        flash = 1 - (now_ns - released) / GATE_FLASH_NS
        glow = width * 5
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(with_alpha(RELEASE_COLOUR, 0.30 * flash))
        p.drawRoundedRect(QRectF(g.gate_x - glow / 2, top, glow, bottom - top), glow / 2, glow / 2)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(RELEASE_COLOUR) if flash > 0.5 else QColor(GATE_COLOUR))
    p.drawRoundedRect(QRectF(g.gate_x - width / 2, top, width, bottom - top), width / 2, width / 2)
    caption = sized_font(g.small_font, g.small_font.pixelSize(), bold=True)
    p.setFont(caption)
    p.setPen(gate_ink(g))
    h = caption.pixelSize() * 1.6
    w = QFontMetricsF(caption).horizontalAdvance("barrier") + 16
    left = min(g.gate_x - w / 2, g.width - w - 4)  # centred on the gate, never cut off
    p.drawText(QRectF(left, bottom, w, h), CENTRE, "barrier")


def gate_ink(g: LaneGeometry) -> QColor:
    """The gate's blue as text: on the dark theme's near-black it is lightened to read
    (contrast ≥ 4.5:1), on white it is the blue itself."""
    return QColor(GATE_COLOUR).lighter(185) if g.style.colours.dark else QColor(GATE_COLOUR)


def paint_banner(p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int) -> None:
    marker = model.action_banner
    rect = QRectF(g.margin, g.banner_y, g.width - 2 * g.margin, g.banner_h)
    radius = 14 * g.scale
    live = model.status.live
    strength = banner_strength(marker, now_ns, model.current_stage if live else None)
    if marker is None or strength <= 0:
        idle = model.status == RunStatus.IDLE
        paint_banner_placeholder(p, g, rect, radius, IDLE_HINT if idle else WAITING_HINT)
        return
    colours = g.style.colours
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(with_alpha(ACTION_COLOUR, 0.16 * strength))
    p.drawRoundedRect(rect, radius, radius)
    p.setBrush(with_alpha(ACTION_COLOUR, strength))
    accent = 9 * g.scale
    p.drawRoundedRect(QRectF(rect.left(), rect.top(), accent * 2, rect.height()), radius, radius)
    message = renderable(marker.text, g.banner_font) or "The barrier action ran."
    who = (
        model.lanes[marker.party].name
        if marker.party is not None and marker.party < len(model.lanes)
        else "a party"
    )
    title = banner_title(marker, model.stages)
    sub = f"run by {who}, the last to arrive"
    if live and model.current_stage > marker.stage:
        sub += f" · stage {model.current_stage + 1} is under way"
    inner = rect.adjusted(accent * 2 + 18 * g.scale, 0, -18 * g.scale, 0)
    title_ink = (
        QColor(ACTION_COLOUR).lighter(135) if colours.dark else QColor(ACTION_COLOUR).darker(165)
    )
    if g.compact:  # one line: title, message, then who ran it if there is room
        x = _draw_run(p, g.banner_font, title, inner, with_alpha(title_ink, strength))
        inner.setLeft(x + 10 * g.scale)
        x = _draw_run(p, g.banner_font, message, inner, with_alpha(colours.text, strength))
        inner.setLeft(x + 24 * g.scale)
        _draw_run(p, g.small_font, sub, inner, with_alpha(colours.muted, strength))
        return
    top_half = QRectF(
        inner.left(), inner.top() + inner.height() * 0.06, inner.width(), inner.height() * 0.56
    )
    font = fitted_line_font(
        g.banner_font, [title, message], top_half.width() - 12 * g.scale, g.style.min_text_px
    )
    x = _draw_run(p, font, title, top_half, with_alpha(title_ink, strength))
    top_half.setLeft(x + 12 * g.scale)
    _draw_run(p, font, message, top_half, with_alpha(colours.text, strength))
    bottom_half = QRectF(inner.left(), top_half.bottom(), inner.width(), inner.height() * 0.34)
    _draw_run(p, g.small_font, sub, bottom_half, with_alpha(colours.muted, strength))


def fitted_line_font(font: QFont, runs: list[str], width: float, floor_px: float) -> QFont:
    """`font`, made smaller (down to MIN_LINE_SHRINK of it, never below the stage's text
    floor) until `runs` fit `width` side by side: the action's message is the line the room
    came for, so it shrinks a little before it is cut short ("🚀 All systems go! L…" in a
    1280 px window)."""
    needed = sum(QFontMetricsF(font).horizontalAdvance(run) for run in runs)
    if needed <= width or needed <= 0:
        return font
    ratio = max(width / needed, MIN_LINE_SHRINK)
    px = math.floor(font.pixelSize() * ratio)  # whole pixels, rounded down: it must fit
    return sized_font(font, max(px, floor_px), font.bold())


def _draw_run(p: QPainter, font: QFont, text: str, rect: QRectF, colour: QColor) -> float:
    """`text` at the left of `rect`, cut with … if it does not fit; the x where it ends."""
    if rect.width() <= 0:
        return rect.left()
    metrics = QFontMetricsF(font)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    p.setFont(font)
    p.setPen(colour)
    p.drawText(rect, LEFT, shown)
    return rect.left() + metrics.horizontalAdvance(shown)


def paint_banner_placeholder(
    p: QPainter, g: LaneGeometry, rect: QRectF, radius: float, hint: str = WAITING_HINT
) -> None:
    """A faint slot that tells where (and when) the barrier action will show; before the
    first run it also says how to start one."""
    pen = QPen(g.style.colours.q("outline"), max(1.0, 1.5 * g.scale), Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)
    p.setFont(g.small_font)
    p.setPen(g.style.colours.q("hint"))
    metrics = QFontMetricsF(g.small_font)
    if metrics.horizontalAdvance(hint) > rect.width() - 24 * g.scale:
        hint = hint.split(":")[0]  # "press Run (Ctrl+R or Space)"
    p.drawText(rect, CENTRE, hint)
