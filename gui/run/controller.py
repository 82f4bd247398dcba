"""Own one run at a time and feed the GUI from a frame clock.

Why a frame clock and not a signal per event: a crowd of 256 parties can produce thousands of
events a second.  Every ~16 ms the timer drains *everything* the runner collected into the
Qt-free `RunViewModel` in one batch and emits ONE `frame_ready(now_ns)`; the views repaint once
from the model.  Nothing here ever blocks the GUI thread: `Runner.poll()` and `Runner.stop()`
return at once.  Only `shutdown()` (window close / aboutToQuit) waits, with a short bound, so
that no party process outlives the app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from engine.core.events import Event
from engine.model.view_model import Lane, LaneState, RunViewModel
from engine.scenario import Scenario
from engine.sources.protocol import RunSource

FRAME_MS = 16
# Keep painting this long after a run ends, so release animations and the action banner fade
# out smoothly instead of freezing mid-flight.
AFTERGLOW_NS = 3_000_000_000
SHUTDOWN_JOIN_S = 2.0

RunnerFactory = Callable[..., RunSource]


def _make_runner(scenario: Scenario, speed: float, seed: int | None, **options: Any) -> RunSource:
    """The source `scenario.backend` names (processes, threads, asyncio, mpi); may raise
    ValueError (MpiUnavailable, ScenarioError) before anything starts."""
    from engine.sources.factory import (
        make_runner,  # asyncio/MPI backends: not before the first frame
    )

    return make_runner(scenario, speed=speed, seed=seed, **options)


class RunController(QObject):
    """Starts, stops and polls `Runner`s; the single writer of the view model."""

    # now_ns (an int), once per frame after the model absorbed a batch; `object` because a
    # monotonic ns count overflows the C int that Signal(int) would carry
    frame_ready = Signal(object)
    run_started = Signal()
    run_finished = Signal(int)  # the run's exit code

    def __init__(
        self,
        model: RunViewModel | None = None,
        parent: QObject | None = None,
        *,
        runner_factory: RunnerFactory = _make_runner,
        frame_ms: int = FRAME_MS,
    ) -> None:
        super().__init__(parent)
        self.model = model if model is not None else RunViewModel()
        self._factory = runner_factory
        self._runner: RunSource | None = None
        self._active = False
        self._afterglow_until_ns = 0
        self.frames = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(frame_ms)
        self._timer.timeout.connect(self._tick)

    # ------------------------------------------------------------------ queries
    @property
    def runner(self) -> RunSource | None:
        """The current (or last) runner."""
        return self._runner

    @property
    def is_running(self) -> bool:
        """True from start() until run_finished was emitted."""
        return self._active

    @property
    def last_events(self) -> list[Event]:
        """Every event of the current or last run (a copy, safe to export)."""
        return list(self._runner.events) if self._runner is not None else []

    # ------------------------------------------------------------------ commands
    def start(
        self, scenario: Scenario, speed: float = 1.0, seed: int | None = None, **options: Any
    ) -> bool:
        """Start a run; False (and nothing happens) while a run is still active.

        `options` go to the runner (presenter_gate, step_stages, start_method …)."""
        if self._active:
            return False
        return self.start_source(self._factory(scenario, speed, seed, **options))

    def start_source(self, runner: RunSource) -> bool:
        """Show any event source (a replay, a traced program …) exactly like a live run."""
        if self._active:
            return False
        self._runner = runner
        self._active = True
        runner.start()
        self._timer.start()
        self.run_started.emit()
        return True

    def stop(self) -> None:
        """Ask the run to end; returns at once (the runner terminates, then kills)."""
        if self._runner is not None and self._active:
            self._runner.stop()

    def can(self, capability: str) -> bool:
        """Whether the active source supports abort/reset/kill/gate/step/pause/seek/speed."""
        runner = self._runner
        return self._active and runner is not None and capability in runner.capabilities

    def command(self, name: str, *args: Any) -> bool:
        """Forward a non-blocking command (abort, reset, kill_party, release_gate,
        continue_stage, pause, play, seek, set_speed) to the active source if it supports it."""
        runner = self._runner
        method = getattr(runner, name, None) if runner is not None else None
        if method is None or not self._active:
            return False
        method(*args)
        return True

    def clock(self) -> int:
        """Now, on the source's clock (a replay maps wall time onto the recorded clock)."""
        now_ns = getattr(self._runner, "now_ns", None)
        return int(now_ns()) if now_ns is not None else time.monotonic_ns()

    def shutdown(self) -> None:
        """For window close / aboutToQuit: stop and wait (bounded) for every party to go."""
        runner = self._runner
        self._timer.stop()
        if runner is None or not self._active:
            return
        runner.stop()
        runner.join(SHUTDOWN_JOIN_S)
        self._active = False

    def preview(self, scenario: Scenario) -> None:
        """Show the scenario's parties as idle lanes (only while no run is active)."""
        if self._active:
            return
        model = self.model
        model.__init__()  # type: ignore[misc]  # reset in place: views hold this object
        model.lanes = [
            Lane(i, spec.name, state=LaneState.IDLE) for i, spec in enumerate(scenario.party)
        ]
        model.parties = scenario.parties
        model.stages = scenario.stages
        model.version += 1
        self.frame_ready.emit(time.monotonic_ns())

    # ------------------------------------------------------------------ the clock
    def _tick(self) -> None:
        now = self.clock()
        runner = self._runner
        if runner is not None and self._active:
            done = runner.done  # read before polling: a done runner has delivered everything
            batch = runner.poll()
            if batch:
                self.model.apply(batch)
            self.frames += 1
            self.frame_ready.emit(now)
            if done:
                self._finish(runner, now)
            return
        self.frames += 1
        self.frame_ready.emit(now)
        if time.monotonic_ns() >= self._afterglow_until_ns:  # wall time: a replay's clock stops
            self._timer.stop()

    def _finish(self, runner: RunSource, now: int) -> None:
        self._active = False
        self._afterglow_until_ns = time.monotonic_ns() + AFTERGLOW_NS
        outcome = runner.outcome
        code = outcome.exit_code if outcome is not None else 1
        runner.join(0)
        self.run_finished.emit(code)
