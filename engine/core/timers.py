"""One-shot timers for a loop that waits on pipes or a queue (the pumps of every backend).

Why not threading.Timer: each would be a thread, and the duties (kill grace, fault injection,
stuck-barrier handling) must run on the pump's own thread, between its reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Timers:
    def __init__(self) -> None:
        self._due: list[tuple[float, Callable[[], object]]] = []

    def after(self, seconds: float, fn: Callable[[], object]) -> None:
        """Run `fn` on the loop's thread once `seconds` have passed."""
        self._due.append((time.monotonic() + seconds, fn))

    def next_timeout(self, also: float | None = None) -> float | None:
        """Seconds the loop may wait before a timer (or `also`, seconds from now) is due."""
        now = time.monotonic()
        waits = [t - now for t, _ in self._due]
        if also is not None:
            waits.append(also)
        return max(min(waits), 0.0) if waits else None

    def run_due(self) -> None:
        now = time.monotonic()
        due = [fn for t, fn in self._due if t <= now]
        self._due = [(t, fn) for t, fn in self._due if t > now]
        for fn in due:
            fn()
