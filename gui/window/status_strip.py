"""The status bar's live facts: run state, elapsed time, stage, release skew of the last stage.

Why a slow clock: numbers that change 60 times a second cannot be read, and re-laying out text
labels every frame costs more than painting the lanes.  Four refreshes a second (friture's
fast/slow timer split) is readable and cheap; a label is only touched when its text changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from engine.model.view_model import RunStatus, RunViewModel
from gui.lanes.overlay import stage_words
from gui.style.palette import BROKEN_COLOUR, DIED_COLOUR, RELEASE_COLOUR, WAIT_COLOUR

REFRESH_MS = 250

STATUS_LOOKS: dict[RunStatus, tuple[str, str]] = {
    RunStatus.IDLE: ("○ ready", "#5C6470"),
    RunStatus.RUNNING: ("● running", "#0072B2"),
    RunStatus.STOPPING: ("● stopping…", WAIT_COLOUR),
    RunStatus.PASSED: ("✔ passed", RELEASE_COLOUR),
    RunStatus.BROKEN: ("✖ broken", BROKEN_COLOUR),
    RunStatus.DIED: ("☠ a party died", DIED_COLOUR),
    RunStatus.STOPPED: ("■ stopped", DIED_COLOUR),
}


def status_text(model: RunViewModel) -> tuple[str, str]:
    """(text, colour) for the run state."""
    return STATUS_LOOKS[model.status]


class StatusStrip(QWidget):
    """Owns four permanent labels in a QStatusBar and refreshes them at ~4 Hz."""

    def __init__(
        self,
        bar: QStatusBar,
        model: RunViewModel,
        clock: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        super().__init__(bar)
        self.model = model
        self.clock = clock  # the source's clock: a replay shows the recorded elapsed time
        self.state_label = QLabel()
        self.elapsed_label = QLabel()
        self.stage_label = QLabel()
        self.skew_label = QLabel()
        for label in (self.state_label, self.elapsed_label, self.stage_label, self.skew_label):
            label.setContentsMargins(10, 0, 10, 0)
            bar.addPermanentWidget(label)
        self._texts: dict[QLabel, str] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _set(self, label: QLabel, text: str, style: str = "") -> None:
        key = text + style
        if self._texts.get(label) != key:
            self._texts[label] = key
            label.setText(text)
            label.setStyleSheet(style)

    def follow_stage(self) -> None:
        """The stage, in the lanes header's own words (called every frame: a stage change
        must not show "Stage 2 of 2" above and "stage 1" below for a quarter second)."""
        words = stage_words(self.model) if self.model.lanes else "Stage –"
        self._set(self.stage_label, words)

    def refresh(self) -> None:
        model = self.model
        text, colour = status_text(model)
        if self.palette().color(QPalette.ColorRole.Window).lightness() < 128:
            colour = QColor(colour).lighter(165).name()  # dark theme: readable on near-black
        self._set(self.state_label, text, f"color: {colour}; font-weight: 600;")
        self._set(self.elapsed_label, f"elapsed {model.elapsed_s(self.clock()):.2f} s")
        self.follow_stage()
        skew = model.last_skew_ns
        self._set(
            self.skew_label,
            f"release skew {skew / 1e6:.2f} ms" if skew is not None else "release skew –",
        )
