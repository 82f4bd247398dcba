"""Typed commands and what each source accepts: a source takes exactly the commands its
`capabilities` name; the rest are refused (False) and change nothing, and the ones it takes act.

Live sources run real processes, threads, tasks, ranks or a real traced program.  The replay
runs on a synthetic log, so its clock can be checked exactly.
"""

from __future__ import annotations

import dataclasses
import io
import math
import pickle
import signal
import threading
import time
import typing
from collections.abc import Callable

import psutil
import pytest

from engine.core.events import Event
from engine.scenario import parse_scenario
from engine.scenario.presets import load_preset
from engine.sources.base import Source
from engine.sources.commands import (
    Abort,
    Capability,
    Command,
    ContinueStage,
    FetchStack,
    Kill,
    Pause,
    ReleaseGate,
    Reset,
    Seek,
    SetSpeed,
    Stop,
)
from engine.sources.factory import make_source
from engine.sources.mpi.config import MpiUnavailable, find_mpiexec
from engine.sources.mpi.source import MpiRunner
from engine.sources.processes.runner import Runner
from engine.sources.replay import ReplaySource
from engine.sources.tracer.runner import TraceRunner
from tests.paths import PROGRAMS

C = Capability
EVERY_COMMAND: list[Command] = [
    Stop(),
    Abort(),
    Reset(),
    Kill(0),
    ReleaseGate(),
    ContinueStage(),
    Pause(True),
    Seek(0.0),
    SetSpeed(2.0),
    FetchStack(0),
]
# What a command leaves in the event log when a source carries it out.
TRACES = {"stop", "abort", "reset", "kill", "hold"}
WAIT_S = 30.0


def _why_no_mpi() -> str | None:
    try:
        import mpi4py  # noqa: F401

        find_mpiexec()
    except (ImportError, MpiUnavailable) as exc:
        return str(exc)
    return None


NO_MPI = _why_no_mpi()
needs_mpi = pytest.mark.skipif(NO_MPI is not None, reason=NO_MPI or "")


