"""Follow a source to its end without a window: `run`, `replay --headless` and `trace`.

Why one loop: each of them waits for batches until the source is done, narrates them as they
come, and turns Ctrl+C into a request to stop (the parties ignore SIGINT, so the source ends
them itself and the loop still drains every event up to `run_end`).  Written once, they cannot
drift apart in how they end.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence

from engine.core.events import Event
from engine.model.narrative import Narrator
from engine.sources.base import Source

WAIT_S = 0.2

Narrate = Callable[[Sequence[Event]], None]


def follow(source: Source, narrate: Narrate | None = None) -> list[Event]:
    """Start `source`, hand every batch to `narrate` until the source is done; every event."""
    events: list[Event] = []
    previous = signal.signal(signal.SIGINT, lambda *_: source.stop())
    source.start()
    try:
        while True:
            batch = source.wait_events(WAIT_S)
            events.extend(batch)
            if narrate is not None:
                narrate(batch)
            if source.done and not batch:
                break
    finally:
        signal.signal(signal.SIGINT, previous)
    return events


def narrated_lines(narrator: Narrator, batch: Sequence[Event]) -> list[str]:
    """`[  1.234 s] Navigation ready.` for each event the narrator has words for."""
    out = []
    for event in batch:
        line = narrator.line(event)
        if line is not None:
            out.append(f"[{narrator.relative_s(event):8.3f} s] {line}")
    return out


def print_narrative(narrator: Narrator) -> Narrate:
    """A `narrate` that prints each batch's lines to stdout in one write."""

    def narrate(batch: Sequence[Event]) -> None:
        lines = narrated_lines(narrator, batch)
        if lines:
            print("\n".join(lines), flush=True)

    return narrate
