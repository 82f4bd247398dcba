"""`threading.Barrier` with the same events as the process barrier (engine.barrier).

Why a subclass: `wait()`, the action wrapper and the per-thread stage counter of
`InstrumentedBarrier` are exactly what thread parties need — the emission points are the same
code, not a copy.  Only the inner barrier (a real `threading.Barrier`) and `peek()` differ.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from engine.barrier import BarrierSnapshot, InstrumentedBarrier, _ids, _InstrumentedAction

# threading.Barrier's states, as in engine.barrier.STATE_NAMES
_STATES = {0: "filling", 1: "draining", -1: "resetting", -2: "broken"}


class ThreadBarrier(InstrumentedBarrier):
    """A real `threading.Barrier` that reports arrive/release/action/broken to each thread's
    sink (`engine.sink.set_thread_sink`)."""

    def __init__(
        self,
        parties: int,
        action: Callable[[], object] | None = None,
        timeout: float | None = None,
    ) -> None:
        self.barrier_id = next(_ids)
        wrapped = _InstrumentedAction(action, self.barrier_id) if action is not None else None
        self._inner = threading.Barrier(parties, wrapped, timeout)  # type: ignore[assignment]

    def peek(self) -> BarrierSnapshot:
        """Same answer as the process barrier's peek; threading.Barrier's lock is never held
        for long (a thread cannot die inside wait()), but reading its fields needs no lock."""
        inner = self._inner
        state = int(inner._state)  # type: ignore[attr-defined]
        count = int(inner._count)  # type: ignore[attr-defined]
        return BarrierSnapshot(n_waiting=count if state == 0 else 0, state=_STATES[state])
