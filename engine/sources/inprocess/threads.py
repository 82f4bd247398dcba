"""The scenario on a real `threading.Barrier`, one real thread per party.

What this backend teaches: the barrier semantics are identical to processes', but with
`workload = "cpu"` the threads take turns on the GIL, so a stage takes about N× its plan
(preset `gil`).  Threads cannot be killed, so stopping is cooperative: sleeps are
`Event.wait()`s, cpu work checks a stop flag every chunk, and `barrier.abort()` frees waiters.
Every event carries the process pid; `spawn` adds the thread's name and ident.
"""

from __future__ import annotations

import os
import threading
import time

from engine.core.actions import FailingAction, MessageAction
from engine.core.barrier import BrokenBarrierError
from engine.core.sink import CallbackSink, EventSink, set_thread_sink
from engine.sources.inprocess.common import InProcessRunner
from engine.sources.inprocess.thread_barrier import ThreadBarrier
from engine.sources.processes.party import (
    CPU_CHUNK,
    PROGRESS_INTERVAL_S,
    PartyExit,
    measure_cpu_rate,
    spin,
)
from engine.sources.stacks import PartyStack, ProcessState, ThreadStack, answer, thread_frames

JOIN_S = 5.0


class ThreadRunner(InProcessRunner):
    """A `Source` whose parties are threads of this process."""

    backend = "threads"

    def _setup(self) -> None:
        action = self.scenario.action
        act: MessageAction | None = None
        if action is not None:
            cls = FailingAction if action.raises else MessageAction
            act = cls(action.message, action.by_stage)
        self.barrier = ThreadBarrier(self.scenario.parties, act, self.timeout)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._cpu_rate = 0.0

    def _barrier_id(self) -> int:
        return self.barrier.barrier_id

    def _launch(self) -> None:
        if self.scenario.workload == "cpu":
            self._cpu_rate = measure_cpu_rate()
        for i, spec in enumerate(self.scenario.party):
            thread = threading.Thread(
                target=self._party_main, args=(i,), name=spec.name, daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _abort_barrier(self) -> None:
        self.barrier.abort()

    def _reset_barrier(self) -> None:
        self.barrier.reset()

    def _interrupt(self) -> None:
        self._stop.set()
        self.barrier.abort()

    def _cleanup(self) -> None:
        self._interrupt()  # nothing should be left, but never leave a thread waiting
        for thread in self._threads:
            thread.join(JOIN_S)

    def _party_stack(self, party: int) -> PartyStack | None:
        threads = list(self._threads)
        if not 0 <= party < len(threads):
            return None
        thread = threads[party]
        if not thread.is_alive():
            return answer(party, os.getpid(), ProcessState.GONE, note="the thread has ended")
        stack = ThreadStack(thread.name, thread_frames(thread.ident), main=True)
        return answer(party, os.getpid(), ProcessState.RUNNING, [stack])

    # ----------------------------------------------------------------- party threads
    def _party_main(self, index: int) -> None:
        sink = CallbackSink(self.inbox.append, index)
        set_thread_sink(sink)
        me = threading.current_thread()
        sink.emit("spawn", None, name=me.name, thread=me.name, ident=me.ident, tid=me.native_id)
        code = PartyExit.CRASHED
        try:
            code = self._party_life(index, sink)
        finally:
            sink.emit("exit", None, exitcode=int(code))
            set_thread_sink(None)

    def _party_life(self, index: int, sink: EventSink) -> PartyExit:
        spec = self.scenario.party[index]
        crash_at = spec.fault_stage - 1 if spec.fault == "crash" else None
        for stage, planned in enumerate(self.plan[index]):
            if self._stop.is_set():
                return PartyExit.BROKEN
            sink.emit("work_start", stage, planned_s=planned, workload=self.scenario.workload)
            share = 0.5 if crash_at == stage else 1.0
            if not self._work(planned * share, stage, sink):
                return PartyExit.BROKEN  # stopped mid-work
            if crash_at == stage:
                sink.emit(
                    "crash",
                    stage,
                    error=f"RuntimeError: {spec.name} hit a fault during stage {stage + 1}",
                )
                return PartyExit.CRASHED
            try:
                self.barrier.wait()
            except BrokenBarrierError:
                return PartyExit.BROKEN
            except Exception:  # the action raised here; the barrier already reported it
                return PartyExit.BROKEN
        return PartyExit.PASSED

    def _work(self, seconds: float, stage: int, sink: EventSink) -> bool:
        """Sleep or spin for `seconds`; False if a stop interrupted it."""
        if self.scenario.workload != "cpu":
            return not self._stop.wait(seconds)
        total = max(int(seconds * self._cpu_rate), 1)
        done, last_report = 0, time.monotonic()
        while done < total:
            if self._stop.is_set():
                return False
            step = min(CPU_CHUNK, total - done)
            spin(step)
            done += step
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL_S and done < total:
                sink.emit("progress", stage, fraction=round(done / total, 4))
                last_report = now
        return True