# ------------------------------------------------------------------ the commands themselves
def test_every_capability_is_needed_by_exactly_one_command() -> None:
    assert sorted(c.capability for c in EVERY_COMMAND) == sorted(Capability)
    assert set(typing.get_args(Command)) == {type(c) for c in EVERY_COMMAND}


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Kill(-1), "party"),
        (lambda: Kill(True), "party"),
        (lambda: FetchStack(-2), "party"),
        (lambda: SetSpeed(0.0), "speed"),
        (lambda: SetSpeed(math.nan), "speed"),
        (lambda: Seek(math.inf), "t_s"),
    ],
)
def test_a_bad_command_is_refused_when_it_is_made(make: Callable[[], object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: ") as info:
        make()
    assert "\n" not in str(info.value)


def test_commands_are_frozen_values_that_cross_a_process_as_themselves() -> None:
    for command in EVERY_COMMAND:
        assert pickle.loads(pickle.dumps(command)) == command
    assert Kill(2) == Kill(2) and Kill(2) != Kill(3) and Kill(2).capability is C.KILL
    with pytest.raises(dataclasses.FrozenInstanceError):
        Kill(2).party = 3  # type: ignore[misc]  # frozen on purpose


# ------------------------------------------------------------------ helpers
def events_until(source: Source, done: Callable[[list[Event]], bool]) -> list[Event]:
    seen: list[Event] = []
    while not done(seen):
        assert not source.done, source.outcome
        seen += source.wait_events(5)
    return seen


def count(events: list[Event], kind: str) -> int:
    return sum(e.kind == kind for e in events)


def refuse_the_rest(source: Source) -> list[Command]:
    """Send every command the source does not declare; each must be refused."""
    refused = [c for c in EVERY_COMMAND if c.capability not in source.capabilities]
    assert refused, "every source lacks some capability"
    for command in refused:
        assert source.send(command) is False, command
    assert not source.done  # so they were refused for the capability, not for the run's end
    return refused


# ------------------------------------------------------------------ live sources
def launch_on(backend: str) -> Source:
    scenario = load_preset("launch")
    if backend == "asyncio":
        return make_source(scenario.replace(backend=backend, action=None, timeout=None), speed=2)
    return make_source(scenario.replace(backend=backend), speed=2.0)


@pytest.mark.parametrize(
    ("backend", "declared"),
    [
        ("processes", {C.STOP, C.ABORT, C.RESET, C.KILL, C.STACKS}),
        ("threads", {C.STOP, C.ABORT, C.RESET, C.STACKS}),
        ("asyncio", {C.STOP, C.ABORT, C.RESET, C.STACKS}),
    ],
)
def test_a_live_run_refuses_what_it_cannot_do_and_still_passes(
    backend: str, declared: set[Capability]
) -> None:
    source = launch_on(backend)
    assert source.capabilities == declared
    assert source.send(Stop()) is False  # not started: nothing to stop
    source.start()
    events_until(source, lambda seen: count(seen, "work_start") >= 1)
    refuse_the_rest(source)
    assert source.join(WAIT_S)
    assert source.outcome is not None and source.outcome.exit_code == 0
    assert not TRACES & {e.kind for e in source.events}
    assert source.send(Stop()) is False  # ended: nothing to stop


def test_gate_and_step_are_capabilities_only_of_a_run_started_with_them() -> None:
    plain = Runner(load_preset("launch"))
    presenting = Runner(load_preset("launch"), presenter_gate=True, step_stages=True)
    assert C.GATE not in plain.capabilities and C.STEP not in plain.capabilities
    assert {C.GATE, C.STEP} <= presenting.capabilities


def test_process_kill_kills_exactly_that_party() -> None:
    party = [{"name": f"P{i}", "work": 600.0} for i in range(3)]
    source = make_source(parse_scenario({"party": party}))
    source.start()
    try:
        events_until(source, lambda seen: count(seen, "work_start") == 3)
        pids = list(source.pids)
        assert source.send(Kill(1)) is True
        seen = events_until(source, lambda s: any(e.kind == "exit" for e in s))
        (gone,) = [e for e in seen if e.kind == "exit"]
        assert gone.party == 1 and gone.get("exitcode") == -signal.SIGKILL
        assert [(e.party, e.get("reason")) for e in seen if e.kind == "kill"] == [(1, "user")]
        assert psutil.Process(pids[0]).is_running() and psutil.Process(pids[2]).is_running()
    finally:
        assert source.send(Stop()) is True
        assert source.join(WAIT_S)
    assert source.outcome is not None and source.outcome.status == "stopped"


def test_a_traced_program_takes_stop_kill_and_stacks_only() -> None:
    source = TraceRunner(PROGRAMS / "stuck.py", stdout=io.BytesIO(), stderr=io.BytesIO())
    assert source.capabilities == {C.STOP, C.KILL, C.STACKS}
    source.start()
    try:
        events_until(source, lambda seen: count(seen, "arrive") == 2)
        refuse_the_rest(source)
        pids = list(source.pids)
        assert source.send(Kill(0)) is True
        seen = events_until(source, lambda s: any(e.kind == "exit" for e in s))
        assert [e.party for e in seen if e.kind == "exit"] == [0]
        assert [(e.party, e.get("reason")) for e in seen if e.kind == "kill"] == [(0, "user")]
        assert psutil.Process(pids[1]).is_running()
        assert not {"abort", "reset", "hold"} & {e.kind for e in source.events}
    finally:
        assert source.send(Stop()) is True
        assert source.join(WAIT_S)
    assert source.outcome is not None and source.outcome.exit_code == 4


@needs_mpi
def test_mpi_ranks_take_stop_and_kill_only() -> None:
    source = MpiRunner(load_preset("straggler").replace(backend="mpi"), speed=1.0)
    assert source.capabilities == {C.STOP, C.KILL}
    source.start()
    try:
        events_until(source, lambda seen: count(seen, "arrive") >= 1)
        refuse_the_rest(source)
        assert source.send(Kill(1)) is True  # the rank kills itself; mpiexec ends the rest
        assert source.join(WAIT_S)
    finally:
        source.send(Stop())
        assert source.join(WAIT_S)
    kills = [(e.party, e.get("reason")) for e in source.events if e.kind == "kill"]
    assert kills == [(1, "user")]
    assert source.outcome is not None and source.outcome.exit_code == 4
    assert not {"abort", "reset", "hold"} & {e.kind for e in source.events}


# ------------------------------------------------------------------ replay
T0 = 1_000_000_000_000
SECOND = 1_000_000_000


def synthetic_log(seconds: int = 100) -> list[Event]:
    """A run_start, one event per recorded second, and a run_end: a long, exact clock."""
    events = [Event("run_start", T0, None, 1, None, {"parties": 1, "names": ["A"]})]
    events += [Event("progress", T0 + s * SECOND, 0, 2, 0, {}) for s in range(1, seconds)]
    end = {"status": "passed", "exit_code": 0, "reason": "every stage passed"}
    events.append(Event("run_end", T0 + seconds * SECOND, None, 1, None, end))
    return events


def let_wall_time_pass(seconds: float) -> tuple[int, int]:
    """Wall clock (monotonic ns) just before and just after `seconds` have passed."""
    before = time.monotonic_ns()
    threading.Event().wait(seconds)
    return before, time.monotonic_ns()


def test_replay_refuses_what_a_recording_cannot_do() -> None:
    source = ReplaySource(synthetic_log(), speed=1.0)
    assert source.capabilities == {C.STOP, C.PAUSE, C.SEEK, C.SPEED}
    source.start()
    source.send(Pause(True))
    frozen = source.now_ns()
    refuse_the_rest(source)
    assert source.now_ns() == frozen and source.playing is False


def test_replay_pause_freezes_its_clock_and_resume_runs_it_again() -> None:
    source = ReplaySource(synthetic_log(), speed=1.0)
    source.start()
    assert source.send(Pause(True)) is True
    frozen = source.now_ns()
    let_wall_time_pass(0.05)
    assert source.now_ns() == frozen
    assert source.send(Pause(False)) is True
    before, after = let_wall_time_pass(0.05)
    assert source.now_ns() - frozen >= after - before


def test_replay_seek_moves_its_clock_to_that_moment() -> None:
    source = ReplaySource(synthetic_log(), speed=1.0)
    assert source.send(Seek(42.5)) is True  # not started: a paused replay can be positioned
    assert source.now_ns() == T0 + int(42.5 * SECOND) and source.position_s() == 42.5
    assert source.poll()[0].kind == "run_start"  # the run is re-issued from its start
    assert source.send(Seek(1e6)) is True
    assert source.now_ns() == T0 + 100 * SECOND  # clamped to the end of the recording


def test_replay_speed_scales_how_fast_its_clock_runs() -> None:
    source = ReplaySource(synthetic_log(), speed=1.0)
    assert source.send(SetSpeed(8.0)) is True and source.speed == 8.0
    start = source.now_ns()
    before = time.monotonic_ns()
    source.start()  # plays from here at 8×
    after_start = time.monotonic_ns()
    _, waited_until = let_wall_time_pass(0.05)
    recorded = source.now_ns() - start
    last = time.monotonic_ns()
    assert (waited_until - after_start) * 8 <= recorded <= (last - before) * 8


def test_replay_stop_ends_it_with_the_recorded_outcome() -> None:
    source = ReplaySource(synthetic_log(), speed=1.0)
    source.start()
    assert source.send(Stop()) is True
    assert source.done and source.outcome is not None and source.outcome.exit_code == 0
