"""Presentation mode, the light/dark theme and the text size: how the window reads from afar.

Why one object owns all three: they combine into one `Look` (lanes: theme + text scale + a
floor that is a fraction of the stage's height + thick bars on stage; matching sizes for the
log, the timeline, the toolbar and the status strip).
This object only holds the state and remembers theme and text size in the settings (presentation
mode is not remembered: a window that opens full screen on the next launch would surprise
people).  It says what changed through signals; the window lays itself out for the stage and
restyles its views once per change — never per frame.

The theme is the system's light/dark preference, followed live, until the user picks one in
the View menu; that choice is remembered and wins until "Follow System" is picked again.
--theme on the command line wins for its session only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QStyleHints
from PySide6.QtWidgets import QApplication

from gui.features.settings_store import SettingsStore
from gui.lanes.style import COLOURS, LIGHT, LaneStyle
from gui.style.theme import FOLLOW_SYSTEM, THEMES, apply_theme, scheme_theme, system_theme

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.6, 3.0, 1.15
# On stage every text is at least this fraction of the screen's height: 24 px at 1080p, 16 px
# at 720p, 17 px on a 1024×768 projector.  A fixed 24 px overflowed small projectors; a
# fraction reads the same from the back of the room on every one of them.
PRESENT_FLOOR_OF_HEIGHT = 24 / 1080
MIN_FLOOR_PX = 14  # tiny windows: below this, text stops being text
REFERENCE_STAGE_PX = 1080
PRESENT_TEXT_BOOST = 1.25
PRESENT_BAR_SCALE = 1.7
PRESENT_LOG_BOOST = 1.3
PRESENT_TICK_BOOST = 1.5
TICK_PX = 16
BASE_TOOLBAR_PX = 15
PRESENT_TOOLBAR_OF_HEIGHT = 20 / 1080
BASE_STATUS_PX = 13


@dataclass(frozen=True)
class Look:
    """Theme, text scale and presentation mode, and the sizes they give every view.

    `stage_px` is the height the window has on stage (the screen's, or --size's): on stage
    text sizes follow it, at the desk they do not."""

    theme: str = "light"
    font_scale: float = 1.0
    presenting: bool = False
    stage_px: int = REFERENCE_STAGE_PX

    @property
    def dark(self) -> bool:
        return self.theme == "dark"

    @property
    def floor_px(self) -> float:
        """The smallest text on stage (0 at the desk, where small text is fine)."""
        if not self.presenting:
            return 0.0
        return max(PRESENT_FLOOR_OF_HEIGHT * self.stage_px, MIN_FLOOR_PX) * self.font_scale

    @property
    def _stage_ratio(self) -> float:
        """How big this stage is next to a 1080p one (text boosts shrink with it)."""
        return min(max(self.stage_px / REFERENCE_STAGE_PX, 0.6), 2.0) if self.presenting else 1.0

    def lane_style(self) -> LaneStyle:
        colours = COLOURS.get(self.theme, LIGHT)
        if self.presenting:
            return LaneStyle(
                colours,
                text_scale=self.font_scale * PRESENT_TEXT_BOOST * self._stage_ratio,
                min_text_px=self.floor_px,
                bar_scale=PRESENT_BAR_SCALE * self._stage_ratio,
            )
        return LaneStyle(colours, text_scale=self.font_scale)

    @property
    def log_px(self) -> float:
        """The story's text size: 14 pt-ish at the desk, the stage floor and a little more."""
        if not self.presenting:
            return 0.0  # the log keeps its point size (TEXT_PT × font_scale)
        return self.floor_px

    @property
    def log_scale(self) -> float:
        return self.font_scale * (PRESENT_LOG_BOOST if self.presenting else 1.0)

    @property
    def toolbar_px(self) -> int:
        if not self.presenting:
            return round(BASE_TOOLBAR_PX * self.font_scale)
        own = PRESENT_TOOLBAR_OF_HEIGHT * self.stage_px * self.font_scale
        return round(max(own, BASE_TOOLBAR_PX * self.font_scale))

    @property
    def status_px(self) -> int:
        """The status strip: read by the presenter, and on stage by the room too."""
        return round(max(BASE_STATUS_PX * self.font_scale, self.floor_px))

    @property
    def tick_px(self) -> float:
        if not self.presenting:
            return TICK_PX * self.font_scale
        return max(
            TICK_PX * self.font_scale * PRESENT_TICK_BOOST * self._stage_ratio, self.floor_px
        )


