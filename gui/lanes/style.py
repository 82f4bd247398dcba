"""How the lanes look beyond their size: colours (light or dark) and presentation scaling.

Why a separate, hashable value: the lanes view caches its geometry and fonts until something
that affects them changes.  Folding theme and scale into one frozen `LaneStyle` lets that cache
key include it, so switching theme or pressing Ctrl+= costs one re-layout, not one per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class LaneColours:
    """The neutral colours of the lanes; state colours (Okabe–Ito) stay the same in every theme."""

    name: str
    background: str
    text: str
    muted: str
    track: str
    track_past: str
    chip_idle: str  # stage dots not reached yet, the idle counter pill
    outline: str  # the dashed banner placeholder
    hint: str  # placeholder text
    dark: bool

    def q(self, which: str) -> QColor:
        """The colour `which` as a QColor, made once (parsing the name each time cost ~40 ms
        per frame at 256 lanes); shared, so never change the one returned."""
        key = (self, which)
        colour = _QCOLOURS.get(key)
        if colour is None:
            colour = _QCOLOURS[key] = QColor(getattr(self, which))
        return colour


_QCOLOURS: dict[tuple[LaneColours, str], QColor] = {}


LIGHT = LaneColours(
    name="light",
    background="#FFFFFF",
    text="#0B0D10",
    muted="#414852",
    track="#DEE2E8",
    track_past="#D3EEE4",
    chip_idle="#D0D5DD",
    outline="#C4CAD3",
    hint="#6B7380",
    dark=False,
)

DARK = LaneColours(
    name="dark",
    background="#0B0E13",
    text="#F7F9FC",
    muted="#C3CAD4",
    track="#262D38",
    track_past="#143A2F",
    chip_idle="#3A4350",
    outline="#46505E",
    hint="#9AA4B2",
    dark=True,
)

COLOURS = {c.name: c for c in (LIGHT, DARK)}


@dataclass(frozen=True)
class LaneStyle:
    """Theme plus scaling: `text_scale` multiplies every font, `min_text_px` floors the text of
    big rows (24 px in presentation mode), `bar_scale` thickens the bars."""

    colours: LaneColours = LIGHT
    text_scale: float = 1.0
    min_text_px: float = 0.0
    bar_scale: float = 1.0

    def text_px(self, px: float, floor: bool = True) -> float:
        scaled = px * self.text_scale
        return max(scaled, self.min_text_px) if floor else scaled


DEFAULT_STYLE = LaneStyle()
