"""The process source on its shared-memory rings: the hot events travel in the parties' rings,
the event log is what it always was, and nothing is lost or reordered — not when a party is
SIGKILLed right after an emit, not when a ring wraps many times with pipe events in between.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from engine.core.events import Event
from engine.core.ring.drain import RingDrain
from engine.scenario import parse_scenario
from engine.sources.processes import pump as pump_module
from engine.sources.processes.runner import Runner
from tests.engine.sources import ring_parties

METHODS = ["fork", "spawn", "forkserver"]
HOT = frozenset({"work_start", "arrive", "release", "progress", "action"})


def zero_work(parties: int, stages: int) -> dict[str, object]:
    party = [{"name": f"P{i}", "work": 0.0} for i in range(parties)]
    return {"stages": stages, "party": party, "action": {"message": "All arrived."}}


def run(runner: Runner) -> list[Event]:
    runner.start()
    assert runner.join(60), "the run did not end"
    return runner.events


def of(events: list[Event], party: int) -> list[Event]:
    """What the party's process sent, and its spawn and exit (not the app's notes about it)."""
    (pid,) = {e.pid for e in events if e.kind == "spawn" and e.party == party}
    return [e for e in events if e.party == party and e.pid == pid]


@pytest.mark.parametrize("method", METHODS)
def test_hot_events_travel_in_the_rings_and_the_log_is_unchanged(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[RingDrain] = []
    make_rings = pump_module.RunPump._make_rings

    def spy(self: pump_module.RunPump) -> RingDrain:
        made.append(make_rings(self))
        return made[-1]

    monkeypatch.setattr(pump_module.RunPump, "_make_rings", spy)
    log = tmp_path / "run.jsonl"
    scenario = parse_scenario(zero_work(4, 30))
    events = run(Runner(scenario, start_method=method, events_path=log, seed=1))
    hot = [e for e in events if e.kind in HOT]
    assert len(hot) == 4 * 30 * 3 + 30  # three per party and stage, one action per stage
    assert made[0].decoded == len(hot)  # every one of them came out of a ring
    assert made[0].block.closed  # and the block is gone with the run
    assert log.read_text().splitlines() == [e.to_json_line() for e in events]
    assert {e.get("message") for e in events if e.kind == "action"} == {"All arrived."}


@pytest.mark.parametrize("method", METHODS)
def test_a_party_killed_right_after_its_arrive_still_shows_it_before_its_exit(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pump_module, "party_main", ring_parties.arrive_then_die)
    parties = 6
    scenario = parse_scenario({"party": [{"name": f"P{i}"} for i in range(parties)]})
    events = run(Runner(scenario, start_method=method, seed=1))
    for party in range(parties):
        kinds = [e.kind for e in of(events, party)]
        assert kinds == ["spawn", "work_start", "arrive", "exit"], kinds
        assert of(events, party)[-1].get("exitcode") == -signal.SIGKILL


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_ring_wrapped_many_times_in_a_run_loses_nothing_and_keeps_order(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pump_module, "party_main", ring_parties.flood)
    scenario = parse_scenario({"party": [{"name": "A"}, {"name": "B"}]})
    events = run(Runner(scenario, start_method=method, seed=1))
    for party in (0, 1):
        sent = [e for e in of(events, party) if e.kind in ("progress", "crash")]
        assert [e.stage for e in sent] == list(range(ring_parties.FLOOD))
        crashes = [e.stage for e in sent if e.kind == "crash"]
        assert crashes == list(range(ring_parties.PIPE_EVERY - 1, ring_parties.FLOOD, 997))
        assert of(events, party)[-1].kind == "exit"
