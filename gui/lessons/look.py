"""How the lesson window looks: colours per theme and sizes that follow the window's height.

Why sizes follow the height: the same lesson is shown on a 1280×720 classroom projector and a
4K screen; a caption set in fixed pixels is either unreadable at the back of the room or
crowds the lanes out.  One unit (`u`, the height / 720) scales every text and gap, with floors
that keep small windows legible.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from gui.style.palette import (
    BROKEN_COLOUR,
    DIED_COLOUR,
    GATE_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    WORK_COLOUR,
)

REFERENCE_HEIGHT = 720.0


@dataclass(frozen=True)
class LessonColours:
    background: str
    text: str
    muted: str
    panel: str  # the code pane and the prompt card
    panel_line: str
    caption_bg: str  # the subtitle strip
    caption_text: str
    keyword: str
    string: str
    comment: str
    number: str
    builtin: str
    definition: str
    dark: bool

    def q(self, which: str) -> QColor:
        return QColor(getattr(self, which))


LIGHT = LessonColours(
    background="#FFFFFF",
    text="#0B0D10",
    muted="#4A525E",
    panel="#F4F6F9",
    panel_line="#D5DAE1",
    caption_bg="#101318",
    caption_text="#FFFFFF",
    keyword="#8A3FA0",
    string="#0B6E4F",
    comment="#6B7380",
    number="#A4510B",
    builtin="#1F5FA8",
    definition="#1F5FA8",
    dark=False,
)
DARK = LessonColours(
    background="#0B0E13",
    text="#F7F9FC",
    muted="#B7C0CC",
    panel="#141A22",
    panel_line="#2B3440",
    caption_bg="#000000",
    caption_text="#FFFFFF",
    keyword="#D7A6F2",
    string="#8FE0B8",
    comment="#97A2B0",
    number="#F5B779",
    builtin="#8CC4FF",
    definition="#8CC4FF",
    dark=True,
)
THEME_COLOURS = {"light": LIGHT, "dark": DARK}

# State colours of the markers (Okabe–Ito, the lanes' own), and the answer colours.
MARK_COLOURS = {
    "working": WORK_COLOUR,
    "waiting": WAIT_COLOUR,
    "released": RELEASE_COLOUR,
    "done": RELEASE_COLOUR,
    "broken": BROKEN_COLOUR,
    "died": DIED_COLOUR,
    "stopped": DIED_COLOUR,
}
RIGHT_COLOUR = RELEASE_COLOUR
WRONG_COLOUR = BROKEN_COLOUR
PICK_COLOUR = GATE_COLOUR


def unit(height: int) -> float:
    """The size unit: 1.0 at 720 px high, never below 0.8 (small windows stay legible)."""
    return max(height / REFERENCE_HEIGHT, 0.8)
