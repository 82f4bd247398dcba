"""Colours, state looks and fonts shared by every view.

Okabe–Ito colours (colour-blind safe) mean states, and only states; each lane state also has
an icon and a word, so it reads without colour (projectors wash colours out).  Parties are
told apart by name, position and a neutral numbered mark (`party_mark`), never by a colour.
Qt-dependent only through QColor, so views stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics

from engine.model.view_model import LaneState

# Okabe & Ito (2008), minus black: orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]

WORK_COLOUR = "#56B4E9"  # sky blue: doing its own work
WAIT_COLOUR = "#E69F00"  # orange: frozen at the barrier
RELEASE_COLOUR = "#009E73"  # bluish green: let through
ACTION_COLOUR = "#CC79A7"  # reddish purple: the barrier's action
BROKEN_COLOUR = "#D55E00"  # vermillion: broke
DIED_COLOUR = "#6E6E6E"  # grey: the process is gone
GATE_COLOUR = "#0072B2"  # blue: the barrier line itself


@dataclass(frozen=True)
class StateLook:
    icon: str
    word: str
    colour: str


STATE_LOOKS: dict[LaneState, StateLook] = {
    LaneState.IDLE: StateLook("○", "ready to run", "#9A9A9A"),
    LaneState.STARTING: StateLook("◌", "starting", "#9A9A9A"),
    LaneState.WORKING: StateLook("▶", "working", WORK_COLOUR),
    LaneState.WAITING: StateLook("‖", "waiting", WAIT_COLOUR),
    LaneState.RELEASED: StateLook("✔", "released", RELEASE_COLOUR),
    LaneState.DONE: StateLook("✔", "done", RELEASE_COLOUR),
    LaneState.BROKEN: StateLook("✖", "broken", BROKEN_COLOUR),
    LaneState.DIED: StateLook("☠", "died", DIED_COLOUR),
    LaneState.STOPPED: StateLook("■", "stopped", DIED_COLOUR),
}


def party_mark(index: int) -> str:
    """What tells a party apart besides its name and row: its number, 1-based (as `{party}`
    in the narrative).  Drawn in a neutral outlined swatch, never in a colour: the colours
    mean states (working, waiting, released…), so a party coloured orange would read as
    "waiting" to a room (gui/lanes/painter.py paints it)."""
    return str(index + 1)


def state_look(state: LaneState) -> StateLook:
    return STATE_LOOKS[state]


def renderable(text: str, font: QFont) -> str:
    """`text` minus characters the font (and its fallbacks) cannot draw.

    Why: machines without an emoji font would show "🚀" as an empty box on a projector;
    dropping the glyph keeps the message readable.
    """
    metrics = QFontMetrics(font)
    kept = "".join(ch for ch in text if ord(ch) < 0x2000 or metrics.inFontUcs4(ord(ch)))
    return " ".join(kept.split())


MONOSPACE_FALLBACKS = ("DejaVu Sans Mono", "Liberation Mono", "Menlo", "Consolas", "Courier New")


def monospace_font() -> QFont:
    """A font whose glyphs really are all one width, for columns that must line up.

    Why not just the system's fixed font: some systems map "monospace" to a font Qt does not
    treat as fixed pitch (seen with Noto Sans Mono), and the time column then wobbles.
    """
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if QFontInfo(system).fixedPitch():
        return system
    for family in MONOSPACE_FALLBACKS:
        candidate = QFont(family)
        if QFontInfo(candidate).fixedPitch():
            return candidate
    system.setStyleHint(QFont.StyleHint.TypeWriter)
    return system
