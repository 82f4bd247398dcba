"""Own one run at a time and feed the GUI from a frame clock.

Why a frame clock and not a signal per event: a crowd of 256 parties can produce thousands of
events a second.  Every ~16 ms the timer drains *everything* the source collected into the
Qt-free `RunViewModel` in one batch and emits ONE `frame_ready(now_ns)`; the views repaint once
from the model.  Nothing here ever blocks the GUI thread: a source's `poll()` and `send()`
return at once.  Only `shutdown()` (window close / aboutToQuit) waits, with a short bound, so
that no party process outlives the app.

What the active source can do is data (`capabilities`), so a button is enabled from
`can(Capability.KILL)` and pressed with `send(Kill(party))`, whatever the source is.

While a recording draws the frames (`hold_frames`), the timer only collects: events wait in
`HeldEvents` until `draw_frame(t)` shows the moment they happened, so a frame drawn late (after
a stall) is still the true picture of its moment.  The run ends, for the views, in the frame
that shows its last event.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from engine.core.events import Event
from engine.model.view_model import Lane, LaneState, RunViewModel
from engine.scenario import Scenario
from engine.sources.base import Source
from engine.sources.commands import Capability, Command, Stop
from gui.run.held_frames import ClockTrack, HeldEvents

FRAME_MS = 16
# Keep painting this long after a run ends, so release animations and the action banner fade
# out smoothly instead of freezing mid-flight.
AFTERGLOW_NS = 3_000_000_000
SHUTDOWN_JOIN_S = 2.0

SourceFactory = Callable[..., Source]


def _make_source(scenario: Scenario, speed: float, seed: int | None, **options: Any) -> Source:
    """The source `scenario.backend` names (processes, threads, asyncio, mpi); may raise
    ValueError (MpiUnavailable, ScenarioError) before anything starts."""
    from engine.sources.factory import (
        make_source,  # asyncio/MPI backends: not before the first frame
    )

    return make_source(scenario, speed=speed, seed=seed, **options)


def warm_up() -> None:
    """Import what the first Run needs, once the window is up: the sources (asyncio, MPI, the
    process pump, the rings) take ~0.25 s to import, which the first press of Run would
    otherwise spend with the GUI thread held."""
    import engine.sources.factory  # noqa: F401


class RunController(QObject):
    """Starts, steers and polls one `Source` at a time; the single writer of the view model."""

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
        source_factory: SourceFactory = _make_source,
        frame_ms: int = FRAME_MS,
    ) -> None:
        super().__init__(parent)
        self.model = model if model is not None else RunViewModel()
        self._factory = source_factory
        self._source: Source | None = None
        self._active = False
        self._afterglow_until_ns = 0
        self.frames = 0
        self._held: HeldEvents | None = None  # frames drawn by a recording (draw_frame)
        self._shown_ns = 0  # the moment the last drawn frame shows
        self._track = ClockTrack()
        self.first_event_ns: int | None = None  # stamp of the current source's first event
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(frame_ms)
        self._timer.timeout.connect(self._tick)

    # ------------------------------------------------------------------ queries
    @property
    def source(self) -> Source | None:
        """The current (or last) source."""
        return self._source

    @property
    def is_running(self) -> bool:
        """True from start() until run_finished was emitted."""
        return self._active

    @property
    def last_events(self) -> list[Event]:
        """Every event of the current or last run (a copy, safe to export)."""
        return list(self._source.events) if self._source is not None else []

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the active source can be asked to do; empty when no run is active."""
        source = self._source
        return source.capabilities if self._active and source is not None else frozenset()

    def can(self, capability: Capability) -> bool:
        """Whether the active source supports `capability` (a button's enabled state)."""
        return capability in self.capabilities

    def clock(self) -> int:
        """Now, on the source's clock (a replay maps wall time onto the recorded clock); while
        frames are held, the moment the last drawn frame shows (what is on screen)."""
        if self._held is not None:
            return self._shown_ns
        return self._source_now()

    def _source_now(self) -> int:
        source = self._source
        return source.now_ns() if source is not None else time.monotonic_ns()

    @property
    def frames_held(self) -> bool:
        """True while a recording draws the frames (see hold_frames)."""
        return self._held is not None

    def source_time_at(self, wall_ns: int) -> int:
        """What the source's clock read at `wall_ns` (monotonic), for a frame drawn late."""
        return self._track.at(wall_ns)

    def wall_time_of(self, source_ns: int) -> int | None:
        """When (monotonic) the current source's clock read `source_ns`; None if unknown."""
        return self._track.wall_at(source_ns)

    # ------------------------------------------------------------------ commands
    def start(
        self, scenario: Scenario, speed: float = 1.0, seed: int | None = None, **options: Any
    ) -> bool:
        """Start a run; False (and nothing happens) while a run is still active.

        `options` go to the source (presenter_gate, step_stages, start_method …)."""
        if self._active:
            return False
        return self.start_source(self._factory(scenario, speed, seed, **options))

    def start_source(self, source: Source) -> bool:
        """Show any event source (a replay, a traced program …) exactly like a live run."""
        if self._active:
            return False
        self._source = source
        self._active = True
        self._track.new_segment()
        self.first_event_ns = None
        self._sample_clock()
        if self._held is not None:
            self._held.new_segment()
        source.start()  # may take a while (forking parties): the samples bracket it
        self._sample_clock()
        self._timer.start()
        self.run_started.emit()
        return True

    def send(self, command: Command) -> bool:
        """Forward `command` to the active source; False if no run is active or the source
        does not support it.  Never blocks: the source's own thread carries it out."""
        source = self._source
        return self._active and source is not None and source.send(command)

    def stop(self) -> None:
        """Ask the run to end; returns at once (the source terminates, then kills)."""
        self.send(Stop())

    def shutdown(self) -> None:
        """For window close / aboutToQuit: stop and wait (bounded) for every party to go."""
        source = self._source
        self._timer.stop()
        if source is None or not self._active:
            return
        source.send(Stop())
        source.join(SHUTDOWN_JOIN_S)
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

    # ------------------------------------------------------------------ held frames
    def hold_frames(self) -> None:
        """From now on events wait for the frame that shows them; only draw_frame paints."""
        if self._held is None:
            self._shown_ns = self._source_now()
            self._held = HeldEvents()

    def release_frames(self) -> None:
        """Back to the frame timer: whatever is held is applied at once."""
        held, self._held = self._held, None
        if held is None:
            return
        batch = held.take_all()
        if batch:
            self.model.apply(batch)
        self._tick()
        if not self._timer.isActive():
            self._timer.start()  # the afterglow, and the end of a run that was held back

    def draw_frame(self, source_ns: int, wall_ns: int | None = None) -> None:
        """Show the run as it was at `source_ns` (on the source's clock): apply the events
        stamped up to then, emit frame_ready, and end the run if that was its last event.
        `wall_ns`, the wall moment the frame stands for (None when rendering a log at virtual
        time), lets an event stamped on some other clock through a second after it came."""
        held = self._held
        if held is None:
            raise RuntimeError("draw_frame needs hold_frames() first")
        source = self._source
        done = self._collect(held) if self._active and source is not None else False
        batch = held.take_due(source_ns, wall_ns)
        if batch:
            self.model.apply(batch)
        self._shown_ns = source_ns
        self.frames += 1
        self.frame_ready.emit(source_ns)
        if done and not held and source is not None and self._active:
            self._finish(source, source_ns)

    def _collect(self, held: HeldEvents) -> bool:
        """Poll the active source into `held`; True if it has delivered everything."""
        source = self._source
        assert source is not None
        done = source.done  # read before polling: a done source has delivered everything
        batch = source.poll()
        if batch:
            held.add(batch, time.monotonic_ns())
            if self.first_event_ns is None:
                self.first_event_ns = batch[0].t_ns
        self._sample_clock()
        return done

    def _sample_clock(self) -> None:
        if self._source is not None:
            self._track.sample(time.monotonic_ns(), self._source.now_ns())

    # ------------------------------------------------------------------ the clock
    def _tick(self) -> None:
        source = self._source
        if self._held is not None:  # a recording draws the frames: only collect here
            if source is not None and self._active:
                self._collect(self._held)
            else:
                self._timer.stop()
            return
        now = self.clock()
        if source is not None and self._active:
            done = source.done  # read before polling: a done source has delivered everything
            batch = source.poll()
            if batch:
                self.model.apply(batch)
            self.frames += 1
            self.frame_ready.emit(now)
            if done:
                self._finish(source, now)
            return
        self.frames += 1
        self.frame_ready.emit(now)
        if time.monotonic_ns() >= self._afterglow_until_ns:  # wall time: a replay's clock stops
            self._timer.stop()

    def _finish(self, source: Source, now: int) -> None:
        self._active = False
        self._afterglow_until_ns = time.monotonic_ns() + AFTERGLOW_NS
        outcome = source.outcome
        code = outcome.exit_code if outcome is not None else 1
        source.join(0)
        self.run_finished.emit(code)
