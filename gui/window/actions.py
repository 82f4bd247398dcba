"""The window's commands as QActions, with their shortcuts, menus and toolbar.

Why QActions in one place: the same command (Run, Stop, Open …) appears in a menu, on the
toolbar and as a shortcut; one QAction keeps them enabled/disabled together and makes each
testable by `action.trigger()` without synthesising key presses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QStyle, QToolBar, QWidget


@dataclass
class WindowActions:
    run: QAction
    stop: QAction
    open: QAction
    save: QAction
    save_as: QAction
    save_events: QAction
    save_screenshot: QAction
    quit: QAction
    about: QAction
    speed_label: QLabel
    toolbar: QToolBar


def _action(
    window: QMainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip or text.replace("…", ""))
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the toolbar/menu is hidden
    return action


def build_actions(window: QMainWindow, slots: dict[str, Callable[[], object]]) -> WindowActions:
    """Create every action, the File/Run/Help menus and the toolbar."""
    style = window.style()
    run = _action(window, "Run", slots["run"], "Ctrl+R", "Start the scenario (Ctrl+R)")
    run.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
    stop = _action(window, "Stop", slots["stop"], "Esc", "Stop the run: end every party (Esc)")
    stop.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop))
    stop.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    stop.setEnabled(False)
    acts = WindowActions(
        run=run,
        stop=stop,
        open=_action(window, "Open Scenario…", slots["open"], QKeySequence.StandardKey.Open),
        save=_action(window, "Save Scenario", slots["save"], QKeySequence.StandardKey.Save),
        save_as=_action(window, "Save Scenario As…", slots["save_as"], "Ctrl+Shift+S"),
        save_events=_action(window, "Save Event Log…", slots["save_events"], "Ctrl+E"),
        save_screenshot=_action(window, "Save Screenshot…", slots["save_screenshot"]),
        quit=_action(window, "Quit", slots["quit"], "Ctrl+Q"),
        about=_action(window, "About Barrier Visualiser", slots["about"]),
        speed_label=QLabel(),
        toolbar=QToolBar("Run"),
    )
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addActions([acts.open, acts.save, acts.save_as])
    file_menu.addSeparator()
    file_menu.addActions([acts.save_events, acts.save_screenshot])
    file_menu.addSeparator()
    file_menu.addAction(acts.quit)
    run_menu = menu.addMenu("&Run")
    run_menu.addActions([acts.run, acts.stop])
    menu.addMenu("&Help").addAction(acts.about)
    bar = acts.toolbar
    bar.setObjectName("run_toolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(22, 22))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.addAction(acts.run)
    bar.addAction(acts.stop)
    bar.addSeparator()
    acts.speed_label.setObjectName("speed_label")
    acts.speed_label.setContentsMargins(8, 0, 8, 0)
    bar.addWidget(acts.speed_label)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return acts
