"""`trace SCRIPT [ARGS…] [--events FILE.jsonl] [--quiet]`: the headless trace command.

Why our own lines go to stderr: the program's stdout must stay exactly the program's
(`trace prog.py > out.txt` gives the same out.txt as `python prog.py > out.txt`).  Options of
ours may come before SCRIPT or after the program's arguments (resolved by the parser,
engine/cli/parser.py).  Exit code: the program's own nonzero code (1 when it raised), else 0
passed, 3 a barrier broke, 4 a lane died or the trace was stopped; 2 for bad input.

The narrative and the tables are read from the same view model the window paints from; the
program's own output lines (kind `output`) are skipped there, since they already passed
through unchanged.
"""

from __future__ import annotations

import sys

from engine.cli.headless import NarrativePrinter, follow, interrupts_stop
from engine.cli.inputs import InputError, check_writable
from engine.cli.options import TraceOptions
from engine.cli.summary import TABLE_LIMIT
from engine.core.safe_text import printable
from engine.model.report import barrier_tables
from engine.sources.tracer.runner import TraceRunner


def trace_source(options: TraceOptions) -> TraceRunner:
    """The (not yet started) source for the program; a missing script is an InputError.
    Used headless and by the window (`trace … --gui`)."""
    if options.events:
        check_writable("--events", options.events)
    try:
        return TraceRunner(options.script, list(options.program_args), events_path=options.events)
    except FileNotFoundError:
        raise InputError(f"SCRIPT: no such file: {printable(options.script)}") from None
    except OSError as exc:
        raise InputError(
            f"--events: cannot write {printable(options.events or '')}: {exc.strerror}"
        ) from None


def cmd_trace(options: TraceOptions) -> int:
    runner = trace_source(options)
    err = sys.stderr
    # the program's own lines are on screen already; the Result line below tells the end
    watch = None if options.quiet else NarrativePrinter(err, skip={"output", "run_end"})
    with interrupts_stop(runner, restore=False):
        model = follow(runner, watch)
        outcome = runner.outcome
        assert outcome is not None
        limit = None if options.all_tables else TABLE_LIMIT
        summary = barrier_tables(model.stage_book, runner.names, limit=limit)
        if summary:
            print(("" if options.quiet else "\n") + printable(summary, keep="\n"), file=err)
        result = f"Result: {outcome.status} — {outcome.reason} (exit code {outcome.exit_code})"
        print("\n" + printable(result), file=err)
    return outcome.exit_code
