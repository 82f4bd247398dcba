"""The supervisor shared by thread and asyncio parties: one loop, one inbox, one clock.

Parties (threads or tasks) append their events, as plain wire tuples, to one `deque` through a
`CallbackSink`: an append is one atomic C call that wakes nobody, so it costs a party far less
than a `queue.Queue.put` (a lock, a condition, a wake-up per event), and each thread's events
stay in the order it emitted them.  The supervisor drains the inbox on its own clock (every
DRAIN_INTERVAL_S, like the process pump drains its rings) and at once when a caller's request
(stop, abort, reset) wakes it; events are delivered before the request is handled.  It watches
for a stranded barrier (engine.sources.watch, as the process pump does), aborts it after the
grace period when no timeout will, and ends the run once every party has reported its `exit`.
What differs per backend — how parties start, how the barrier is aborted, how work is
interrupted — is left to four small methods.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from typing import Any

from engine.core.events import Event, WireEvent, event_from_wire
from engine.core.outcome import decide_outcome
from engine.core.timers import Timers
from engine.scenario import Scenario, scenario_to_dict
from engine.sources.base import DEFAULT_STUCK_GRACE_S, Source, scaled_plan
from engine.sources.commands import Abort, Capability, Command, FetchStack, Reset, Stop
from engine.sources.stacks import PartyStack
from engine.sources.watch import BarrierWatch, Finding

DRAIN_INTERVAL_S = 0.01  # the supervisor's clock while parties run (a frame is 16 ms)


class InProcessRunner(Source):
    """A run whose parties live in this process.  Subclasses start and stop the parties.

    `inbox` takes the parties' events (wire tuples, appended by any thread); `requests` the
    callers' commands (frozen dataclasses, engine.sources.commands), which also wake the
    supervisor."""

    backend = "?"
    capabilities = frozenset(
        {Capability.STOP, Capability.ABORT, Capability.RESET, Capability.STACKS}
    )

    def __init__(
        self,
        scenario: Scenario,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        events_path: str | os.PathLike[str] | None = None,
        stuck_grace_s: float = DEFAULT_STUCK_GRACE_S,
        **_ignored: object,
    ) -> None:
        self.seed, self.plan = scaled_plan(scenario, speed, seed)
        super().__init__(events_path)
        self.scenario = scenario
        self.speed = speed
        self.timeout = scenario.timeout / speed if scenario.timeout is not None else None
        self.stuck_grace_s = stuck_grace_s
        self.start_method = self.backend  # shown where a process run shows its start method
        self.inbox: collections.deque[WireEvent] = collections.deque()
        self.requests: collections.deque[Command] = collections.deque()
        self._wake = threading.Event()
        self.watch = BarrierWatch(scenario.parties, [p.name for p in scenario.party])
        self._timers = Timers()
        self._exited: dict[int, int | None] = {}
        self._stopped = False
        self._started = False
        self._setup()

    # ----------------------------------------------------------------- backend hooks
    def _setup(self) -> None:
        """Create the barrier and whatever else the backend needs (end of __init__)."""

    def _launch(self) -> None:
        """Start every party; emit `spawn` for each (supervisor thread)."""
        raise NotImplementedError

    def _abort_barrier(self) -> None:
        raise NotImplementedError

    def _reset_barrier(self) -> None:
        raise NotImplementedError

    def _interrupt(self) -> None:
        """Make every party end soon (stop): interrupt work, release waiters."""
        raise NotImplementedError

    def _cleanup(self) -> None:
        """Join what was started (called once, after every party exited)."""

    def _abandon(self) -> None:
        """The supervisor thread died: make every party end (they are threads or tasks)."""
        self._interrupt()

    def _party_stack(self, party: int) -> PartyStack | None:
        """Where party `party`'s thread or task is now (None: no such party)."""
        raise NotImplementedError

    def _barrier_id(self) -> int:
        raise NotImplementedError

    # ----------------------------------------------------------------- caller side
    @property
    def pids(self) -> list[int]:
        """One process for every party: this one."""
        return [os.getpid()] if self._started else []

    def start(self) -> None:
        self._started = True
        self._start_thread(self._supervise, f"{self.backend}-supervisor")

    def _accept(self, command: Command) -> None:
        self.requests.append(command)
        self._wake.set()

    # ----------------------------------------------------------------- supervisor
    def _supervise(self) -> None:
        failure: str | None = None
        try:
            self._deliver([self._run_start_event()])
            self._launch()
            while len(self._exited) < self.scenario.processes:
                self._step()
        except Exception as exc:  # a bug or a resource limit: end cleanly, say why
            failure = f"could not run the parties: {type(exc).__name__}: {exc}"
            self._interrupt()
        finally:
            self._cleanup()
            outcome = decide_outcome(self.events, self._exited, self._stopped, failure)
            self._finish(outcome)

    def _step(self) -> None:
        timeout = self._timers.next_timeout(self.watch.recheck_in(time.monotonic()))
        self._wake.wait(DRAIN_INTERVAL_S if timeout is None else min(timeout, DRAIN_INTERVAL_S))
        self._wake.clear()
        self._drain()
        while self.requests:
            self._on_request(self.requests.popleft())
            self._drain()  # what the request made happen (its own note) comes next
        self._handle(self.watch.check_stranded(time.monotonic()))
        self._timers.run_due()

    def _drain(self) -> None:
        """Deliver what the inbox holds now, as one batch, and let the watch see it."""
        inbox = self.inbox
        popleft = inbox.popleft
        batch = list(map(event_from_wire, [popleft() for _ in range(len(inbox))]))
        if not batch:
            return
        self._deliver(batch)
        for finding in self.watch.observe_batch(batch):
            self._handle(finding)
        for event in batch:
            if event.kind == "exit" and event.party is not None:
                self._exited[event.party] = event.get("exitcode")

    def _on_request(self, command: Command) -> None:
        if isinstance(command, FetchStack):  # read here, on the supervisor: frames are memory
            stack = self._party_stack(command.party)
            if stack is not None:
                self._answer_stack(stack)
            return
        if self._stopped:
            return
        match command:
            case Stop():
                self._stopped = self.watch.stopping = True
                self._post("stop")
                self._interrupt()
            case Abort():
                self._post("abort", by="user")
                self._abort_barrier()
            case Reset():
                self._post("reset", by="user")
                self._reset_barrier()

    def _handle(self, finding: Finding | None) -> None:
        if finding is None:
            return
        self._post(finding.kind, finding.party, message=finding.message)
        if finding.kind == "stranded" and self.timeout is None:
            self._timers.after(self.stuck_grace_s, self._app_abort)

    def _app_abort(self) -> None:
        if len(self._exited) < self.scenario.processes and not self._stopped:
            self._post("abort", by="app")
            self._abort_barrier()

    # ----------------------------------------------------------------- events
    def _emit(self, kind: str, party: int | None, stage: int | None, **data: Any) -> None:
        """Queue an event from any thread (parties use their sinks; this is for spawn)."""
        wire: WireEvent = (kind, time.monotonic_ns(), party, os.getpid(), stage, data)
        self.inbox.append(wire)

    def _run_start_event(self) -> Event:
        s = self.scenario
        data = {
            "scenario": scenario_to_dict(s),
            "names": [p.name for p in s.party],
            "parties": s.parties,
            "processes": s.processes,
            "stages": s.stages,
            "speed": self.speed,
            "seed": self.seed,
            "start_method": self.start_method,
            "timeout": self.timeout,
            "plan": self.plan,
            "backend": self.backend,
            "barrier": self._barrier_id(),
        }
        return Event("run_start", time.monotonic_ns(), None, os.getpid(), None, data)
