"""The shipped presets: all load, teach what they promise, and survive a save/load round trip."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from engine.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_to_dict,
)
from engine.scenario.presets import PRESETS_DIR, PresetInfo, list_presets, load_preset
from tests.paths import ROOT

EXPECTED_ORDER = ["launch", "launch-staggered", "dungeon", "two-rounds", "crowd", "straggler"]
NAMES = EXPECTED_ORDER


def test_presets_dir_is_in_the_project() -> None:
    assert ROOT / "assets" / "presets" == PRESETS_DIR
    assert PRESETS_DIR.is_dir()


def test_list_order_and_info() -> None:
    infos = list_presets()
    names = [i.name for i in infos]
    assert names[:4] == EXPECTED_ORDER[:4]  # the classic ones first, in the article's order
    assert names[4:] == sorted(names[4:])  # then the rest alphabetically
    assert set(EXPECTED_ORDER) <= set(names)
    for info in infos:
        assert isinstance(info, PresetInfo)
        assert info.path == PRESETS_DIR / f"{info.name}.toml"
        assert info.title == load_preset(info.name).name
        assert info.description.endswith(".")


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_is_sound(name: str, tmp_path: Path) -> None:
    s = load_preset(name)
    assert s.parties == s.processes == len(s.party)
    assert s.description and s.seed is not None
    assert s.timeout is not None and 10 <= s.timeout <= 30
    assert s.action is not None and s.action.message
    # Generous timeout: even the slowest possible stage leaves plenty of slack.
    slowest = max(p.work_for_stage(st).hi for p in s.party for st in range(s.stages))
    assert slowest * 2 < s.timeout
    assert parse_scenario(scenario_to_dict(s)) == s
    save_scenario(s, tmp_path / f"{name}.toml")
    assert load_scenario(tmp_path / f"{name}.toml") == s


def _names(s: Scenario) -> list[str]:
    return [p.name for p in s.party]


def _ranges(s: Scenario) -> list[tuple[float, float]]:
    return [(p.work.lo, p.work.hi) for p in s.party]


def test_launch() -> None:
    s = load_preset("launch")
    assert s.name == "Space launch"
    assert _names(s) == ["Navigation", "Communication", "Propulsion"]
    assert _ranges(s) == [(0.5, 2.0)] * 3
    assert (s.stages, s.timeout) == (1, 10.0)
    assert s.action is not None and s.action.message == "🚀 All systems go! Launching now."
    n = s.narrative
    assert n.line("arrive", 0, name="Navigation") == "Navigation ready."
    assert n.line("release", 0, name="Navigation") == (
        "Navigation proceeding after launch clearance."
    )
    assert n.line("work", 0, name="Navigation") == "Navigation running checks…"


def test_launch_staggered_arrivals_cannot_overlap() -> None:
    s, plain = load_preset("launch-staggered"), load_preset("launch")
    assert _names(s) == _names(plain)
    assert (s.action, s.narrative) == (plain.action, plain.narrative)
    ranges = _ranges(s)
    assert all(0.5 <= lo <= hi <= 3.0 for lo, hi in ranges)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))


def test_dungeon() -> None:
    s = load_preset("dungeon")
    assert _names(s) == ["Warrior", "Mage", "Rogue"]
    assert _ranges(s) == [(1.0, 4.0)] * 3 and s.stages == 1
    n = s.narrative
    assert n.line("arrive", 0, name="Mage") == "Mage is ready and waiting at the dungeon gate."
    assert n.line("release", 0, name="Mage") == "Mage enters the dungeon!"


def test_two_rounds_has_per_stage_lines() -> None:
    s = load_preset("two-rounds")
    assert _names(s) == ["Warrior", "Mage", "Rogue"]
    assert s.stages == 2 and _ranges(s) == [(0.5, 1.5)] * 3
    n = s.narrative
    assert n.line("arrive", 0, name="Rogue") == "Rogue is ready and waiting at the dungeon gate."
    assert n.line("release", 0, name="Rogue") == "Rogue enters the dungeon!"
    assert n.line("arrive", 1, name="Rogue") == "Rogue ready to calculate scores."
    assert n.line("release", 1, name="Rogue") == "Rogue has the final score."


def test_straggler() -> None:
    s = load_preset("straggler")
    assert len(s.party) == 4 and s.stages == 2
    fast, slow = s.party[:3], s.party[3]
    assert all((p.work.lo, p.work.hi) == (0.2, 0.4) for p in fast)
    assert slow.name == "Straggler" and (slow.work.lo, slow.work.hi) == (3.0, 3.5)
    assert "slowest" in s.description


def test_crowd() -> None:
    s = load_preset("crowd")
    assert len(s.party) == s.parties == 32 and s.stages == 2 and s.timeout == 30.0
    assert len(set(_names(s))) == 32
    assert _ranges(s) == [(0.3, 2.0)] * 32


def test_unknown_preset_suggests_and_lists() -> None:
    with pytest.raises(ScenarioError) as info:
        load_preset("lanuch")
    text = str(info.value)
    assert 'did you mean "launch"' in text
    assert all(name in text for name in NAMES)
    assert "\n" not in text


def test_names_cannot_escape_the_directory() -> None:
    with pytest.raises(ScenarioError, match="unknown preset"):
        load_preset("../presets/launch")


def test_custom_directory_and_alphabetical_extras(tmp_path: Path) -> None:
    for name in ("dungeon", "launch"):
        shutil.copy(PRESETS_DIR / f"{name}.toml", tmp_path)
    (tmp_path / "zebra.toml").write_text('name = "Z"\nparties = 1\n')
    (tmp_path / "alpha.toml").write_text('name = "A"\nparties = 2\n')
    (tmp_path / "notes.txt").write_text("not a preset")
    assert [i.name for i in list_presets(tmp_path)] == ["launch", "dungeon", "alpha", "zebra"]
    assert load_preset("alpha", tmp_path).parties == 2


def test_broken_preset_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("parties = 0\n")
    with pytest.raises(ScenarioError, match=r"^bad\.toml: parties: "):
        list_presets(tmp_path)


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    assert list_presets(tmp_path) == []
    assert list_presets(tmp_path / "missing") == []
    with pytest.raises(ScenarioError, match="none found"):
        load_preset("launch", tmp_path)


def test_presets_command_with_no_presets_is_not_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An install without presets lists none (it used to end in max() of nothing)."""
    import argparse

    from engine.cli import commands

    monkeypatch.setattr(commands, "list_presets", lambda: [])
    assert commands.cmd_presets(argparse.Namespace()) == 0
    assert capsys.readouterr().out == ""
