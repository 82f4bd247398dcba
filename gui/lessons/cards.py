"""The lesson's words around the lanes: the header, the prompt card and the subtitle strip.

Why painted: each is a few lines of big type whose size follows the window (gui/lessons/look),
and each must say its state without colour alone (✔ right, ✖ wrong, the room's pick outlined
and named) — projectors wash colours out.  They take plain values (`set_*`) and never read the
run; the window feeds them.  `height_for(width)` tells the window how tall each wants to be.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.lessons import Choice, Verdict
from gui.lessons.look import LIGHT, PICK_COLOUR, RIGHT_COLOUR, WRONG_COLOUR, LessonColours, unit

WRAP = Qt.TextFlag.TextWordWrap
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
CAPTION_PX = 25.0  # at 720 px high
CAPTION_MIN_PX = 19.0
CAPTION_LINES = 3


def font_px(base: QFont, px: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


class _Painted(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.colours: LessonColours = LIGHT

    def set_colours(self, colours: LessonColours) -> None:
        self.colours = colours
        self.update()

    @property
    def u(self) -> float:
        return unit(self.window().height())


class LessonHeader(_Painted):
    """The step's title, big; the lesson's title and the score beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_header")
        self.lesson_title = ""
        self.step_title = ""
        self.score = ""

    def set_text(self, lesson_title: str, step_title: str, score: str) -> None:
        self.lesson_title, self.step_title, self.score = lesson_title, step_title, score
        self.update()

    def height_for(self, width: int) -> int:
        return round(58 * self.u)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            u, c = self.u, self.colours
            p.fillRect(self.rect(), c.q("background"))
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            inner = QRectF(20 * u, 0, self.width() - 40 * u, self.height())
            small = font_px(self.font(), 17 * u)
            right = f"{self.lesson_title}   {self.score}".strip()
            p.setFont(small)
            p.setPen(c.q("muted"))
            right_w = QFontMetricsF(small).horizontalAdvance(right)
            p.drawText(inner, RIGHT, right)
            title = font_px(self.font(), 27 * u, bold=True)
            p.setFont(title)
            p.setPen(c.q("text"))
            room = inner.adjusted(0, 0, -(right_w + 24 * u), 0)
            text = QFontMetricsF(title).elidedText(
                self.step_title, Qt.TextElideMode.ElideRight, room.width()
            )
            p.drawText(room, LEFT, text)
            p.fillRect(QRectF(0, self.height() - 1, self.width(), 1), c.q("panel_line"))
        finally:
            p.end()


@dataclass(frozen=True)
class PromptView:
    """What the prompt card shows."""

    question: str
    choices: tuple[Choice, ...]
    pick: str | None = None
    revealed: bool = False
    truth: str | None = None
    verdict: Verdict = Verdict.PENDING


def status_line(view: PromptView) -> str:
    """The card's verdict words (never colour alone)."""
    if not view.revealed:
        return f"1–{len(view.choices)}: the room's answer  ·  → reveal"
    match view.verdict:
        case Verdict.RIGHT:
            return "✔ Right!"
        case Verdict.WRONG:
            return "✖ Not this time"
        case Verdict.UNANSWERED:
            return "The run's answer"
        case Verdict.NO_ANSWER:
            return "The run ended without an answer"
    return "⏳ The run is answering…"


