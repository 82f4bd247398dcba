"""Built-in scenarios shipped as TOML files in assets/presets (found by engine.files.assets).

Why files rather than Python constants: presets double as worked examples of the scenario
format.  A learner can open ``launch.toml``, change a number and load it back, and the presets
exercise exactly the loader users' own files go through.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from engine.files.assets import asset_folder
from engine.scenario.files import load_scenario
from engine.scenario.limits import ScenarioError
from engine.scenario.model import Scenario

__all__ = ["PRESETS_DIR", "PRESET_ORDER", "PresetInfo", "list_presets", "load_preset"]

PRESETS_DIR: Path = asset_folder("presets")

# Menu order is a lesson plan, not the alphabet: the simplest barrier first, then variations.
# Presets not named here follow alphabetically.
PRESET_ORDER: tuple[str, ...] = ("launch", "launch-staggered", "dungeon", "two-rounds")


@dataclass(frozen=True)
class PresetInfo:
    """What a preset menu needs: `name` is the file stem (what load_preset takes), `title` the
    scenario's display name."""

    name: str
    title: str
    description: str
    path: Path


def _order_key(name: str) -> tuple[int, str]:
    rank = PRESET_ORDER.index(name) if name in PRESET_ORDER else len(PRESET_ORDER)
    return rank, name


def _preset_names(directory: Path) -> list[str]:
    try:
        stems = [p.stem for p in directory.glob("*.toml") if p.is_file()]
    except OSError:
        stems = []
    return sorted(stems, key=_order_key)


def list_presets(directory: Path = PRESETS_DIR) -> list[PresetInfo]:
    """All presets in `directory`, in lesson order.

    Each file is fully loaded, so a preset that is listed is also loadable; a broken preset
    raises ScenarioError here (it is a bug in a shipped file, and hiding it would only move the
    surprise to the moment someone clicks it).
    """
    infos = []
    for name in _preset_names(directory):
        path = directory / f"{name}.toml"
        scenario = load_scenario(path)
        infos.append(PresetInfo(name, scenario.name, scenario.description, path))
    return infos


def load_preset(name: str, directory: Path = PRESETS_DIR) -> Scenario:
    """Load the preset called `name` (a file stem such as ``"launch"``).

    Only names that exist in `directory` are accepted, so `name` can never reach outside it
    (e.g. ``"../secrets"``).  An unknown name gets a did-you-mean hint and the full list.
    """
    names = _preset_names(directory)
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise ScenarioError(
            "--preset",
            None,
            f'unknown preset "{name}"{hint}',
            allowed=", ".join(names) or f"none found in {directory}",
        )
    return load_scenario(directory / f"{name}.toml")
