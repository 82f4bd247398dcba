"""The window's command-line flags, declared here and read back as typed options.

Why here and not in engine/cli: the flags only mean something to the window (autorun, quit
after the run, screenshot, video), and engine may not know the gui exists.  The entry builds
the one parser (engine/cli/parser.py), `declare_window_flags` adds the `gui` command and the
window's flags of `replay` and `trace`, and after the single parse `window_options` says
whether the window opens and with what.  Qt-free: the headless commands parse through here too.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field, replace

from engine.cli.options import HeadlessOptions, ReplayOptions, ScenarioChoice, TraceOptions
from engine.cli.parser import CommandLineParser, ParsedArgs, add_scenario_arguments
from gui.lessons.options import declare_lesson_flags


@dataclass(frozen=True)
class WindowFlags:
    """Scripting the window: CI smoke runs and screencasts."""

    autorun: bool = False
    quit_after_run: bool = False
    screenshot: str | None = None
    record: str | None = None
    present: bool = False  # open in presentation mode
    theme: str | None = None  # "light" or "dark" for this session (not remembered)
    size: tuple[int, int] | None = None  # the window's (or the stage's) size, logical pixels


@dataclass(frozen=True)
class GuiOptions:
    """Open the window, showing a scenario (`gui`, no command), a replay or a traced program."""

    shows: ScenarioChoice | ReplayOptions | TraceOptions = field(default_factory=ScenarioChoice)
    flags: WindowFlags = field(default_factory=WindowFlags)


VIDEO_FORMATS = (".mp4", ".gif")
THEME_CHOICES = ("light", "dark")
SIZE_RANGE = ((320, 7680), (240, 4320))  # width, height in logical pixels
_SIZE = re.compile(r"\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*")
QUIT_HELP = "quit when the run ends"
SHOT_HELP = "save the window at the end"


def video_path(text: str) -> str:
    """--record FILE: refused at once unless the recorder can write it."""
    if not text.lower().endswith(VIDEO_FORMATS):
        raise argparse.ArgumentTypeError(f"--record: {text} must end in .mp4 or .gif")
    return text


def window_size(text: str) -> tuple[int, int]:
    """--size WxH: refused at once (one line) unless both are whole numbers in range."""
    (w_lo, w_hi), (h_lo, h_hi) = SIZE_RANGE
    allowed = f"WIDTHxHEIGHT such as 1280x720 (width {w_lo}–{w_hi}, height {h_lo}–{h_hi})"
    match = _SIZE.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"--size: must be {allowed}, got {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (w_lo <= width <= w_hi and h_lo <= height <= h_hi):
        raise argparse.ArgumentTypeError(f"--size: must be {allowed}, got {text}")
    return width, height


def add_look_flags(parser: argparse.ArgumentParser) -> None:
    """--present, --theme and --size: how the window looks, also for --screenshot/--record."""
    parser.add_argument(
        "--present", action="store_true", help="open in presentation mode (big text, no editor)"
    )
    parser.add_argument(
        "--theme", choices=THEME_CHOICES, help="light or dark for this session (not remembered)"
    )
    parser.add_argument(
        "--size",
        type=window_size,
        metavar="WxH",
        help="the window's size in logical pixels, e.g. 1280x720 (with --present: the stage's)",
    )


def declare_window_flags(parser: CommandLineParser) -> None:
    """Add `gui …` and the window's flags of `replay` and `trace` to the one parser."""
    gui = parser.add_command("gui", "open the GUI (the default)")
    add_scenario_arguments(gui)
    gui.add_argument("--autorun", action="store_true", help="start the run at once")
    gui.add_argument("--quit-after-run", action="store_true", help=QUIT_HELP)
    gui.add_argument("--screenshot", metavar="FILE.png", help=SHOT_HELP)
    gui.add_argument(
        "--record",
        type=video_path,
        metavar="FILE.mp4",
        help="record the window at 30 fps into FILE.mp4 or FILE.gif (the run + 1 s)",
    )
    add_look_flags(gui)
    replay = parser.replay
    replay.add_argument("--quit-after-run", action="store_true", help="quit when the replay ends")
    replay.add_argument("--screenshot", metavar="FILE.png", help=SHOT_HELP)
    replay.add_argument(
        "--record", type=video_path, metavar="FILE.mp4", help="record the window (.mp4 or .gif)"
    )
    add_look_flags(replay)
    parser.add_trace_option("--gui", action="store_true", help="show the trace live in the app")
    parser.add_trace_option(
        "--quit-after-run", action="store_true", help="with --gui: close when the program ends"
    )
    parser.add_trace_option("--screenshot", metavar="FILE.png", help="with --gui: save the window")
    declare_lesson_flags(parser)  # `lesson NAME`: the lesson window (gui/lessons/options.py)


def window_options(parsed: ParsedArgs, headless: HeadlessOptions | None) -> GuiOptions | None:
    """What the window opens with; None when the command runs without one."""
    match parsed.command, headless:
        case None, _:
            return GuiOptions()
        case "gui", _:
            flags = WindowFlags(
                autorun=parsed.flag("autorun"),
                quit_after_run=parsed.flag("quit_after_run"),
                screenshot=parsed.text("screenshot"),
                record=parsed.text("record"),
            )
            return GuiOptions(parsed.choice(), _with_look(flags, parsed))
        case "replay", ReplayOptions(headless=False) as replay:
            flags = WindowFlags(
                quit_after_run=parsed.flag("quit_after_run"),
                screenshot=parsed.text("screenshot"),
                record=parsed.text("record"),
            )
            return GuiOptions(replay, _with_look(flags, parsed))
        case "trace", TraceOptions() as trace if parsed.flag("gui"):
            return GuiOptions(
                trace,
                WindowFlags(
                    quit_after_run=parsed.flag("quit_after_run"),
                    screenshot=parsed.text("screenshot"),
                ),
            )
    return None


def _with_look(flags: WindowFlags, parsed: ParsedArgs) -> WindowFlags:
    """`flags` plus --present/--theme/--size (declared by `add_look_flags`)."""
    size = parsed.values["size"]
    return replace(
        flags,
        present=parsed.flag("present"),
        theme=parsed.text("theme"),
        size=None if size is None else (int(size[0]), int(size[1])),
    )
