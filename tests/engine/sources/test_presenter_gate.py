"""The presenter as the last party (a real wait() on the real barrier, in its own process) and
step-through stages."""

from __future__ import annotations

from collections.abc import Callable

from engine.core.events import Event
from engine.model.analysis import barrier_violations
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner


def collect_until(runner: Runner, seen: list[Event], done: Callable[[list[Event]], bool]) -> None:
    while not done(seen):
        batch = runner.wait_events(10)
        assert batch, "no event arrived in time"
        seen += batch


def count(seen: list[Event], kind: str, stage: int | None = None) -> int:
    return sum(e.kind == kind and (stage is None or e.stage == stage) for e in seen)


def test_the_gate_opens_only_when_the_presenter_presses_g() -> None:
    runner = Runner(load_preset("launch"), speed=20, presenter_gate=True)
    assert runner.barrier.parties == 4 and runner.presenter == 3
    runner.start()
    seen: list[Event] = []
    collect_until(runner, seen, lambda s: count(s, "arrive") == 3)
    assert count(seen, "release") == 0  # three processes frozen at Barrier(4)
    presenter_work = [e for e in seen if e.kind == "work_start" and e.party == 3]
    assert presenter_work and presenter_work[0].get("workload") == "presenter"
    runner.release_gate()
    assert runner.join(20)
    events = runner.events
    assert runner.outcome is not None and runner.outcome.exit_code == 0
    assert barrier_violations(events, 4, 1) == []
    presenter_arrive = next(e for e in events if e.kind == "arrive" and e.party == 3)
    assert presenter_arrive.pid != runner.events[0].pid  # a real party process, not the GUI


def test_a_gated_run_has_no_timeout_however_long_the_room_takes() -> None:
    """A lesson asks the room while the gate holds: the scenario's timeout (15 ms here, the
    dungeon's own 10 s in a lesson) must not break the barrier under the presenter."""
    runner = Runner(load_preset("launch").replace(timeout=0.3), speed=20, presenter_gate=True)
    assert runner.timeout is None
    runner.start()
    seen: list[Event] = []
    collect_until(runner, seen, lambda s: count(s, "arrive") == 3)
    seen += runner.wait_events(1.0)  # the room thinks for over three timeouts
    seen += runner.wait_events(0.5)
    assert count(seen, "broken") == 0 and count(seen, "release") == 0
    runner.release_gate()
    assert runner.join(20)
    assert runner.outcome is not None and runner.outcome.exit_code == 0
    start = next(e for e in runner.events if e.kind == "run_start")
    assert start.get("timeout") is None


def test_extra_presses_do_not_open_future_gates() -> None:
    runner = Runner(load_preset("two-rounds"), speed=20, presenter_gate=True)
    runner.start()
    seen: list[Event] = []
    collect_until(runner, seen, lambda s: count(s, "arrive", 0) == 3)
    for _ in range(3):
        runner.release_gate()  # one press counts; the rest are ignored
    collect_until(runner, seen, lambda s: count(s, "arrive", 1) == 3)
    assert count(seen, "release", 1) == 0
    runner.release_gate()
    assert runner.join(20)
    assert barrier_violations(runner.events, 4, 2) == []


def test_step_mode_holds_every_party_before_the_next_stage() -> None:
    runner = Runner(load_preset("two-rounds"), speed=20, step_stages=True)
    runner.start()
    seen: list[Event] = []
    collect_until(runner, seen, lambda s: count(s, "hold", 1) == 3)
    assert count(seen, "work_start", 1) == 0  # nobody started stage 2 on their own
    runner.continue_stage()
    assert runner.join(20)
    events = runner.events
    assert runner.outcome is not None and runner.outcome.exit_code == 0
    last_hold = max(e.t_ns for e in events if e.kind == "hold")
    assert all(e.t_ns > last_hold for e in events if e.kind == "work_start" and e.stage == 1)
    assert barrier_violations(events, 3, 2) == []
