"""Small building blocks of the scenario editor: error slots and "exact" editors.

Why error slots: the validator stops at the first problem and names its field; the editor shows
that one message right under the control that caused it (icon + words, not only colour, so it
reads on a washed-out projector) and outlines the control, then clears it as soon as that
control changes.

Why "exact" editors: a spin box rounds to its decimals and a line edit on a machine without an
emoji font would show "🚀" as an empty box.  The editors below display a tidy version but hand
back the original value untouched unless the user actually edited it, so loading and saving a
scenario without edits never changes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from gui.style.palette import BROKEN_COLOUR, renderable

ERROR_ICON = "✖"
MUTED_COLOUR = "#6E6E6E"

# Applied once to the whole panel; `invalid` is a dynamic property toggled by ErrorSlot.
INVALID_STYLE = f"""
*[invalid="true"] {{ border: 2px solid {BROKEN_COLOUR}; border-radius: 4px; }}
QLabel#fieldError {{ color: {BROKEN_COLOUR}; font-weight: 600; }}
QLabel#muted {{ color: {MUTED_COLOUR}; }}
QLabel#editedNote {{ color: #0072B2; font-weight: 600; }}
QLabel#heading {{ font-weight: bold; }}
"""


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Toggle the red outline; re-polishing is what makes Qt re-read the property selector."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


class ErrorSlot:
    """A control (or a row of controls) and the hidden one-line error label shown under it.

    Not a widget itself: the form puts `content` and `error_label` in grid cells of their
    own, so labels line up with controls across the whole form whether or not an error shows.
    """

    def __init__(self, content: QWidget, outline: QWidget | None = None) -> None:
        self.content = content
        self.outline = outline if outline is not None else content
        self.error_label = QLabel()
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

    @property
    def has_error(self) -> bool:
        return not self.error_label.isHidden()

    @property
    def message(self) -> str:
        return self.error_label.toolTip() if self.has_error else ""

    def show_error(self, message: str) -> None:
        self.error_label.setText(f"{ERROR_ICON}  {message}")
        self.error_label.setToolTip(message)
        self.error_label.show()
        set_invalid(self.outline, True)

    def clear_error(self) -> None:
        if self.has_error:
            self.error_label.hide()
            self.error_label.clear()
            self.error_label.setToolTip("")
        set_invalid(self.outline, False)


class BoundedSpin(QSpinBox):
    """A spin box that lets a number out of range be typed, then refuses it out loud.

    Why: a plain QSpinBox turns 999 into 99 (the third digit is simply not accepted) and
    ignores 0, so what the user typed silently becomes something else.  Here the whole number
    can be typed; on Enter or leaving the field the box keeps its last valid value and emits
    `refused(text)`, and the editor says what is allowed next to the field."""

    refused = Signal(str)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        typed = text.strip().removesuffix(self.suffix()).strip()
        if typed.isdigit() and not self.minimum() <= int(typed) <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return super().validate(text, pos)

    def fixup(self, text: str) -> str:
        typed = text.strip().removesuffix(self.suffix()).strip()
        if typed.isdigit() and not self.minimum() <= int(typed) <= self.maximum():
            self.refused.emit(typed)
        return str(super().fixup(text))

    def refusal(self, what: str, typed: str) -> str:
        """The one line the editor shows for a refused number."""
        return (
            f"{what} must be from {self.minimum()} to {self.maximum()}; {typed} is not allowed "
            f"(it stays {self.value()})"
        )


class ExactDoubleSpin(QDoubleSpinBox):
    """A spin box that returns the value it was given, unrounded, until the user changes it."""

    def __init__(self) -> None:
        super().__init__()
        self._exact: float | None = None
        self._shown: float | None = None

    def set_exact(self, value: float) -> None:
        self.setValue(value)
        self._exact, self._shown = value, self.value()

    def exact_value(self) -> float:
        value = self.value()
        return self._exact if self._exact is not None and value == self._shown else value


class ExactLineEdit(QLineEdit):
    """Shows text minus glyphs the font cannot draw; returns the original if left unedited."""

    def __init__(self) -> None:
        super().__init__()
        self._original: tuple[str, str] | None = None

    def set_exact(self, text: str) -> None:
        shown = renderable(text, self.font()) if text.strip() else text
        self.setText(shown)
        self._original = (shown, text)

    def exact_text(self) -> str:
        text = self.text()
        original = self._original
        return original[1] if original is not None and original[0] == text else text


class ExactTextEdit(QPlainTextEdit):
    """Multi-line counterpart of ExactLineEdit (for the description)."""

    def __init__(self, lines: int = 4) -> None:
        super().__init__()
        self._original: tuple[str, str] | None = None
        self._lines = lines
        self.setTabChangesFocus(True)
        self._fit_height()

    def _fit_height(self) -> None:
        """`lines` lines tall in the current font (which the app may change, e.g. on stage)."""
        margins = self.contentsMargins()
        document = 2 * self.document().documentMargin()
        lines = self.fontMetrics().lineSpacing() * self._lines
        self.setFixedHeight(int(lines + document + margins.top() + margins.bottom()) + 2)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def set_exact(self, text: str) -> None:
        shown = renderable(text, self.font()) if text.strip() else text
        self.setPlainText(shown)
        self._original = (shown, text)

    def exact_text(self) -> str:
        text = self.toPlainText()
        original = self._original
        return original[1] if original is not None and original[0] == text else text
