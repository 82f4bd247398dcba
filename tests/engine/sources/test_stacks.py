"""Who is missing, and where are they?  The model names the parties a stage still lacks; the
source fetches each one's current Python stack without stopping it — a real process asleep in
its work, a traced program's process spinning in an endless loop, a thread and an asyncio task.
"""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Callable

import psutil
import pytest

from engine.core.events import Event
from engine.model.missing import MissingReport, MissingThreshold
from engine.model.view_model import LaneState, RunViewModel
from engine.scenario import parse_scenario
from engine.sources.base import Source
from engine.sources.commands import FetchStack
from engine.sources.factory import make_source
from engine.sources.stack_dump import parse_dump
from engine.sources.stacks import PartyStack, ProcessState, StackFrame, is_own
from engine.sources.tracer.runner import TraceRunner
from tests.paths import PROGRAMS, ROOT

WAIT_S = 30.0
SOON = MissingThreshold(factor=3.0, floor_s=0.2)


def follow_until(source: Source, model: RunViewModel, done: Callable[[], bool]) -> None:
    """Feed the source's batches to the model until `done()` (bounded)."""
    for _ in range(int(WAIT_S / 0.5)):
        if done():
            return
        assert not source.done, source.outcome
        model.apply(source.wait_events(0.5))
    raise AssertionError("timed out")


def arrived(model: RunViewModel, party: int) -> bool:
    return model.lanes[party].state == LaneState.WAITING if model.lanes else False


def missing_now(model: RunViewModel) -> MissingReport:
    """The model's report as it will be 30 s after the stage began to wait (the query takes
    any `now`: no sleeping until the threshold passes)."""
    first = min(lane.arrived_ns for lane in model.lanes if lane.arrived_ns is not None)
    report = model.missing(first + 30_000_000_000, SOON)
    assert report is not None
    return report


def fetch(source: Source, party: int) -> PartyStack:
    assert source.send(FetchStack(party)) is True
    answers = source.take_stacks(WAIT_S)
    assert [a.party for a in answers] == [party]
    return answers[0]


def fetch_at(source: Source, party: int, function: str, tries: int = 20) -> PartyStack:
    """The party's stack once its innermost own frame is `function`: a loaded machine may catch
    a party still on its way there (starting up, or between its event and its sleep)."""
    stack = fetch(source, party)
    for _ in range(tries):
        if stack.main is not None and stack.main.own_first()[0].function == function:
            break
        stack = fetch(source, party)
    return stack


def innermost_own(stack: PartyStack) -> StackFrame:
    assert stack.main is not None, stack.note
    return stack.main.own_first()[0]


# ---------------------------------------------------------------------- a real process
def test_a_process_asleep_in_its_work_shows_that_sleep_and_keeps_working() -> None:
    party = [{"name": "Quick", "work": 0.05}, {"name": "Sleepy", "work": 2.0}]
    source = make_source(parse_scenario({"party": party, "timeout": None}))
    model = RunViewModel()
    source.start()
    try:
        follow_until(source, model, lambda: arrived(model, 0))
        report = missing_now(model)
        assert report.stage == 0 and report.arrived == (0,)
        (sleepy,) = report.parties
        assert (sleepy.name, sleepy.state, sleepy.alive) == ("Sleepy", LaneState.WORKING, True)
        assert sleepy.pid == source.pids[1]
        stack = fetch_at(source, 1, "do_work")
        assert stack.pid == sleepy.pid and stack.state == ProcessState.SLEEPING
        frame = innermost_own(stack)
        assert (frame.function, frame.text) == ("do_work", "time.sleep(seconds)")
        assert frame.path.endswith("engine/sources/processes/party.py")
        assert stack.main is not None and stack.main.inside() == ()  # sleep is a C call
        assert source.join(WAIT_S)
    finally:
        source.stop()
        source.join(WAIT_S)
    # asked without being stopped: its sleep went on, it arrived, the stage passed
    assert source.outcome is not None and source.outcome.exit_code == 0


def test_a_stopped_process_is_reported_stopped_and_not_signalled() -> None:
    party = [{"name": "Quick", "work": 0.05}, {"name": "Frozen", "work": 600.0}]
    source = make_source(parse_scenario({"party": party, "timeout": None}))
    model = RunViewModel()
    source.start()
    try:
        follow_until(source, model, lambda: arrived(model, 0))
        pid = source.pids[1]
        os.kill(pid, signal.SIGSTOP)
        # the run's own `suspended` event says it has stopped (waitid cannot: a party started
        # by the launcher is not this process's child)
        follow_until(source, model, lambda: model.lanes[1].suspended)
        stack = fetch(source, 1)
        assert stack.state == ProcessState.STOPPED and stack.threads == ()
        assert "stopped" in stack.note
        os.kill(pid, signal.SIGCONT)
        stack = fetch(source, 1)  # continued: it answers again, still asleep in its work
        assert innermost_own(stack).function == "do_work"
    finally:
        source.stop()
        source.join(WAIT_S)


