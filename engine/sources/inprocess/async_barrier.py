"""`asyncio.Barrier` with the same events as the process and thread barriers.

Why a context variable for the sink: every task runs on the loop's one thread, so the
thread-local sink of engine.core.sink cannot tell parties apart; a ContextVar set inside each task
can.  The stage counter is kept per task for the same reason.  asyncio.Barrier has no action
and no timeout, so neither does this wrapper (the scenario validator refuses them).
"""

from __future__ import annotations

import asyncio
import weakref
from contextvars import ContextVar

from engine.core.barrier import BarrierSnapshot, _ids
from engine.core.sink import EventSink, NullSink

task_sink: ContextVar[EventSink | None] = ContextVar("barrier_viz_task_sink", default=None)
_NULL = NullSink()


class AsyncBarrier:
    """A real `asyncio.Barrier` that reports arrive/release/broken to each task's sink."""

    def __init__(self, parties: int) -> None:
        self.barrier_id = next(_ids)
        self._inner = asyncio.Barrier(parties)
        self._stages: weakref.WeakKeyDictionary[asyncio.Task[object], int] = (
            weakref.WeakKeyDictionary()
        )

    async def wait(self) -> int:
        task = asyncio.current_task()
        stage = self._stages.get(task, 0) if task is not None else 0
        if task is not None:
            self._stages[task] = stage + 1
        sink = task_sink.get() or _NULL
        sink.emit("arrive", stage, barrier=self.barrier_id)
        try:
            index = await self._inner.wait()
        except asyncio.BrokenBarrierError:
            sink.emit("broken", stage, barrier=self.barrier_id, reason="broken")
            raise
        sink.emit("release", stage, barrier=self.barrier_id, index=index)
        return index

    async def abort(self) -> None:
        await self._inner.abort()

    async def reset(self) -> None:
        await self._inner.reset()

    @property
    def parties(self) -> int:
        return self._inner.parties

    @property
    def n_waiting(self) -> int:
        return self._inner.n_waiting

    @property
    def broken(self) -> bool:
        return self._inner.broken

    def peek(self) -> BarrierSnapshot:
        """The loop thread owns the barrier; reading two fields from elsewhere is harmless."""
        state = str(self._inner._state.value)  # type: ignore[attr-defined]
        return BarrierSnapshot(n_waiting=self._inner.n_waiting, state=state)

    def __repr__(self) -> str:
        return f"<AsyncBarrier #{self.barrier_id} parties={self.parties}>"
