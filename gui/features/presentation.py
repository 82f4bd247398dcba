"""Presentation mode, the light/dark theme and the text size: how the window reads from afar.

Why one object owns all three: they combine.  The lanes' look is one `LaneStyle` (theme +
text scale + a 24 px floor + thick bars in presentation mode), the log and the timeline get
matching sizes and grounds, and everything is recomputed in one `apply()` whenever any of the
three changes.  The theme and the text size are remembered in QSettings; presentation mode is
not (a window that opens full screen on the next launch would surprise people).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from gui.lanes.style import COLOURS, LIGHT, LaneStyle
from gui.style.theme import THEMES, apply_theme
from gui.window.log_view import TEXT_PT

if TYPE_CHECKING:
    from gui.timeline.view import TimelineView
    from gui.window.main_window import MainWindow

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.6, 3.0, 1.15
PRESENT_TEXT_PX = 24  # the floor for every lane text on stage
PRESENT_TEXT_BOOST = 1.25
PRESENT_BAR_SCALE = 1.7
TICK_PX = 16
BASE_TOOLBAR_PX = 15


class Presentation(QObject):
    """Owns presentation mode, the theme and the text scale of one main window."""

    changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        settings = window.settings
        theme = str(settings.value("view/theme", "light") or "light")
        self.theme = theme if theme in THEMES else "light"
        try:
            scale = float(str(settings.value("view/font_scale", 1.0)))
        except ValueError:
            scale = 1.0
        self.font_scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.active = False
        self._saved: dict[str, object] = {}
        self.tick_px = float(TICK_PX)
        self._axis_key: tuple[object, ...] | None = None
        self._axis_width = 0

    # ------------------------------------------------------------------ commands
    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        """Full screen, scenario panel hidden, lanes and timeline large, text ≥ 24 px."""
        if self.active:
            return
        w = self.window
        self._saved = {
            "dock": w.dock.isVisible(),
            "menu": w.menuBar().isVisible(),
            "maximized": w.isMaximized(),
            "live": w.live_split.saveState(),
            "main": w.main_split.saveState(),
        }
        self.active = True
        w.dock.hide()
        w.menuBar().hide()  # every command still has its key; F11 or the toolbar leaves
        w.showFullScreen()
        total = max(w.main_split.width(), 1200)
        w.main_split.setSizes([int(total * 0.71), int(total * 0.29)])
        height = max(w.live_split.height(), 700)
        w.live_split.setSizes([int(height * 0.64), int(height * 0.36)])
        self.apply()

    def leave(self) -> None:
        if not self.active:
            return
        w, saved = self.window, self._saved
        self.active = False
        if saved.get("maximized"):
            w.showMaximized()
        else:
            w.showNormal()
        w.dock.setVisible(bool(saved.get("dock", True)))
        w.menuBar().setVisible(bool(saved.get("menu", True)))
        for split, key in ((w.live_split, "live"), (w.main_split, "main")):
            state = saved.get(key)
            if isinstance(state, QByteArray):
                split.restoreState(state)
        self.apply()

    def set_theme(self, name: str) -> None:
        self.theme = name if name in THEMES else "light"
        self.window.settings.setValue("view/theme", self.theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)
        self.apply()

    def zoom(self, steps: int) -> None:
        """Ctrl+= / Ctrl+- : every text in the window one step bigger or smaller."""
        scale = self.font_scale * SCALE_STEP**steps if steps else 1.0
        self.font_scale = round(min(MAX_SCALE, max(MIN_SCALE, scale)), 3)
        self.window.settings.setValue("view/font_scale", self.font_scale)
        self.apply()

    # ------------------------------------------------------------------ the look
    def lane_style(self) -> LaneStyle:
        colours = COLOURS.get(self.theme, LIGHT)
        if self.active:
            return LaneStyle(
                colours,
                text_scale=self.font_scale * PRESENT_TEXT_BOOST,
                min_text_px=PRESENT_TEXT_PX * self.font_scale,
                bar_scale=PRESENT_BAR_SCALE,
            )
        return LaneStyle(colours, text_scale=self.font_scale)

    def apply(self) -> None:
        """Push theme and sizes to the lanes, the log and the timeline."""
        w = self.window
        dark = self.theme == "dark"
        w.lanes.set_style(self.lane_style())
        boost = 1.3 if self.active else 1.0
        w.log.set_look(dark, TEXT_PT * self.font_scale * boost)
        w.log.update_from(w.model)
        bar_px = round(BASE_TOOLBAR_PX * self.font_scale * (1.35 if self.active else 1.0))
        w.commands.toolbar.setStyleSheet(f"QToolButton, QLabel {{ font-size: {bar_px}px; }}")
        self.tick_px = TICK_PX * self.font_scale * (1.5 if self.active else 1.0)
        if w.has_timeline:
            style_timeline(w.timeline, dark, self.tick_px)
        self._axis_key = None
        self.fit_timeline_names()
        self.changed.emit()

    def fit_timeline_names(self) -> None:
        """Per frame, cheap: keep the timeline's legend and name axis in this theme and size.

        (The timeline re-sets its legend in dark ink and re-fits the axis to its own font when
        a run starts; this puts ours back, and does nothing when nothing changed.)"""
        if not self.window.has_timeline:
            return
        title = self.window.timeline.getPlotItem().titleLabel
        ink = "#E8ECF1" if self.theme == "dark" else "#1B1F24"
        size = f"{max(8, round(self.tick_px * 0.85))}px"
        if title.opts.get("color") != ink or title.opts.get("size") != size:
            title.setText(title.text, color=ink, size=size)
        axis = self.window.timeline.getPlotItem().getAxis("left")
        names = tuple(lane.name for lane in self.window.model.lanes)
        key = (names, self.tick_px)
        if key == self._axis_key and axis.fixedWidth == self._axis_width:
            return
        self._axis_key = key
        font = QFont()
        font.setPixelSize(max(8, round(self.tick_px)))
        widest = max((QFontMetrics(font).horizontalAdvance(n[:18]) for n in names), default=0)
        self._axis_width = min(widest + 24, 420)
        axis.setWidth(self._axis_width)


def style_timeline(timeline: TimelineView, dark: bool, tick_px: float) -> None:
    """Ground, axis colours and tick size of the timeline through pyqtgraph's public API."""
    import pyqtgraph as pg  # here, not at import: pyqtgraph is loaded after the first paint

    ground, ink, line = ("#0B0E13", "#E8ECF1", "#9AA4B2") if dark else ("w", "#1B1F24", "#444444")
    timeline.setBackground(ground)
    plot = timeline.getPlotItem()
    font = QFont()
    font.setPixelSize(max(8, round(tick_px)))
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(line))
        axis.setTextPen(pg.mkPen(ink))
        axis.setTickFont(font)
    top = plot.getAxis("top")
    top.setPen(pg.mkPen(line))
    top.setTickFont(font)
    plot.setLabel("bottom", "seconds", **{"font-size": f"{round(tick_px)}px", "color": ink})
    timeline.viewport().update()
