"""The app's front door: `barrier-viz …` and `python main.py …` both call `main()`.

Why it lives in the gui package: the entry decides between the headless commands (engine)
and the windowed ones (gui), and engine may never import gui.  It stays import-light: spawn
and forkserver children re-import the program's main module, and a headless `run` must not
pay for Qt, so Qt is imported only once a window is really wanted.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, then run a headless command or open the GUI; the exit code."""
    from engine.cli.commands import build_parser, run_headless

    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "trace":  # `--gui` may trail the program's own arguments
        from engine.cli.trace import program_arguments

        program_arguments(args)
    traced_live = args.command == "trace" and args.gui
    if (
        args.command in (None, "gui")
        or (args.command == "replay" and not args.headless)
        or traced_live
    ):
        from gui.app.launch import launch_gui

        return launch_gui(args)
    return run_headless(args)
