"""Child-process bodies for the drop-in Barrier tests (importable under spawn/forkserver)."""

from __future__ import annotations

from typing import Any

from engine.core.barrier import BrokenBarrierError, InstrumentedBarrier
from engine.core.sink import ConnectionSink, set_process_sink


def wait_passes(barrier: InstrumentedBarrier, passes: int, results: Any, conn: Any = None) -> None:
    """Wait `passes` times and report each wait() index."""
    if conn is not None:
        set_process_sink(ConnectionSink(conn, party=None))
    for _ in range(passes):
        results.put(("index", barrier.wait()))


def wait_expect_broken(
    barrier: InstrumentedBarrier, results: Any, timeout: float | None = None
) -> None:
    """Wait once and report whether the barrier broke."""
    try:
        barrier.wait(timeout)
    except BrokenBarrierError:
        results.put(("broken", True))
    else:
        results.put(("broken", False))


def wait_then_reuse(barrier: InstrumentedBarrier, results: Any) -> None:
    """Break on the first wait (reset/abort), then pass a second wait after reset."""
    try:
        barrier.wait()
        results.put(("first", "passed"))
    except BrokenBarrierError:
        results.put(("first", "broken"))
    results.put(("second", barrier.wait()))


class CountingAction:
    """Counts its calls in a shared Value (picklable; runs in the last arriver)."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter

    def __call__(self) -> None:
        with self.counter.get_lock():
            self.counter.value += 1


class RaisingAction:
    def __call__(self) -> None:
        raise ValueError("action exploded")


def wait_report_exception(barrier: InstrumentedBarrier, results: Any) -> None:
    try:
        barrier.wait()
        results.put(("ok", ""))
    except BrokenBarrierError:
        results.put(("exc", "BrokenBarrierError"))
    except ValueError as exc:
        results.put(("exc", f"ValueError: {exc}"))
