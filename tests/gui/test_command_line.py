"""The whole command line as the entry parses it: the window's flags beside the engine's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.cli.options import ReplayOptions, RunOptions, ScenarioChoice, TraceOptions
from gui.app.entry import parse_command_line
from gui.app.options import GuiOptions, WindowFlags
from tests.paths import ROOT


def test_no_command_opens_the_window() -> None:
    assert parse_command_line([]) == GuiOptions()


def test_gui_flags_are_typed() -> None:
    options = parse_command_line(
        ["gui", "--preset", "launch", "--speed", "20", "--seed", "3", "--autorun",
         "--quit-after-run", "--screenshot", "s.png", "--record", "v.mp4"]
    )  # fmt: skip
    assert options == GuiOptions(
        ScenarioChoice(preset="launch", speed=20.0, seed=3),
        WindowFlags(autorun=True, quit_after_run=True, screenshot="s.png", record="v.mp4"),
    )


def test_replay_opens_the_window_unless_headless() -> None:
    assert parse_command_line(["replay", "r.jsonl", "--quit-after-run"]) == GuiOptions(
        ReplayOptions("r.jsonl"), WindowFlags(quit_after_run=True)
    )
    assert parse_command_line(["replay", "r.jsonl", "--headless"]) == ReplayOptions(
        "r.jsonl", headless=True
    )


def test_trace_gui_flags_may_trail_the_programs_arguments() -> None:
    shown = parse_command_line(
        ["trace", "prog.py", "a", "b", "--gui", "--events", "x.jsonl", "--screenshot", "t.png"]
    )
    assert shown == GuiOptions(
        TraceOptions("prog.py", ("a", "b"), events="x.jsonl"), WindowFlags(screenshot="t.png")
    )
    assert parse_command_line(["trace", "--gui", "prog.py", "-v"]) == GuiOptions(
        TraceOptions("prog.py", ("-v",))
    )
    # a final `--`: --gui belongs to the program, so the trace runs headless
    assert parse_command_line(["trace", "prog.py", "--gui", "--"]) == TraceOptions(
        "prog.py", ("--gui",)
    )
    assert parse_command_line(["trace", "prog.py"]) == TraceOptions("prog.py")


def test_headless_commands_pass_through() -> None:
    assert parse_command_line(["run", "--preset", "launch"]) == RunOptions(
        ScenarioChoice(preset="launch")
    )


def test_window_flags_belong_to_the_window_commands_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_command_line(["run", "--preset", "launch", "--autorun"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_video_path_the_recorder_cannot_write_is_refused_while_parsing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_command_line(["gui", "--record", "clip.avi"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--record: clip.avi must end in .mp4 or .gif" in err
    shown = parse_command_line(["replay", "r.jsonl", "--record", "clip.GIF"])
    assert isinstance(shown, GuiOptions) and shown.flags.record == "clip.GIF"


def test_parsing_the_command_line_loads_no_qt() -> None:
    probe = (
        "import sys; from gui.app.entry import parse_command_line; "
        "parse_command_line(['trace', 'p.py', '--gui']); parse_command_line(['run']); "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_present_theme_and_size_are_typed_for_gui_and_replay() -> None:
    options = parse_command_line(
        ["gui", "--preset", "launch", "--present", "--theme", "dark", "--size", "1280x720"]
    )
    assert isinstance(options, GuiOptions)
    assert options.flags == WindowFlags(present=True, theme="dark", size=(1280, 720))
    shown = parse_command_line(["replay", "r.jsonl", "--size", "1024x768", "--record", "v.mp4"])
    assert isinstance(shown, GuiOptions)
    assert shown.flags == WindowFlags(record="v.mp4", size=(1024, 768))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--size", "1280"], "--size: must be WIDTHxHEIGHT such as 1280x720"),
        (["--size", "99999x720"], "--size: must be WIDTHxHEIGHT such as 1280x720"),
        (["--size", "100x100"], "(width 320–7680, height 240–4320), got 100x100"),
        (["--theme", "blue"], "--theme: invalid choice: 'blue'"),
    ],
)
def test_bad_look_flags_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_command_line(["gui", *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