class PromptCard(_Painted):
    """The question, its numbered answers, the room's pick and, after the reveal, the truth."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prompt_card")
        self.view: PromptView | None = None

    def set_view(self, view: PromptView | None) -> None:
        if view != self.view:
            self.view = view
            self.update()

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        u = self.u
        return (
            font_px(self.font(), 24 * u, bold=True),
            font_px(self.font(), 21 * u, bold=True),
            font_px(self.font(), 18 * u, bold=True),
        )

    def _chip_rows(self, width: float) -> list[list[tuple[int, Choice, float]]]:
        _, chip_font, _ = self._fonts()
        u = self.u
        m = QFontMetricsF(chip_font)
        rows: list[list[tuple[int, Choice, float]]] = [[]]
        x = 0.0
        assert self.view is not None
        for number, choice in enumerate(self.view.choices, 1):
            w = m.horizontalAdvance(f"{choice.label}  ✔") + m.height() * 1.2 + 40 * u
            if rows[-1] and x + w > width:
                rows.append([])
                x = 0.0
            rows[-1].append((number, choice, w))
            x += w + 12 * u
        return rows

    def height_for(self, width: int) -> int:
        if self.view is None:
            return 0
        u = self.u
        q_font, chip_font, _ = self._fonts()
        inner = width - 64 * u
        rows = len(self._chip_rows(inner))
        chip_h = QFontMetricsF(chip_font).height() + 16 * u
        q_h = QFontMetricsF(q_font).height() + 6 * u
        return round(16 * u + q_h + 10 * u + rows * chip_h + (rows - 1) * 10 * u + 18 * u)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            c = self.colours
            p.fillRect(self.rect(), c.q("background"))
            if self.view is None:
                return
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self._paint(p, self.view)
        finally:
            p.end()

    def _paint(self, p: QPainter, view: PromptView) -> None:
        u, c = self.u, self.colours
        q_font, chip_font, status_font = self._fonts()
        card = QRectF(16 * u, 6 * u, self.width() - 32 * u, self.height() - 12 * u)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c.q("panel"))
        p.drawRoundedRect(card, 14 * u, 14 * u)
        p.setBrush(QColor(PICK_COLOUR))
        p.drawRoundedRect(QRectF(card.left(), card.top(), 8 * u, card.height()), 4 * u, 4 * u)
        inner = card.adjusted(28 * u, 10 * u, -20 * u, -10 * u)
        q_h = QFontMetricsF(q_font).height() + 6 * u
        status = status_line(view)
        p.setFont(status_font)
        status_w = QFontMetricsF(status_font).horizontalAdvance(status)
        tone = {Verdict.RIGHT: RIGHT_COLOUR, Verdict.WRONG: WRONG_COLOUR}.get(view.verdict)
        p.setPen(QColor(tone) if tone and view.revealed else c.q("muted"))
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), q_h), RIGHT, status)
        p.setFont(q_font)
        p.setPen(c.q("text"))
        question = QFontMetricsF(q_font).elidedText(
            f"?  {view.question}", Qt.TextElideMode.ElideRight, inner.width() - status_w - 20 * u
        )
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), q_h), LEFT, question)
        chip_h = QFontMetricsF(chip_font).height() + 16 * u
        y = inner.top() + q_h + 10 * u
        p.setFont(chip_font)
        for row in self._chip_rows(inner.width()):
            x = inner.left()
            for number, choice, w in row:
                self._paint_chip(p, view, number, choice, QRectF(x, y, w, chip_h))
                x += w + 12 * u
            y += chip_h + 10 * u

    def _paint_chip(
        self, p: QPainter, view: PromptView, number: int, choice: Choice, rect: QRectF
    ) -> None:
        u, c = self.u, self.colours
        picked = view.pick == choice.key
        known = view.revealed and view.truth is not None
        right = known and choice.key == view.truth
        fill: QColor | None = None
        mark = ""
        text = c.q("text")
        if right:
            fill, mark, text = QColor(RIGHT_COLOUR), "  ✔", QColor("#0B0D10")
        elif known and picked:
            fill, mark, text = QColor(WRONG_COLOUR), "  ✖", QColor("#0B0D10")
        elif picked:
            fill, text = QColor(PICK_COLOUR), QColor("#FFFFFF")
        if known and not right and not picked:
            text = c.q("muted")
        radius = rect.height() / 2
        if fill is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
        else:
            p.setPen(c.q("panel_line"))
            p.setBrush(c.q("background"))
        p.drawRoundedRect(rect, radius, radius)
        if picked:  # the room's pick is outlined whatever else it is
            pen = p.pen()
            pen.setColor(QColor(PICK_COLOUR) if fill is None or right else c.q("text"))
            pen.setWidthF(3 * u)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect.adjusted(1.5 * u, 1.5 * u, -1.5 * u, -1.5 * u), radius, radius)
        key = QRectF(0, 0, rect.height() * 0.72, rect.height() * 0.72)
        key.moveCenter(QPointF(rect.left() + rect.height() * 0.58, rect.center().y()))
        badge = QColor(text)
        badge.setAlphaF(0.16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(badge)
        p.drawEllipse(key)
        p.setPen(text)
        p.drawText(key, CENTRE, str(number))
        label = rect.adjusted(key.right() - rect.left() + 12 * u, 0, -12 * u, 0)
        p.drawText(label, LEFT, f"{choice.label}{mark}")


class CaptionBar(_Painted):
    """The caption as a subtitle: white on black, centred, at most three lines; the step
    counter ("3 / 9") at its right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caption_bar")
        self.caption = ""
        self.counter = ""

    def set_text(self, caption: str, counter: str) -> None:
        self.caption, self.counter = " ".join(caption.split()), counter
        self.update()

    def _counter_w(self) -> float:
        return (
            QFontMetricsF(font_px(self.font(), 22 * self.u, bold=True)).horizontalAdvance("10 / 10")
            + 40 * self.u
        )

    def caption_font(self, width: float) -> tuple[QFont, QRectF]:
        """The largest caption font (down to the floor) whose text fits in three lines."""
        u = self.u
        text_w = max(width - self._counter_w() * 2, 200.0)
        px = CAPTION_PX * u
        while True:
            font = font_px(self.font(), px)
            m = QFontMetricsF(font)
            box = m.boundingRect(QRectF(0, 0, text_w, 10_000), int(WRAP | CENTRE), self.caption)
            if box.height() <= m.lineSpacing() * CAPTION_LINES + 1 or px <= CAPTION_MIN_PX * u:
                return font, box
            px -= 1

    def height_for(self, width: int) -> int:
        font, box = self.caption_font(width)
        u = self.u
        lines = max(round(box.height() / QFontMetricsF(font).lineSpacing()), 1)
        return round(lines * QFontMetricsF(font).lineSpacing() + 30 * u)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            u, c = self.u, self.colours
            p.fillRect(self.rect(), c.q("caption_bg"))
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            counter_w = self._counter_w()
            font, _ = self.caption_font(self.width())
            p.setFont(font)
            p.setPen(c.q("caption_text"))
            text_rect = QRectF(counter_w, 0, self.width() - 2 * counter_w, self.height())
            p.drawText(text_rect, int(WRAP | CENTRE), self.caption)
            counter_font = font_px(self.font(), 22 * u, bold=True)
            p.setFont(counter_font)
            h = QFontMetricsF(counter_font).height() + 12 * u
            pill = QRectF(
                self.width() - counter_w + 10 * u, (self.height() - h) / 2, counter_w - 30 * u, h
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#2A313C"))
            p.drawRoundedRect(pill, h / 2, h / 2)
            p.setPen(QColor("#FFFFFF"))
            p.drawText(pill, CENTRE, self.counter)
        finally:
            p.end()
