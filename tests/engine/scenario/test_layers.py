"""The scenario package is layered: each module imports only modules below it, never the
facade and never back up, not even lazily inside a function (which cycle checkers may miss)."""

from __future__ import annotations

import ast

import pytest

from engine.scenario import ScenarioError, parse_scenario
from tests.paths import ROOT

PACKAGE = ROOT / "engine" / "scenario"
# Bottom first; a module may import only those listed before it.
LAYERS = [
    "limits",
    "specs",
    "checks",
    "templates",
    "validate",
    "encode",
    "model",
    "toml_io",
    "files",
    "presets",
]


def scenario_imports(module: str) -> set[str]:
    """Every engine.scenario module `module` imports, anywhere in the file."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.update(n for n in names if n == "engine.scenario" or n.startswith("engine.scenario."))
    return found


def test_every_module_is_in_a_layer() -> None:
    on_disk = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert on_disk == set(LAYERS)


def test_modules_import_only_lower_layers() -> None:
    for position, module in enumerate(LAYERS):
        allowed = {f"engine.scenario.{m}" for m in LAYERS[:position]}
        imported = scenario_imports(module)
        assert imported <= allowed, f"{module} imports {sorted(imported - allowed)}"


def test_replace_still_validates_through_the_layers() -> None:
    scenario = parse_scenario({"parties": 2})
    assert scenario.replace(parties=3, processes=3).parties == 3
    with pytest.raises(ScenarioError) as info:
        scenario.replace(name="a\x1bb")
    assert info.value.field == "name"
