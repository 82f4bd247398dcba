"""The lesson's words around the lanes: the header above them and the subtitle strip below
(the prompt card is in prompt_card.py).

Why painted: each is a few lines of big type whose size follows the window (gui/lessons/look).
They take plain values (`set_*`) and never read the run; the window feeds them.
`height_for(width)` tells the window how tall each wants to be.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.lessons.look import LIGHT, LessonColours, unit

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


class Painted(QWidget):
    """A strip of big type in the lesson's colours, sized in the window's unit."""

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


class LessonHeader(Painted):
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


class CaptionBar(Painted):
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