class Presentation(QObject):
    """Owns presentation mode, the theme and the text scale of one window."""

    presenting_changed = Signal(bool)  # lay the window out for the stage (or the desk)
    look_changed = Signal(object)  # a Look: restyle the views

    def __init__(self, settings: SettingsStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        choice = settings.value("view/theme", FOLLOW_SYSTEM)
        self._choice = choice if choice in THEMES else FOLLOW_SYSTEM  # remembered
        self._session: str | None = None  # --theme: this session only
        self._system = system_theme()  # then followed through colorSchemeChanged
        try:
            scale = float(str(settings.value("view/font_scale", 1.0)))
        except ValueError:
            scale = 1.0
        self._look = Look(self._wanted_theme(), min(MAX_SCALE, max(MIN_SCALE, scale)))
        self._hints: QStyleHints | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the system switched light/dark: follow, if we do
            self._hints = app.styleHints()
            self._hints.colorSchemeChanged.connect(self._system_changed)

    def stop_following(self) -> None:
        """The window closed: the app's palette is global, so a closed window (not yet
        deleted) must not repaint the open ones when the system switches."""
        if self._hints is not None:
            self._hints.colorSchemeChanged.disconnect(self._system_changed)
            self._hints = None

    @property
    def look(self) -> Look:
        return self._look

    @property
    def active(self) -> bool:
        return self._look.presenting

    @property
    def theme(self) -> str:
        """The theme shown: "light" or "dark"."""
        return self._look.theme

    @property
    def theme_choice(self) -> str:
        """What decides it: "light", "dark" or "system" (the View → Theme menu's tick)."""
        return self._session or self._choice

    def _wanted_theme(self) -> str:
        choice = self.theme_choice
        return choice if choice in THEMES else self._system

    @property
    def font_scale(self) -> float:
        return self._look.font_scale

    # ------------------------------------------------------------------ commands
    def set_active(self, on: bool) -> None:
        """Presentation mode on (full screen, editor hidden, big text) or off."""
        if on == self._look.presenting:
            return
        self._look = replace(self._look, presenting=on)
        self.presenting_changed.emit(on)
        self.look_changed.emit(self._look)

    def set_stage_height(self, height: int) -> None:
        """The window's height changed: on stage, text sizes follow it (one restyle)."""
        height = max(int(height), 1)
        if height == self._look.stage_px:
            return
        self._look = replace(self._look, stage_px=height)
        if self._look.presenting:
            self.look_changed.emit(self._look)

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_theme(self, name: str, remember: bool = True) -> None:
        """Theme `name` ("light", "dark" or "system") for the app; `remember=False` for this
        session only (--theme).  A choice from the menu is remembered and ends --theme's."""
        choice = name if name in (*THEMES, FOLLOW_SYSTEM) else "light"
        if remember:
            self._choice, self._session = choice, None
            self.settings.setValue("view/theme", choice)
        else:
            self._session = choice
        self._show_theme()

    def follow_system(self) -> None:
        """View → Theme → Follow System: the system's preference, now and when it changes."""
        self.set_theme(FOLLOW_SYSTEM)

    @Slot(Qt.ColorScheme)
    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        self._system = scheme_theme(scheme)
        if self.theme_choice == FOLLOW_SYSTEM:
            self._show_theme()

    def _show_theme(self) -> None:
        theme = self._wanted_theme()
        if theme == self._look.theme:
            self.look_changed.emit(self._look)  # the menu's tick moved: sync it
            return
        self._look = replace(self._look, theme=theme)
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
        self._look = replace(self._look, font_scale=scale)
        self.look_changed.emit(self._look)
