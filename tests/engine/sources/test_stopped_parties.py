"""Stuck parties somebody notices: a party SIGSTOPped inside wait() or while working, one that
continues, and a traced program whose party dies inside wait().  Every run ends once its
barrier is broken or wedged and its parties are gone or stopped, and says why.

Real processes, real signals; the stop lands on a cue from the run's own events.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time

import pytest

from engine.core.events import Event
from engine.core.outcome import RunStatus
from engine.scenario import parse_scenario
from engine.sources.processes.runner import Runner
from engine.sources.tracer.runner import TraceRunner
from tests.paths import PROGRAMS

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a process's stopped state is read from /proc"
)
ENDS_WITHIN_S = 20.0  # far below the scenarios' own 30 s timeout


def run_until(runner: Runner, seen: list[Event], kind: str, party: int) -> Event:
    """Collect the run's events until `kind` arrives for `party`."""
    deadline = time.monotonic() + ENDS_WITHIN_S
    while time.monotonic() < deadline:
        for event in runner.wait_events(0.2):
            seen.append(event)
            if event.kind == kind and event.party == party:
                return event
    raise AssertionError(f"no {kind} from party {party}: {[e.kind for e in seen]}")


def finish(runner: Runner, seen: list[Event]) -> list[Event]:
    assert runner.join(ENDS_WITHIN_S), "the run did not end"
    seen.extend(runner.poll())
    return seen


def scenario(timeout: float | None, first_work: float) -> Runner:
    party = [{"name": "Stopped", "work": first_work}, {"name": "B", "work": 0.3}]
    party.append({"name": "C", "work": 0.6})
    data: dict[str, object] = {"parties": 3, "party": party}
    if timeout is not None:
        data["timeout"] = timeout
    return Runner(parse_scenario(data), stuck_grace_s=0.3)


def kinds(events: list[Event], party: int | None = None) -> list[str]:
    return [e.kind for e in events if party is None or e.party == party]


def test_a_party_stopped_inside_wait_is_reported_and_the_run_ends() -> None:
    runner = scenario(timeout=30.0, first_work=0.0)
    runner.start()
    seen: list[Event] = []
    stopped = run_until(runner, seen, "arrive", 0)
    os.kill(stopped.pid, signal.SIGSTOP)  # in wait() from now on: it can neither leave nor wake
    events = finish(runner, seen)
    assert "suspended" in kinds(events, 0)
    wedged = next(e for e in events if e.kind == "wedged")
    assert wedged.party == 0 and wedged.get("cause") == "stopped"
    outcome = runner.outcome
    assert outcome is not None and outcome.exit_code == 4
    assert "Stopped was stopped inside wait()" in outcome.reason


def test_a_party_stopped_while_working_ends_the_run_once_the_others_broke() -> None:
    runner = scenario(timeout=2.0, first_work=60.0)
    runner.start()
    seen: list[Event] = []
    working = run_until(runner, seen, "work_start", 0)
    os.kill(working.pid, signal.SIGSTOP)
    events = finish(runner, seen)
    suspended = next(e for e in events if e.kind == "suspended")
    assert suspended.party == 0 and "SIGSTOP" in suspended.get("message")
    stranded = next(e for e in events if e.kind == "stranded")
    assert "Stopped is stopped" in stranded.get("message")
    assert kinds(events).count("broken") == 2  # the others' 2 s timeout broke the barrier
    outcome = runner.outcome
    assert outcome is not None and outcome.status == RunStatus.STOPPED
    assert outcome.exit_code == 4 and "only stopped parties are left (Stopped)" in outcome.reason


def test_a_stopped_party_that_continues_finishes_the_run() -> None:
    runner = scenario(timeout=None, first_work=1.5)
    runner.stuck_grace_s = 60.0  # the app must not abort the stranded barrier meanwhile
    runner.start()
    seen: list[Event] = []
    working = run_until(runner, seen, "work_start", 0)
    os.kill(working.pid, signal.SIGSTOP)
    run_until(runner, seen, "suspended", 0)
    os.kill(working.pid, signal.SIGCONT)
    events = finish(runner, seen)
    assert kinds(events, 0).index("suspended") < kinds(events, 0).index("resumed")
    assert runner.outcome is not None and runner.outcome.exit_code == 0


def test_a_trace_notices_a_party_that_dies_inside_wait() -> None:
    runner = TraceRunner(PROGRAMS / "dies_in_action.py", stdout=io.BytesIO(), stderr=io.BytesIO())
    runner.start()
    assert runner.join(ENDS_WITHIN_S), "the trace did not end"
    events = runner.events
    last = runner.names.index("Last")
    exit_event = next(e for e in events if e.kind == "exit" and e.party == last)
    assert exit_event.get("exitcode") == 1  # os._exit(1) said so before it left
    wedged = next(e for e in events if e.kind == "wedged")
    assert wedged.party == last and "died inside wait()" in wedged.get("message")
    outcome = runner.outcome
    assert outcome is not None and outcome.exit_code == 4
    assert outcome.reason.startswith("Last died inside wait()")
