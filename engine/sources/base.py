"""What every non-process event source shares: batching, the event log, the end of a run.

Why a base class: a GUI frame timer, the headless loop and the tests all talk to a source
through the Runner interface (`poll`, `wait_events`, `join`, `done`, `outcome`, `events`).
The process Runner implements it itself; thread, asyncio and trace sources inherit it from here
so that the delivery rules (every event kept, logged as it arrives, `run_end` last) are
written once.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Any

from engine.core.event_log import EventLogWriter
from engine.core.events import Event
from engine.core.outcome import RunOutcome
from engine.scenario import Scenario

DEFAULT_STUCK_GRACE_S = 3.0


def scaled_plan(
    scenario: Scenario, speed: float, seed: int | None
) -> tuple[int, list[list[float]]]:
    """The seed actually used and the work plan after `speed`, exactly as Runner computes them."""
    if not speed > 0:
        raise ValueError("speed must be > 0")
    chosen = seed if seed is not None else scenario.seed
    used: int = chosen if chosen is not None else random.randrange(2**31)
    plan = [[round(s / speed, 6) for s in row] for row in scenario.work_plan(used)]
    return used, plan


class EventSource:
    """Keeps every event, hands them out in batches and writes them to a JSON Lines log."""

    capabilities: frozenset[str] = frozenset()

    def __init__(self, events_path: str | os.PathLike[str] | None) -> None:
        self._log = EventLogWriter(events_path) if events_path is not None else None
        self._arrived = threading.Condition()
        self._pending: list[Event] = []
        self.events: list[Event] = []
        self.outcome: RunOutcome | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- caller side
    def poll(self) -> list[Event]:
        """Every event that arrived since the last call (possibly none)."""
        with self._arrived:
            batch, self._pending = self._pending, []
        return batch

    def wait_events(self, timeout: float) -> list[Event]:
        """Like poll(), but waits up to `timeout` seconds for something to arrive."""
        with self._arrived:
            if not self._pending and self.outcome is None:
                self._arrived.wait(timeout)
            batch, self._pending = self._pending, []
        return batch

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def abort(self) -> None:
        """No-op unless "abort" is in `capabilities`."""

    def reset(self) -> None:
        """No-op unless "reset" is in `capabilities`."""

    def kill_party(self, index: int) -> None:
        """No-op unless "kill" is in `capabilities`."""

    # ----------------------------------------------------------------- source side
    def _start_thread(self, target: Any, name: str) -> None:
        self._thread = threading.Thread(target=target, name=name, daemon=True)
        self._thread.start()

    def _deliver(self, events: list[Event]) -> None:
        with self._arrived:
            self._pending.extend(events)
            self.events.extend(events)
            if self._log is not None:
                self._log.write(events)
            self._arrived.notify_all()

    def _post(
        self, kind: str, party: int | None = None, stage: int | None = None, **data: Any
    ) -> None:
        self._deliver([Event(kind, time.monotonic_ns(), party, os.getpid(), stage, data)])

    def _finish(self, outcome: RunOutcome) -> None:
        """Deliver `run_end`, close the log, then publish the outcome (which ends `wait_events`)."""
        self._post(
            "run_end", status=outcome.status, exit_code=outcome.exit_code, reason=outcome.reason
        )
        if self._log is not None:
            self._log.close()
        with self._arrived:
            self.outcome = outcome
            self._arrived.notify_all()
