"""Barrier Visualiser entry point: the GUI by default, subcommands for headless work.

Kept import-light on purpose: spawn and forkserver children re-import this module as
`__mp_main__`, so nothing heavy (Qt above all) may be imported at module level.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
