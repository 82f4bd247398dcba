"""The app's front door: `barrier-viz …` and `python main.py …` both call `main()`.

Why it lives in the gui package: the entry decides between the headless commands (engine)
and the windowed ones (gui), and engine may never import gui.  It builds the one parser (the
engine's commands plus the window's flags), parses once into typed options, and dispatches.
It stays import-light: spawn and forkserver children re-import the program's main module, and
a headless `run` must not pay for Qt, so Qt is imported only once a window is really wanted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from engine.cli.options import HeadlessOptions
from engine.cli.parser import CommandLineParser, headless_options
from gui.app.options import GuiOptions, declare_window_flags, window_options
from gui.lessons.options import LessonWindowOptions, lesson_window_options


def parse_command_line(
    argv: Sequence[str],
) -> GuiOptions | LessonWindowOptions | HeadlessOptions:
    """The typed options of the whole command line (bad input: one line, exit code 2)."""
    parser = CommandLineParser()
    declare_window_flags(parser)
    parsed = parser.parse(argv)
    lesson = lesson_window_options(parsed)
    if lesson is not None:
        return lesson
    headless = headless_options(parsed)
    window = window_options(parsed, headless)
    if window is not None:
        return window
    assert headless is not None  # every command either opens the window or runs headless
    return headless


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then run a headless command or open the GUI; the exit code."""
    options = parse_command_line(sys.argv[1:] if argv is None else argv)
    if isinstance(options, LessonWindowOptions):
        from gui.app.lesson_launch import launch_lesson

        return launch_lesson(options)
    if isinstance(options, GuiOptions):
        from gui.app.launch import launch_gui

        return launch_gui(options)
    from engine.cli.commands import run_headless

    return run_headless(options)
