"""Per-party bars: how long each party waited at the barrier, and how long it made the others
wait (the delay cost charged to it as the last arriver), cumulative over the run.

Why two bars on one scale: a party with a long orange bar and no vermillion one only suffered
the barrier; a long vermillion bar is the party to look at.  A crowd shows the parties that
matter most (largest wait plus delay cost) and sums up the rest in one line, so 256 parties
cost as little to paint as 12.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.model.wait_states import PartyWaitStates, RunWaitStates
from engine.model.wait_states.text import duration
from gui.analysis.look import CAUSED_COLOUR, WAITED_COLOUR, PaneLook

MAX_ROWS = 12  # more parties: the 11 that matter most, then one line for the rest
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class BarRows:
    """What the bars show: rows in order, and the parties folded into the last line."""

    rows: tuple[PartyWaitStates, ...]
    folded: int
    folded_wait_ns: int
    folded_cost_ns: int


def choose_rows(states: RunWaitStates, limit: int = MAX_ROWS) -> BarRows:
    parties = states.parties
    if len(parties) <= limit:
        return BarRows(parties, 0, 0, 0)
    ranked = sorted(parties, key=lambda p: (-(p.wait_ns + p.delay_cost_ns), p.party))
    shown, rest = ranked[: limit - 1], ranked[limit - 1 :]
    shown.sort(key=lambda p: p.party)
    return BarRows(
        tuple(shown),
        len(rest),
        sum(p.wait_ns for p in rest),
        sum(p.delay_cost_ns for p in rest),
    )


class PartyBars(QWidget):
    """Paints the bars; repainted only when the analysis changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("party_bars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.look = PaneLook()
        self.states: RunWaitStates | None = None
        self.names: list[str] = []
        self.rows = BarRows((), 0, 0, 0)
        self.paints = 0
        self._fonts(PaneLook())

    def _fonts(self, look: PaneLook) -> None:
        """Fonts and metrics, made once per look (not per row and frame)."""
        self.look = look
        self._name_font = look.font(bold=True)
        self._small_font = look.font(12)
        self._name_metrics = QFontMetricsF(self._name_font)
        self._small_metrics = QFontMetricsF(self._small_font)
        self._value_w = self._small_metrics.horizontalAdvance("888.8 ms") + 6

    def set_look(self, look: PaneLook) -> None:
        self._fonts(look)
        self.updateGeometry()
        self.update()

    def set_states(self, states: RunWaitStates | None, names: list[str]) -> None:
        if states is self.states and names == self.names:
            return
        before = self.sizeHint()
        self.states, self.names = states, list(names)
        self.rows = choose_rows(states) if states is not None else BarRows((), 0, 0, 0)
        if self.sizeHint() != before:
            self.updateGeometry()
        self.update()

    def _row_h(self) -> float:
        return self.look.px() * 2.7

    def sizeHint(self) -> QSize:
        if self.states is None or not self.states.stages:  # the one-line hint
            return QSize(300, round(self.look.px() * 3))
        count = max(len(self.rows.rows) + bool(self.rows.folded), 1)
        return QSize(300, round(self.look.px() * 1.8 + count * self._row_h()))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def name(self, party: int) -> str:
        return self.names[party] if 0 <= party < len(self.names) else f"Party {party + 1}"

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), self.look.q("background"))  # rectangles: no antialiasing
            rows = self.rows
            if self.states is None or not self.states.stages:
                p.setFont(self.look.font())
                p.setPen(self.look.q("hint"))
                text = "Each party's wait appears here as soon as a stage is over."
                p.drawText(QRectF(self.rect()), LEFT | Qt.TextFlag.TextWordWrap, text)
                return
            self._paint_legend(p)
            scale = max(
                [1, *(max(r.wait_ns, r.delay_cost_ns) for r in rows.rows)],
                default=1,
            )
            top = self.look.px() * 1.8
            for i, row in enumerate(rows.rows):
                self._paint_row(p, row, top + i * self._row_h(), scale)
            if rows.folded:
                self._paint_folded(p, top + len(rows.rows) * self._row_h())
        finally:
            p.end()

    def _paint_legend(self, p: QPainter) -> None:
        look = self.look
        p.setFont(self._small_font)
        chip = look.px(12) * 0.8
        x, y, h = 0.0, 0.0, look.px() * 1.5
        for colour, words in (
            (WAITED_COLOUR, "waited at the barrier"),
            (CAUSED_COLOUR, "made others wait"),
        ):
            p.fillRect(QRectF(x, y + (h - chip) / 2, chip, chip), QColor(colour))
            x += chip + 5
            p.setPen(look.q("text"))
            width = self._small_metrics.horizontalAdvance(words)
            p.drawText(QRectF(x, y, width + 2, h), LEFT, words)
            x += width + 16

    def _paint_row(self, p: QPainter, row: PartyWaitStates, y: float, scale: int) -> None:
        look = self.look
        h = self._row_h()
        name_w = min(self.width() * 0.38, look.px() * 10)
        text = QColor(look.q("text"))
        p.setFont(self._name_font)
        p.setPen(text)
        flag = f" ⚑{row.last_count}" if row.last_count else ""  # stages it arrived last in
        room = name_w - 6 - self._name_metrics.horizontalAdvance(flag)
        name = self._name_metrics.elidedText(
            self.name(row.party), Qt.TextElideMode.ElideRight, room
        )
        p.drawText(QRectF(0, y, name_w, h), LEFT, name + flag)
        value_w = self._value_w
        x0 = name_w + 4
        reach = max(self.width() - x0 - value_w, 10.0)
        bar_h = h * 0.30
        p.setFont(self._small_font)
        for k, (value, colour) in enumerate(
            ((row.wait_ns, WAITED_COLOUR), (row.delay_cost_ns, CAUSED_COLOUR))
        ):
            top = y + h * 0.14 + k * (bar_h + h * 0.08)
            width = reach * value / scale
            if not value:  # no bar, no number: the other bar of the row says it all
                continue
            p.fillRect(QRectF(x0, top, max(width, 1.5), bar_h), QColor(colour))
            p.setPen(text)
            label = QRectF(x0 + width + 4, top - 2, value_w + 8, bar_h + 4)
            p.drawText(label, LEFT, duration(value))

    def _paint_folded(self, p: QPainter, y: float) -> None:
        rows, look = self.rows, self.look
        p.setFont(self._small_font)
        p.setPen(look.q("muted"))
        cost = rows.folded_cost_ns
        caused = f"made others wait {duration(cost)}" if cost else "made nobody wait"
        text = f"… {rows.folded} more parties: waited {duration(rows.folded_wait_ns)}, {caused}"
        p.drawText(QRectF(0, y, self.width(), self._row_h()), LEFT | Qt.TextFlag.TextWordWrap, text)
