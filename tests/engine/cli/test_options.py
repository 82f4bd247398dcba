"""The command line parsed once into typed options: every command, trace's trailing options."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from engine.cli.options import (
    AnalyzeOptions,
    CodeOptions,
    HeadlessOptions,
    PresetsOptions,
    ReplayOptions,
    RunOptions,
    ScenarioChoice,
    TraceOptions,
)
from engine.cli.parser import CommandLineParser, headless_options


def parse(argv: Sequence[str]) -> HeadlessOptions | None:
    return headless_options(CommandLineParser().parse(argv))


def test_run_options_are_typed_with_their_defaults() -> None:
    assert parse(["run", "--preset", "launch"]) == RunOptions(ScenarioChoice(preset="launch"))
    full = parse(
        ["run", "--scenario", "s.toml", "--speed", "2.5", "--seed", "7", "--events", "e.jsonl",
         "--trace", "t.json", "--quiet", "--backend", "threads"]
    )  # fmt: skip
    assert full == RunOptions(
        ScenarioChoice(scenario="s.toml", speed=2.5, seed=7),
        events="e.jsonl",
        trace="t.json",
        quiet=True,
        backend="threads",
    )


def test_each_headless_command_has_its_own_options() -> None:
    assert parse(["presets"]) == PresetsOptions()
    assert parse(["code", "--preset", "dungeon", "--output", "p.py"]) == CodeOptions(
        ScenarioChoice(preset="dungeon"), output="p.py"
    )
    assert parse(["replay", "run.jsonl", "--headless", "--speed", "4"]) == ReplayOptions(
        "run.jsonl", 4.0, headless=True
    )
    assert parse(["analyze", "run.jsonl", "--json"]) == AnalyzeOptions("run.jsonl", json=True)
    assert parse([]) is None  # no command: the window, which engine knows nothing about


def test_options_are_frozen() -> None:
    options = parse(["run", "--preset", "launch"])
    assert isinstance(options, RunOptions)
    with pytest.raises(AttributeError):
        options.quiet = True  # type: ignore[misc]


def test_trace_options_before_the_script_and_after_the_programs_arguments() -> None:
    before = parse(["trace", "--events", "e.jsonl", "p.py", "-v", "x"])
    after = parse(["trace", "p.py", "-v", "x", "--events", "e.jsonl", "--quiet"])
    assert before == TraceOptions("p.py", ("-v", "x"), events="e.jsonl")
    assert after == TraceOptions("p.py", ("-v", "x"), events="e.jsonl", quiet=True)
    assert parse(["trace", "p.py", "a", "--events=e.jsonl"]) == TraceOptions(
        "p.py", ("a",), events="e.jsonl"
    )


def test_a_final_double_dash_hands_our_options_to_the_program() -> None:
    literal = parse(["trace", "p.py", "a", "--quiet", "--"])
    assert literal == TraceOptions("p.py", ("a", "--quiet"))
    assert parse(["trace", "p.py", "--"]) == TraceOptions("p.py")


def test_peeling_stops_at_the_first_argument_that_is_not_ours() -> None:
    # --quiet before "x" is the program's: only a run of our options at the very end is ours
    assert parse(["trace", "p.py", "--quiet", "x"]) == TraceOptions("p.py", ("--quiet", "x"))
    # a value option without its value stays with the program
    assert parse(["trace", "p.py", "--events"]) == TraceOptions("p.py", ("--events",))
    assert parse(["trace", "p.py", "-h"]) == TraceOptions("p.py", ("-h",))


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--speed", "0"], "--speed must be from"),
        (["run", "--seed", "x"], "seed must be an integer"),
        (["run", "--backend", "gpu"], "invalid choice"),
        (["replay"], "FILE.jsonl"),
        (["trace"], "SCRIPT.py"),
        (["trace", "--events"], "expected one argument"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:") and needle in err
