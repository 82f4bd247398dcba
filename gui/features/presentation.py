"""Presentation mode, the light/dark theme and the text size: how the window reads from afar.

Why one object owns all three: they combine into one `Look` (lanes: theme + text scale + a
24 px floor + thick bars on stage; matching sizes for the log, the timeline and the toolbar).
This object only holds the state and remembers theme and text size in QSettings (presentation
mode is not remembered: a window that opens full screen on the next launch would surprise
people).  It says what changed through signals; the window lays itself out for the stage and
restyles its views once per change — never per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication

from gui.lanes.style import COLOURS, LIGHT, LaneStyle
from gui.style.theme import THEMES, apply_theme

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.6, 3.0, 1.15
PRESENT_TEXT_PX = 24  # the floor for every lane text on stage
PRESENT_TEXT_BOOST = 1.25
PRESENT_BAR_SCALE = 1.7
PRESENT_LOG_BOOST = 1.3
PRESENT_TOOLBAR_BOOST = 1.35
PRESENT_TICK_BOOST = 1.5
TICK_PX = 16
BASE_TOOLBAR_PX = 15


@dataclass(frozen=True)
class Look:
    """Theme, text scale and presentation mode, and the sizes they give every view."""

    theme: str = "light"
    font_scale: float = 1.0
    presenting: bool = False

    @property
    def dark(self) -> bool:
        return self.theme == "dark"

    def lane_style(self) -> LaneStyle:
        colours = COLOURS.get(self.theme, LIGHT)
        if self.presenting:
            return LaneStyle(
                colours,
                text_scale=self.font_scale * PRESENT_TEXT_BOOST,
                min_text_px=PRESENT_TEXT_PX * self.font_scale,
                bar_scale=PRESENT_BAR_SCALE,
            )
        return LaneStyle(colours, text_scale=self.font_scale)

    @property
    def log_scale(self) -> float:
        return self.font_scale * (PRESENT_LOG_BOOST if self.presenting else 1.0)

    @property
    def toolbar_px(self) -> int:
        return round(
            BASE_TOOLBAR_PX * self.font_scale * (PRESENT_TOOLBAR_BOOST if self.presenting else 1.0)
        )

    @property
    def tick_px(self) -> float:
        return TICK_PX * self.font_scale * (PRESENT_TICK_BOOST if self.presenting else 1.0)


class Presentation(QObject):
    """Owns presentation mode, the theme and the text scale of one window."""

    presenting_changed = Signal(bool)  # lay the window out for the stage (or the desk)
    look_changed = Signal(object)  # a Look: restyle the views

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        theme = str(settings.value("view/theme", "light") or "light")
        try:
            scale = float(str(settings.value("view/font_scale", 1.0)))
        except ValueError:
            scale = 1.0
        self._look = Look(
            theme if theme in THEMES else "light", min(MAX_SCALE, max(MIN_SCALE, scale))
        )

    @property
    def look(self) -> Look:
        return self._look

    @property
    def active(self) -> bool:
        return self._look.presenting

    @property
    def theme(self) -> str:
        return self._look.theme

    @property
    def font_scale(self) -> float:
        return self._look.font_scale

    # ------------------------------------------------------------------ commands
    def set_active(self, on: bool) -> None:
        """Presentation mode on (full screen, editor hidden, text ≥ 24 px) or off."""
        if on == self._look.presenting:
            return
        self._look = Look(self._look.theme, self._look.font_scale, on)
        self.presenting_changed.emit(on)
        self.look_changed.emit(self._look)

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_theme(self, name: str) -> None:
        theme = name if name in THEMES else "light"
        self.settings.setValue("view/theme", theme)
        self._look = Look(theme, self._look.font_scale, self._look.presenting)
        self.apply_app_theme()
        self.look_changed.emit(self._look)

    def apply_app_theme(self) -> None:
        """The application's palette and chrome in this theme (global: all windows)."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self._look.theme)

    def zoom(self, steps: int) -> None:
        """Ctrl+= / Ctrl+- : every text in the window one step bigger or smaller (0: normal)."""
        scale = self.font_scale * SCALE_STEP**steps if steps else 1.0
        scale = round(min(MAX_SCALE, max(MIN_SCALE, scale)), 3)
        self.settings.setValue("view/font_scale", scale)
        self._look = Look(self._look.theme, scale, self._look.presenting)
        self.look_changed.emit(self._look)
