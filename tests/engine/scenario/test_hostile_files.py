"""The hostile-scenario corpus, loaded in-process: every case is refused with one safe line.

The same corpus goes through the real command line in test_hostile_corpus_cli.py (slow); this
quick pass runs in every engine run.  Below it, the individual rules the corpus relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.core.safe_text import first_unsafe
from engine.scenario import (
    MAX_NESTING,
    ScenarioError,
    load_scenario,
    parse_scenario,
)
from engine.scenario.toml_io import nesting_depth
from tests.engine.scenario.hostile_corpus import CORPUS, HostileCase

MESSAGE_CAP = 1000


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_every_hostile_file_is_refused_with_one_safe_line(
    case: HostileCase, tmp_path: Path
) -> None:
    path = case.make(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert case.needle in message
    assert "\n" not in message and len(message) < MESSAGE_CAP
    assert first_unsafe(message) is None, message


def test_corpus_ids_are_unique() -> None:
    assert len({c.id for c in CORPUS}) == len(CORPUS)


ASTRONAUT = "👩‍🚀 Astronaut"
GOOD_NAMES = [ASTRONAUT, "⚔️ Knight", "Zoe\u0308", "👍🏽 Fan", "🏳️‍🌈", "नमस्ते", "می\u200cخواهم", "🇫🇷"]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_real_names_with_joiners_and_marks_are_accepted(name: str) -> None:
    s = parse_scenario(
        {
            "name": name,
            "description": f"{name}\n\twith a second, indented line",
            "action": {"message": name},
            "narrative": {"arrive": f"{name}: {{name}}"},
            "party": [{"name": name}, {"name": "Bob"}],
        }
    )
    assert s.name == s.party[0].name == name
    assert s.narrative.line("arrive", 0, name=name) == f"{name}: {name}"


@pytest.mark.parametrize(
    "template",
    ["{name:>12}", "{index:03}", "{stage:^100}", "{name!r:.100}", "{party:,}", "{name:0>5}"],
)
def test_modest_format_specs_are_accepted(template: str) -> None:
    assert parse_scenario({"parties": 1, "narrative": {"work": template}}).narrative.work == (
        template,
    )


def test_the_width_error_names_the_field_and_the_limit() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"parties": 1, "narrative": {"work": "{name:>1000000000}"}}, "a.toml")
    assert str(info.value) == (
        "a.toml: narrative.work: format width or precision 1000000000 in {name:…} is too large"
        " (allowed: widths and precisions up to 100)"
    )


def test_the_control_character_error_says_which_and_where() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"parties": 1, "action": {"message": "Go\x1b[2J!"}}, "a.toml")
    assert str(info.value) == (
        "a.toml: action.message: must not contain control characters, got U+001B (ESCAPE) at"
        " position 2 (allowed: printable text)"
    )


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("parties = 2", 0),
        ("a = [1, [2, [3]]]", 3),
        ("[[party]]\nname = 'x'\nwork = [1, 2]", 2),
        ('a = \'[[[[[[\'\nb = "[[[[\\"[[["\n# [[[[[[[\nc = [1]', 1),
        ("a = \"\"\"\n[[[[[[\n\"\"\"\nb = '''[[[[['''", 0),
        ('a = """x\\"""[[[[[[["""', 0),
        ('a = """ends in quotes"""""\nb = [[1]]', 2),
        ("t = {a = {b = [1]}}", 3),
    ],
)
def test_nesting_depth_ignores_strings_and_comments(text: str, depth: int) -> None:
    assert nesting_depth(text, 100) == depth


def test_nesting_at_the_limit_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(f"parties = 2\nseed = {'[' * MAX_NESTING}1{']' * MAX_NESTING}\n")
    with pytest.raises(ScenarioError, match="seed: must be an integer"):
        load_scenario(path)  # parsed: the validator, not the depth guard, refuses it
