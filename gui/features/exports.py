"""Everything that leaves the window as a file: event log, trace, timeline image, window PNG,
video, code.

Why each command has a `*_to(path)` half and an `ask_*` half: the path prompt is a modal file
dialog, which tests must never open; tests (and `--record`/`--screenshot`) call the `*_to`
half directly, the menu calls `ask_*`, and the prompt itself (`ask_path`) is injectable.
Every file is written atomically (a temporary beside the target, then one rename).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.files.atomic import atomic_write_bytes, atomic_write_text
from gui.editor.panel import ScenarioPanel
from gui.features.host import Host
from gui.run.controller import RunController

if TYPE_CHECKING:  # the exporters load when first used (~70 ms less before the first frame)
    from gui.features.code_dialog import CodeDialog
    from gui.recording.frame_times import FrameTimes
    from gui.recording.recorder import Recorder
    from gui.timeline.view import TimelineView

AskPath = Callable[[QWidget, str, str, str], str]  # parent, title, suggested name, filter


def _ask_path(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


class Exports(QObject):
    """File → Save/Export …, View → Show Code and the Record toggle of one window."""

    recording_changed = Signal(bool)

    def __init__(
        self,
        controller: RunController,
        panel: ScenarioPanel,
        timeline: Callable[[], TimelineView],
        host: Host,
    ) -> None:
        super().__init__(controller)
        self.controller = controller
        self.panel = panel
        self.timeline = timeline  # builds the (lazily made) timeline if it is not there yet
        self.host = host
        self.ask_path: AskPath = _ask_path
        self.recorder: Recorder | None = None
        self.code_dialog: CodeDialog | None = None
        self.last_video: str | None = None

    def _ask(self, title: str, suggested: str, filters: str) -> str:
        return self.ask_path(self.host.window, title, suggested, filters)

    # ------------------------------------------------------------------ the run's data
    def save_event_log_to(self, path: str | os.PathLike[str]) -> bool:
        """Every event of the last run as JSON Lines."""
        events = self.controller.last_events
        if not events:
            self.host.say("Nothing to save yet: run a scenario first.")
            return False
        try:
            atomic_write_text(path, "".join(e.to_json_line() + "\n" for e in events))
        except OSError as exc:
            self.host.say(f"Event log not saved: {exc.strerror}")
            return False
        self.host.say(f"Saved {len(events)} events to {path}")
        return True

    def export_trace_to(self, path: str | os.PathLike[str]) -> bool:
        events = self.controller.last_events
        if not events:
            self.host.say("Nothing to export yet: run a scenario (or replay a log) first.")
            return False
        from engine.export.chrome_trace import write_trace

        try:
            write_trace(events, path)
        except OSError as exc:
            self.host.say(f"Trace not saved: {exc.strerror or exc}")
            return False
        self.host.say(f"Trace saved to {path} — open it in ui.perfetto.dev or chrome://tracing")
        return True

    def ask_save_event_log(self) -> None:
        path = self._ask("Save Event Log", "", "JSON Lines (*.jsonl)")
        if path:
            self.save_event_log_to(path)

    def ask_export_trace(self) -> None:
        path = self._ask("Export Trace", "trace.json", "Chrome trace (*.json)")
        if path:
            self.export_trace_to(path)

    # ------------------------------------------------------------------ pictures
    def export_timeline_to(self, path: str | os.PathLike[str]) -> bool:
        try:
            self.timeline().export_image(str(path))
        except OSError as exc:
            self.host.say(f"Timeline image not saved: {exc.strerror or exc}")
            return False
        self.host.say(f"Timeline saved to {path}")
        return True

    def save_screenshot_to(self, path: str | os.PathLike[str]) -> bool:
        """PNG (or the suffix's format) of the whole window."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        fmt = Path(path).suffix.lstrip(".").upper() or "PNG"
        ok = self.host.window.grab().save(buffer, fmt)
        if ok:
            try:
                atomic_write_bytes(path, bytes(data.data()))
            except OSError:
                ok = False
        self.host.say(f"Screenshot saved to {path}" if ok else f"Screenshot not saved to {path}")
        return ok

    def ask_export_timeline(self) -> None:
        path = self._ask("Export Timeline", "timeline.png", "PNG image (*.png);;SVG image (*.svg)")
        if path:
            self.export_timeline_to(path)

    def ask_save_screenshot(self) -> None:
        path = self._ask("Save Screenshot", "", "PNG images (*.png)")
        if path:
            self.save_screenshot_to(path)

    # ------------------------------------------------------------------ code
    def show_code(self) -> CodeDialog | None:
        scenario = self.panel.current_scenario()
        if scenario is None:
            self.host.say("Cannot show code: the scenario has a problem (see the marked field).")
            return None
        from gui.features.code_dialog import CodeDialog, script_for

        script = script_for(scenario, self.panel.seed(), self.panel.speed())
        if self.code_dialog is not None:
            self.code_dialog.close()
            self.code_dialog.deleteLater()
        self.code_dialog = CodeDialog(script, scenario.name, self.host.window)
        self.code_dialog.show()  # non-modal: the run can go on beside it
        return self.code_dialog

    # ------------------------------------------------------------------ video
    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.recording

    def start_recording(
        self,
        path: str | os.PathLike[str],
        times: FrameTimes | None = None,
        announce: bool = True,
    ) -> Recorder | None:
        """Record the whole window at 30 fps into `path` (.mp4 or .gif) until stopped.

        `times`: which moment each frame shows (default: the live run from now on).
        `announce`: say so in the status line; a scripted screencast does not want the line
        in every frame."""
        if self.recording:
            return self.recorder
        from gui.recording.recorder import Recorder

        try:
            recorder = Recorder(self.host.window, path, self.controller, times=times)
        except ValueError as exc:
            self.host.say(str(exc))
            return None
        recorder.saved.connect(self._video_saved)
        recorder.failed.connect(self.host.say)
        recorder.stopped.connect(lambda: self._video_stopped(recorder))
        self.recorder = recorder
        if announce:
            self.host.say("● Recording — Ctrl+Shift+R stops", 0)
        recorder.start()
        self.recording_changed.emit(True)
        return recorder

    def stop_recording(self, catch_up: bool = True) -> Recorder | None:
        """End the video now (see Recorder.stop); the recorder, or None if none records."""
        recorder = self.recorder
        if recorder is None or not recorder.recording:
            return None
        recorder.stop(catch_up)
        return recorder

    def _video_stopped(self, recorder: Recorder) -> None:
        if recorder.error is None:
            self.host.say(f"Finishing the video {recorder.path} …")
        self.recording_changed.emit(False)

    def set_recording(self, on: bool) -> None:
        """The Record toggle: on asks where to save (nothing happens if no path is given)."""
        if not on:
            self.stop_recording()
            return
        if self.recording:
            return
        path = self._ask("Record Video", "barrier.mp4", "MP4 video (*.mp4);;GIF animation (*.gif)")
        if path:
            self.start_recording(path)
        else:
            self.recording_changed.emit(False)  # untick the button: nothing is recording

    def _video_saved(self, path: str) -> None:
        self.last_video = path
        self.host.say(f"Video saved to {path}")

    def finish_on_quit(self) -> None:
        """aboutToQuit: a recording in progress is stopped and its file completed (bounded)."""
        self.stop_recording(catch_up=False)  # no more frames can be drawn: the loop is ending
        if self.recorder is not None:
            self.recorder.wait(30.0)
