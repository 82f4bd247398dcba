"""`threading.Barrier` with the same events as the process barrier (engine.core.barrier).

Why a subclass: `wait()`, the action wrapper and the per-thread stage counter of
`InstrumentedBarrier` are exactly what thread parties need — the emission points are the same
code, not a copy.  Only the inner barrier (a real `threading.Barrier`) and `peek()` differ.
"""

from __future__ import annotations

import multiprocessing.context
import threading
from collections.abc import Callable
from typing import Any

from engine.core.barrier import STATE_NAMES, BarrierSnapshot, InstrumentedBarrier


class ThreadBarrier(InstrumentedBarrier):
    """A real `threading.Barrier` that reports arrive/release/action/broken to each thread's
    sink (`engine.core.sink.set_thread_sink`)."""

    def _make_inner(
        self,
        context: multiprocessing.context.BaseContext,
        parties: int,
        action: Callable[[], object] | None,
        timeout: float | None,
    ) -> Any:
        return threading.Barrier(parties, action, timeout)  # type: ignore[arg-type]  # no context

    def peek(self) -> BarrierSnapshot:
        """Same answer as the process barrier's peek; threading.Barrier's lock is never held
        for long (a thread cannot die inside wait()), but reading its fields needs no lock."""
        inner = self._inner
        state = int(inner._state)
        count = int(inner._count)
        return BarrierSnapshot(n_waiting=count if state == 0 else 0, state=STATE_NAMES[state])
