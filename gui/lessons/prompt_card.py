"""The prompt card: the question, its numbered answers, the room's pick and the truth.

Why it says everything twice: a projector washes colours out, so the run's answer is green
*and* ticked (✔), a wrong pick vermillion *and* crossed (✖), the room's pick outlined, and a
status line says in words where the prompt is ("1–4: the room's answer · → reveal", "✔
Right!").  It takes a `PromptView` (plain values) and never reads the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from engine.lessons import Choice, Verdict
from gui.lessons.cards import CENTRE, LEFT, RIGHT, Painted, font_px
from gui.lessons.look import PICK_COLOUR, RIGHT_COLOUR, WRONG_COLOUR


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


class PromptCard(Painted):
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
