"""`analyze FILE.jsonl [--json]`: the wait-state analysis of any recorded event log.

Any log works (a live run, a replay, a traced program, MPI): the analysis reads only the
stage events every source writes, and is always recomputed (the log format carries none of it).
Bad input is one line on stderr and exit code 2; skipped lines of a damaged log are warnings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from engine.core.event_log_reader import EventLogReadError, read_event_log
from engine.core.safe_text import first_unsafe, is_unsafe, printable
from engine.model.wait_states.text import analyse_run, report_json, report_text

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def cmd_analyze(
    path: str, as_json: bool, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Print the report (or, with `as_json`, one JSON object) for the log at `path`.

    Returns the exit code: 0, or 2 when the file is not a usable event log."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        events, warnings = read_event_log(path)
    except EventLogReadError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_BAD_INPUT
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    states, names, what_ifs = analyse_run(events)
    if as_json:
        text = json_printable(json.dumps(report_json(states, names, what_ifs), ensure_ascii=False))
    else:
        text = printable(report_text(states, names, what_ifs), keep="\n")
    print(text, file=out)
    return EXIT_OK


def json_printable(text: str) -> str:
    """JSON text with every character a terminal must not get raw (C1 controls such as the
    one-byte CSI, direction overrides, line separators, lone surrogates) written as a \\u
    escape: the same JSON value, safe to print.  (json.dumps escapes C0 controls itself.)"""
    if first_unsafe(text) is None:
        return text
    return "".join(f"\\u{ord(c):04x}" if is_unsafe(c) else c for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m engine.cli.analyze FILE.jsonl [--json]` (main.py's parser will call
    cmd_analyze the same way)."""
    parser = argparse.ArgumentParser(
        prog="analyze", description="Wait states, critical path and what-ifs of an event log."
    )
    parser.add_argument("log", metavar="FILE.jsonl", help="an event log (--events of run)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    return cmd_analyze(args.log, args.json)


if __name__ == "__main__":
    sys.exit(main())
