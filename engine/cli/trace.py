"""`trace SCRIPT [ARGS…] [--events FILE.jsonl] [--quiet]`: the headless trace command.

Why our own lines go to stderr: the program's stdout must stay exactly the program's
(`trace prog.py > out.txt` gives the same out.txt as `python prog.py > out.txt`).  Options of
ours may come before SCRIPT or after the program's arguments (resolved by the parser,
engine/cli/parser.py).  Exit code: the program's own nonzero code (1 when it raised), else 0
passed, 3 a barrier broke, 4 a lane died or the trace was stopped; 2 for bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from engine.cli.headless import follow
from engine.cli.inputs import InputError
from engine.cli.options import TraceOptions
from engine.core.events import Event
from engine.model.narrative import Narrator
from engine.model.report import stage_tables
from engine.sources.tracer.runner import TraceRunner


def trace_source(options: TraceOptions) -> TraceRunner:
    """The (not yet started) source for the program; a missing script is an InputError.
    Used headless and by the window (`trace … --gui`)."""
    try:
        return TraceRunner(options.script, list(options.program_args), events_path=options.events)
    except FileNotFoundError:
        raise InputError(f"SCRIPT: no such file: {options.script}") from None
    except OSError as exc:
        raise InputError(f"--events: cannot write {options.events}: {exc.strerror}") from None


def cmd_trace(options: TraceOptions) -> int:
    runner = trace_source(options)
    follow(runner, None if options.quiet else TraceNarration())
    outcome = runner.outcome
    assert outcome is not None
    summary = barrier_tables(runner.events, runner.names)
    err = sys.stderr
    if summary:
        print(("" if options.quiet else "\n") + summary, file=err)
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


class TraceNarration:
    """The narrative of a traced program, on stderr, one write per batch."""

    def __init__(self) -> None:
        self.narrator = Narrator(tells_outcome=False)  # cmd_trace prints the "Result:" line

    def __call__(self, batch: Sequence[Event]) -> None:
        narrator, out = self.narrator, []
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
