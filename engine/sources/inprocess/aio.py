"""The scenario on a real `asyncio.Barrier`: one event loop on a background thread, one task
per party.

What this backend teaches: a barrier works the same for coroutines, and cpu work interleaves
only where a task yields (`await asyncio.sleep(0)` between chunks) — one thread, so a cpu stage
takes about N× its plan, like threads under the GIL.  No action and no timeout: asyncio.Barrier
has neither, and emulating them would show something that does not exist.  Stop cancels the
tasks; abort/reset are scheduled onto the loop, never run on the caller's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from engine.core.sink import CallbackSink, EventSink
from engine.sources.inprocess.async_barrier import AsyncBarrier, task_sink
from engine.sources.inprocess.common import InProcessRunner
from engine.sources.processes.party import PartyExit, cpu_chunks, measure_cpu_rate
from engine.sources.stacks import (
    PartyStack,
    ProcessState,
    ThreadStack,
    answer,
    coroutine_frames,
    thread_frames,
)

JOIN_S = 5.0


class AsyncioRunner(InProcessRunner):
    """A `Source` whose parties are asyncio tasks on a loop in a background thread."""

    backend = "asyncio"

    def _setup(self) -> None:
        if self.scenario.action is not None or self.scenario.timeout is not None:
            raise ValueError("asyncio.Barrier has no action and no timeout")
        self.barrier = AsyncBarrier(self.scenario.parties)
        self._loop: asyncio.AbstractEventLoop | None = None  # made by _launch: no leak unstarted
        self._loop_thread = threading.Thread(target=self._loop_main, name="asyncio-parties")
        self._loop_thread.daemon = True
        self._tasks: list[asyncio.Task[None]] = []
        self._cpu_rate = 0.0

    def _barrier_id(self) -> int:
        return self.barrier.barrier_id

    def _launch(self) -> None:
        if self.scenario.workload == "cpu":
            self._cpu_rate = measure_cpu_rate()
        self._loop = asyncio.new_event_loop()
        self._loop_thread.start()

    def _on_loop(self, operation: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Schedule barrier.abort()/reset() on the loop without waiting for it."""
        if self._loop is None:
            return
        coro = operation()
        try:
            asyncio.run_coroutine_threadsafe(coro, self._loop)
        except RuntimeError:  # the loop already closed: every task has finished
            coro.close()

    def _abort_barrier(self) -> None:
        self._on_loop(self.barrier.abort)

    def _reset_barrier(self) -> None:
        self._on_loop(self.barrier.reset)

    def _interrupt(self) -> None:
        if self._loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed
            self._loop.call_soon_threadsafe(self._cancel_all)

    def _cancel_all(self) -> None:
        for task in self._tasks:
            task.cancel()

    def _cleanup(self) -> None:
        if self._loop_thread.is_alive():
            self._interrupt()
            self._loop_thread.join(JOIN_S)
        elif self._loop is not None and self._loop_thread.ident is None:
            self._loop.close()  # made, but its thread never started

    def _party_stack(self, party: int) -> PartyStack | None:
        """A task's stack: down its await chain while suspended; while it runs (a loop that
        never yields), the loop thread's own frames, which are then that task's."""
        tasks, loop = list(self._tasks), self._loop
        if not 0 <= party < len(tasks):
            return None
        task = tasks[party]
        if task.done():
            return answer(party, os.getpid(), ProcessState.GONE, note="the task has ended")
        running = loop is not None and asyncio.current_task(loop) is task
        if running:
            frames = thread_frames(self._loop_thread.ident)
        else:
            frames = coroutine_frames(task.get_coro())
        stack = ThreadStack(task.get_name(), frames, main=True)
        return answer(party, os.getpid(), ProcessState.RUNNING, [stack])

    # ----------------------------------------------------------------- loop thread
    def _loop_main(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()

    async def _main(self) -> None:
        self._tasks = [
            asyncio.create_task(self._party_main(i), name=spec.name)
            for i, spec in enumerate(self.scenario.party)
        ]
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _party_main(self, index: int) -> None:
        sink = CallbackSink(self.inbox.append, index)
        task_sink.set(sink)  # this task's context only
        task = asyncio.current_task()
        name = task.get_name() if task is not None else self.scenario.party[index].name
        thread = threading.current_thread()
        sink.emit("spawn", None, name=name, thread=thread.name, ident=thread.ident, task=name)
        code = PartyExit.CRASHED
        try:
            code = await self._party_life(index, sink)
        except asyncio.CancelledError:
            code = PartyExit.BROKEN  # stopped
        finally:
            sink.emit("exit", None, exitcode=int(code))

    async def _party_life(self, index: int, sink: EventSink) -> PartyExit:
        spec = self.scenario.party[index]
        crash_at = spec.fault_stage - 1 if spec.fault == "crash" else None
        for stage, planned in enumerate(self.plan[index]):
            sink.emit("work_start", stage, planned_s=planned, workload=self.scenario.workload)
            await self._work(planned * (0.5 if crash_at == stage else 1.0), stage, sink)
            if crash_at == stage:
                error = f"RuntimeError: {spec.name} hit a fault during stage {stage + 1}"
                sink.emit("crash", stage, error=error)
                return PartyExit.CRASHED
            try:
                await self.barrier.wait()
            except asyncio.BrokenBarrierError:
                return PartyExit.BROKEN
        return PartyExit.PASSED

    async def _work(self, seconds: float, stage: int, sink: EventSink) -> None:
        if self.scenario.workload != "cpu":
            await asyncio.sleep(seconds)
            return
        for _ in cpu_chunks(seconds, self._cpu_rate, stage, sink):
            await asyncio.sleep(0)  # the only place another task can run
