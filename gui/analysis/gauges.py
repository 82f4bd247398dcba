"""The load-balance gauge: the run's value against POP's 0.8, and one small bar per stage.

Load balance = mean work ÷ max work (1.0: everyone worked as long as the slowest).  The gauge
shows the run's value on a 0–1 track with the 0.8 line marked; below it, each stage's value
as a column, so a stage that was badly balanced stands out.  Each reads without colour too:
"✓ good" or "⚠ worth fixing" beside the number, and the dashed 0.8 line across the columns.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.model.wait_states import RunWaitStates
from engine.model.wait_states.text import WORTH_FIXING
from gui.analysis.look import GOOD_COLOUR, POOR_COLOUR, PaneLook

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


def verdict(value: float) -> str:
    return "✓ good" if value >= WORTH_FIXING else "⚠ worth fixing"


def tone(value: float) -> QColor:
    return QColor(GOOD_COLOUR if value >= WORTH_FIXING else POOR_COLOUR)


class BalanceGauges(QWidget):
    """Paints the run's load balance and each stage's; repainted only when they change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("balance_gauges")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.look = PaneLook()
        self.states: RunWaitStates | None = None
        self.paints = 0

    def set_look(self, look: PaneLook) -> None:
        self.look = look
        self.updateGeometry()
        self.update()

    def set_states(self, states: RunWaitStates | None) -> None:
        if states is not self.states:
            before = self.sizeHint()
            self.states = states
            if self.sizeHint() != before:
                self.updateGeometry()
            self.update()

    def sizeHint(self) -> QSize:
        if self.states is None or not self.states.stages:  # the one-line hint
            return QSize(300, round(self.look.px() * 3))
        line = self.look.px() * 1.5
        return QSize(300, round(line * 2.2 + 12 + line * 3.4))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.fillRect(self.rect(), self.look.q("background"))
            states = self.states
            if states is None or not states.stages:
                p.setFont(self.look.font())
                p.setPen(self.look.q("hint"))
                text = "The load balance appears as soon as a stage is over."
                p.drawText(QRectF(self.rect()), LEFT | Qt.TextFlag.TextWordWrap, text)
                return
            line = self.look.px() * 1.5
            self._paint_run(p, states.load_balance, QRectF(0, 0, self.width(), line * 2.2))
            top = line * 2.2 + 12
            self._paint_stages(p, states, QRectF(0, top, self.width(), self.height() - top))
        finally:
            p.end()

    def _paint_run(self, p: QPainter, value: float, box: QRectF) -> None:
        look = self.look
        big = look.font(20, bold=True)
        p.setFont(big)
        p.setPen(look.q("text"))
        number = f"{value:.2f}"
        width = QFontMetricsF(big).horizontalAdvance(number)
        head = QRectF(box.left(), box.top(), box.width(), box.height() * 0.55)
        p.drawText(head, LEFT, number)
        small = look.font()
        p.setFont(small)
        p.setPen(tone(value).darker(135) if not look.dark else tone(value))
        text = f"{verdict(value)} · mean ÷ max work"
        rest = QRectF(
            head.left() + width + 10, head.top(), head.width() - width - 10, head.height()
        )
        elided = QFontMetricsF(small).elidedText(text, Qt.TextElideMode.ElideRight, rest.width())
        p.drawText(rest, LEFT, elided)
        track_h = max(8.0, box.height() * 0.16)
        track = QRectF(box.left(), box.bottom() - track_h * 1.6, box.width() - 2, track_h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(look.q("track"))
        p.drawRoundedRect(track, track_h / 2, track_h / 2)
        filled = QRectF(track.left(), track.top(), track.width() * min(max(value, 0), 1), track_h)
        p.setBrush(tone(value))
        p.drawRoundedRect(filled, track_h / 2, track_h / 2)
        x = track.left() + track.width() * WORTH_FIXING
        p.setPen(QPen(look.q("text"), 2))
        p.drawLine(QPointF(x, track.top() - 4), QPointF(x, track.bottom() + 4))
        p.setFont(look.font(11))
        p.setPen(look.q("muted"))
        label = QRectF(x - 60, track.bottom() + 2, 120, track_h * 1.6)
        p.drawText(label, CENTRE, f"{WORTH_FIXING} (POP)")

    def _paint_stages(self, p: QPainter, states: RunWaitStates, box: QRectF) -> None:
        """One column per stage (its load balance), the dashed 0.8 line across them."""
        look = self.look
        stages = states.stages
        small = look.font(11)
        metrics = QFontMetricsF(small)
        label_h = metrics.height() * 1.2
        caption_w = metrics.horizontalAdvance("per stage") + 10
        chart = QRectF(
            box.left() + caption_w, box.top(), box.width() - caption_w, box.height() - label_h
        )
        n = len(stages)
        step = min(chart.width() / n, look.px() * 2.5)  # few stages: columns, not blocks
        gap = min(step * 0.25, 4.0)
        p.setPen(Qt.PenStyle.NoPen)
        for i, s in enumerate(stages):
            height = chart.height() * min(max(s.load_balance, 0.0), 1.0)
            x = chart.left() + i * step + gap / 2
            colour = tone(s.load_balance)
            if s.outcome == "open":
                colour.setAlphaF(0.45)  # still waiting: its value may change
            p.setBrush(colour)
            p.drawRect(QRectF(x, chart.bottom() - height, step - gap, height))
        y = chart.bottom() - chart.height() * WORTH_FIXING
        p.setPen(QPen(look.q("text"), 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(chart.left(), y), QPointF(chart.left() + step * n, y))
        p.setFont(small)
        p.setPen(look.q("muted"))
        p.drawText(QRectF(box.left(), chart.top(), caption_w, chart.height()), LEFT, "per stage")
        below = chart.bottom() + 1
        for i in {0, n - 1}:
            centre = chart.left() + (i + 0.5) * step
            p.drawText(QRectF(centre - 30, below, 60, label_h), CENTRE, str(i + 1))
