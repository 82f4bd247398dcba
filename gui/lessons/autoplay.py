"""Autoplay: the lesson presses → by itself, paced by engine.lessons.autoplay.

Why a timer of its own and not the frame clock: the controller's frame timer stops a few
seconds after a run ends, but a step still has to wait out its caption's reading time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from engine.lessons import AutoplayClock, AutoplayTiming
from gui.lessons.driver import LessonDriver

TICK_MS = 50


class Autoplay(QObject):
    """Plays `driver`'s lesson to its end: prompts shown, then revealed, gates opened, steps
    advanced."""

    def __init__(self, driver: LessonDriver, timing: AutoplayTiming | None = None) -> None:
        super().__init__(driver)
        self.driver = driver
        self.clock = AutoplayClock(timing or AutoplayTiming())
        self.moves = 0
        driver.autostart_runs = False  # each run starts once its caption had its lead
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        driver.step_changed.connect(lambda _index: self.clock.begin_step(time.monotonic()))
        driver.finished.connect(self._timer.stop)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        now = time.monotonic()
        self.clock.begin_step(now)
        if self.driver.run_requested:  # the step's run was started before autoplay began
            self.clock.run_started(now)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        d = self.driver
        now = time.monotonic()
        if not d.run_requested:
            if self.clock.run_due(d.step, now):
                d.start_run()
                self.clock.run_started(now)
            return
        move = self.clock.due(
            d.step, d.model, d.session.prompt_state.revealed, d.verdict.settled, now
        )
        if move is not None:
            self.moves += 1
            d.apply(move)
