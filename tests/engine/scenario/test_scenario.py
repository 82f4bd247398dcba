"""engine.scenario: loading, validation messages, round trips, work plans and replace()."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.safe_text import first_unsafe
from engine.scenario import (
    DEFAULT_WORK,
    NARRATIVE_KINDS,
    Narrative,
    PartySpec,
    Scenario,
    ScenarioError,
    WorkTime,
    dump_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_to_dict,
)


def base() -> dict[str, Any]:
    """A valid scenario using every feature; cases below break one thing at a time."""
    return {
        "name": "Space launch",
        "description": "Three systems must report ready before launch.",
        "parties": 3,
        "stages": 2,
        "timeout": 10.0,
        "start_method": "spawn",
        "seed": 7,
        "workload": "sleep",
        "backend": "processes",
        "action": {"message": "🚀 All systems go!"},
        "narrative": {"work": "{name} checks.", "arrive": ["{name} ready.", "{name} again."]},
        "party": [
            {"name": "Navigation", "work": [0.5, 2.0], "work_by_stage": [1.0, [0.5, 1.5]]},
            {"name": "Communication", "work": 1},
            {"name": "Propulsion"},
        ],
    }


def test_base_parses_with_normalised_values() -> None:
    s = parse_scenario(base())
    assert (s.parties, s.processes, s.stages, s.timeout) == (3, 3, 2, 10.0)
    assert s.party[0].work_by_stage == (WorkTime(1.0, 1.0), WorkTime(0.5, 1.5))
    assert s.party[1].work == WorkTime(1.0, 1.0) and isinstance(s.party[1].work.lo, float)
    assert s.party[2].work == DEFAULT_WORK
    assert s.narrative.work == ("{name} checks.",)
    assert s.narrative.release == ("{name} passes the barrier.",)
    assert s.action is not None and s.action.message == "🚀 All systems go!"


def test_minimal_scenario_gets_default_parties() -> None:
    s = parse_scenario({"parties": 3, "processes": 4})
    assert [p.name for p in s.party] == ["Party 1", "Party 2", "Party 3", "Party 4"]
    assert all(p.work == WorkTime(0.5, 2.0) for p in s.party)
    assert (s.stages, s.timeout, s.seed, s.start_method, s.action) == (1, None, None, None, None)
    assert (s.workload, s.backend, s.narrative) == ("sleep", "processes", Narrative())


def test_parties_defaults_to_number_of_tables_and_names_are_stripped() -> None:
    s = parse_scenario({"party": [{"name": "  A "}, {"name": "B"}]})
    assert (s.parties, s.processes) == (2, 2)
    assert [p.name for p in s.party] == ["A", "B"]


def _set(path: str, value: object) -> dict[str, Any]:
    """base() with one dotted path (``party.1.work``) set; value ... deletes the key."""
    data = base()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


BAD: list[tuple[dict[str, Any], str | None, str]] = [
    (_set("parties", 0), "parties", "must be an integer from 1 to 256, got 0"),
    (_set("parties", 257), "parties", "got 257"),
    (_set("parties", True), "parties", "boolean"),
    (_set("parties", 3.0), "parties", "must be an integer"),
    (_set("parties", "3"), "parties", 'got "3"'),
    ({"stages": 2}, "parties", "missing: give the number of parties, or one [[party]] table"),
    (_set("processes", 0), "processes", "from 1 to 256"),
    (_set("processes", 4), "party", "3 [[party]] tables given but processes is 4"),
    (_set("stages", 0), "stages", "from 1 to 1000"),
    (_set("stages", 1001), "stages", "from 1 to 1000"),
    (_set("timeout", 0), "timeout", "greater than 0"),
    (_set("timeout", -1), "timeout", "got -1"),
    (_set("timeout", 3601), "timeout", "at most 3600"),
    (_set("timeout", float("nan")), "timeout", "got nan"),
    (_set("timeout", False), "timeout", "boolean"),
    (_set("start_method", "thread"), "start_method", "fork, spawn, forkserver"),
    (_set("start_method", "sapwn"), "start_method", 'did you mean "spawn"'),
    (_set("seed", -1), "seed", ">= 0"),
    (_set("seed", True), "seed", "boolean"),
    (_set("seed", 2**63), "seed", ">= 0"),
    (_set("workload", "gpu"), "workload", "sleep, cpu"),
    (_set("backend", "gpu"), "backend", "processes, threads, asyncio, mpi"),
    (_set("name", "   "), "name", "must not be empty"),
    (_set("description", 5), "description", "must be a string"),
    (_set("stagse", 2), "stagse", 'unknown key "stagse" (did you mean "stages"?)'),
    (_set("zzzz", 2), "zzzz", "allowed: name, description"),
    (_set("action", "go"), "action", "must be a table"),
    (_set("action.mesage", "x"), "action.mesage", 'did you mean "message"'),
    (_set("action.message", ...), "action.message", "missing"),
    (_set("action.message", ""), "action.message", "must not be empty"),
    (_set("action.message", 3), "action.message", "must be a string"),
    (_set("narrative.arive", "x"), "narrative.arive", 'did you mean "arrive"'),
    (_set("narrative.arrive", ["only one"]), "narrative.arrive", "has 1 entries but stages is 2"),
    (_set("narrative.arrive", []), "narrative.arrive", "one string per stage"),
    (_set("narrative.arrive", ["ok", 3]), "narrative.arrive[1]", "must be a string"),
    (_set("narrative.arrive", ["{nmae}", "x"]), "narrative.arrive[0]", "did you mean {name}"),
    (_set("narrative.release", "{who}"), "narrative.release", "unknown placeholder {who}"),
    (_set("narrative.release", "{}"), "narrative.release", "unknown placeholder {}"),
    (_set("narrative.release", "{name.upper}"), "narrative.release", "unknown placeholder"),
    (_set("narrative.release", "{name"), "narrative.release", "malformed template"),
    (_set("narrative.release", "}"), "narrative.release", "malformed template"),
    (_set("narrative.release", "{name:d}"), "narrative.release", "malformed template"),
    (_set("narrative.work", 7), "narrative.work", "string or a list"),
    (_set("party", []), "party", "must be a list of [[party]] tables"),
    (_set("party", {"name": "x"}), "party", "must be a list"),
    (_set("party.0", "Navigation"), "party[0]", "must be a table"),
    (_set("party.1.nmae", "x"), "party[1].nmae", 'did you mean "name"'),
    (_set("party.1.name", ...), "party[1].name", "missing"),
    (_set("party.1.name", ""), "party[1].name", "must not be empty"),
    (_set("party.1.name", " \t "), "party[1].name", "must not be empty"),
    (_set("party.1.name", "a\nb"), "party[1].name", "control characters"),
    (_set("party.2.name", "Navigation"), "party[2].name", 'duplicate name "Navigation"'),
    (_set("party.2.name", " Navigation "), "party[2].name", "duplicate name"),
    (_set("party.1.work", -0.5), "party[1].work", "from 0 to 3600"),
    (_set("party.1.work", [-1, 2]), "party[1].work", "min must be"),
    (_set("party.1.work", [1, 3601]), "party[1].work", "max must be"),
    (_set("party.1.work", [3.0, 1.0]), "party[1].work", "min 3.0 is greater than max 1.0"),
    (_set("party.1.work", [1.0]), "party[1].work", "[min, max]"),
    (_set("party.1.work", True), "party[1].work", "boolean"),
    (_set("party.1.work", "1s"), "party[1].work", 'got "1s"'),
    (_set("party.1.work", 10**400), "party[1].work", "huge integer"),
    (_set("party.1.work", float("inf")), "party[1].work", "got inf"),
    (_set("party.0.work_by_stage", [1.0]), "party[0].work_by_stage", "one entry per stage (2)"),
    (_set("party.0.work_by_stage", 1.0), "party[0].work_by_stage", "one entry per stage"),
    (_set("party.0.work_by_stage", [1.0, [2, 1]]), "party[0].work_by_stage[1]", "greater than"),
]


@pytest.mark.parametrize(("data", "field", "text"), BAD, ids=[f"{f}:{t}" for _, f, t in BAD])
def test_invalid_input_is_one_precise_line(data: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "my.toml")
    err = info.value
    assert err.field == field
    assert err.source == "my.toml"
    assert text in str(err)
    assert "\n" not in str(err)
    assert str(err).startswith("my.toml: ")


def test_error_message_layout() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_set("parties", 0), "my.toml")
    assert str(info.value) == "my.toml: parties: must be an integer from 1 to 256, got 0"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_set("stagse", 1), "launch.toml")
    assert str(info.value) == 'launch.toml: unknown key "stagse" (did you mean "stages"?)'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_set("party.2.work", [3.0, 1.0]), "my.toml")
    assert str(info.value) == "my.toml: party[2].work: min 3.0 is greater than max 1.0"


def test_not_a_mapping() -> None:
    with pytest.raises(ScenarioError, match="must be a table"):
        parse_scenario([1, 2], "x")  # type: ignore[arg-type]


def test_load_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text("parties = = 3\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith("my.toml: invalid TOML: ")
    assert "\n" not in str(info.value)
    assert info.value.field is None


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8"])
def test_load_unreadable_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "my.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "not-utf8":
        path.write_bytes(b"name = '\xff'\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith("my.toml: ")
    assert "\n" not in str(info.value)


def test_load_reports_validation_errors_with_file_name(tmp_path: Path) -> None:
    path = tmp_path / "launch.toml"
    path.write_text("parties = 3\nstagse = 2\n")
    with pytest.raises(ScenarioError, match=r'^launch\.toml: unknown key "stagse"'):
        load_scenario(path)


def test_load_accepts_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeffparties = 2\n".encode())
    assert load_scenario(path).parties == 2


@pytest.mark.parametrize("data", [base(), {"parties": 2}, {"parties": 3, "processes": 5}])
def test_round_trips(tmp_path: Path, data: dict[str, Any]) -> None:
    s = parse_scenario(data)
    assert parse_scenario(scenario_to_dict(s)) == s
    assert parse_scenario(tomllib.loads(dump_scenario(s))) == s
    save_scenario(s, tmp_path / "s.toml")
    assert load_scenario(tmp_path / "s.toml") == s


def test_dict_is_minimal_and_dump_is_compact() -> None:
    assert scenario_to_dict(parse_scenario({"parties": 2})) == {
        "name": "Untitled scenario",
        "parties": 2,
    }
    text = dump_scenario(parse_scenario(base()))
    assert "work_by_stage = [1.0, [0.5, 1.5]]" in text
    assert "[[party]]" in text and "[action]" in text


def test_save_refuses_invalid_scenario_and_keeps_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("parties = 2\n")
    bad = Scenario(**{**parse_scenario({"parties": 2}).__dict__, "stages": 0})
    with pytest.raises(ScenarioError, match=r"^s\.toml: stages: "):
        save_scenario(bad, path)
    assert path.read_text() == "parties = 2\n"


def test_narrative_line() -> None:
    n = parse_scenario(_set("narrative.release", "{name} #{index} {stage}/{stages} p{party}"))
    assert n.narrative.line("arrive", 0, name="Ada") == "Ada ready."
    assert n.narrative.line("arrive", 1, name="Ada") == "Ada again."
    assert n.narrative.line("work", 1, name="Ada") == "Ada checks."
    line = n.narrative.line("release", 1, name="Ada", index=2, stages=2, party=1)
    assert line == "Ada #2 2/2 p1"
    assert n.narrative.line("release", 0, name="Ada") == "Ada #? 1/? p?"
    assert Narrative().line("work", 0, name="Ada") == ""


def test_work_plan_reproducible_and_within_ranges() -> None:
    s = parse_scenario(base())
    plan = s.work_plan()
    assert plan == s.work_plan() == s.work_plan(7)
    assert len(plan) == 3 and all(len(row) == 2 for row in plan)
    assert plan[0][0] == 1.0 and 0.5 <= plan[0][1] <= 1.5
    assert plan[1] == [1.0, 1.0]
    assert all(0.5 <= t <= 2.0 for t in plan[2])
    assert s.work_plan(8) != plan
    unseeded = s.replace(seed=None)
    assert unseeded.work_plan() != unseeded.work_plan()


def test_work_time_and_party_spec() -> None:
    assert WorkTime(2.0, 2.0).fixed and not WorkTime(1.0, 2.0).fixed
    spec = PartySpec("A", WorkTime(1.0, 1.0), (WorkTime(2.0, 2.0), WorkTime(3.0, 3.0)))
    assert spec.work_for_stage(1) == WorkTime(3.0, 3.0)
    assert PartySpec("B", WorkTime(1.0, 1.0)).work_for_stage(5) == WorkTime(1.0, 1.0)


def test_replace_revalidates() -> None:
    s = parse_scenario(base())
    t = s.replace(timeout=5, name="  Renamed ")
    assert (t.timeout, t.name, t.party) == (5.0, "Renamed", s.party)
    with pytest.raises(ScenarioError, match="parties: must be an integer"):
        s.replace(parties=0)
    with pytest.raises(ScenarioError, match="processes is 4"):
        s.replace(processes=4)
    with pytest.raises(ScenarioError, match=r"action: \[action\] must be a table"):
        s.replace(action="go")
    grown = parse_scenario({"parties": 2}).replace(parties=4, processes=4)
    assert [p.name for p in grown.party] == ["Party 1", "Party 2", "Party 3", "Party 4"]


def test_input_is_not_mutated() -> None:
    data = base()
    before = copy.deepcopy(data)
    parse_scenario(data)
    assert data == before


# --- property: parse_scenario never fails with anything but ScenarioError -------------------

# Text an attacker would try: escapes, NUL, 8-bit CSI, direction overrides, line separators,
# next to what real names hold (joiners, variation selectors, combining marks).
_hostile_text = st.lists(
    st.sampled_from(["\x1b[31m", "\0", "\x9b", "\u202e", "\u2028", "\r", "\n", "\t"])
    | st.sampled_from(["\u200d", "\ufe0f", "e\u0301"])
    | st.text(max_size=3),
    max_size=4,
).map("".join)

_junk = st.recursive(
    st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        _hostile_text,
        st.booleans(),
        st.sampled_from(["{name}", "{stage}", "{bogus}", "{", "fork", "cpu", "A", "B"]),
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


def _mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Plausible values nine times in ten, so valid scenarios are common; junk otherwise."""
    return st.integers(0, 9).flatmap(lambda i: _junk if i == 0 else good)


