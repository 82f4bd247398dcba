"""The main window: scenario editor on the left, live lanes above the timeline, story on the right.

Why it is only wiring: every view takes the Qt-free model through `update_from` once per frame
(the `RunController` clock), so this class connects signals, owns the file commands and the
settings, and never touches the engine on the GUI thread beyond non-blocking calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QSplitter, QWidget

from engine.core.atomic import atomic_write_bytes, atomic_write_text
from engine.model.view_model import RunViewModel
from gui.editor.panel import ScenarioPanel
from gui.features.failure_actions import FailureCommands
from gui.lanes.view import LanesView
from gui.run.controller import RunController
from gui.window import settings as ws
from gui.window.actions import build_actions
from gui.window.extras import install_extras
from gui.window.log_view import NarrativeLog
from gui.window.status_strip import StatusStrip

if TYPE_CHECKING:
    from gui.timeline.view import TimelineView

# The timeline (and pyqtgraph, ~0.4 s to import) is built just after the first paint, so the
# window appears sooner; anything that asks for it earlier simply builds it then.
TIMELINE_DELAY_MS = 100

DEFAULT_SIZE = (1600, 1000)
MINIMUM_SIZE = (1100, 700)
MESSAGE_MS = 8000
ABOUT = (
    "<h3>Barrier Visualiser</h3><p>Watch a barrier synchronise real processes: each party "
    "works, waits at the gate, and all are released together when the last one arrives.</p>"
)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Barrier Visualiser")
        self.settings = settings if settings is not None else ws.open_settings()
        self.model = RunViewModel()
        self.controller = RunController(self.model, self)
        self.panel = ScenarioPanel()
        self.lanes = LanesView()
        self._timeline: TimelineView | None = None
        self._timeline_slot = QWidget()  # stands in for the timeline until it is built
        self.log = NarrativeLog()
        self._build_layout()
        self.commands = build_actions(self, self._slots())
        self.failure_commands = FailureCommands(
            self, self.controller, self.lanes, self.commands.stop, self.statusBar()
        )  # Abort (A), Reset (R), and the lanes' right-click Kill
        self.status = StatusStrip(self.statusBar(), self.model, self.controller.clock)
        self._connect()
        self.run_options: dict[str, object] = {}  # presenter_gate, step_stages (View/Run menus)
        self.extras = install_extras(self)  # presenting, replay, exports (gui/window_extras.py)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)
        self._restore()
        self._show_speed()
        self._preview()

    # ------------------------------------------------------------------ building
    def _build_layout(self) -> None:
        dock = QDockWidget("Scenario", self)
        dock.setObjectName("scenario_dock")
        dock.setWidget(self.panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setMinimumWidth(380)
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
        self.log.setMinimumWidth(260)  # narrower, and the story wraps a word per line
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1020, 440])  # the story needs room for its long "Why:" lines
        for split in (self.live_split, self.main_split):
            split.setChildrenCollapsible(False)
            split.setHandleWidth(6)
        self.setCentralWidget(self.main_split)

    def _slots(self) -> dict[str, Callable[[], object]]:
        return {
            "run": self.run,
            "stop": self.stop,
            "open": self.open_scenario,
            "save": self.save_scenario,
            "save_as": self.save_scenario_as,
            "save_events": self.ask_save_event_log,
            "save_screenshot": self.ask_save_screenshot,
            "quit": self.close,
            "about": lambda: QMessageBox.about(self, "About Barrier Visualiser", ABOUT),
        }

    def _connect(self) -> None:
        self.controller.frame_ready.connect(self._on_frame)
        self.controller.run_started.connect(self._on_run_started)
        self.controller.run_finished.connect(self._on_run_finished)
        self.panel.scenario_changed.connect(self._preview)
        speed_changed = getattr(self.panel, "speed_changed", None)
        if speed_changed is not None:
            speed_changed.connect(lambda *_: self._show_speed())

    # ------------------------------------------------------------------ the run
    def run(self) -> bool:
        """Start the panel's scenario; False (with a status message) if it cannot start."""
        if self.controller.is_running:
            self.statusBar().showMessage("A run is already in progress.", MESSAGE_MS)
            return False
        scenario = self.panel.current_scenario()
        if scenario is None:
            self.statusBar().showMessage(
                "Cannot run: the scenario has a problem (see the field marked on the left).",
                MESSAGE_MS,
            )
            return False
        try:
            if self.run_options.get("presenter_gate"):  # the gate waits for a human: no timeout
                scenario = scenario.replace(timeout=None)
            started = self.controller.start(
                scenario, self.panel.speed(), self.panel.seed(), **self.run_options
            )
        except (ValueError, OSError) as exc:  # MpiUnavailable, ScenarioError: nothing started
            self.statusBar().showMessage(f"Cannot run: {exc}", MESSAGE_MS)
            if isinstance(exc, ValueError):
                self.panel.show_run_problem(exc)
            return False
        self._show_speed()
        return started

    def stop(self) -> None:
        self.controller.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._timeline is None:  # after the first paint; the timer dies with the window
            QTimer.singleShot(TIMELINE_DELAY_MS, self, self._build_timeline)

    def _build_timeline(self) -> None:
        self.timeline  # noqa: B018 - the property builds it

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
            extras = getattr(self, "extras", None)
            if extras is not None:
                extras.presentation.apply()  # the current theme and text size
            view.update_from(self.model, self.controller.clock())
        return self._timeline

    def _on_frame(self, now_ns: int) -> None:
        self.lanes.update_from(self.model, now_ns)
        if self._timeline is not None:
            self._timeline.update_from(self.model, now_ns)
        self.log.update_from(self.model)

    def _on_run_started(self) -> None:
        self.commands.run.setEnabled(False)
        self.commands.stop.setEnabled(True)
        self.statusBar().clearMessage()

    def _on_run_finished(self, exit_code: int) -> None:
        self.commands.run.setEnabled(True)
        self.commands.stop.setEnabled(False)
        self.status.refresh()
        self.statusBar().showMessage(f"Run {self.model.status} (exit code {exit_code}).")

    def _preview(self) -> None:
        scenario = self.panel.current_scenario()
        if scenario is None:
            return
        self.setWindowTitle(f"{scenario.name} — Barrier Visualiser")
        if not self.controller.is_running:
            self.controller.preview(scenario)

    def _show_speed(self) -> None:
        self.commands.speed_label.setText(f"speed {self.panel.speed():g}×")

    # ------------------------------------------------------------------ files
    def open_scenario(self) -> None:
        start = str(self.panel.current_path or Path.cwd())
        path, _ = QFileDialog.getOpenFileName(self, "Open Scenario", start, "Scenarios (*.toml)")
        if path and self.panel.open_file(path):
            self.statusBar().showMessage(f"Opened {path}", MESSAGE_MS)

    def save_scenario(self) -> None:
        if self.panel.current_path is None:
            self.save_scenario_as()
        elif self.panel.save_file(self.panel.current_path):
            self.statusBar().showMessage(f"Saved {self.panel.current_path}", MESSAGE_MS)

    def save_scenario_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Scenario", "", "Scenarios (*.toml)")
        if path and self.panel.save_file(path):
            self.statusBar().showMessage(f"Saved {path}", MESSAGE_MS)

    def save_event_log(self, path: str | os.PathLike[str]) -> bool:
        """Write every event of the last run as JSON Lines, atomically."""
        events = self.controller.last_events
        if not events:
            self.statusBar().showMessage("Nothing to save yet: run a scenario first.", MESSAGE_MS)
            return False
        try:
            atomic_write_text(path, "".join(e.to_json_line() + "\n" for e in events))
        except OSError as exc:
            self.statusBar().showMessage(f"Event log not saved: {exc.strerror}", MESSAGE_MS)
            return False
        self.statusBar().showMessage(f"Saved {len(events)} events to {path}", MESSAGE_MS)
        return True

    def save_screenshot(self, path: str | os.PathLike[str]) -> bool:
        """PNG (or the suffix's format) of the whole window, written atomically."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        fmt = Path(path).suffix.lstrip(".").upper() or "PNG"
        ok = self.grab().save(buffer, fmt)
        if ok:
            try:
                atomic_write_bytes(path, bytes(data.data()))
            except OSError:
                ok = False
        self.statusBar().showMessage(
            f"Screenshot saved to {path}" if ok else f"Screenshot not saved to {path}", MESSAGE_MS
        )
        return ok

    def ask_save_event_log(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Event Log", "", "JSON Lines (*.jsonl)")
        if path:
            self.save_event_log(path)

    def ask_save_screenshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Screenshot", "", "PNG images (*.png)")
        if path:
            self.save_screenshot(path)

    # ------------------------------------------------------------------ lifetime
    def _restore(self) -> None:
        geometry = ws.load_bytes(self.settings, "window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = ws.load_bytes(self.settings, "window/state")
        if state is not None:
            self.restoreState(state)
        for split in (self.live_split, self.main_split):
            sizes = ws.load_bytes(self.settings, f"window/{split.objectName()}")
            if sizes is not None:
                split.restoreState(sizes)
        ws.restore_scenario_choice(self.settings, self.panel)

    def save_settings(self) -> None:
        ws.save_bytes(self.settings, "window/geometry", self.saveGeometry())
        ws.save_bytes(self.settings, "window/state", self.saveState())
        for split in (self.live_split, self.main_split):
            ws.save_bytes(self.settings, f"window/{split.objectName()}", split.saveState())
        ws.save_scenario_choice(self.settings, self.panel)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.controller.shutdown()
        super().closeEvent(event)
