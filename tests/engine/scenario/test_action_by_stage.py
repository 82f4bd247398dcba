"""`[action] message` may be one string per stage, like `[narrative]`: validated in one line,
written back exactly, and announced stage by stage by a real run."""

from __future__ import annotations

import tomllib

import pytest

from engine.scenario import ActionSpec, ScenarioError, dump_scenario, parse_scenario
from engine.sources.base import Source
from engine.sources.inprocess.threads import ThreadRunner
from engine.sources.processes.runner import Runner

BASE = {
    "parties": 2,
    "stages": 2,
    "party": [{"name": "A", "work": 0.01}, {"name": "B", "work": 0.02}],
}


def test_a_list_gives_one_message_per_stage_and_round_trips_exactly() -> None:
    s = parse_scenario(BASE | {"action": {"message": ["Round one.", "Round two."]}})
    assert s.action == ActionSpec("Round one.", False, ("Round one.", "Round two."))
    assert [s.action.message_for(i) for i in range(2)] == ["Round one.", "Round two."]
    text = dump_scenario(s)
    assert 'message = ["Round one.", "Round two."]' in text
    assert parse_scenario(tomllib.loads(text)) == s
    single = parse_scenario(BASE | {"action": {"message": "Same."}})
    assert single.action is not None and single.action.message_for(1) == "Same."


@pytest.mark.parametrize(
    ("message", "says"),
    [
        (["only one"], "a.toml: action.message: has 1 entries but stages is 2"),
        (["ok", ""], "a.toml: action.message[1]: must not be empty"),
        ([3, "x"], "a.toml: action.message[0]: must be a string, got 3"),
    ],
)
def test_a_bad_list_is_one_line_naming_the_field(message: object, says: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE | {"action": {"message": message}}, "a.toml")
    assert str(caught.value).startswith(says) and "\n" not in str(caught.value)


@pytest.mark.parametrize("make", [ThreadRunner, Runner], ids=["threads", "processes"])
def test_a_real_run_announces_each_stage_its_own_message(make: type[Source]) -> None:
    s = parse_scenario(BASE | {"action": {"message": ["Round one.", "Round two."]}})
    runner = make(s, speed=1.0)  # type: ignore[call-arg]
    runner.start()
    assert runner.join(30)
    said = [(e.stage, e.get("message")) for e in runner.events if e.kind == "action"]
    assert said == [(0, "Round one."), (1, "Round two.")]