_count = _mostly(st.integers(min_value=1, max_value=4))
_seconds = st.floats(min_value=-0.5, max_value=5) | st.integers(0, 4)
_work = _mostly(_seconds | st.lists(_seconds, min_size=1, max_size=3))
_party = st.fixed_dictionaries(
    {
        "name": _mostly(
            st.sampled_from(["A", "B", "C", " D ", "Eve", "F", "G", "Hal", "I", "", "👩‍🚀 Ann"])
            | _hostile_text
        )
    },
    optional={"work": _work, "work_by_stage": _mostly(st.lists(_work, max_size=3)), "nmae": _junk},
)
_template = (
    st.sampled_from(["{name}", "x {stage}/{stages}", "{nmae}", "{", "", "{index:>3}"])
    | st.sampled_from(["{name:>999999999}", "{name:{stage}}", "{party:.1000}", "{name:*^100}"])
    | _hostile_text.map(lambda t: t + "{name}")
)
_narrative = st.fixed_dictionaries(
    {},
    optional={
        k: _mostly(_template | st.lists(_template, max_size=3))
        for k in ("work", "arrive", "release")
    },
)
_rest = st.fixed_dictionaries(
    {},
    optional={
        "name": _mostly(st.sampled_from(["Demo", " Spaced ", "🚀", ""]) | _hostile_text),
        "description": _mostly(st.text(max_size=8) | _hostile_text),
        "processes": _count,
        "stages": _count,
        "timeout": _mostly(st.floats(0, 20)),
        "start_method": _mostly(st.sampled_from(["fork", "spawn", "forkserver", "thread"])),
        "seed": _mostly(st.integers(-1, 2**64)),
        "workload": _mostly(st.sampled_from(["sleep", "cpu", "gpu"])),
        "backend": _mostly(st.just("processes")),
        "action": _mostly(
            st.fixed_dictionaries({}, optional={"message": _mostly(st.text() | _hostile_text)})
        ),
        "narrative": _mostly(_narrative),
    },
)


