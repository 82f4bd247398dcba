"""A short recorded run, written as an event log file: for tests that open one."""

from __future__ import annotations

from pathlib import Path

from engine.core.events import Event

MS = 1_000_000


def short_event_log(path: Path) -> Path:
    """Two parties, one stage: a fifth of a second to replay."""
    run = {"names": ["A", "B"], "parties": 2, "stages": 1}
    events = [
        Event("run_start", 0, None, 1, None, run),
        Event("work_start", 1 * MS, 0, 10, 0, {"planned_s": 0.1}),
        Event("work_start", 1 * MS, 1, 11, 0, {"planned_s": 0.2}),
        Event("arrive", 100 * MS, 0, 10, 0),
        Event("arrive", 200 * MS, 1, 11, 0),
        Event("release", 201 * MS, 0, 10, 0, {"index": 1}),
        Event("release", 201 * MS, 1, 11, 0, {"index": 0}),
        Event("run_end", 202 * MS, None, 1, None, {"status": "passed", "exit_code": 0}),
    ]
    path.write_text("".join(e.to_json_line() + "\n" for e in events), encoding="utf-8")
    return path
