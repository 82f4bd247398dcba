"""Rank the what-ifs off the GUI thread, keeping only the latest answer.

Why a worker: ranking replays the run once per party of the critical path (~100 ms for 256
parties × 100 stages), too long for a 16 ms frame.  `RunWaitStates` is immutable, so a thread
may read it while the GUI goes on; one job runs at a time (a caller asks again later), and an
answer for a run that is gone is dropped (acconeer's "keep only the latest result").

Why one thread that waits for work instead of a thread per job: `Thread.start()` waits until
the new thread runs, which on a busy machine is a GIL hand-over (~5 ms) in the GUI thread.
The worker leaves after `IDLE_S` without work, so no window leaves a thread behind for long,
and it is a daemon: a ranking in flight never holds the app open.
"""

from __future__ import annotations

import collections
import queue
import threading

from engine.model.wait_states import RunWaitStates, WhatIf, WhatIfModel

TOP = 3
IDLE_S = 10.0

Job = tuple[RunWaitStates, int]  # the states to rank, and the run (generation) they belong to


class RankWorker:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._results: collections.deque[tuple[RunWaitStates, list[WhatIf]]] = collections.deque(
            maxlen=1
        )
        self._guard = threading.Lock()  # only around starting and leaving the worker
        self._thread: threading.Thread | None = None
        self._busy = False  # a job is queued or running (set here, cleared by the worker)
        self._generation = 0

    def submit(self, states: RunWaitStates) -> bool:
        """Rank `states` on the worker; False (try again later) while another job runs."""
        if self._busy:
            return False
        self._busy = True
        self._jobs.put((states, self._generation))
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="what-if-ranking", daemon=True
                )
                self._thread.start()
        return True

    def take(self) -> tuple[RunWaitStates, list[WhatIf]] | None:
        """The latest finished ranking (once), or None; never waits."""
        try:
            return self._results.popleft()
        except IndexError:
            return None

    def forget(self) -> None:
        """A new run: a ranking still in flight belongs to the old one."""
        self._generation += 1
        self._results.clear()

    def close(self) -> None:
        self.forget()
        self._jobs.put(None)

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_S)
            except queue.Empty:
                with self._guard:
                    if self._jobs.empty():  # nothing came meanwhile: leave
                        self._thread = None
                        return
                continue
            if job is None:
                with self._guard:
                    self._thread = None
                return
            states, generation = job
            try:
                top = WhatIfModel(states).rank(TOP)
            except Exception:  # a bug must not kill the app from a thread: no ranking then
                top = []
            if generation == self._generation:
                self._results.append((states, top))
            self._busy = False