@st.composite
def _scenario(draw: st.DrawFn) -> dict[str, Any]:
    """Usually a `parties` count, [[party]] tables, or both (so the defaults get exercised)."""
    data: dict[str, Any] = draw(_rest)
    if draw(st.integers(0, 3)):
        data["parties"] = draw(_count)
    if "parties" not in data or draw(st.booleans()):
        data["party"] = draw(_mostly(st.lists(_party, min_size=1, max_size=4)))
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.sampled_from(["stagse", "Parties", "", "x.y"]))] = draw(_junk)
    return data


@settings(max_examples=200, deadline=None)
@given(_scenario())
def test_parse_returns_scenario_or_scenario_error(data: dict[str, Any]) -> None:
    try:
        s = parse_scenario(data, "fuzz.toml")
    except ScenarioError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.toml: ")
        assert first_unsafe(str(err)) is None
        return
    assert len(s.party) == s.processes
    texts = [s.name, *(p.name for p in s.party), s.action.message if s.action else ""]
    texts += [t for kind in NARRATIVE_KINDS for t in s.narrative.templates(kind)]
    assert all(first_unsafe(t) is None for t in texts)
    assert first_unsafe(s.description, allow="\n\t") is None
    for kind in NARRATIVE_KINDS:  # a line is short, whatever its format specs
        for stage in range(s.stages):
            assert len(s.narrative.line(kind, stage, name=s.party[0].name)) < 100_000
    assert parse_scenario(scenario_to_dict(s)) == s
    assert parse_scenario(tomllib.loads(dump_scenario(s))) == s


# --- property: any file content is a Scenario or one ScenarioError line ----------------------

_toml_pieces = st.sampled_from(
    ["parties = ", "2", "[", "]", "{", "}", "a = ", '"', "'", '"""', "#", "\n", "\\", ",", "\x1b"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_toml_pieces, max_size=60).map("".join) | st.binary(max_size=64))
def test_any_file_content_loads_or_fails_with_one_line(tmp_path_factory: Any, content: Any) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.toml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    try:
        load_scenario(path)
    except ScenarioError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.toml: ")
        assert first_unsafe(str(err)) is None
