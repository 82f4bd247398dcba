"""Read an event log from outside: bounded, checked line by line, damage counted, never trusted.

Why so careful: a log is a file anyone can hand the app (`replay`, `analyze`, File → Open
Event Log).  The path may name a FIFO or `/dev/zero` (read with a size cap, regular files
only: engine/files/bounded_read.py); a line may be deeply nested JSON, a number of a million
digits, or a field of the wrong type or an absurd size (each event is checked against
engine/core/event_log_schema.py as it is decoded).  What is wrong is skipped and counted — a
log cut short by a crash (truncated last line) or written by a newer version still replays —
and only a log with no usable run in it is refused, in one line naming the file.

Replays also shorten long pauses (`max_gap_s`): a recorded run sits idle only as long as a
person would wait, and one absurd timestamp cannot make a replay sleep for centuries.  The
analysis reads the true times.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.core.events import Event, EventLogError
from engine.core.safe_text import printable
from engine.files.bounded_read import FileRefused, read_regular_file

MAX_LOG_BYTES = 256 * 1024 * 1024  # a 256-party, 1000-stage run logs about 90 MiB
MAX_DETAILS = 3  # skipped lines described one by one; the rest are counted
REPLAY_MAX_GAP_S = 5.0  # the longest pause a replay keeps (longer ones are shortened to it)


class EventLogReadError(ValueError):
    """The file cannot be used as an event log at all (one-line message naming the file)."""


@dataclass(frozen=True)
class Skipped:
    """Lines that were not valid events: how many, and the first few with why."""

    count: int = 0
    details: tuple[str, ...] = ()

    def summary(self) -> str:
        """`skipped 3 lines (line 4: …; line 9: …; …)`, one line."""
        more = "; …" if self.count > len(self.details) else ""
        return (
            f"skipped {self.count} line{'s' * (self.count != 1)} ({'; '.join(self.details)}{more})"
        )


def read_event_log(
    path: str | os.PathLike[str], *, max_gap_s: float | None = None
) -> tuple[list[Event], list[str]]:
    """Events of a recorded run, in the order they were recorded, plus warnings (one line
    each, at most a few) about lines that were skipped and pauses that were shortened.

    `max_gap_s`: shorten every pause between consecutive events to at most this (replays).
    Raises EventLogReadError when the file cannot be read or holds no usable run."""
    name = printable(os.fspath(path))
    try:
        raw = read_regular_file(path, MAX_LOG_BYTES)
    except FileRefused as exc:
        raise EventLogReadError(f"{name}: {printable(str(exc))}") from None
    text = raw.decode("utf-8", errors="replace")
    events, skipped = parse_lines(text)
    if not any(e.kind == "run_start" for e in events):
        found = f"{len(events)} valid line{'s' * (len(events) != 1)}"
        damage = f"; {skipped.summary()}" if skipped.count else ""
        raise EventLogReadError(
            f"{name}: not a Barrier Visualiser event log: no run_start event among {found}" + damage
        )
    if skipped.count and all(e.kind in ("run_start", "run_end") for e in events):
        raise EventLogReadError(
            f"{name}: nothing usable is left: no event besides the run's start and end; "
            + skipped.summary()
        )
    warnings = [f"{name}: {skipped.summary()}"] if skipped.count else []
    if max_gap_s is not None:
        events, shortened = shorten_pauses(events, int(max_gap_s * 1e9))
        if shortened:
            warnings.append(
                f"{name}: {shortened} pause{'s' * (shortened != 1)} longer than "
                f"{max_gap_s:g} s shortened to {max_gap_s:g} s in the replay"
            )
    return events, warnings  # in recorded order: a replay then feeds the views exactly as live


def parse_lines(text: str) -> tuple[list[Event], Skipped]:
    """Every valid event of the log's text; the invalid lines counted (a last line without
    its newline is a log cut short by a crash, and says so)."""
    lines = text.splitlines()
    events: list[Event] = []
    count, details = 0, list[str]()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            events.append(Event.from_json_line(line))
        except EventLogError as exc:
            count += 1
            if len(details) < MAX_DETAILS:
                last = number == len(lines) and not text.endswith("\n")
                why = "truncated last line" if last else str(exc)
                details.append(f"line {number}: {printable(why)}")
    return events, Skipped(count, tuple(details))


def shorten_pauses(events: list[Event], max_gap_ns: int) -> tuple[list[Event], int]:
    """`events` with every pause longer than `max_gap_ns` shortened to it, and how many.

    A pause is measured as a replay waits: from the run's start (its first `run_start`) to
    the latest time recorded so far (events of different processes may be stamped slightly
    out of order).  Every later event moves earlier by the time taken out, but never before
    the latest moved time: after one absurd timestamp, the rest of the run comes at once
    instead of before its start."""
    reached = next((e.t_ns for e in events if e.kind == "run_start"), events[0].t_ns)
    shortened, removed, floor = 0, 0, 0
    out: list[Event] = []
    for event in events:
        if event.t_ns - reached > max_gap_ns:
            shortened += 1
            removed += event.t_ns - reached - max_gap_ns
        reached = max(reached, event.t_ns)
        if removed:
            moved = max(floor, event.t_ns - removed)
            floor = moved
            event = Event(event.kind, moved, event.party, event.pid, event.stage, event.data)
        else:
            floor = max(floor, event.t_ns)
        out.append(event)
    return out, shortened
