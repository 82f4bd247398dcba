"""The main window: scenario editor on the left, live lanes above the timeline, story on the right.

Why it only lays things out: the views take the Qt-free model through `update_from` once per
frame (the `RunController` clock); the features (run commands, failure commands, presentation,
exports, replay, files, trace) each receive the controller, the panel and a small `Host`, never
this window; the commands are one table (gui/window/action_table.py) bound to QActions here.
What is left is the window's own: its layout, its look when the theme or text size changes,
its settings, and fanning each frame out to the views.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QColor, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from engine.model.view_model import RunViewModel
from gui.analysis.feature import AnalysisFeature
from gui.editor.panel import ScenarioPanel
from gui.features.exports import Exports
from gui.features.failure_actions import FailureCommands
from gui.features.host import APP_NAME, MESSAGE_MS, Host
from gui.features.presentation import Look, Presentation
from gui.features.recent_files import RecentFiles, RecentKind
from gui.features.replay_bar import ReplayBar
from gui.features.run_commands import RunCommands
from gui.features.scenario_files import ScenarioFiles
from gui.features.settings_store import SettingsStore
from gui.features.trace_mode import TraceMode
from gui.lanes.view import LanesView
from gui.lessons.menu import LessonLauncher
from gui.run.controller import RunController, warm_up
from gui.run.state import read_run_state
from gui.style.placement import available_rect, centred, fits, fitted_size, minimum_for
from gui.window import settings as ws
from gui.window.action_spec import Features
from gui.window.desk_shares import DeskShares
from gui.window.keyboard_map import ShortcutsDialog, SingleKeyGuard
from gui.window.log_view import TEXT_PT, NarrativeLog
from gui.window.qactions import BoundActions
from gui.window.stage_layout import StageLayout
from gui.window.status_strip import StatusStrip
from gui.window.toolbars import Toolbars

if TYPE_CHECKING:
    from gui.timeline.view import TimelineView

# The timeline (and pyqtgraph, ~0.4 s to import) is built just after the first paint, so the
# window appears sooner; anything that asks for it earlier simply builds it then.
TIMELINE_DELAY_MS = 100

DEFAULT_SIZE = (1600, 1000)  # shrunk to the screen when it is smaller (gui/style/placement.py)
MINIMUM_SIZE = (900, 600)  # fits a 1024×768 projector with its title bar
ABOUT = (
    "<h3>Barrier Visualiser</h3><p>Watch a barrier synchronise real processes: each party "
    "works, waits at the gate, and all are released together when the last one arrives.</p>"
)


class MainWindow(QMainWindow):
    def __init__(
        self, settings: SettingsStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.settings = settings if settings is not None else ws.open_settings()
        self.model = RunViewModel()
        self.controller = RunController(self.model, self)
        self.panel = ScenarioPanel()
        self.lanes = LanesView()
        self._timeline: TimelineView | None = None
        self._timeline_slot = QWidget()  # stands in for the timeline until it is built
        self.log = NarrativeLog()
        self._build_layout()
        self.stage = StageLayout(self, self.dock, self.live_split, self.main_split)
        host = Host(self, self.statusBar(), on_stage=self.lanes.show_notice)
        presentation = Presentation(self.settings, self)
        self.analysis = AnalysisFeature(
            self.controller, self.settings, self.lanes, lambda: self._timeline, self
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.analysis.dock)
        self.tabifyDockWidget(self.dock, self.analysis.dock)  # a tab beside the editor
        self.dock.raise_()
        replay, files = ReplayBar(self.controller, host), ScenarioFiles(self.panel, host)
        self.features = Features(
            run=RunCommands(self.controller, self.panel, host),
            failures=FailureCommands(self.controller, host),
            presentation=presentation,
            exports=Exports(self.controller, self.panel, lambda: self.timeline, host),
            replay=replay,
            files=files,
            trace=TraceMode(self.controller, self.panel, host),
            window=self,
            lessons=LessonLauncher(host, lambda: presentation.theme, lambda: presentation.active),
            analysis=self.analysis,
            recent=RecentFiles(self.settings, host, files.open_path, replay.open_log),
        )
        self.commands = BoundActions(self, self.features)
        self.menus = self.commands.build_menus(self.menuBar())
        self._build_toolbars()
        self.status = StatusStrip(self.statusBar(), self.model, self.controller.clock)
        self.guard = SingleKeyGuard(self)  # editor buttons keep Space, letters and digits
        self.guard.guard(self.panel)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self._connect()
        self._apply_look(self.features.presentation.look)
        self._place_default()
        self.shares = DeskShares(
            self.main_split, self.live_split, lambda: self.features.presentation.active
        )
        self._restore()
        self._show_speed()
        self._preview()
        self._refresh_state()
        self._layout_at_open = self._layout()  # taken again once shown (see _build_timeline)
        self._scenario_at_open = ws.scenario_choice(self.panel)

    # ------------------------------------------------------------------ building
    def _build_layout(self) -> None:
        dock = QDockWidget("Scenario", self)
        dock.setObjectName("scenario_dock")
        dock.setWidget(self.panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.dock = dock
        self.live_split = QSplitter(Qt.Orientation.Vertical)
        self.live_split.setObjectName("live_split")
        self.live_split.addWidget(self.lanes)
        self.live_split.addWidget(self._timeline_slot)
        self.live_split.setStretchFactor(0, 3)
        self.live_split.setStretchFactor(1, 2)
        self.live_split.setSizes([560, 340])
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("main_split")
        self.main_split.addWidget(self.live_split)
        self.main_split.addWidget(self.log)
        self.log.setMinimumWidth(220)  # narrower, and the story wraps a word per line
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1020, 440])  # the story needs room for its long "Why:" lines
        for split in (self.live_split, self.main_split):
            split.setChildrenCollapsible(False)
            split.setHandleWidth(6)
        self.setCentralWidget(self.main_split)

    def _build_toolbars(self) -> None:
        self.toolbars = Toolbars(self, self.commands)
        self.toolbar, self.stage_toolbar = self.toolbars.bars
        self.speed_label = self.toolbars.speed_label
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.features.replay)

    @property
    def toolbar_actions(self) -> list[QAction]:
        """Every action on the toolbars, in order (both rows)."""
        return self.toolbars.actions

    def _connect(self) -> None:
        c, f = self.controller, self.features
        c.frame_ready.connect(self._on_frame)
        c.run_started.connect(self._on_run_started)
        c.run_finished.connect(self._on_run_finished)
        self.panel.scenario_changed.connect(self._preview)
        self.panel.edited_changed.connect(lambda _edited: self._show_title())
        self.panel.problem_shown.connect(self._show_scenario_problem)
        f.files.file_used.connect(lambda path: f.recent.add(RecentKind.SCENARIO, path))
        f.replay.log_opened.connect(lambda path: f.recent.add(RecentKind.EVENT_LOG, path))
        f.recent.changed.connect(self.commands.sync_entries)
        self.menus["File"].aboutToShow.connect(f.recent.refresh)  # another window's files too
        self.panel.speed_changed.connect(lambda _speed: self._show_speed())
        self.lanes.gate_clicked.connect(f.run.release_gate)
        self.lanes.kill_requested.connect(f.failures.kill)
        f.presentation.presenting_changed.connect(self.stage.set_presenting)
        f.presentation.presenting_changed.connect(f.analysis.set_presenting)
        f.presentation.look_changed.connect(self._apply_look)
        for changed in (
            f.presentation.presenting_changed,
            f.presentation.look_changed,
            f.exports.recording_changed,
            f.run.options_changed,
            f.analysis.shown_changed,
        ):
            changed.connect(lambda *_: self.commands.sync_checks())

    def _show_scenario_problem(self, message: str) -> None:
        """The editor marked a problem: its tab comes to the front (the wait-state pane may
        have hidden it) and the status line says it, so File → Open never seems to do
        nothing."""
        if not self.features.presentation.active:
            self.dock.raise_()
        self.statusBar().showMessage(f"⚠ {message}", MESSAGE_MS)

    # ------------------------------------------------------------------ commands
    def run(self) -> bool:
        """Start the panel's scenario; False (with a status message) if it cannot start."""
        return self.features.run.run()

    def save_event_log(self, path: str | os.PathLike[str]) -> bool:
        return self.features.exports.save_event_log_to(path)

    def save_screenshot(self, path: str | os.PathLike[str]) -> bool:
        return self.features.exports.save_screenshot_to(path)

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", ABOUT)

    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    # ------------------------------------------------------------------ the views
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._timeline is None:  # after the first paint; the timer dies with the window
            QTimer.singleShot(TIMELINE_DELAY_MS, self, self._build_timeline)

    def _build_timeline(self) -> None:
        self.timeline  # noqa: B018 - the property builds it
        self.shares.apply()
        self._layout_at_open = self._layout()  # shown and settled: what the user starts from
        warm_up()  # and the run path's imports, so the first Run does not wait for them

    @property
    def has_timeline(self) -> bool:
        return self._timeline is not None

    @property
    def timeline(self) -> TimelineView:
        """The timeline view, built on first use (see TIMELINE_DELAY_MS)."""
        if self._timeline is None:
            from gui.timeline.view import TimelineView

            view = TimelineView()
            self._timeline = view
            self.live_split.replaceWidget(self.live_split.indexOf(self._timeline_slot), view)
            self._timeline_slot.deleteLater()
            self._apply_look(self.features.presentation.look)
            view.update_from(self.model, self.controller.clock())
        return self._timeline

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.has_timeline:
            self.shares.apply_soon()
        self.features.presentation.set_stage_height(self.height())  # on stage, text follows
        self.toolbars.fit()
        self.stage.share()  # on stage: the lanes' and the story's shares of the new size

    def _apply_look(self, look: Look) -> None:
        """Theme and text size to every view: once per change, never per frame."""
        self.lanes.set_style(look.lane_style())
        self.analysis.set_look(look)
        self.log.set_look(look.dark, TEXT_PT * look.log_scale, look.log_px)
        self.log.update_from(self.model)
        self.toolbars.set_text_px(look.toolbar_px)
        self.statusBar().setStyleSheet(
            f"QStatusBar, QStatusBar QLabel {{ font-size: {look.status_px}px; }}"
        )
        self.commands.paint_icons(  # the theme's ink (gui/style/theme.py), not black on navy
            QColor("#F7F9FC" if look.dark else "#0B0D10"),
            QColor("#6B7480" if look.dark else "#9AA1AB"),
        )
        if self._timeline is not None:
            from gui.timeline.look import TimelineLook

            self._timeline.set_look(TimelineLook(look.dark, look.tick_px))

    def _on_frame(self, now_ns: int) -> None:
        self.lanes.update_from(self.model, now_ns)
        if self._timeline is not None:
            self._timeline.update_from(self.model, now_ns)
        self.log.update_from(self.model)
        self.status.follow_stage()
        if self.controller.frames_held:  # a recording's frame: the status line must match it
            self.status.refresh()
        self._refresh_state()

    def _refresh_state(self) -> None:
        """Enable what the run allows now (cheap: the actions change only when it does)."""
        state = read_run_state(self.controller, self.features.replay.active)
        self.commands.refresh(state)
        self.lanes.can_kill = state.can_kill

    def _on_run_started(self) -> None:
        self.statusBar().clearMessage()
        self.lanes.clear_notice()
        self._refresh_state()

    def _on_run_finished(self, exit_code: int) -> None:
        self._refresh_state()
        self.status.refresh()
        self.statusBar().showMessage(f"Run {self.model.status} (exit code {exit_code}).")

    def _preview(self) -> None:
        self._show_title()
        scenario = self.panel.current_scenario()
        if scenario is not None and not self.controller.is_running:
            self.controller.preview(scenario)

    def _show_title(self) -> None:
        """ "Space launch — Barrier Visualiser", marked (Qt's [*]: "*", a dot on macOS) while
        the editor holds changes its file or preset does not."""
        name = self.panel.scenario_name or "Untitled scenario"
        self.setWindowTitle(f"{name.replace('[*]', '[*][*]')}[*] — {APP_NAME}")
        self.setWindowModified(self.panel.edited)

    def _show_speed(self) -> None:
        self.speed_label.setText(f"speed {self.panel.speed():g}×")

    # ------------------------------------------------------------------ lifetime
    def _place_default(self) -> None:
        """The default size, shrunk to the screen and centred on it (a 1280×720 projector
        must not get a 1600×1000 window with its log and status bar off-screen)."""
        available = available_rect(self.screen())
        self.setMinimumSize(minimum_for(available, QSize(*MINIMUM_SIZE)))
        size = fitted_size(QSize(*DEFAULT_SIZE), available)
        if available is None:
            self.resize(size)
        else:
            self.setGeometry(centred(size, available))

    def set_fixed_size(self, width: int, height: int) -> None:
        """--size WxH: this size whatever the screen, and the stage's size in presentation
        mode (instead of full screen), so a capture at 1280×720 is that on any machine."""
        self.setMinimumSize(min(self.minimumWidth(), width), min(self.minimumHeight(), height))
        self.resize(width, height)
        self.stage.stage_size = QSize(width, height)

    def _restore(self) -> None:
        geometry = ws.load_bytes(self.settings, "window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            if not fits(self.geometry(), available_rect(self.screen())):
                self._place_default()  # remembered on a bigger screen: it would not fit here
        state = ws.load_bytes(self.settings, "window/state")
        if state is not None:
            self.restoreState(state)
        self.features.replay.setVisible(self.features.replay.active)  # no empty Replay bar
        for split in (self.live_split, self.main_split):
            sizes = ws.load_bytes(self.settings, f"window/{split.objectName()}")
            if sizes is not None:
                split.restoreState(sizes)
                self.shares.give_up(split)  # the user's own split, from last time
        ws.restore_scenario_choice(self.settings, self.panel)
        if self.settings.problem:
            self.statusBar().showMessage(f"⚠ Settings: {self.settings.problem}", 12_000)

    def _layout(self) -> dict[str, QByteArray]:
        """The window's layout as the settings keep it: geometry, docks, splitters."""
        layout = {"window/geometry": self.saveGeometry(), "window/state": self.saveState()}
        for split in (self.live_split, self.main_split):
            layout[f"window/{split.objectName()}"] = split.saveState()
        return layout

    def save_settings(self) -> None:
        """What this window changed since it opened, merged into the settings file: a layout
        left as it opened, or a scenario left as it was restored, is not written, so another
        window's newer one survives."""
        with self.settings.batch():
            for key, data in self._layout().items():
                if data != self._layout_at_open.get(key):
                    ws.save_bytes(self.settings, key, data)
            ws.save_scenario_choice(self.settings, self.panel, self._scenario_at_open)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.features.lessons.close()
        # back to the desk first: the settings remember the desk layout, never the stage's
        # (a window closed on stage would otherwise reopen without its editor and menus)
        self.features.presentation.set_active(False)
        self.features.presentation.stop_following()
        self.save_settings()
        self.controller.shutdown()
        self.analysis.close()
        super().closeEvent(event)
