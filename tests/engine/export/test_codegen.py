"""The standalone-script export: generate, compile, and RUN each program with plain `python -I`.

Why run them: a program that compiles can still deadlock or print the wrong story.  `-I`
(isolated mode: no site-packages, no project on sys.path) proves the program needs nothing but
the standard library; an AST scan of its imports proves it a second way.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.export.codegen import generate_script
from engine.scenario import Narrative, NarrativeKind, PartySpec, Scenario, WorkTime
from engine.scenario.presets import load_preset
from tests.paths import ROOT

SPEED = 10.0
# Where the timeout is not what a test is about, it is made generous: starting processes on a
# loaded machine (spawn above all) can take longer than a preset's timeout divided by SPEED.
GENEROUS_TIMEOUT = 60.0
PASSING = ("launch", "two-rounds", "dungeon", "straggler")


def run_program(source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "barrier_demo.py"
    path.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=tmp_path,
    )


def imported_modules(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            found.add((node.module or "").split(".")[0])
    return found


def embedded_plan(source: str) -> list[tuple[str, list[float]]]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PLAN":
            plan: list[tuple[str, list[float]]] = ast.literal_eval(node.value)
            return plan
    raise AssertionError("no PLAN in the program")


def expected(scenario: Scenario, kind: NarrativeKind, party: int, stage: int) -> str:
    return scenario.narrative.line(
        kind,
        stage,
        name=scenario.party[party].name,
        party=party + 1,
        stages=scenario.stages,
    )


def nth_position(lines: list[str], text: str, n: int) -> int:
    positions = [i for i, line in enumerate(lines) if line == text]
    assert len(positions) > n, f"{text!r} printed {len(positions)} times, wanted > {n}"
    return positions[n]


def check_story(scenario: Scenario, lines: list[str]) -> None:
    """Per stage: every arrive line, then the action message once, then every release line."""
    assert scenario.action is not None
    message = scenario.action.message
    assert lines.count(message) == scenario.stages
    for stage in range(scenario.stages):
        action_at = nth_position(lines, message, stage)
        for party in range(scenario.processes):
            kinds: tuple[NarrativeKind, ...] = ("arrive", "release")
            for kind in kinds:
                text = expected(scenario, kind, party, stage)
                earlier = sum(expected(scenario, kind, party, s) == text for s in range(stage))
                at = nth_position(lines, text, earlier)
                assert (at < action_at) if kind == "arrive" else (at > action_at), (kind, text)


def generate_and_run(scenario: Scenario, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    source = generate_script(scenario, speed=SPEED)
    compile(source, "barrier_demo.py", "exec")
    assert imported_modules(source) <= set(sys.stdlib_module_names)
    return run_program(source, tmp_path)


@pytest.mark.parametrize("name", PASSING)
def test_passing_preset_program_tells_the_apps_story(name: str, tmp_path: Path) -> None:
    scenario = load_preset(name).replace(timeout=GENEROUS_TIMEOUT)
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "BrokenBarrierError" not in out.stdout
    check_story(scenario, out.stdout.splitlines())


def test_timeout_program_breaks_for_everyone(tmp_path: Path) -> None:
    scenario = load_preset("timeout")
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    lines = out.stdout.splitlines()
    for party in range(3):
        assert expected(scenario, "arrive", party, 0) in lines
        assert expected(scenario, "release", party, 0) not in lines
    broken = [line for line in lines if "got BrokenBarrierError (a wait timed out)" in line]
    assert len(broken) == 3
    assert "🚀 All systems go! Launching now." not in lines


def test_failing_action_breaks_the_barrier(tmp_path: Path) -> None:
    scenario = load_preset("action-fails").replace(timeout=GENEROUS_TIMEOUT)
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    lines = out.stdout.splitlines()
    assert lines.count("🚀 Ignition sequence start…") == 1
    assert sum("got BrokenBarrierError" in line for line in lines) == 2
    assert sum("re-raised the action's error" in line for line in lines) == 1
    assert not any("proceeding after launch clearance" in line for line in lines)


def test_crashing_party_dies_and_the_others_time_out(tmp_path: Path) -> None:
    scenario = load_preset("crash")
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "RuntimeError: Communication hit a fault during stage 1" in out.stderr
    lines = out.stdout.splitlines()
    assert "Communication ready." not in lines
    for name in ("Navigation", "Propulsion"):
        assert f"{name} ready." in lines
        assert any(line.startswith(f"💥 {name} got BrokenBarrierError") for line in lines)


def test_too_few_processes_are_rescued_by_abort(tmp_path: Path) -> None:
    scenario = load_preset("too-few")
    source = generate_script(scenario, speed=SPEED)
    assert "Barrier(4)" in source and "only 3 processes" in source
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    lines = out.stdout.splitlines()
    assert any("Calling barrier.abort()" in line for line in lines)
    for name in ("Navigation", "Communication", "Propulsion"):
        assert f"{name} ready." in lines
        assert f"💥 {name} got BrokenBarrierError (abort() was called)." in lines


def test_plan_is_the_scenarios_plan_at_that_speed() -> None:
    scenario = load_preset("straggler")
    plan = embedded_plan(generate_script(scenario, seed=11, speed=4.0))
    drawn = scenario.work_plan(11)
    assert [name for name, _ in plan] == [p.name for p in scenario.party]
    assert [row for _, row in plan] == [[round(s / 4.0, 6) for s in row] for row in drawn]


def test_without_any_seed_the_header_names_the_one_used() -> None:
    scenario = load_preset("launch").replace(seed=None)
    source = generate_script(scenario)
    seed = int(source.split("(seed ", 1)[1].split(",", 1)[0])
    assert embedded_plan(source) == embedded_plan(generate_script(scenario, seed=seed))


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="speed"):
        generate_script(load_preset("launch"), speed=0)


def test_every_option_at_once_still_runs(tmp_path: Path) -> None:
    """cpu work, a start method, a skipped kill fault, per-stage lines with {index} and
    templates full of quotes, braces, backslashes and format specs."""
    base = load_preset("two-rounds")
    party = tuple(
        PartySpec(f"Q\"{i}'s", WorkTime(0.3, 0.5), fault="kill-in-wait" if i == 0 else None)
        for i in range(3)
    )
    narrative = Narrative(
        work=("",),
        arrive=('{name} said "hi" {{braces}} \\ at {stage:>3}/{stages}, index {index}',),
        release=("{name} #{party} got index {index!r}", ""),
    )
    scenario = base.replace(
        workload="cpu",
        start_method="spawn",
        party=party,
        narrative=narrative,
        timeout=GENEROUS_TIMEOUT,
    )
    source = generate_script(scenario, speed=SPEED)
    assert 'get_context("spawn")' in source and "busy_work(seconds)" in source
    assert "Not reproduced" in source and "kill-in-wait" in source
    out = generate_and_run(scenario, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    lines = out.stdout.splitlines()
    for i, spec in enumerate(party):
        for stage in (0, 1):
            arrive = f'{spec.name} said "hi" {{braces}} \\ at {stage + 1:>3}/2, index ?'
            assert arrive in lines
        released = [line for line in lines if line.startswith(f"{spec.name} #{i + 1} got index")]
        assert len(released) == 1  # the stage-2 release line is empty
    indices = sorted(line.rsplit(" ", 1)[1] for line in lines if " got index " in line)
    assert indices == ["0", "1", "2"]  # wait() returns each index exactly once per trip
    assert lines.count("⚔️ Round complete.") == 2


@pytest.mark.parametrize("name", ["launch", "too-many", "crash", "action-fails", "gil"])
def test_generated_code_passes_ruff_default_rules(name: str, tmp_path: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed next to this interpreter")
    path = tmp_path / "demo.py"
    path.write_text(generate_script(load_preset(name), speed=SPEED), encoding="utf-8")
    lint = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", str(path)], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [ruff, "format", "--isolated", "--no-cache", "--check", str(path)],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=ROOT,
    )


def test_cli_code_prints_a_program() -> None:
    out = cli("code", "--preset", "launch")
    assert out.returncode == 0, out.stderr
    assert "Barrier(3" in out.stdout and 'if __name__ == "__main__":' in out.stdout
    compile(out.stdout, "launch.py", "exec")


def test_cli_code_output_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "launch_demo.py"
    out = cli("code", "--preset", "launch", "--speed", "20", "--seed", "3", "--output", str(target))
    assert out.returncode == 0, out.stderr
    assert str(target) in out.stdout
    source = target.read_text(encoding="utf-8")
    assert source == generate_script(load_preset("launch"), seed=3, speed=20)
    assert [p.name for p in tmp_path.iterdir()] == ["launch_demo.py"]  # no temp file left


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("code", "--preset", "lunch"), 'did you mean "launch"'),
        (("code",), "--preset NAME or --scenario"),
        (("code", "--preset", "launch", "--output", "/nonexistent/dir/x.py"), "--output"),
    ],
)
def test_cli_code_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    out = cli(*args)
    assert out.returncode == 2
    assert needle in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr and out.stdout == ""
