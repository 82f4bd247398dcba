"""What a headless run prints when it ends: the stage tables, the wait-state report, the result.

Why in one place: `run` and `run --quiet` differ only in what they leave out (quiet: no
tables, no narrative), and a run of a thousand stages must not print a thousand tables —
beyond `TABLE_LIMIT` stages the first, the slowest and the last are shown unless
`--tables all`.  Every part is read from the view model the run fed (its stage book) or the
run's events (the wait-state analysis), and made printable: text from outside never reaches
the terminal raw.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.events import Event
from engine.core.outcome import RunOutcome
from engine.core.safe_text import printable
from engine.model.report import stage_tables
from engine.model.view_model import RunViewModel
from engine.model.wait_states import run_report

TABLE_LIMIT = 20


def result_line(outcome: RunOutcome) -> str:
    return printable(f"Result: {outcome.status} — {outcome.reason} (exit code {outcome.exit_code})")


def run_summary(
    model: RunViewModel,
    events: Sequence[Event],
    names: Sequence[str],
    outcome: RunOutcome,
    *,
    quiet: bool = False,
    all_tables: bool = False,
) -> str:
    """Tables (unless quiet), the wait-state report and the result line, blank-line apart."""
    parts = []
    if not quiet:
        limit = None if all_tables else TABLE_LIMIT
        tables = stage_tables(model.stage_book, names, limit=limit)
        if tables:
            parts.append(tables)
    parts.append(run_report(events))
    parts.append(result_line(outcome))
    return printable("\n\n".join(parts), keep="\n")
