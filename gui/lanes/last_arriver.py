"""Mark, on its lane, the party that arrived last in each stage: the one the others waited for.

A dark flag sits just past the gate on that party's row ("⚑ last: 1, 3" in big rows, the flag
alone in a crowd; after the party's name when a narrow window leaves no room past the gate),
so across a run you see who kept tripping the barrier.  It reads the
view model's stage book (the last arriver of every stage that tripped), kept until the book
changes, and is painted over the lanes through `LanesView.overlays` (the analysis pane adds
it when it is shown).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from engine.model.stage_records import StageBook, StageKey
from engine.model.view_model import RunViewModel
from gui.lanes.layout import LaneGeometry, LayoutKind, sized_font

MAX_LISTED = 3  # "last: 1, 2, 3 …": more stages are counted, not listed
TINY_ROW_PX = 9.0  # thinner rows get a plain tick (256 parties: ~2 px a row)
FLAG = "⚑"
LONGEST_LABEL = "index 99"  # the bar's own label a flag must keep clear of


def last_arrivals(book: StageBook) -> dict[int, list[str]]:
    """party -> the stages (as people count them) it arrived last in, for stages that tripped."""
    return _labels({(r.barrier, r.stage): r.last_arriver for r in book.all_records() if r.releases})


def _labels(lasts: dict[StageKey, int | None]) -> dict[int, list[str]]:
    several = len({barrier for barrier, _ in lasts}) > 1
    out: dict[int, list[str]] = {}
    for (barrier, stage), last in sorted(lasts.items(), key=lambda kv: (kv[0][0] or -1, kv[0][1])):
        if last is not None:
            out.setdefault(last, []).append(
                f"#{barrier}/{stage + 1}" if several else str(stage + 1)
            )
    return out


def flag_text(stages: list[str], compact: bool, short: bool = False) -> str:
    """ "⚑ last: 1, 3" — or, with less room, "⚑ 1, 3" (short) or "⚑" (compact)."""
    if compact:
        return FLAG
    listed = f"×{len(stages)}" if len(stages) > MAX_LISTED else ", ".join(stages)
    if short:
        return f"{FLAG} {listed}"
    return f"{FLAG} last ×{len(stages)}" if len(stages) > MAX_LISTED else f"{FLAG} last: {listed}"


class LastArriverMarks:
    """A lanes overlay: `marks(p, geometry, model, now_ns)` paints the flags."""

    def __init__(self) -> None:
        self._epoch = -1
        self._version = -1
        self._lasts: dict[StageKey, int | None] = {}  # tripped stage -> its last arriver
        self.by_party: dict[int, list[str]] = {}
        self.dark = False
        self._font = QFont()
        self._font_for: LaneGeometry | None = None
        # the geometry and marks the pills were laid out for (held: ids could be reused)
        self._pills_for: tuple[LaneGeometry | None, dict[int, list[str]] | None] = (None, None)
        self._pill_cache: list[tuple[QRectF, str]] = []

    def _refresh(self, book: StageBook) -> dict[int, list[str]]:
        """Only the stages the book changed since the last frame are looked at again."""
        if book.epoch != self._epoch:
            self._epoch, self._version, self._lasts, self.by_party = book.epoch, -1, {}, {}
        if book.version == self._version:
            return self.by_party
        changed = False
        for record in book.changed_since(self._version):
            if record.releases:
                key = (record.barrier, record.stage)
                last = record.last_arriver
                if self._lasts.get(key, -1) != last:
                    self._lasts[key], changed = last, True
        self._version = book.version
        if changed:
            self.by_party = _labels(self._lasts)
        return self.by_party

    def __call__(self, p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int) -> None:
        if g.kind == LayoutKind.TILES:
            return  # a tile has no room past a gate for a flag
        marks = self._refresh(model.stage_book)
        if not marks:
            return
        pills = self._pills(g, marks, [lane.name for lane in model.lanes[: g.rows]])
        ink = QColor("#F2F5F9" if self.dark else "#14171C")
        paper = QColor("#0B0E13" if self.dark else "#FFFFFF")
        if g.row_h < TINY_ROW_PX:  # a crowd of thin rows: a tick past the gate, no words
            for rect, _ in pills:
                p.fillRect(rect, ink)
            return
        p.setFont(self._font)
        for rect, text in pills:
            p.setPen(paper)
            p.setBrush(ink)
            p.drawRoundedRect(rect, rect.height() * 0.3, rect.height() * 0.3)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    @property
    def placed(self) -> list[tuple[QRectF, str]]:
        """Where the flags were last painted, and what they said."""
        return list(self._pill_cache)

    def _pills(
        self, g: LaneGeometry, marks: dict[int, list[str]], names: list[str]
    ) -> list[tuple[QRectF, str]]:
        """Where each flag goes and what it says, kept until the geometry or the marks change."""
        if g is self._pills_for[0] and marks is self._pills_for[1]:
            return self._pill_cache
        if g is not self._font_for:
            px = g.small_font.pixelSize() * (0.9 if g.compact else 1.0)
            self._font, self._font_for = sized_font(g.small_font, px, bold=True), g
        metrics = QFontMetricsF(self._font)
        short = g.compact or g.row_h < 2.2 * metrics.height()
        h = min(metrics.height() * 1.25, g.row_h * 0.9)
        pills = []
        for party, stages in marks.items():
            if 0 <= party < g.rows:
                pad = max(g.bar_h * 0.3, 4.0)
                x = g.gate_x + pad
                room = g.width - 2 - x
                for text in (flag_text(stages, short), flag_text(stages, short, short=True)):
                    w = metrics.horizontalAdvance(text) + h * 0.6 if g.row_h >= TINY_ROW_PX else h
                    if w <= room:
                        break
                else:  # no room past the gate (a narrow desk, big text on stage)
                    name = names[party] if party < len(names) else ""
                    x = beside_the_name(g, name, w, pad)
                pills.append((QRectF(x, g.row_centre(party) - h / 2, w, h), text))
        self._pills_for, self._pill_cache = (g, marks), pills
        return pills


def beside_the_name(g: LaneGeometry, name: str, w: float, pad: float) -> float:
    """Where a flag goes when there is no room past the gate: after the party's name if the
    name column has the room, else at the start of the bar if the bar's own label ("index 2",
    right-aligned) keeps clear of it, else just before the gate (over the label's start)."""
    if g.show_names:
        text_x = g.name_text_x
        name_end = text_x + min(
            QFontMetricsF(g.name_font).horizontalAdvance(name), g.name_w - (text_x - g.name_x)
        )
        column_end = min(g.name_x + g.name_w, g.badge_x - pad)
        if name_end + pad + w <= column_end:
            return column_end - w
    label = QFontMetricsF(g.small_font).horizontalAdvance(LONGEST_LABEL) + g.bar_h * 0.5
    if g.track_x0 + pad + w + pad + label <= g.gate_x:
        return g.track_x0 + pad
    return g.gate_x - pad - w
