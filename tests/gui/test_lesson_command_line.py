"""`lesson` on the command line: --list is headless (no Qt), bad input is one line and exit
code 2 before any window opens, and the lesson window's flags are typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from gui.app.entry import main, parse_command_line
from gui.lessons.options import LessonWindowOptions
from tests.paths import ROOT


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_list_shows_both_lessons_without_importing_qt() -> None:
    probe = (
        "import sys; from gui.app.entry import main; code = main(['lesson', '--list']); "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'; sys.exit(code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names[:2] == ["barrier-basics", "threads-vs-processes"]
    assert "Barrier basics (10 steps)" in out.stdout


def test_a_malformed_lesson_file_is_one_line_naming_step_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "talk.toml"
    steps = [
        {"title": "A", "caption": "One.", "scenario": "launch"},
        {"title": "B", "caption": "Two.", "scenario": "launch",
         "prompt": {"question": "Who?", "answer": "the winner"}},
    ]  # fmt: skip
    bad.write_text(tomli_w.dumps({"title": "T", "step": steps}), encoding="utf-8")
    out = cli("lesson", str(bad))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}: step 2: prompt.answer: unknown value")
    assert "Traceback" not in out.stderr


def test_missing_or_unknown_names_say_what_exists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson"]) == 2
    assert "give a lesson NAME (barrier-basics, threads-vs-processes)" in capsys.readouterr().err
    assert main(["lesson", "barrier-basic"]) == 2
    err = capsys.readouterr().err
    assert 'unknown lesson "barrier-basic" (did you mean "barrier-basics"?)' in err
    assert main(["lesson", "barrier-basics", "--record", "/no/such/dir/x.mp4"]) == 2
    assert "--record: cannot write" in capsys.readouterr().err


def test_the_lesson_windows_flags_are_typed() -> None:
    options = parse_command_line(
        ["lesson", "barrier-basics", "--autoplay", "--record", "talk.mp4", "--present",
         "--theme", "dark", "--size", "1920x1080", "--speed", "2"]
    )  # fmt: skip
    assert options == LessonWindowOptions(
        "barrier-basics", True, "talk.mp4", True, "dark", (1920, 1080), 2.0
    )
    assert parse_command_line(["lesson", "x"]) == LessonWindowOptions("x")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "1280"], "--size must look like 1280x720"),
        (["--size", "100x100"], "--size must be from 320x240"),
        (["--record", "talk.gif"], "--record: talk.gif must end in .mp4"),
        (["--theme", "pink"], "invalid choice"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    out = cli("lesson", "barrier-basics", *args)
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
