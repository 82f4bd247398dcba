"""engine.api: the documented example runs as written, and the calls behave as documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.api import EventLogReadError, ScenarioError, load, read_log, run
from engine.core.outcome import RunStatus
from tests.paths import ROOT

DOC = ROOT / "docs" / "api.md"


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, "docs/api.md has one runnable example"
    return str(blocks[0])


@pytest.mark.timeout(120)
def test_the_documented_example_runs(tmp_path: Path) -> None:
    """Extracted from docs/api.md and run in a fresh interpreter, in an empty folder, with no
    Qt anywhere (a module that imported it would show up in sys.modules)."""
    script = tmp_path / "example.py"
    script.write_text(
        example() + "\nimport sys\nassert not any(m.startswith('PySide6') for m in sys.modules)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=110,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed 0" in done.stdout
    assert "last to arrive: Sous-chef" in done.stdout
    assert "Wait states" in done.stdout
    assert re.search(r"broken .* 3", done.stdout)
    assert (tmp_path / "two-cooks.jsonl").is_file()


def test_load_takes_a_preset_a_file_a_dict_and_a_scenario(tmp_path: Path) -> None:
    preset = load("launch")
    path = tmp_path / "s.toml"
    path.write_text('name = "File"\nparties = 2\n', encoding="utf-8")
    assert load(path).name == "File" and load(str(path)).name == "File"
    assert load({"parties": 3}).parties == 3
    assert load(preset) is preset
    with pytest.raises(ScenarioError, match="parties"):
        load({"parties": -1})
    with pytest.raises(ScenarioError, match='did you mean "launch"'):
        load("lunch")


def test_run_on_the_asyncio_backend_and_read_its_log(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    scenario = {"name": "Three", "stages": 2, "party": [{"name": n, "work": 0.02} for n in "ABC"]}
    result = run(scenario, backend="asyncio", speed=2, seed=3, events_path=log)
    assert result.outcome.status == RunStatus.PASSED and result.exit_code == 0
    assert result.events[0].kind == "run_start" and result.events[-1].kind == "run_end"
    assert result.events[0].get("backend") == "asyncio"
    assert len(result.stages.records()) == 2
    assert all(set(r.releases) == {0, 1, 2} for r in result.stages.records())
    again = read_log(log)
    assert again.events == result.events and again.outcome == result.outcome
    assert again.report() == result.report()
    assert again.scenario is not None and again.scenario.name == result.scenario.name  # type: ignore[union-attr]


def test_a_died_run_is_an_outcome_not_an_exception() -> None:
    result = run("crash", backend="threads", speed=10)
    assert result.outcome.status == RunStatus.DIED and result.exit_code == 4
    assert any("crashed" in line for line in result.narrative)


def test_bad_arguments_raise_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        run("launch", backend="cobol")
    with pytest.raises(ValueError, match="speed"):
        run("launch", speed=0)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("garbage\n", encoding="utf-8")
    with pytest.raises(EventLogReadError, match="no run_start"):
        read_log(bad)
