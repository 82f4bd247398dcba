"""The headless command line, run as a user would: a subprocess with real parties."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.events import Event
from tests.paths import ROOT


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_presets_lists_every_required_preset() -> None:
    out = cli("presets")
    assert out.returncode == 0
    names = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
    for required in ("launch", "launch-staggered", "dungeon", "two-rounds", "straggler", "crowd"):
        assert required in names


def test_run_launch_narrates_and_summarises(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    out = cli("run", "--preset", "launch", "--speed", "20", "--seed", "5", "--events", str(log))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for name in ("Navigation", "Communication", "Propulsion"):
        assert f"{name} ready." in text
        assert f"{name} proceeding after launch clearance." in text
    assert "All systems go! Launching now." in text
    ready = max(text.index(f"{n} ready.") for n in ("Navigation", "Communication", "Propulsion"))
    assert ready < text.index("All systems go!") < text.index("proceeding after launch")
    assert "Stage 1 of 1" in text and "release skew" in text
    events = [Event.from_json_line(line) for line in log.read_text().splitlines()]
    assert events[0].kind == "run_start" and events[-1].kind == "run_end"


def test_run_prints_the_wait_state_report_after_its_stage_tables(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    out = cli("run", "--preset", "two-rounds", "--speed", "20", "--events", str(log))
    assert out.returncode == 0, out.stderr
    analyzed = cli("analyze", str(log))
    assert analyzed.returncode == 0, analyzed.stderr
    report = analyzed.stdout.strip()
    assert report.startswith("Wait states") and "Critical path:" in report
    text = out.stdout
    assert "enters the dungeon" in text  # the narrative, then the tables, then the report
    assert text.index("enters the dungeon") < text.index("Stage 2 of 2") < text.index(report)
    assert text.rstrip().endswith("(exit code 0)")


def test_quiet_prints_only_the_wait_state_report(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    out = cli("run", "--preset", "two-rounds", "--speed", "20", "--quiet", "--events", str(log))
    assert out.returncode == 0
    assert "enters the dungeon" not in out.stdout
    assert "Stage 1 of 2" not in out.stdout  # no stage tables
    report = cli("analyze", str(log)).stdout.strip()
    assert out.stdout.startswith(report)  # exactly what analyze prints, then the result
    assert out.stdout[len(report) :].strip().startswith("Result: passed")
    assert out.stderr == ""  # on a pipe, no progress line


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("run", "--preset", "lunch"), 'did you mean "launch"'),
        (("run", "--preset", "launch", "--speed", "0"), "--speed must be from"),
        (("run", "--preset", "launch", "--seed", "-3"), "seed must be an integer"),
        (("run", "--scenario", "/nonexistent/x.toml"), "x.toml"),
        (("run",), "--preset NAME or --scenario"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    out = cli(*args)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_bad_scenario_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nparties = 0\n')
    out = cli("run", "--scenario", str(bad))
    assert out.returncode == 2
    assert "bad.toml" in out.stderr and "parties" in out.stderr and "256" in out.stderr
    assert "Traceback" not in out.stderr
