"""The code beside the lanes: the run as the program `code` exports, with a marker per party.

Why painted and not a text editor: on a projector the pane must show the part of the program
that matters (from the action to the barrier's creation) as large as the room can read, with
each party's marker on the line it is executing now, coloured by its state and named — and it
repaints every frame.  The lines come from engine.export.codegen's line map and the markers
from engine.lessons.code_markers; this widget only lays them out.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.export.line_map import LineRole, Program
from engine.lessons.code_markers import CodeMarker
from gui.lessons.highlight import Kind, Span, highlight
from gui.lessons.look import LIGHT, MARK_COLOURS, LessonColours, unit
from gui.style.palette import monospace_font, state_look

LINE_SPACING = 1.3
MAX_CODE_PX = 24.0  # at 720 px high (scaled with the window)
MIN_CODE_PX = 13.0
KEPT_CHARS = 26  # of a marked line's statement, never covered by a marker
TITLE = "The same run as a Python program"
GATED_TITLE = "The same run as Python (here the presenter is one more party)"


class CodePane(QWidget):
    """Paints `program` around its worker function, with `markers` on their lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("code_pane")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.colours: LessonColours = LIGHT
        self.program: Program | None = None
        self.lines: list[str] = []
        self.spans: list[list[Span]] = []
        self.markers: list[CodeMarker] = []
        self.rows: list[int] = []  # the line numbers shown (1-based; blank runs shown once)
        self.code_px = MAX_CODE_PX
        self.title = TITLE

    # ------------------------------------------------------------------ input
    def set_program(self, program: Program | None, *, presenter: bool = False) -> None:
        """Show `program`; `presenter`: the run has the presenter's party, which the program
        (the scenario alone) does not, so the title says so."""
        self.program = program
        self.title = GATED_TITLE if presenter else TITLE
        self.lines = program.text.rstrip("\n").split("\n") if program else []
        self.spans = highlight(program.text) if program else []
        self.markers = []
        self.update()

    def set_markers(self, markers: list[CodeMarker]) -> None:
        if markers != self.markers:
            self.markers = markers
            self.update()

    def set_colours(self, colours: LessonColours) -> None:
        self.colours = colours
        self.update()

    # ------------------------------------------------------------------ queries (tests too)
    def focus_range(self) -> tuple[int, int]:
        """The lines worth showing: from the action (or the worker) to the barrier's creation."""
        if self.program is None or not self.lines:
            return 1, 0
        lines = self.program.lines
        starts = [lines.line(r) for r in (LineRole.ACTION_DEF, LineRole.WORKER_DEF)]
        first = min((n for n in starts if n is not None), default=1)
        last = lines.line(LineRole.BARRIER) or len(self.lines)
        return first, min(last, len(self.lines))

    def title_lines(self, font: QFont, width: float) -> tuple[str, int]:
        """The title as painted in `width` and its number of lines: wrapped onto a second line
        rather than cut, since its end is what explains a lane the program does not have."""
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(self.title) <= width:
            return self.title, 1
        words, first = self.title.split(), ""
        while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width:
            first = f"{first} {words.pop(0)}".strip()
        rest = metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)
        return (f"{first}\n{rest}" if first else rest), 2

    def line_text(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def _rows_from(self, first: int, last: int) -> list[int]:
        """Line numbers from `first` to `last`, a run of blank lines shown as one."""
        out: list[int] = []
        for number in range(first, last + 1):
            if not self.line_text(number).strip() and out and not self.line_text(out[-1]).strip():
                continue
            out.append(number)
        return out

    # ------------------------------------------------------------------ layout
    def _layout(self, title_h: float) -> tuple[QFont, float]:
        """The code font and line height; sets `rows` to the lines that fit."""
        u = unit(self.window().height())
        first, last = self.focus_range()
        room = max(self.height() - title_h - 16 * u, 40.0)
        wanted = self._rows_from(first, last)
        px = min(MAX_CODE_PX * u, room / (max(len(wanted), 1) * LINE_SPACING))
        px = max(px, MIN_CODE_PX * min(u, 1.2))
        self.code_px = px
        line_h = px * LINE_SPACING
        fits = max(int(room // line_h), 1)
        rows = wanted
        if fits < len(wanted):  # too long: keep the worker (where the markers live) in view
            rows = self._rows_from(self._first_kept(first), len(self.lines))[:fits]
        self.rows = rows
        font = monospace_font()
        font.setPixelSize(max(round(px), 1))
        return font, line_h

    def _first_kept(self, first: int) -> int:
        """Where a program too long for the pane starts: at the worker, or earlier or later
        so that every marker is in view (the action's with its def line)."""
        lines = self.program.lines if self.program else None
        if lines is None:
            return first
        start = lines.line(LineRole.WORKER_DEF) or first
        marked = [m.line for m in self.markers]
        if any(m.role == LineRole.ACTION for m in self.markers):
            start = min(start, lines.line(LineRole.ACTION_DEF) or start)
        elif marked:
            start = min(start, min(marked))
        return start

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            c = self.colours
            p.fillRect(self.rect(), c.q("panel"))
            if not self.lines:
                return
            u = unit(self.window().height())
            title_font = QFont(self.font())
            title_font.setPixelSize(round(15 * u))
            title_font.setBold(True)
            title, lines = self.title_lines(title_font, self.width() - 28 * u)
            title_h = QFontMetricsF(title_font).lineSpacing() * lines + 14 * u
            p.setFont(title_font)
            p.setPen(c.q("muted"))
            p.drawText(
                QRectF(14 * u, 6 * u, self.width() - 28 * u, title_h - 6 * u),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                title,
            )
            font, line_h = self._layout(title_h)
            self._paint_lines(p, font, line_h, title_h, u)
        finally:
            p.end()

    def _paint_lines(self, p: QPainter, font: QFont, line_h: float, top: float, u: float) -> None:
        c = self.colours
        metrics = QFontMetricsF(font)
        char_w = metrics.horizontalAdvance("M")
        digits = len(str(max(self.rows, default=1)))
        gutter = char_w * (digits + 1.5) + 10 * u
        by_line: dict[int, list[CodeMarker]] = {}
        for marker in self.markers:
            by_line.setdefault(marker.line, []).append(marker)
        chip_font = QFont(self.font())
        chip_font.setPixelSize(round(max(font.pixelSize() * 0.82, 12 * u)))
        chip_font.setBold(True)
        for row, number in enumerate(self.rows):
            y = top + row * line_h
            rect = QRectF(0, y, self.width(), line_h)
            here = by_line.get(number, [])
            if here:
                colour = QColor(MARK_COLOURS.get(here[0].state.value, "#888888"))
                tint = QColor(colour)
                tint.setAlphaF(0.26 if not c.dark else 0.34)
                p.fillRect(rect, tint)
                p.fillRect(QRectF(0, y, 6 * u, line_h), colour)
            p.setFont(font)
            p.setPen(c.q("muted"))
            p.drawText(
                QRectF(0, y, gutter - 8 * u, line_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(number),
            )
            chips_left: float = self.width()
            if here:
                keep = self._kept_x(number, gutter, metrics) + 10 * u
                chips_left = self._paint_chips(p, chip_font, here, rect, keep, u)
            p.save()
            p.setClipRect(QRectF(gutter, y, max(chips_left - gutter - 6 * u, 0), line_h))
            p.setFont(font)
            self._paint_code(p, number, gutter, y, line_h, metrics)
            p.restore()

    def _paint_code(
        self, p: QPainter, number: int, x0: float, y: float, line_h: float, m: QFontMetricsF
    ) -> None:
        text = self.lines[number - 1]
        spans = self.spans[number - 1] if number - 1 < len(self.spans) else []
        c = self.colours
        colours = {
            Kind.PLAIN: c.q("text"),
            Kind.KEYWORD: c.q("keyword"),
            Kind.STRING: c.q("string"),
            Kind.COMMENT: c.q("comment"),
            Kind.NUMBER: c.q("number"),
            Kind.BUILTIN: c.q("builtin"),
            Kind.DEFINITION: c.q("definition"),
        }
        pieces: list[tuple[str, Kind]] = []
        at = 0
        for span in sorted(spans, key=lambda s: s.start):
            if span.start > at:
                pieces.append((text[at : span.start], Kind.PLAIN))
            pieces.append((text[max(span.start, at) : span.end], span.kind))
            at = max(at, span.end)
        pieces.append((text[at:], Kind.PLAIN))
        x = x0
        baseline = y + (line_h + m.ascent() - m.descent()) / 2
        for piece, kind in pieces:
            if not piece:
                continue
            p.setPen(colours[kind])
            p.drawText(round(x), round(baseline), piece)
            x += m.horizontalAdvance(piece)

    def _kept_x(self, number: int, x0: float, metrics: QFontMetricsF) -> float:
        """Where the chips may begin on line `number`: after its statement (the start of a
        long line at least), so that a marker never hides the code it points at."""
        text = self.line_text(number).rstrip()
        indent = len(text) - len(text.lstrip())
        return x0 + metrics.horizontalAdvance(text[: indent + KEPT_CHARS])

    def _paint_chips(
        self,
        p: QPainter,
        font: QFont,
        markers: list[CodeMarker],
        rect: QRectF,
        keep: float,
        u: float,
    ) -> float:
        """Name chips at the right end of a marked line, right of `keep` if they can be (full
        names, else initials); returns where they begin."""
        metrics = QFontMetricsF(font)
        pad, gap = 8 * u, 6 * u
        h = min(rect.height() * 0.86, metrics.height() + 6 * u)
        right = self.width() - 10 * u

        def width(names: list[str]) -> float:
            return sum(metrics.horizontalAdvance(n) + 2 * pad + gap for n in names)

        names = [f"{state_look(m.state).icon} {m.name}" for m in markers]
        if right - width(names) < keep:
            names = [f"{state_look(m.state).icon} {_initials(m.name)}" for m in markers]
        x = right
        p.setFont(font)
        for marker, name in zip(reversed(markers), reversed(names), strict=True):
            w = metrics.horizontalAdvance(name) + 2 * pad
            chip = QRectF(x - w, rect.center().y() - h / 2, w, h)
            colour = QColor(MARK_COLOURS.get(marker.state.value, "#888888"))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(chip, h / 2, h / 2)
            p.setPen(QColor("#FFFFFF" if marker.state.value in ("died", "stopped") else "#0B0D10"))
            p.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x -= w + gap
        return x


def _initials(name: str) -> str:
    words = name.split()
    if len(words) > 1:
        return "".join(w[0] for w in words if w)[:3]
    return name[:3]
