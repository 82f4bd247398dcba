"""The drop-in Barrier: a real `multiprocessing.Barrier` that reports what it does.

`Barrier(parties, action=None, timeout=None)` has the signature and behaviour of
`multiprocessing.Barrier`; `InstrumentedBarrier(..., ctx=ctx)` binds a start method.  The only
addition is event emission through the current sink (see engine.core.sink): `arrive` just before
waiting, `release` with the wait() index just after, `action` from inside the action, `broken`
when wait() raises.  Nothing is held across an emit, so events stay off the barrier's critical
section.  With no sink installed the events go nowhere.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.context
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.core.sink import current_sink

BrokenBarrierError = threading.BrokenBarrierError

_ids = itertools.count()
_local = threading.local()

# threading.Barrier's internal states (mirrored in shared memory by multiprocessing's Barrier)
STATE_NAMES = {0: "filling", 1: "draining", -1: "resetting", -2: "broken"}


@dataclass(frozen=True)
class BarrierSnapshot:
    """The barrier's shared state, read without taking its lock (safe even when wedged)."""

    n_waiting: int
    state: str

    @property
    def broken(self) -> bool:
        return self.state == "broken"


class _InstrumentedAction:
    """Wraps the user's action so it emits `action` before running; picklable like the action."""

    def __init__(self, action: Callable[[], object], barrier_id: int) -> None:
        self.action = action
        self.barrier_id = barrier_id

    def __call__(self) -> None:
        stage = _current_stage(self.barrier_id)
        message_for = getattr(self.action, "message_for", None)
        message = (
            message_for(stage) if callable(message_for) else getattr(self.action, "message", None)
        )
        extra: dict[str, Any] = {"barrier": self.barrier_id}
        if message is not None:
            extra["message"] = message
        current_sink().emit("action", stage, **extra)
        self.action()


def _stages() -> dict[int, int]:
    """Per-thread count of wait() calls per barrier id: the stage a party is in."""
    counts: dict[int, int] | None = getattr(_local, "stages", None)
    if counts is None:
        counts = _local.stages = {}
    return counts


def _current_stage(barrier_id: int) -> int:
    return max(_stages().get(barrier_id, 1) - 1, 0)


class InstrumentedBarrier:
    """A `multiprocessing.Barrier` plus events.  Pickle it to children at creation, as usual."""

    def __init__(
        self,
        parties: int,
        action: Callable[[], object] | None = None,
        timeout: float | None = None,
        *,
        ctx: multiprocessing.context.BaseContext | None = None,
    ) -> None:
        context = ctx if ctx is not None else multiprocessing.get_context()
        self.barrier_id = next(_ids)
        wrapped = _InstrumentedAction(action, self.barrier_id) if action is not None else None
        self._inner = self._make_inner(context, parties, wrapped, timeout)

    def _make_inner(
        self,
        context: multiprocessing.context.BaseContext,
        parties: int,
        action: Callable[[], object] | None,
        timeout: float | None,
    ) -> Any:
        """The real barrier (a tracer overrides this, since it patches context.Barrier)."""
        return context.Barrier(parties, action, timeout)

    def wait(self, timeout: float | None = None) -> int:
        stages = _stages()
        stage = stages.get(self.barrier_id, 0)
        stages[self.barrier_id] = stage + 1
        sink = current_sink()
        sink.emit("arrive", stage, barrier=self.barrier_id)
        try:
            index: int = self._inner.wait(timeout)
        except BrokenBarrierError:
            sink.emit("broken", stage, barrier=self.barrier_id, reason="broken")
            raise
        except BaseException as exc:  # the action raised: this party ran it
            sink.emit(
                "broken",
                stage,
                barrier=self.barrier_id,
                reason="action_raised",
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
            raise
        sink.emit("release", stage, barrier=self.barrier_id, index=index)
        return index

    def abort(self) -> None:
        self._inner.abort()

    def reset(self) -> None:
        self._inner.reset()

    @property
    def parties(self) -> int:
        return int(self._inner.parties)

    @property
    def n_waiting(self) -> int:
        return int(self._inner.n_waiting)

    @property
    def broken(self) -> bool:
        return bool(self._inner.broken)

    def peek(self) -> BarrierSnapshot:
        """Read n_waiting and the state from shared memory without the lock (never blocks).

        Why: the documented properties take the barrier's lock, which a party killed inside
        wait() can hold forever (CPython gh-123899); a GUI must still be able to look.
        """
        array = self._inner._array
        state, count = int(array[0]), int(array[1])
        return BarrierSnapshot(n_waiting=count if state == 0 else 0, state=STATE_NAMES[state])

    def __repr__(self) -> str:
        return f"<InstrumentedBarrier #{self.barrier_id} parties={self.parties}>"


def Barrier(
    parties: int, action: Callable[[], object] | None = None, timeout: float | None = None
) -> InstrumentedBarrier:
    """Drop-in for `multiprocessing.Barrier` using the default start method's context."""
    return InstrumentedBarrier(parties, action, timeout)
