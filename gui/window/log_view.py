"""The narrative log: the run told as sentences, one line per event, coloured by what happened.

Why a QTextEdit driven by one QTextCursor: it caps the block count like a log view, honours
line height (QPlainTextEdit ignores it; a projector audience needs the air), and inserting a
whole frame's lines inside one edit block means one layout and one repaint per frame however
many events arrived.  A line's colour is the state it puts its party in (working, waiting,
released) or its kind (action, failure), never the party's: a colour means one thing in the
whole window, so "Navigation ready." is in the waiting orange of the waiting pill.  Colours
are darkened (or, on the dark theme, lightened) until they reach a readable contrast, because
the log is read from the back of a room.  Lines wrap at word boundaries only: a name broken
in the middle ("Communicati / on") cannot be read.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QWidget

from engine.model.view_model import LogLine, LogTail, RunViewModel
from gui.style.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    WORK_COLOUR,
    monospace_font,
    renderable,
)

MAX_LINES = 20_000
# one short line: the placeholder shows only its first line, and the column may be narrow
EMPTY_HINT = "Press Run (Ctrl+R): the story starts here."
TEXT_PT = 14
RUN_COLOUR = "#333333"
TIME_COLOUR = "#8A8A8A"
# failures and the commands that cause them (kill, abort, reset) stand out in bold vermillion
TROUBLE_KINDS = frozenset(
    {"broken", "crash", "exit", "wedged", "stranded", "kill", "abort", "reset"}
)
# the state a line's event puts its party in: the same colours as the lanes' pills and bars
STATE_KINDS = {
    "work_start": WORK_COLOUR,
    "progress": WORK_COLOUR,
    "arrive": WAIT_COLOUR,
    "hold": WAIT_COLOUR,
    "release": RELEASE_COLOUR,
}
MIN_CONTRAST = 4.5  # WCAG AA for body text
DARK_GROUND = QColor("#0B0E13")
LIGHT_STYLE = (
    "QTextEdit { background: white; color: #222; border: 1px solid #D0D0D0; padding: 6px 4px; }"
)
DARK_STYLE = (
    "QTextEdit { background: #0B0E13; color: #F2F5F9; border: 1px solid #39414D;"
    " padding: 6px 4px; }"
)


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_on_white(colour: QColor | str) -> QColor:
    """`colour`, darkened (same hue) until its contrast with white reaches MIN_CONTRAST."""
    out = QColor(colour)
    for _ in range(40):
        if 1.05 / (_luminance(out) + 0.05) >= MIN_CONTRAST:
            break
        out = out.darker(108)
    return out


def readable_on_dark(colour: QColor | str) -> QColor:
    """`colour`, lightened (same hue) until its contrast with the dark ground is readable."""
    out = QColor(colour)
    ground = _luminance(DARK_GROUND) + 0.05
    for _ in range(40):
        if (_luminance(out) + 0.05) / ground >= MIN_CONTRAST:
            break
        out = out.lighter(110)
    return out


class NarrativeLog(QTextEdit):
    """Read-only, copyable story of the run; appends only what is new each frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.document().setMaximumBlockCount(MAX_LINES)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        # between words; inside a word only when the word alone is wider than the column
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCursorWidth(0)  # read-only: a blinking caret would only distract
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setStyleSheet(LIGHT_STYLE)
        self.setPlaceholderText(EMPTY_HINT)  # before the first run: what to do
        self._dark = False
        self._compact_time = False  # on stage: "1.52 s", a narrower time column
        self._formats: dict[tuple[bool, str], QTextCharFormat] = {}
        self._set_fonts(TEXT_PT)
        self._model: RunViewModel | None = None
        self._tail: LogTail | None = None

    def set_look(self, dark: bool, text_pt: float = TEXT_PT, text_px: float = 0.0) -> None:
        """Theme and size switch: the next update_from re-writes the story in the new look.

        `text_px` (on stage) sizes the text in pixels, a fraction of the screen's height, and
        shortens the time column; 0 keeps the desk's point size."""
        self._dark = dark
        self._compact_time = text_px > 0
        self.setStyleSheet(DARK_STYLE if dark else LIGHT_STYLE)
        self._formats.clear()
        self._set_fonts(text_pt, text_px)
        self._model = self._tail = None

    def _time_text(self, t_s: float) -> str:
        return f"{t_s:6.2f} s  " if self._compact_time else f"{t_s:8.3f} s  "

    def _set_fonts(self, text_pt: float, text_px: float = 0.0) -> None:
        text_font = QFont()
        mono = monospace_font()
        if text_px > 0:
            text_font.setPixelSize(round(text_px))
            mono.setPixelSize(max(round(text_px) - 1, 1))
        else:
            text_font.setPointSizeF(text_pt)
            mono.setPointSizeF(text_pt - 1)
        self.setFont(text_font)
        self._time_format = QTextCharFormat()
        self._time_format.setFont(mono)
        self._time_format.setForeground(QColor("#9AA4B2" if self._dark else TIME_COLOUR))
        self._block_format = QTextBlockFormat()
        column = QFontMetricsF(mono).horizontalAdvance(self._time_text(0.0))
        self._block_format.setLeftMargin(column)  # wrapped lines continue under the text,
        self._block_format.setTextIndent(-column)  # not under the time column
        self._block_format.setLineHeight(
            135.0, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        self._action_block = QTextBlockFormat(self._block_format)
        tint = QColor(ACTION_COLOUR)
        tint.setAlpha(34)
        self._action_block.setBackground(QBrush(tint))  # the whole line, not just the words

    def update_from(self, model: RunViewModel) -> None:
        """Append the LogLines new since the last call, in one edit block."""
        if model is not self._model or self._tail is None:
            self._model, self._tail = model, LogTail(model)
        fresh = self._tail.fresh()
        if self._tail.restarted:  # a new run (or a new look): the story starts on a clean page
            self.clear()
        if not fresh:
            return
        if len(fresh) > MAX_LINES:
            fresh = fresh[-MAX_LINES:]
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        for line in fresh:
            block = self._action_block if line.kind == "action" else self._block_format
            if self.document().isEmpty():
                cursor.setBlockFormat(block)
            else:
                cursor.insertBlock(block)
            cursor.insertText(self._time_text(line.t_s), self._time_format)
            cursor.insertText(renderable(line.text, self.font()), self._format_for(line))
        cursor.endEditBlock()
        if at_bottom:
            bar.setValue(bar.maximum())

    def _format_for(self, line: LogLine) -> QTextCharFormat:
        """By kind (the state the event puts its party in), never by party."""
        key = (line.party is None, line.kind)
        cached = self._formats.get(key)
        if cached is not None:
            return cached
        fmt = QTextCharFormat()
        readable = readable_on_dark if self._dark else readable_on_white
        if line.kind == "action":
            fmt.setForeground(readable(ACTION_COLOUR))
            fmt.setFontWeight(QFont.Weight.Bold)
        elif line.kind in TROUBLE_KINDS:
            fmt.setForeground(readable(BROKEN_COLOUR))
            fmt.setFontWeight(QFont.Weight.Bold)
        elif line.kind in STATE_KINDS:
            fmt.setForeground(readable(STATE_KINDS[line.kind]))
        elif line.party is None:
            fmt.setForeground(QColor("#E8ECF1" if self._dark else RUN_COLOUR))
            fmt.setFontWeight(QFont.Weight.Bold)
        else:  # a traced program's own output, and anything else a party says
            fmt.setForeground(QColor("#E8ECF1" if self._dark else RUN_COLOUR))
        self._formats[key] = fmt
        return fmt

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self._context_menu()
        menu.exec(event.globalPos())

    def _context_menu(self) -> QMenu:
        menu = QMenu(self)
        copy = menu.addAction("Copy")
        copy.setEnabled(self.textCursor().hasSelection())
        copy.triggered.connect(self.copy)
        menu.addAction("Copy all").triggered.connect(self.copy_all)
        menu.addSeparator()
        menu.addAction("Select all").triggered.connect(self.selectAll)
        return menu

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.toPlainText())
