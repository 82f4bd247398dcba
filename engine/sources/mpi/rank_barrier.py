"""MPI's own barrier, given what `multiprocessing.Barrier` has: a timeout, an action, an index.

One stage, on every rank:

1. emit `arrive`, post `MPI_Ibarrier` and poll it.  MPI barriers cannot time out, so the poll
   loop watches the scenario's timeout itself; the first rank whose wait times out sends BREAK
   to every other rank, and a rank that receives BREAK (now or when it arrives later) is
   broken too — exactly how a timed-out `multiprocessing.Barrier` breaks for everyone.  A
   broken rank keeps polling: every rank still completes the Ibarrier, so no collective is
   ever left half-done and the job can end cleanly.
2. the barrier completed: every rank has arrived.  A `gather` to rank 0 brings each rank's
   broken flag and arrival time (on the app's clock).
3. rank 0 decides: broken if anyone was; else it runs the action (once, strictly after the
   last arrival and before any release) and ranks the arrival times into wait() indices.
4. a `bcast` hands the verdict to all, and only then does any rank emit `release`.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from mpi4py import MPI

from engine.core.actions import FailingAction, MessageAction
from engine.core.barrier import BrokenBarrierError
from engine.scenario import ActionSpec
from engine.sources.mpi.protocol import BARRIER_ID

BREAK_TAG = 7071
POLL_MIN_S = 0.0002  # back off from here …
POLL_MAX_S = 0.001  # … to here: at most 1 ms of extra release skew, little CPU while waiting


class RankSink:
    """Sends this rank's events to the app, stamped on this rank's own monotonic clock.

    Why a lock: the main thread emits events while the command thread may emit `kill`; one
    `send` per event keeps each message whole on the socket.
    """

    def __init__(self, conn: Any, party: int) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.party = party
        self.pid = os.getpid()

    def emit(self, kind: str, stage: int | None, **data: Any) -> None:
        self.emit_timed(kind, stage, **data)

    def emit_timed(self, kind: str, stage: int | None, **data: Any) -> int:
        """Emit and return the event's t_ns (so a caller can reuse the exact instant)."""
        with self._lock:
            t_ns = time.monotonic_ns()
            self._conn.send((kind, t_ns, self.party, self.pid, stage, data))
        return t_ns

    def send(self, message: tuple[Any, ...]) -> None:
        with self._lock:
            self._conn.send(message)


def kill_self(sink: RankSink, reason: str) -> None:
    """Die as a SIGKILLed party does; say so first, since the app cannot see a remote kill."""
    sink.emit("kill", None, reason=reason, signal="SIGKILL")
    os.kill(os.getpid(), signal.SIGKILL)


class MpiBarrier:
    """One barrier over every rank of `comm`; `wait(stage)` returns the wait() index."""

    def __init__(
        self,
        comm: MPI.Intracomm,
        sink: RankSink,
        timeout: float | None,
        action: ActionSpec | None,
        offset_ns: int,
    ) -> None:
        self.comm, self.sink, self.timeout, self.offset_ns = comm, sink, timeout, offset_ns
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        self.action: MessageAction | None = None
        if action is not None:
            cls = FailingAction if action.raises else MessageAction
            self.action = cls(action.message, action.by_stage)

    def wait(self, stage: int, kill_after_s: float | None = None) -> int:
        arrived_ns = self.sink.emit_timed("arrive", stage, barrier=BARRIER_ID)
        broken = self._await_everyone(stage, arrived_ns, kill_after_s)
        flags = self.comm.gather((broken, arrived_ns + self.offset_ns), root=0)
        verdict = self._decide(stage, flags) if self.rank == 0 else None
        verdict = self.comm.bcast(verdict, root=0)
        outcome, detail = verdict
        if outcome == "ok":
            index = int(detail[self.rank])
            self.sink.emit("release", stage, barrier=BARRIER_ID, index=index)
            return index
        if outcome == "action_raised" and self.rank == 0:
            self.sink.emit(
                "broken", stage, barrier=BARRIER_ID, reason="action_raised", error=detail
            )
        elif not broken:  # broken ranks reported it the moment they broke
            self.sink.emit("broken", stage, barrier=BARRIER_ID, reason="broken")
        raise BrokenBarrierError

    def _await_everyone(self, stage: int, arrived_ns: int, kill_after_s: float | None) -> bool:
        """Poll the Ibarrier until every rank arrived; True if this rank saw the barrier break."""
        request = self.comm.Ibarrier()
        broken = False
        sends: list[MPI.Request] = []
        delay = POLL_MIN_S
        while not request.Test():
            waited_s = (time.monotonic_ns() - arrived_ns) / 1e9
            if not broken and self.comm.Iprobe(source=MPI.ANY_SOURCE, tag=BREAK_TAG):
                self.comm.recv(source=MPI.ANY_SOURCE, tag=BREAK_TAG)
                broken = True
                self.sink.emit("broken", stage, barrier=BARRIER_ID, reason="broken")
            elif not broken and self.timeout is not None and waited_s >= self.timeout:
                broken = True
                others = (r for r in range(self.size) if r != self.rank)
                sends = [self.comm.isend(stage, dest=r, tag=BREAK_TAG) for r in others]
                self.sink.emit("broken", stage, barrier=BARRIER_ID, reason="broken")
            if kill_after_s is not None and waited_s >= kill_after_s:
                kill_self(self.sink, "fault")
            time.sleep(delay)
            delay = min(delay * 2, POLL_MAX_S)
        MPI.Request.Waitall(sends)
        return broken

    def _decide(self, stage: int, flags: list[tuple[bool, int]] | None) -> tuple[str, Any]:
        """Rank 0, after everyone arrived: the stage's verdict (and the action, run once)."""
        assert flags is not None
        if any(broken for broken, _ in flags):
            return ("broken", None)
        if self.action is not None:
            message = self.action.message_for(stage)
            self.sink.emit("action", stage, barrier=BARRIER_ID, message=message)
            try:
                self.action()
            except Exception as exc:
                return ("action_raised", f"{type(exc).__name__}: {exc}"[:500])
        order = sorted(range(self.size), key=lambda r: (flags[r][1], r))
        indices = [0] * self.size
        for position, rank in enumerate(order):
            indices[rank] = position
        return ("ok", indices)