# ---------------------------------------------------------------------- a traced program
def test_a_traced_process_in_an_endless_loop_shows_the_loop() -> None:
    waiter = -1

    def waiter_arrived() -> bool:
        nonlocal waiter
        found = [lane.index for lane in model.lanes if lane.name == "Waiter"]
        waiter = found[0] if found else -1
        return len(model.lanes) == 2 and bool(found) and arrived(model, waiter)

    source = TraceRunner(PROGRAMS / "spin_forever.py", stdout=io.BytesIO(), stderr=io.BytesIO())
    model = RunViewModel()
    source.start()
    try:
        follow_until(source, model, waiter_arrived)
        report = missing_now(model)
        assert [p.name for p in report.parties] == ["Spinner"]
        spinner = report.parties[0].party
        assert report.parties[0].pid == source.pids[spinner]
        stack = fetch_at(source, spinner, "spin")
        assert stack.state == ProcessState.RUNNING
        frame = innermost_own(stack)
        # sampled anywhere in the loop: its body, or the `while` line its jump back is on
        assert frame.function == "spin" and frame.text.startswith(("total += 1", "while True:"))
        assert frame.path == str(PROGRAMS / "spin_forever.py")
        came = fetch(source, 1 - spinner)  # the one that came: in barrier.wait(), its own call
        assert innermost_own(came).function == "wait"
        assert innermost_own(came).text == "barrier.wait()"
        assert psutil.Process(stack.pid).is_running()  # asked, not stopped
    finally:
        source.stop()
        source.join(WAIT_S)


# ---------------------------------------------------------------------- threads and asyncio
@pytest.mark.parametrize(
    ("backend", "function", "text"),
    [
        ("threads", "_work", "return not self._stop.wait(seconds)"),
        ("asyncio", "_work", "await asyncio.sleep(seconds)"),
    ],
)
def test_a_thread_or_task_shows_its_own_stack(backend: str, function: str, text: str) -> None:
    party = [{"name": "Quick", "work": 0.05}, {"name": "Slow", "work": 600.0}]
    scenario = parse_scenario({"party": party, "timeout": None, "backend": backend})
    source = make_source(scenario)
    model = RunViewModel()
    source.start()
    try:
        follow_until(source, model, lambda: arrived(model, 0))
        assert [p.name for p in missing_now(model).parties] == ["Slow"]
        stack = fetch(source, 1)
        assert stack.pid == os.getpid() and stack.main is not None
        assert stack.main.name == "Slow"
        frame = innermost_own(stack)
        assert (frame.function, frame.text) == (function, text)
        inside = stack.main.inside()  # the library under the party's own call, folded away
        assert inside and not any(f.own for f in inside)
    finally:
        source.stop()
        source.join(WAIT_S)


# ---------------------------------------------------------------------- the pieces
DUMP = """Thread 0x00007f0000000002 (most recent call first):
  File "{lib}/threading.py", line 331 in wait
  File "{root}/engine/core/lifeline.py", line 33 in _watch

Current thread 0x00007f0000000001 (most recent call first):
  File "{prog}", line 10 in spin
  File "{lib}/multiprocessing/process.py", line 108 in run
"""


def test_a_faulthandler_dump_reads_as_threads_main_first() -> None:
    lib = os.path.dirname(os.__file__)
    text = DUMP.format(root=ROOT, prog=PROGRAMS / "spin_forever.py", lib=lib)
    threads = parse_dump(text, main_ident=0x7F0000000001)
    assert [t.main for t in threads] == [True, False]
    main = threads[0]
    assert [f.function for f in main.frames] == ["spin", "run"]
    assert main.frames[0].text == "total += 1" and main.frames[0].own
    assert not any(f.own for f in threads[1].frames)  # stdlib and our lifeline thread
    # without the header line, the thread the signal landed in is taken as the main one
    assert parse_dump(text, None)[0].frames[0].function == "spin"
    assert parse_dump("garbage\n", None) == ()


def test_own_code_is_neither_library_nor_the_apps_machinery() -> None:
    assert is_own(str(PROGRAMS / "spin_forever.py"))
    assert is_own(str(ROOT / "engine/sources/processes/party.py"))  # a scenario's party body
    assert not is_own(str(ROOT / "engine/core/barrier.py"))
    assert not is_own(str(ROOT / "engine/sources/tracer/child.py"))
    assert not is_own(os.__file__)
    assert not is_own(psutil.__file__)
    assert not is_own("<frozen runpy>")


def test_a_replay_cannot_fetch_stacks() -> None:
    from engine.sources.replay import ReplaySource

    start = Event("run_start", 0, None, 1, None, {"names": ["A"], "parties": 1})
    replay = ReplaySource([start], speed=1.0)
    replay.start()
    assert replay.send(FetchStack(0)) is False
    assert replay.take_stacks() == []
