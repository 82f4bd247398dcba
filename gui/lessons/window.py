"""The lesson window: the step's title, the live lanes with the code beside them, the prompt
for the room, and the caption as a subtitle with the step counter.

Why a window of its own: a lesson takes the keys a presentation clicker sends (→ / PgDn / Space
next, ← / PgUp back, B blank) and 1–9 for the room's answer, which in the main window mean
other things; and a talk wants nothing on screen but the run and its words.  Everything it
shows is read from the driver's model and session once per frame; the keys only call the
driver (gui/lessons/driver.py), which the autoplay and the tests call too.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.lessons import Lesson, Move, choices, truth
from engine.lessons.code_markers import code_markers
from gui.features.presentation import Look
from gui.lanes.view import LanesView
from gui.lessons.cards import CaptionBar, LessonHeader
from gui.lessons.code_pane import CodePane
from gui.lessons.driver import LessonDriver
from gui.lessons.look import THEME_COLOURS, unit
from gui.lessons.prompt_card import PromptCard, PromptView
from gui.style.placement import available_rect, fitted_size

DEFAULT_SIZE = (1280, 720)
CODE_SHARE = 0.40  # of the body's width, when the code is shown
NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space)
BACK_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
BLANK_KEYS = (Qt.Key.Key_B, Qt.Key.Key_Period)  # clickers send "." or B for a black screen
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
KEY_HELP = (
    ("→  PgDn  Space", "next: reveal, open the gate, continue, next step"),
    ("←  PgUp", "previous step"),
    ("1 – 9", "the room's answer (press again to take it back)"),
    ("G", "open the gate (reveal)"),
    ("N", "continue to the next stage"),
    ("R  Ctrl+R", "run this step again"),
    ("C", "show / hide the code"),
    ("B  .", "blank screen"),
    ("F11", "full screen"),
    ("F1  ?", "these keys"),
    ("Esc", "leave the lesson"),
)
HELP_KEYS = (Qt.Key.Key_F1, Qt.Key.Key_Question)


class LessonWindow(QWidget):
    """One lesson on screen; `driver` plays it."""

    left = Signal()  # the lesson window closed (Esc, or the window's close button)

    def __init__(
        self,
        lesson: Lesson,
        *,
        theme: str = "light",
        presenting: bool = False,
        speed_factor: float = 1.0,
        autostart: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("lesson_window")
        self.setWindowTitle(f"{lesson.title} — Barrier Visualiser")
        self.driver = LessonDriver(lesson, speed_factor=speed_factor, parent=self)
        self.look = Look(theme, 1.0, presenting)
        self.colours = THEME_COLOURS.get(theme, THEME_COLOURS["light"])
        self.header = LessonHeader()
        self.lanes = LanesView()
        self.code = CodePane()
        self.prompt = PromptCard()
        self.caption = CaptionBar()
        self.blank = QWidget(self)
        self.blank.setObjectName("lesson_blank")
        self.blank.setStyleSheet("background: black;")
        self.blank.hide()
        self.keys_card = QLabel(self)
        self.keys_card.setObjectName("lesson_keys")
        self.keys_card.setTextFormat(Qt.TextFormat.RichText)
        self.keys_card.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys_card.hide()
        self.code_shown = False
        self._started = not autostart  # False: the first show starts step 1
        self._build()
        self._apply_look()
        self.driver.step_changed.connect(self._on_step)
        self.driver.prompt_changed.connect(self._show_prompt)
        self.driver.frame.connect(self._on_frame)
        self.lanes.gate_clicked.connect(self._gate)
        # inside the screen, with room for a title bar (a 720 px screen cut the caption)
        self.resize(fitted_size(QSize(*DEFAULT_SIZE), available_rect(self.screen())))

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        for widget in (self.header, self.lanes, self.code, self.prompt, self.caption):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.lanes, round(100 * (1 - CODE_SHARE)))
        body.addWidget(self.code, round(100 * CODE_SHARE))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addLayout(body, 1)
        column.addWidget(self.prompt)
        column.addWidget(self.caption)

    def _apply_look(self) -> None:
        self.lanes.set_style(self.look.lane_style())
        for part in (self.header, self.code, self.prompt, self.caption):
            part.set_colours(self.colours)
        self.setStyleSheet(f"QWidget#lesson_window {{ background: {self.colours.background}; }}")

    def set_presenting(self, on: bool) -> None:
        """Full screen and the lanes' big type (F11 toggles)."""
        self.look = replace(self.look, presenting=on)
        self._apply_look()
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # ------------------------------------------------------------------ lifetime
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()
        if not self._started:
            self._started = True
            self.driver.go(0)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.driver.shutdown()
        super().closeEvent(event)
        self.left.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.blank.setGeometry(self.rect())
        if self.look.stage_px != self.height():  # on stage, text follows the window's height
            self.look = replace(self.look, stage_px=max(self.height(), 1))
            self._apply_look()
        self._relayout()

    def _relayout(self) -> None:
        """Heights of the painted strips for this width (they follow the window's height)."""
        width = self.width()
        self.header.setFixedHeight(self.header.height_for(width))
        self.caption.setFixedHeight(self.caption.height_for(width))
        self.prompt.setFixedHeight(self.prompt.height_for(width))
        self.prompt.setVisible(self.prompt.view is not None)

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_R:
            self.driver.go(self.driver.index)  # what the lanes' "run again" hint says
            return
        if modifiers:
            super().keyPressEvent(event)
            return
        if self.keys_card.isVisible() and key in (*HELP_KEYS, Qt.Key.Key_Escape):
            self.keys_card.hide()
        elif key in HELP_KEYS:
            self.show_keys()
        elif key in NEXT_KEYS:
            self.driver.advance()
        elif key in BACK_KEYS:
            self.driver.back()
        elif key in BLANK_KEYS:
            self.set_blank(not self.blank.isVisible())
        elif key in DIGITS:
            self.driver.pick(DIGITS[key])
        elif key == Qt.Key.Key_G:
            self._gate()
        elif key == Qt.Key.Key_N:  # what the lanes' step-through card says
            if self.driver.next_move() == Move.CONTINUE:
                self.driver.advance()
        elif key == Qt.Key.Key_R:
            self.driver.go(self.driver.index)
        elif key == Qt.Key.Key_C:
            self.set_code_shown(not self.code_shown)
        elif key == Qt.Key.Key_F11:
            self.set_presenting(not self.isFullScreen())
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def _gate(self) -> None:
        """G or a click on the gate: the presenter's party arrives (revealing a held prompt)."""
        if self.driver.next_move() in (Move.REVEAL, Move.OPEN_GATE):
            self.driver.advance()

    def show_keys(self) -> None:
        """F1 / ?: the lesson's keys, over everything (F1, ? or Esc hides them)."""
        u, c = self.unit, self.colours
        rows = "".join(
            f"<tr><td style='padding:{6 * u:.0f}px {24 * u:.0f}px {6 * u:.0f}px 0'><b>{k}</b></td>"
            f"<td style='padding:{6 * u:.0f}px 0'>{html.escape(what)}</td></tr>"
            for k, what in KEY_HELP
        )
        self.keys_card.setText(f"<table>{rows}</table>")
        self.keys_card.setStyleSheet(
            f"QLabel#lesson_keys {{ background: {c.panel}; color: {c.text};"
            f" font-size: {22 * u:.0f}px; border: 2px solid {c.panel_line};"
            f" border-radius: {16 * u:.0f}px; padding: {24 * u:.0f}px; }}"
        )
        self.keys_card.adjustSize()
        card = self.keys_card.rect()
        card.moveCenter(self.rect().center())
        self.keys_card.move(card.topLeft())
        self.keys_card.show()
        self.keys_card.raise_()

    def set_blank(self, on: bool) -> None:
        self.blank.setGeometry(self.rect())
        self.blank.setVisible(on)
        if on:
            self.blank.raise_()

    def set_code_shown(self, on: bool) -> None:
        self.code_shown = on
        self.code.setVisible(on)
        if on:
            self.code.set_program(self.driver.program(), presenter=self.driver.step.presenter_gate)
            self._update_markers(self.driver.controller.clock())

    # ------------------------------------------------------------------ the step on screen
    def _on_step(self, index: int) -> None:
        driver = self.driver
        step = driver.step
        self.caption.set_text(step.caption, driver.session.counter)
        self.code.set_program(None)
        self.set_code_shown(step.show_code)
        self._show_prompt()
        self._relayout()  # the caption's height follows its text

    def _show_prompt(self) -> None:
        driver = self.driver
        step, state = driver.step, driver.session.prompt_state
        view = None
        if step.prompt is not None:
            view = PromptView(
                question=step.prompt.question,
                choices=choices(step),
                pick=state.pick,
                revealed=state.revealed,
                truth=truth(step, driver.model) if state.revealed else None,
                verdict=driver.verdict,
            )
        had = self.prompt.view is not None
        self.prompt.set_view(view)
        right, answered = driver.session.score
        score = f"·  ✔ {right} of {answered} right" if answered else ""
        self.header.set_text(driver.lesson.title, step.title, score)
        if had != (view is not None) or view is not None:
            self._relayout()

    def _on_frame(self, now_ns: int) -> None:
        self.lanes.update_from(self.driver.model, now_ns)
        if self.code_shown:
            self._update_markers(now_ns)

    def _update_markers(self, now_ns: int) -> None:
        driver = self.driver
        program = driver.program()
        self.code.set_markers(
            code_markers(driver.model, program.lines, driver.step.scenario, now_ns)
        )

    def show_end(self) -> None:
        """The lesson is over: its score, and how to go on."""
        right, answered = self.driver.session.score
        score = f"The room got {right} of {answered} answers right. " if answered else ""
        self.caption.set_text(f"The end. {score}← goes back, Esc leaves.", "end")
        self.prompt.set_view(None)
        self._relayout()

    @property
    def unit(self) -> float:
        return unit(self.height())
