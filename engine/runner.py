"""Run a scenario as real processes on a real barrier, and stream their events to the parent.

One "pump" thread owns the run: it starts the party processes, reads the shared event pipe,
notices each process's exit through its sentinel, carries out stop requests, and writes the
event log.  Why one thread: it orders a child's last events before its `exit` (the pipe is
drained before the sentinel is handled), and since it outlives every child, the children's
PR_SET_PDEATHSIG (tied to the creating thread) only fires when the app really goes.

The caller (GUI frame timer, headless loop, tests) never blocks: `poll()` returns what arrived,
`stop()` only asks.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import random
import threading
import time
from typing import Any

from engine.actions import MessageAction
from engine.barrier import InstrumentedBarrier
from engine.event_log import EventLogWriter
from engine.events import Event, WireEvent
from engine.outcome import RunOutcome, decide_outcome
from engine.party import PartyJob, measure_cpu_rate, party_main
from engine.scenario import Scenario, scenario_to_dict

KILL_GRACE_S = 1.0


class Runner:
    """One run of one scenario.  Start it, poll it for events, stop it; never blocks."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        events_path: str | os.PathLike[str] | None = None,
        start_method: str | None = None,
    ) -> None:
        if not speed > 0:
            raise ValueError("speed must be > 0")
        self.scenario = scenario
        self.speed = speed
        self.seed = seed if seed is not None else scenario.seed
        if self.seed is None:
            self.seed = random.randrange(2**31)
        method = start_method or scenario.start_method or multiprocessing.get_start_method()
        self.start_method: str = method
        self._ctx: Any = multiprocessing.get_context(method)
        self.plan = [[round(s / speed, 6) for s in row] for row in scenario.work_plan(self.seed)]
        self.timeout = scenario.timeout / speed if scenario.timeout is not None else None
        action = MessageAction(scenario.action.message) if scenario.action else None
        self.barrier = InstrumentedBarrier(scenario.parties, action, self.timeout, ctx=self._ctx)
        self._log = EventLogWriter(events_path) if events_path is not None else None
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._pending: list[Event] = []
        self.events: list[Event] = []
        self.outcome: RunOutcome | None = None
        self._stop_requested = False
        self._wake_lock = threading.Lock()
        self._wake_closed = True  # opened by start(), so an unstarted Runner holds no fds
        self._wake_r = self._wake_w = -1
        self._thread = threading.Thread(target=self._pump, name="run-pump", daemon=True)
        self._procs: list[Any] = []
        self._failure: str | None = None

    # ----------------------------------------------------------------- caller side
    def start(self) -> None:
        with self._wake_lock:
            self._wake_r, self._wake_w = os.pipe()
            self._wake_closed = False
        self._thread.start()

    def poll(self) -> list[Event]:
        """Every event that arrived since the last call (possibly none)."""
        with self._lock:
            batch, self._pending = self._pending, []
        return batch

    def wait_events(self, timeout: float) -> list[Event]:
        """Like poll(), but waits up to `timeout` seconds for something to arrive."""
        with self._arrived:
            if not self._pending and self.outcome is None:
                self._arrived.wait(timeout)
            batch, self._pending = self._pending, []
        return batch

    def stop(self) -> None:
        """Ask the run to end now: parties are terminated, then killed.  Returns at once."""
        self._stop_requested = True
        self._poke()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        return self.outcome is not None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs if p.pid is not None]

    def post(self, kind: str, **data: Any) -> None:
        """Record a run-level event from the parent (abort, reset, stop …)."""
        self._deliver([Event(kind, time.monotonic_ns(), None, os.getpid(), None, data)])

    # ----------------------------------------------------------------- pump thread
    def _poke(self) -> None:
        with self._wake_lock:
            if not self._wake_closed:
                os.write(self._wake_w, b"x")

    def _deliver(self, events: list[Event]) -> None:
        with self._arrived:
            self._pending.extend(events)
            self.events.extend(events)
            if self._log is not None:
                self._log.write(events)
            self._arrived.notify_all()

    def _parent_event(
        self, kind: str, party: int | None = None, pid: int | None = None, **data: Any
    ) -> Event:
        return Event(kind, time.monotonic_ns(), party, pid or os.getpid(), None, data)

    def _jobs(self) -> list[PartyJob]:
        rate = measure_cpu_rate() if self.scenario.workload == "cpu" else 0.0
        return [
            PartyJob(i, spec.name, tuple(self.plan[i]), self.scenario.workload, rate)
            for i, spec in enumerate(self.scenario.party)
        ]

    def _run_start_event(self) -> Event:
        s = self.scenario
        return self._parent_event(
            "run_start",
            scenario=scenario_to_dict(s),
            names=[p.name for p in s.party],
            parties=s.parties,
            processes=s.processes,
            stages=s.stages,
            speed=self.speed,
            seed=self.seed,
            start_method=self.start_method,
            timeout=self.timeout,
            plan=self.plan,
            backend="processes",
            barrier=self.barrier.barrier_id,
        )

    def _pump(self) -> None:
        reader, writer = self._ctx.Pipe(duplex=False)
        try:
            self._deliver([self._run_start_event()])
            exitcodes = self._start_parties(writer)
            writer.close()
            self._supervise(reader, exitcodes)
        except Exception as exc:  # e.g. a start method that cannot start here: end cleanly
            self._failure = f"could not run the parties: {type(exc).__name__}: {exc}"
        finally:
            writer.close()
            self._finish(reader)

    def _start_parties(self, writer: Any) -> dict[int, int | None]:
        exitcodes: dict[int, int | None] = {}
        for job in self._jobs():
            if self._stop_requested:
                break
            proc = self._ctx.Process(
                target=party_main, args=(job, self.barrier, writer), name=job.name, daemon=True
            )
            proc.start()
            self._procs.append(proc)
            exitcodes[job.index] = None
            self._deliver([self._parent_event("spawn", job.index, proc.pid, name=job.name)])
        return exitcodes

    def _drain(self, reader: Any) -> None:
        batch: list[Event] = []
        try:
            while reader.poll():
                wire: WireEvent = reader.recv()
                batch.append(Event.from_wire(wire))
        except (EOFError, OSError):
            pass
        if batch:
            self._deliver(batch)

    def _supervise(self, reader: Any, exitcodes: dict[int, int | None]) -> None:
        live = {p.sentinel: (i, p) for i, p in enumerate(self._procs)}
        kill_at: float | None = None
        stop_handled = False
        while live:
            timeout = None if kill_at is None else max(kill_at - time.monotonic(), 0.0)
            ready = multiprocessing.connection.wait([reader, self._wake_r, *live], timeout)
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
            self._drain(reader)
            for sentinel in [s for s in ready if s in live]:
                index, proc = live.pop(sentinel)
                proc.join()
                exitcodes[index] = proc.exitcode
                self._deliver([self._parent_event("exit", index, proc.pid, exitcode=proc.exitcode)])
            if self._stop_requested and not stop_handled:
                stop_handled = True
                self._deliver([self._parent_event("stop")])
                for _, proc in live.values():
                    proc.terminate()
                kill_at = time.monotonic() + KILL_GRACE_S
            if kill_at is not None and time.monotonic() >= kill_at:
                for _, proc in live.values():
                    proc.kill()
                kill_at = time.monotonic() + KILL_GRACE_S
        self._exitcodes = exitcodes

    def _finish(self, reader: Any) -> None:
        for proc in self._procs:  # only reached early if starting failed: leave nothing behind
            if proc.is_alive():
                proc.kill()
                proc.join()
        self._drain(reader)
        reader.close()
        codes = getattr(self, "_exitcodes", {p: None for p in range(len(self._procs))})
        outcome = decide_outcome(self.events, codes, self._stop_requested, self._failure)
        end = self._parent_event(
            "run_end", status=outcome.status, exit_code=outcome.exit_code, reason=outcome.reason
        )
        self._deliver([end])
        if self._log is not None:
            self._log.close()
        with self._wake_lock:
            self._wake_closed = True
            os.close(self._wake_r)
            os.close(self._wake_w)
        with self._arrived:
            self.outcome = outcome
            self._arrived.notify_all()
