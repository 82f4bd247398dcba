"""The process pump on its own, with real party processes on a real barrier: the order of
requests, how Stop escalates, when a fault kill lands, a party's last events before its
`exit`, and a stranded barrier that only the app can free.

The pump runs on a thread of its own exactly as the process source runs it (`run()` is the
thread's whole body); its events go to a queue that the test waits on.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from engine.core.barrier import InstrumentedBarrier
from engine.core.events import Event
from engine.scenario import Scenario, parse_scenario
from engine.sources.base import scaled_plan
from engine.sources.commands import Kill, Stop
from engine.sources.processes import pump as pump_module
from engine.sources.processes.party import PartyJob, measure_cpu_rate, party_main
from engine.sources.processes.pump import KILL_GRACE_S, KILL_IN_WAIT_DELAY_S, PumpState, RunPump

FAST = 10.0
WAIT_S = 20.0
GRACE_S = 0.3  # how long a stuck barrier stays on screen before the app ends it
STUBBORN_PARTY = 1


class PumpRun:
    """One RunPump on its own thread; every delivered event is kept and queued."""

    def __init__(
        self, scenario: Scenario, *, speed: float = FAST, stuck_grace_s: float = GRACE_S
    ) -> None:
        ctx = multiprocessing.get_context()
        _, plan = scaled_plan(scenario, speed, 0)
        timeout = scenario.timeout / speed if scenario.timeout is not None else None
        rate = measure_cpu_rate() if scenario.workload == "cpu" else 0.0
        jobs = [
            PartyJob(
                i,
                spec.name,
                tuple(plan[i]),
                scenario.workload,
                rate,
                spec.fault_stage - 1 if spec.fault == "crash" else None,
            )
            for i, spec in enumerate(scenario.party)
        ]
        barrier = InstrumentedBarrier(scenario.parties, None, timeout, ctx=ctx)
        self.arrived: queue.Queue[Event] = queue.Queue()
        self.events: list[Event] = []
        self.pump = RunPump(
            ctx,
            scenario,
            jobs,
            barrier,
            self._deliver,
            stuck_grace_s=stuck_grace_s,
            timeout=timeout,
        )
        self.state: PumpState | None = None
        opening = Event("run_start", time.monotonic_ns(), None, os.getpid(), None, {})
        self._thread = threading.Thread(target=self._main, args=(opening,), daemon=True)
        self._thread.start()

    def _main(self, opening: Event) -> None:
        self.state = self.pump.run(opening)

    def _deliver(self, batch: list[Event]) -> None:
        self.events.extend(batch)
        for event in batch:
            self.arrived.put(event)

    def until(self, done: Callable[[list[Event]], bool]) -> list[Event]:
        """Wait for events until `done(every event so far)` holds."""
        seen: list[Event] = []
        while not done(seen):
            seen.append(self.arrived.get(timeout=WAIT_S))
        return seen

    def finish(self) -> PumpState:
        self._thread.join(WAIT_S)
        assert not self._thread.is_alive(), "the pump did not end"
        assert self.state is not None
        return self.state


@pytest.fixture
def runs() -> Iterator[list[PumpRun]]:
    """Every pump a test starts is stopped and joined, even when the test fails."""
    started: list[PumpRun] = []
    yield started
    for run in started:
        run.pump.request(Stop())
        run.finish()


def start(runs: list[PumpRun], scenario: Scenario, **options: Any) -> PumpRun:
    run = PumpRun(scenario, **options)
    runs.append(run)
    return run


def count(events: list[Event], kind: str, party: int | None = None) -> int:
    return sum(e.kind == kind and (party is None or e.party == party) for e in events)


def only(events: list[Event], kind: str, party: int | None = None) -> Event:
    (found,) = [e for e in events if e.kind == kind and (party is None or e.party == party)]
    return found


def long_work(parties: int, **extra: Any) -> Scenario:
    party = [{"name": f"P{i}", "work": 600.0} for i in range(parties)]
    return parse_scenario({"parties": parties, "party": party, **extra})


def test_requests_are_handled_in_the_order_they_were_made(runs: list[PumpRun]) -> None:
    run = start(runs, long_work(4))
    run.until(lambda seen: count(seen, "work_start") == 4)
    for command in (Kill(2), Kill(0), Kill(3), Stop()):
        run.pump.request(command)
    state = run.finish()
    acted = [(e.kind, e.party) for e in run.events if e.kind in ("kill", "stop")]
    assert acted == [("kill", 2), ("kill", 0), ("kill", 3), ("stop", None)]
    assert all(only(run.events, "kill", p).get("reason") == "user" for p in (2, 0, 3))
    assert state.stopped and state.exitcodes == {
        0: -signal.SIGKILL,
        1: -signal.SIGTERM,
        2: -signal.SIGKILL,
        3: -signal.SIGKILL,
    }


def stubborn_party_main(job: PartyJob, barrier: Any, conn: Any, controls: Any = None) -> None:
    """A party that ignores SIGTERM, as a program with its own handler might."""
    if job.index == STUBBORN_PARTY:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    party_main(job, barrier, conn, controls)


def test_stop_terminates_then_kills_after_the_grace(
    runs: list[PumpRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pump_module, "party_main", stubborn_party_main)
    run = start(runs, long_work(3))
    run.until(lambda seen: count(seen, "work_start") == 3)  # SIGTERM is ignored by now
    run.pump.request(Stop())
    state = run.finish()
    assert state.stopped
    assert state.exitcodes == {0: -signal.SIGTERM, 1: -signal.SIGKILL, 2: -signal.SIGTERM}
    stopped_at = only(run.events, "stop").t_ns
    killed_at = only(run.events, "exit", STUBBORN_PARTY).t_ns
    assert killed_at - stopped_at >= KILL_GRACE_S * 1e9  # never before the grace is over
    assert count(run.events, "kill") == 0  # a stop's escalation is not a party kill


def test_a_kill_in_work_fault_lands_during_that_stage_s_work(runs: list[PumpRun]) -> None:
    party = [
        {"name": "Victim", "work": 2.0, "fault": "kill-in-work", "fault_stage": 2},
        {"name": "Other", "work": 0.5},
    ]
    run = start(runs, parse_scenario({"stages": 3, "timeout": 5.0, "party": party}))
    state = run.finish()
    kill = only(run.events, "kill", 0)
    assert kill.get("reason") == "fault" and state.exitcodes[0] == -signal.SIGKILL
    work = next(e for e in run.events if e.kind == "work_start" and e.party == 0 and e.stage == 1)
    assert kill.t_ns - work.t_ns >= 0.4 * float(work.get("planned_s")) * 1e9
    assert [e.stage for e in run.events if e.kind == "arrive" and e.party == 0] == [0]
    assert run.events.index(kill) < run.events.index(only(run.events, "exit", 0))


def test_a_kill_in_wait_fault_lands_inside_wait(runs: list[PumpRun]) -> None:
    party = [
        {"name": "Victim", "work": 0.0, "fault": "kill-in-wait", "fault_stage": 1},
        {"name": "Late", "work": 20.0},
    ]
    run = start(runs, parse_scenario({"party": party}))
    state = run.finish()
    kill = only(run.events, "kill", 0)
    arrive = only(run.events, "arrive", 0)
    assert kill.get("reason") == "fault" and state.exitcodes[0] == -signal.SIGKILL
    assert kill.t_ns - arrive.t_ns >= KILL_IN_WAIT_DELAY_S * 1e9
    assert count(run.events, "release") == 0  # it died inside wait(), never released
    assert count(run.events, "wedged") >= 1  # and the barrier it died in is wedged


def assert_exit_is_last(events: list[Event], party: int) -> None:
    """Nothing the party's process sent comes after its `exit` (the pump's own notes about
    it, such as a later `wedged`, may)."""
    pid = only(events, "spawn", party).pid
    sent = [i for i, e in enumerate(events) if e.party == party and e.pid == pid]
    assert sent[-1] == events.index(only(events, "exit", party)), f"party {party}: late events"


def test_a_partys_last_events_come_before_its_exit(runs: list[PumpRun]) -> None:
    """Zero work: parties exit right after their last `release`, often within the pump's
    batch window, so exits and events are ready together; the pump drains the pipe first."""
    party = [{"name": f"P{i}", "work": 0.0} for i in range(8)]
    run = start(runs, parse_scenario({"stages": 25, "party": party}))
    state = run.finish()
    assert set(state.exitcodes.values()) == {0}
    for index in range(8):
        assert_exit_is_last(run.events, index)
        assert only(run.events, "exit", index).get("exitcode") == 0


def test_a_killed_partys_last_progress_comes_before_its_exit(runs: list[PumpRun]) -> None:
    party = [{"name": f"P{i}", "work": 5.0} for i in range(4)]
    run = start(runs, parse_scenario({"workload": "cpu", "stages": 2, "party": party}))
    run.until(lambda seen: count(seen, "progress", 3) >= 1)
    run.pump.request(Kill(3))  # mid-work, while it streams progress
    state = run.finish()
    assert state.exitcodes[3] == -signal.SIGKILL
    for index in range(4):
        exit_at = run.events.index(only(run.events, "exit", index))
        assert count(run.events[:exit_at], "progress", index) > 0
        assert_exit_is_last(run.events, index)


def test_a_stranded_barrier_is_aborted_by_the_app_when_there_is_no_timeout(
    runs: list[PumpRun],
) -> None:
    party = [{"name": "A", "work": 0.0}, {"name": "B", "work": 0.5}]
    run = start(runs, parse_scenario({"parties": 3, "processes": 2, "party": party}))
    state = run.finish()
    kinds = [e.kind for e in run.events]
    stranded, abort = only(run.events, "stranded"), only(run.events, "abort")
    assert "2 of 3 arrived" in stranded.get("message")
    assert abort.get("by") == "app" and abort.t_ns - stranded.t_ns >= GRACE_S * 1e9
    assert kinds.index("stranded") < kinds.index("abort") < kinds.index("broken")
    assert count(run.events, "broken") == 2 and set(state.exitcodes.values()) == {3}


def test_a_stranded_barrier_with_a_timeout_is_left_to_its_timeout(runs: list[PumpRun]) -> None:
    party = [{"name": "A", "work": 0.0}, {"name": "B", "work": 0.5}]
    scenario = parse_scenario({"parties": 3, "processes": 2, "timeout": 10.0, "party": party})
    run = start(runs, scenario)
    state = run.finish()
    assert count(run.events, "stranded") == 1
    assert count(run.events, "abort") == 0  # the barrier's own timeout breaks it
    first_arrival = min(e.t_ns for e in run.events if e.kind == "arrive")
    broken = [e.t_ns for e in run.events if e.kind == "broken"]
    assert len(broken) == 2 and min(broken) - first_arrival >= 10.0 / FAST * 1e9
    assert set(state.exitcodes.values()) == {3}
