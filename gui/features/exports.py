"""Everything that leaves the window as a file: trace, timeline image, window PNG, video, code.

Why each command has a `*_to(path)` half and an `ask_*` half: the path prompt is a modal file
dialog, which tests must never open; tests (and `--record`/`--screenshot`) call the `*_to`
half directly, the menu calls `ask_*`, and the prompt itself (`ask_path`) is injectable.
Every file is written atomically (a temporary beside the target, then one rename).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.export.chrome_trace import write_trace
from gui.features.code_dialog import CodeDialog, script_for
from gui.features.recorder import Recorder

if TYPE_CHECKING:
    from gui.window.main_window import MainWindow

MESSAGE_MS = 8000
AskPath = Callable[[QWidget, str, str, str], str]  # parent, title, suggested name, filter


def _ask_path(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


class Exports(QObject):
    """File → Export …, View → Show Code and the Record toggle of one main window."""

    recording_changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ask_path: AskPath = _ask_path
        self.recorder: Recorder | None = None
        self.code_dialog: CodeDialog | None = None
        self.last_video: str | None = None

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    # ------------------------------------------------------------------ trace and images
    def export_trace_to(self, path: str | os.PathLike[str]) -> bool:
        events = self.window.controller.last_events
        if not events:
            self._say("Nothing to export yet: run a scenario (or replay a log) first.")
            return False
        try:
            write_trace(events, path)
        except OSError as exc:
            self._say(f"Trace not saved: {exc.strerror or exc}")
            return False
        self._say(f"Trace saved to {path} — open it in ui.perfetto.dev or chrome://tracing")
        return True

    def export_timeline_to(self, path: str | os.PathLike[str]) -> bool:
        try:
            self.window.timeline.export_image(str(path))
        except OSError as exc:
            self._say(f"Timeline image not saved: {exc.strerror or exc}")
            return False
        self._say(f"Timeline saved to {path}")
        return True

    def ask_export_trace(self) -> None:
        path = self.ask_path(self.window, "Export Trace", "trace.json", "Chrome trace (*.json)")
        if path:
            self.export_trace_to(path)

    def ask_export_timeline(self) -> None:
        path = self.ask_path(
            self.window, "Export Timeline", "timeline.png", "PNG image (*.png);;SVG image (*.svg)"
        )
        if path:
            self.export_timeline_to(path)

    # ------------------------------------------------------------------ code
    def show_code(self) -> CodeDialog | None:
        panel = self.window.panel
        scenario = panel.current_scenario()
        if scenario is None:
            self._say("Cannot show code: the scenario has a problem (see the marked field).")
            return None
        script = script_for(scenario, panel.seed(), panel.speed())
        if self.code_dialog is not None:
            self.code_dialog.close()
            self.code_dialog.deleteLater()
        self.code_dialog = CodeDialog(script, scenario.name, self.window)
        self.code_dialog.show()  # non-modal: the run can go on beside it
        return self.code_dialog

    # ------------------------------------------------------------------ video
    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.recording

    def start_recording(self, path: str | os.PathLike[str]) -> Recorder | None:
        """Record the whole window at 30 fps into `path` (.mp4 or .gif) until stopped."""
        if self.recording:
            return self.recorder
        try:
            recorder = Recorder(self.window, path)
        except ValueError as exc:
            self._say(str(exc))
            return None
        recorder.saved.connect(self._video_saved)
        recorder.failed.connect(self._say)
        self.recorder = recorder
        recorder.start()
        self.window.statusBar().showMessage(f"● Recording to {path} — Ctrl+Shift+R stops")
        self.recording_changed.emit(True)
        return recorder

    def stop_recording(self) -> Recorder | None:
        recorder = self.recorder
        if recorder is None or not recorder.recording:
            return None
        recorder.stop()
        self._say(f"Finishing the video {recorder.path} …")
        self.recording_changed.emit(False)
        return recorder

    def toggle_recording(self) -> None:
        if self.recording:
            self.stop_recording()
            return
        path = self.ask_path(
            self.window, "Record Video", "barrier.mp4", "MP4 video (*.mp4);;GIF animation (*.gif)"
        )
        if path:
            self.start_recording(path)
        else:
            self.recording_changed.emit(False)  # untick the button: nothing is recording

    def _video_saved(self, path: str) -> None:
        self.last_video = path
        self._say(f"Video saved to {path}")

    def finish_on_quit(self) -> None:
        """aboutToQuit: a recording in progress is stopped and its file completed (bounded)."""
        self.stop_recording()
        if self.recorder is not None:
            self.recorder.wait(30.0)
