"""The window's layout on stage (presentation mode) and back at the desk.

Why the window does this and not the presentation feature: hiding the editor and the menu bar,
going full screen and giving the lanes most of the room is a matter of the window's own layout.
The feature only says that presentation mode changed; this puts the desk layout aside and
brings it back exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSize
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

LANES_SHARE = 0.64  # of the height, above the timeline
LIVE_SHARE = 0.71  # of the width, beside the story
NARROW_LIVE_SHARE = 0.65  # below WIDE_STAGE_PX the story needs a larger share for its words
WIDE_STAGE_PX = 1400


@dataclass(frozen=True)
class DeskLayout:
    dock: bool
    menu: bool
    maximized: bool
    live: QByteArray
    main: QByteArray


class StageLayout:
    """Enters and leaves the full-screen presentation layout of one main window."""

    def __init__(
        self, window: QMainWindow, dock: QDockWidget, live: QSplitter, main: QSplitter
    ) -> None:
        self.window, self.dock, self.live, self.main = window, dock, live, main
        self._desk: DeskLayout | None = None
        self.stage_size: QSize | None = None  # --size: the stage is this, not the full screen

    def set_presenting(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        """Full screen, scenario panel and menu bar hidden (every command keeps its key)."""
        if self._desk is not None:
            return
        w = self.window
        self._desk = DeskLayout(
            self.dock.isVisible(),
            w.menuBar().isVisible(),
            w.isMaximized(),
            self.live.saveState(),
            self.main.saveState(),
        )
        self.dock.hide()
        w.menuBar().hide()  # F11 or the toolbar's Present leaves
        if self.stage_size is None:
            screen = w.screen()
            if screen is not None:  # without a window manager, full screen alone keeps the size
                w.setGeometry(screen.geometry())
            w.showFullScreen()
        else:
            w.resize(self.stage_size)
        self.share()

    def share(self) -> None:
        """Give the lanes and the story their shares of the stage, at the size it has now
        (called again whenever the stage is resized: full screen arrives a moment later)."""
        if self._desk is None:
            return
        total = max(self.window.width(), 400)
        live = LIVE_SHARE if total >= WIDE_STAGE_PX else NARROW_LIVE_SHARE
        self.main.setSizes([int(total * live), int(total * (1 - live))])
        height = max(self.live.height(), 300)
        self.live.setSizes([int(height * LANES_SHARE), int(height * (1 - LANES_SHARE))])

    def leave(self) -> None:
        desk, self._desk = self._desk, None
        if desk is None:
            return
        w = self.window
        if desk.maximized:
            w.showMaximized()
        else:
            w.showNormal()
        self.dock.setVisible(desk.dock)
        w.menuBar().setVisible(desk.menu)
        self.live.restoreState(desk.live)
        self.main.restoreState(desk.main)
