"""`trace SCRIPT [ARGS…] [--events FILE.jsonl] [--gui] [--quiet]`: the headless trace command.

Why our own lines go to stderr: the program's stdout must stay exactly the program's
(`trace prog.py > out.txt` gives the same out.txt as `python prog.py > out.txt`).  Options of
ours may come before SCRIPT or after the program's arguments; a final `--` ends the program's
arguments, so `trace prog.py --gui --` hands `--gui` to the program.  Exit code: the program's
own nonzero code (1 when it raised), else 0 passed, 3 a barrier broke, 4 a lane died or the
trace was stopped; 2 for bad input.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from typing import Any

from engine.core.events import Event
from engine.model.narrative import Narrator
from engine.model.report import stage_tables
from engine.sources.tracer.runner import TraceRunner

TRAILING_FLAGS = ("--gui", "--quiet", "--quit-after-run")
TRAILING_VALUES = ("--events", "--screenshot")  # options of ours that take a value


class TraceInputError(Exception):
    """Bad input for `trace` (one line; exit code 2)."""


def add_trace_parser(sub: argparse._SubParsersAction[Any]) -> None:
    trace = sub.add_parser(
        "trace",
        help="run an unmodified Python program and show its multiprocessing barriers",
        description="Run SCRIPT as `python SCRIPT ARGS…` with every multiprocessing.Barrier "
        "instrumented.  Its stdout/stderr pass through unchanged; our narrative goes to stderr.",
    )
    trace.add_argument("--events", metavar="FILE.jsonl", help="write every event as JSON Lines")
    trace.add_argument("--gui", action="store_true", help="show the trace live in the app")
    trace.add_argument("--quiet", action="store_true", help="print only the summary")
    trace.add_argument(
        "--quit-after-run", action="store_true", help="with --gui: close when the program ends"
    )
    trace.add_argument("--screenshot", metavar="FILE.png", help="with --gui: save the window")
    trace.add_argument("script", metavar="SCRIPT.py", help="the program to run")
    trace.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")


def split_trailing_options(args: argparse.Namespace) -> list[str]:
    """Peel our options off the end of the program's arguments; return the program's own."""
    rest = list(args.args)
    while rest:
        last = rest[-1]
        if last == "--":
            rest.pop()
            break
        if last in TRAILING_FLAGS:
            setattr(args, last[2:].replace("-", "_"), True)
            rest.pop()
        elif any(last.startswith(f"{option}=") for option in TRAILING_VALUES):
            option, value = last.split("=", 1)
            setattr(args, option[2:], value)
            rest.pop()
        elif len(rest) >= 2 and rest[-2] in TRAILING_VALUES:
            value = rest.pop()
            setattr(args, rest.pop()[2:], value)
        else:
            break
    return rest


def program_arguments(args: argparse.Namespace) -> list[str]:
    """The program's own arguments, our trailing options peeled off once (main.py asks
    first, to see --gui; cmd_trace or the GUI ask again)."""
    cached = getattr(args, "program_args", None)
    if cached is None:
        cached = args.program_args = split_trailing_options(args)
    return list(cached)


def cmd_trace(args: argparse.Namespace) -> int:
    program_args = program_arguments(args)
    if args.gui:  # main.py sends `trace --gui` to the GUI (gui/launch.py); engine cannot
        raise TraceInputError("--gui: start the window with `python main.py trace SCRIPT --gui`")
    try:
        runner = TraceRunner(args.script, program_args, events_path=args.events)
    except FileNotFoundError:
        raise TraceInputError(f"SCRIPT: no such file: {args.script}") from None
    except OSError as exc:
        raise TraceInputError(f"--events: cannot write {args.events}: {exc.strerror}") from None
    narrator = Narrator()
    previous = signal.signal(signal.SIGINT, lambda *_: runner.stop())
    runner.start()
    try:
        while True:
            batch = runner.wait_events(0.2)
            if not args.quiet:
                _narrate(narrator, batch)
            if runner.done and not batch:
                break
    finally:
        signal.signal(signal.SIGINT, previous)
    outcome = runner.outcome
    assert outcome is not None
    summary = barrier_tables(runner.events, runner.names)
    err = sys.stderr
    if summary:
        print(("" if args.quiet else "\n") + summary, file=err)
    print(
        f"\nResult: {outcome.status} — {outcome.reason} (exit code {outcome.exit_code})", file=err
    )
    return outcome.exit_code


def barrier_tables(events: Sequence[Event], names: Sequence[str]) -> str:
    """stage_tables for each barrier the program created (told apart by creation order)."""
    ids = sorted({int(e.get("barrier")) for e in events if e.kind == "barrier"})
    parts = []
    for barrier in ids:
        mine = [e for e in events if e.kind == "run_start" or e.get("barrier", barrier) == barrier]
        table = stage_tables(mine, names)
        if table:
            parts.append((f"Barrier #{barrier}\n" if len(ids) > 1 else "") + table)
    return "\n\n".join(parts)


def _narrate(narrator: Narrator, batch: Sequence[Event]) -> None:
    out = []
    for event in batch:
        if event.kind == "spawn" and event.party is not None:  # lanes appear as we go
            narrator.names.extend(["?"] * (event.party + 1 - len(narrator.names)))
            narrator.names[event.party] = str(event.get("name"))
        if event.kind == "output":
            continue  # the program's own output is already on screen, unchanged
        line = narrator.line(event)  # always: it also follows the run (start time, names)
        if event.kind in ("run_start", "barrier"):
            line = _trace_line(event)
        if line is not None:
            out.append(f"[{narrator.relative_s(event):8.3f} s] {line}")
    if out:  # one write, so a program line can never land inside one of ours
        sys.stderr.write("\n".join(out) + "\n")
        sys.stderr.flush()


def _trace_line(e: Event) -> str:
    if e.kind == "barrier":
        extra = f", timeout {e.get('timeout')} s" if e.get("timeout") is not None else ""
        action = f", action {e.get('action')}()" if e.get("action") else ""
        made = f"Barrier({e.get('parties')}{action}{extra})"
        return f"▣ The program created barrier #{e.get('barrier')}: {made}."
    trace = e.get("trace", {})
    return f"▶ Tracing {' '.join([trace.get('script', '?'), *trace.get('args', [])])}"
