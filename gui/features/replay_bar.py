"""Replay a recorded event log in the live views, with play/pause, a scrubber and a speed.

Why the replay goes through the run controller: a `ReplaySource` hands out the recorded events
as their time comes and maps the wall clock onto the recorded clock, so the lanes, the timeline
and the log are fed exactly as during the live run and cannot tell the difference.  This bar
only steers the source (play, pause, seek, speed) and shows where it is; it is visible only
while a replay is the controller's source.  A replay that reached its end can be scrubbed or
played again: the source is simply handed to the controller once more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolBar,
    QToolButton,
    QWidget,
)

from engine.core.event_log_reader import REPLAY_MAX_GAP_S, EventLogReadError, read_event_log
from engine.core.events import Event
from engine.sources.commands import Pause, Seek, SetSpeed

if TYPE_CHECKING:
    from engine.sources.replay import ReplaySource
from gui.features.host import Host
from gui.run.controller import RunController

SLIDER_STEPS_PER_S = 100
MAX_STEPS = 2**31 - 1  # a QSlider holds a C int; a longer replay stops the slider at its end


def _steps(seconds: float) -> int:
    return min(MAX_STEPS, max(0, round(seconds * SLIDER_STEPS_PER_S)))


MIN_SPEED, MAX_SPEED = 0.1, 50.0
ErrorDialog = Callable[[QWidget, str, str], object]


def _warn(parent: QWidget, title: str, message: str) -> object:
    return QMessageBox.warning(parent, title, message)


class ReplayBar(QToolBar):
    """Play/pause, scrubber (seconds), position/duration and speed for the current replay."""

    log_opened = Signal(str)  # an event log file was read and is replaying (its path)

    def __init__(self, controller: RunController, host: Host) -> None:
        super().__init__("Replay")
        self.setObjectName("replay_bar")
        self.setMovable(False)
        self.host = host
        self.controller = controller
        self.source: ReplaySource | None = None
        self.show_error: ErrorDialog = _warn  # tests inject a non-modal stand-in
        self._dragging = False
        self.play_button = QToolButton()
        self.play_button.setObjectName("replay_play")
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("replay_scrubber")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setMinimumWidth(320)
        self.slider.sliderPressed.connect(self._drag_started)
        self.slider.sliderReleased.connect(self._drag_ended)
        self.slider.valueChanged.connect(self._slider_moved)
        self.position_label = QLabel()
        self.position_label.setObjectName("replay_position")
        self.position_label.setMinimumWidth(150)
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.speed_spin = QDoubleSpinBox()
        self.speed_spin.setObjectName("replay_speed")
        self.speed_spin.setRange(MIN_SPEED, MAX_SPEED)
        self.speed_spin.setDecimals(2)
        self.speed_spin.setSuffix(" ×")
        self.speed_spin.setValue(1.0)
        self.speed_spin.setToolTip("Replay speed (1 × = the recorded pace)")
        self.speed_spin.valueChanged.connect(self.set_speed)
        title = QLabel("Replay")
        title.setStyleSheet("font-weight: 700; padding: 0 8px;")
        for widget in (title, self.play_button, self.slider, self.position_label):
            self.addWidget(widget)
        self.addWidget(QLabel("speed"))
        self.addWidget(self.speed_spin)
        self.setStyleSheet("QToolBar#replay_bar { spacing: 10px; padding: 6px 12px; }")
        self.controller.frame_ready.connect(self._on_frame)
        self.controller.run_started.connect(self._on_run_started)
        self.controller.run_finished.connect(lambda _code: self._show_state())
        self.hide()

    # ------------------------------------------------------------------ opening
    def open_log(self, path: str | os.PathLike[str], speed: float = 1.0) -> bool:
        """Read `path` and replay it; a bad file is one dialog line, warnings go to the status."""
        try:
            events, warnings = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
        except EventLogReadError as exc:
            self.show_error(self.host.window, "Cannot open the event log", str(exc))
            return False
        if warnings:
            more = f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
            self.host.say(f"⚠ {warnings[0]}{more}", 12000)
        if not self.replay(events, speed, Path(path).name):
            return False
        self.log_opened.emit(str(path))
        return True

    def ask_open_log(self) -> None:
        """File → Open Event Log…: pick a log and replay it."""
        path, _ = QFileDialog.getOpenFileName(
            self.host.window, "Open Event Log", "", "Event logs (*.jsonl);;All files (*)"
        )
        if path:
            self.open_log(path)

    def replay(self, events: list[Event], speed: float = 1.0, title: str = "event log") -> bool:
        if self.controller.is_running:
            self.host.say("Stop the current run before replaying.")
            return False
        from engine.sources.replay import ReplaySource  # loads with the first replay

        try:
            source = ReplaySource(events, speed=speed)
        except ValueError as exc:
            self.show_error(self.host.window, "Cannot replay", str(exc))
            return False
        self.source = source
        self.slider.setRange(0, max(1, _steps(source.duration_s())))
        with QSignalBlocker(self.speed_spin):
            self.speed_spin.setValue(min(MAX_SPEED, max(MIN_SPEED, speed)))
        self.host.show_subject(f"Replay: {title}")
        self.controller.start_source(source)
        return True

    @property
    def active(self) -> bool:
        """A replay is what the views show (playing, paused or ended)."""
        return self.source is not None and self.controller.source is self.source

    # ------------------------------------------------------------------ steering
    # The bar steers the ReplaySource it made (an ended replay is no longer the controller's
    # active source, so seeking it back must reach the source itself).
    def toggle_play(self) -> None:
        source = self.source
        if source is None:
            return
        if not self.controller.is_running:  # ended: play it again from the start
            source.send(Seek(0.0))
            self.controller.start_source(source)
        elif source.playing:
            source.send(Pause(True))
        else:
            source.send(Pause(False))
        self._show_state()

    def seek(self, position_s: float) -> None:
        source = self.source
        if source is None:
            return
        source.send(Seek(position_s))
        if not self.controller.is_running:  # scrubbing an ended replay brings it back
            self.controller.start_source(source)
        self._show_state()

    def set_speed(self, speed: float) -> None:
        if self.source is not None:
            self.source.send(SetSpeed(speed))

    # ------------------------------------------------------------------ display
    def _on_run_started(self) -> None:
        self.setVisible(self.active)
        self._show_state()

    def _on_frame(self, _now_ns: object) -> None:
        if self.active and not self._dragging:
            self._show_state()

    def _show_state(self) -> None:
        source = self.source
        if source is None:
            return
        ended = not self.controller.is_running
        playing = source.playing and not ended
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        text = "Pause" if playing else ("Replay again" if ended else "Play")
        if self.play_button.text() != text:
            self.play_button.setText(text)
            self.play_button.setIcon(self.style().standardIcon(icon))
            self.play_button.setToolTip(f"{text} (Space)")
        position = self._position_s(source)
        with QSignalBlocker(self.slider):
            self.slider.setValue(_steps(position))
        label = f"{position:6.2f} s / {source.duration_s():.2f} s"
        if self.position_label.text() != label:
            self.position_label.setText(label)

    def _position_s(self, source: ReplaySource) -> float:
        """Where the replay is: the moment on screen while the views show it (a recording
        draws its frames behind the source's own clock), else the source's position."""
        if not self.active:
            return source.position_s()
        shown = (self.controller.clock() - source.t0_ns) / 1e9
        return min(max(shown, 0.0), source.duration_s())

    def _drag_started(self) -> None:
        self._dragging = True

    def _drag_ended(self) -> None:
        self._dragging = False
        self.seek(self.slider.value() / SLIDER_STEPS_PER_S)

    def _slider_moved(self, value: int) -> None:
        if not self._dragging:  # a click on the groove or a key: seek at once
            self.seek(value / SLIDER_STEPS_PER_S)
        else:
            self.position_label.setText(f"{value / SLIDER_STEPS_PER_S:6.2f} s")
