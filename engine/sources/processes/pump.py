"""The body of a run's pump thread: start the parties, read their events, watch them end.

Why one thread does all of it: it orders a child's last events before its `exit` (a dead
party's ring and pipe are drained to the end before its sentinel is handled), it is the only
place that creates processes (so their PR_SET_PDEATHSIG, tied to the creating thread, fires
only when the app really goes), and timed duties (kill grace, fault injection, stuck-barrier
handling) need one clock and one loop.

Where events come from: each party writes its hot events (work_start, arrive, release,
progress …) into its own ring in shared memory (engine.core.ring), which wakes nobody; rare
ones (a crash's text) still come down the one event pipe.  The pump drains both on every
wake-up — at least every DRAIN_INTERVAL_S while parties live, at once when a ring passes half
full (its doorbell), when a pipe event or a request arrives, or when a party ends.
"""

from __future__ import annotations

import collections
import contextlib
import math
import multiprocessing.util
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from engine.core.barrier import InstrumentedBarrier
from engine.core.barrier_ops import OP_DEADLINE_S, barrier_op_main
from engine.core.events import Event
from engine.core.lifeline import JANITOR, Guards, Lifeline, adopt_child
from engine.core.ring import RingBlock
from engine.core.ring.drain import RingDrain
from engine.core.timers import Timers
from engine.scenario import Scenario
from engine.sources.commands import Abort, Command, ContinueStage, Kill, ReleaseGate, Reset, Stop
from engine.sources.processes.duties import StoppedSweep, fault_kill_delay
from engine.sources.processes.party import PartyControls, PartyJob, party_main
from engine.sources.watch import BarrierWatch, Finding

KILL_GRACE_S = 1.0
START_LINE_TIMEOUT_S = 120.0  # if a party never boots, the others start anyway
KILL_IN_WAIT_DELAY_S = 0.15  # at speed 1: let the party get past arrive, into the wait
Deliver = Callable[[list[Event]], None]
FAULT_KINDS = frozenset({"work_start", "arrive"})  # what _schedule_faults reacts to
PRESENTER_KINDS = frozenset({"hold", "work_start"})  # what _follow_presenter reacts to
# While parties live the pump drains the rings at least this often (a frame is 16 ms, so the
# GUI always finds the last ~10 ms in its batch); a ring that passes half full rings its
# doorbell and is drained at once, so no writer waits for this clock.
DRAIN_INTERVAL_S = 0.01


@dataclass
class PumpState:
    exitcodes: dict[int, int | None] = field(default_factory=dict)
    stopped: bool = False
    failure: str | None = None
    ended: str | None = None  # why the app itself ended a stuck run (stopped parties)


class RunPump:
    """Everything that happens on a process run's pump thread; `request()` is its only door.

    Built by the process source (engine.sources.processes.runner) when the run starts; `run()`
    is the thread's whole body.  Requests from any thread are typed commands, queued and handled
    in the order they were made, between two reads of the event pipe.
    """

    def __init__(
        self,
        ctx: Any,
        scenario: Scenario,
        jobs: list[PartyJob],
        barrier: InstrumentedBarrier,
        deliver: Deliver,
        *,
        step_gate: Any = None,
        stuck_grace_s: float,
        timeout: float | None,
        kill_in_wait_delay_s: float = KILL_IN_WAIT_DELAY_S,
        guards: Guards | None = None,
    ) -> None:
        self.ctx, self.scenario, self.jobs, self.barrier = ctx, scenario, jobs, barrier
        self.deliver = deliver
        self.stuck_grace_s, self.timeout = stuck_grace_s, timeout
        self.kill_in_wait_delay_s = kill_in_wait_delay_s
        self.guards = guards
        self.requests: collections.deque[Command] = collections.deque()
        self.procs: list[Any] = []
        self.pids: list[int] = []  # kept after the Process objects are closed
        self.lifeline: Lifeline | None = None
        self.state = PumpState()
        self.watch = BarrierWatch(barrier.parties, [j.name for j in jobs])
        self.step_gate = step_gate
        self._held_stage = 0
        self._gate_writer: Any = None
        # a plain (uninstrumented) barrier of all processes: the start line
        self.start_gate = ctx.Barrier(len(jobs), timeout=START_LINE_TIMEOUT_S)
        self._presenter_ready = False
        self._live: dict[Any, tuple[int, Any]] = {}
        self._ops: dict[Any, Any] = {}
        self._timers = Timers()
        self._kill_all_armed = False
        self.rings: RingDrain | None = None  # the parties' event rings, made by run()
        self._sweep = StoppedSweep(time.monotonic())
        self._faulty = any(spec.fault is not None for spec in scenario.party)
        self._presenting = step_gate is not None or any(job.presenter for job in jobs)
        # A request wakes the pump through this pipe; closed when the run ends (then requests
        # are dropped: there is nothing left to act on).
        self.wake_fd, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)  # a full pipe already wakes the pump
        self._wake_lock = threading.Lock()
        self._wake_open = True

    # ------------------------------------------------------------------ any thread
    def request(self, command: Command) -> None:
        """Queue `command` for the pump thread and wake it; returns at once."""
        with self._wake_lock:
            if not self._wake_open:
                return
            self.requests.append(command)
            with contextlib.suppress(BlockingIOError):
                os.write(self._wake_w, b"x")

    # ------------------------------------------------------------------ the pump thread
    def run(self, opening: Event) -> PumpState:
        """Deliver `opening` (run_start), start the parties, supervise them to the end.

        Whatever goes wrong, every process is gone, every event delivered and every fd,
        pipe and Process object of the run released on return."""
        reader = writer = None
        try:
            self.lifeline = Lifeline(self.guards)
            reader, writer = self.ctx.Pipe(duplex=False)
            self.rings = self._make_rings()
            self.deliver([opening])
            self.start_parties(writer)
            writer.close()
            self.supervise(reader)
        except Exception as exc:  # e.g. a start method that cannot start here: end cleanly
            self._fail(f"could not run the parties: {type(exc).__name__}: {exc}")
        finally:
            self._wind_up(reader, writer)
        return self.state

    def _make_rings(self) -> RingDrain:
        """One ring per process of the run (ring i is the job with index i); the action's
        message goes into the string table, so `action` events fit a record too."""
        action = self.scenario.action
        block = RingBlock.for_start_method(
            self.ctx.get_start_method(),
            len(self.jobs),
            strings=(action.message,) if action is not None else (),
        )
        return RingDrain(block)

    def _fail(self, reason: str) -> None:
        self.state.failure = self.state.failure or reason

    def _wind_up(self, reader: Any, writer: Any) -> None:
        """Each step runs even if one before it raised; the first error is the run's failure."""
        lifeline, rings = self.lifeline, self.rings
        steps: list[Callable[[], object]] = [self.kill_leftovers, self._release]
        if writer is not None:
            steps.insert(0, writer.close)
        if reader is not None:  # every party is dead now: take every ring and the pipe whole
            everyone = [job.index for job in self.jobs]
            steps[2:2] = [lambda: self.drain(reader, final=everyone), reader.close]
        if rings is not None:  # after the last drain: its views pin the memory
            steps.insert(-1, rings.close)
        if lifeline is not None:  # after the kill: nothing of the run may read EOF before
            steps.insert(-1, lifeline.close)
        for step in steps:
            try:
                step()
            except Exception as exc:
                self._fail(f"could not end the run cleanly: {type(exc).__name__}: {exc}")
        with self._wake_lock:
            self._wake_open = False
            os.close(self.wake_fd)
            os.close(self._wake_w)

    def _release(self) -> None:
        """Close what the run opened now, not whenever the garbage collector gets to it: each
        Process holds a sentinel fd until closed (over 100 runs in one GUI that exhausts
        `ulimit -n`), and pending timers hold the pump in a cycle."""
        self._timers = Timers()
        for proc in [*self.procs, *self._ops.values()]:
            if proc.exitcode is not None:
                proc.close()
        self.procs, self._live, self._ops = [], {}, {}
        if self._gate_writer is not None:
            self._gate_writer.close()
            self._gate_writer = None

    # ------------------------------------------------------------------ helpers
    def post(
        self, kind: str, party: int | None = None, pid: int | None = None, **data: Any
    ) -> None:
        self.deliver([Event(kind, time.monotonic_ns(), party, pid or os.getpid(), None, data)])

    def after(self, seconds: float, fn: Callable[[], object]) -> None:
        self._timers.after(seconds, fn)

    # ------------------------------------------------------------------ lifecycle
    def start_parties(self, writer: Any) -> None:
        assert self.lifeline is not None
        token = self.lifeline.token
        if self.ctx.get_start_method() == "forkserver":
            # the fork server's socket lives in this process's temp folder (made now if it is
            # not yet): if the app dies uncleanly, the janitor removes it (the server and the
            # resource tracker end on their own once the parties are gone)
            JANITOR.keep_clean(multiprocessing.util.get_temp_dir())
        for job in self.jobs:
            if any(isinstance(request, Stop) for request in self.requests):
                break
            gate_reader = None
            if job.presenter:
                gate_reader, self._gate_writer = self.ctx.Pipe(duplex=False)
            ring = self.rings.block.port(job.index) if self.rings is not None else None
            controls = PartyControls(self.step_gate, gate_reader, self.start_gate, token, ring)
            proc = self.ctx.Process(
                target=party_main,
                args=(job, self.barrier, writer, controls),
                name=job.name,
                daemon=True,
            )
            proc.start()
            adopt_child(proc.pid)
            if gate_reader is not None:
                gate_reader.close()  # the presenter has its own copy now
            self.procs.append(proc)
            self.pids.append(proc.pid)
            self._live[proc.sentinel] = (job.index, proc)
            self.state.exitcodes[job.index] = None
            self.deliver(
                [Event("spawn", time.monotonic_ns(), job.index, proc.pid, None, {"name": job.name})]
            )
            self.watch.alive.add(job.index)

    def supervise(self, reader: Any) -> None:
        """Wait on the doorbell, the event pipe, the wake-up pipe and every sentinel; react.

        Why one long-lived poll object: `multiprocessing.connection.wait` builds a selector and
        registers every sentinel on each call — with 8 parties ~40 % of the pump's CPU in a
        zero-work run.  The timeout is the drain clock (the rings wake nobody) or the next
        timer, whichever comes first."""
        assert self.rings is not None
        poller = select.poll()
        watched: set[int] = set()
        pipe = reader.fileno()
        always = {pipe, self.wake_fd, self.rings.block.doorbell_fd}
        while self._live:
            wanted = {*always, *self._live, *self._ops}
            if wanted != watched:
                for fd in watched - wanted:
                    poller.unregister(fd)
                for fd in wanted - watched:
                    poller.register(fd, select.POLLIN)
                watched = wanted
            timeout = self._timers.next_timeout(self._next_check(time.monotonic()))
            timeout = DRAIN_INTERVAL_S if timeout is None else min(timeout, DRAIN_INTERVAL_S)
            polled = poller.poll(math.ceil(timeout * 1e3))
            ready = {fd for fd, _ in polled}
            if any(fd == pipe and flags & select.POLLHUP for fd, flags in polled):
                # every writer closed the pipe: it would be "ready" forever while the last
                # parties finish exiting (a busy loop); what is left is read by every drain
                always.discard(pipe)
            if self.wake_fd in ready:
                os.read(self.wake_fd, 4096)
            ended = [sentinel for sentinel in ready if sentinel in self._live]
            # a party that ended is drained to its last event before its `exit` is posted
            self.drain(reader, final=[self._live[sentinel][0] for sentinel in ended])
            self._sweep.sweep(time.monotonic(), self._live.values(), self.watch, self.post)
            for sentinel in ended:
                self._on_exit(*self._live.pop(sentinel))
            for sentinel in ready & self._ops.keys():
                helper = self._ops.pop(sentinel)
                helper.join()
                helper.close()
            self._handle(self.watch.check_stranded(time.monotonic()))
            while self.requests:
                self._on_request(self.requests.popleft())
            self._timers.run_due()

    def drain(self, reader: Any, final: Collection[int] = ()) -> None:
        """Deliver everything the rings and the pipe hold right now as ONE batch.

        `final`: parties that have ended, whose rings and pipe frames are taken to the end
        (engine.core.ring.drain keeps each party's order across its ring and the pipe)."""
        if self.rings is None:
            return
        batch = self.rings.drain(reader, final=final)
        if not batch:
            return
        self._sweep.heard(time.monotonic())
        self.deliver(batch)
        if self.watch.suspended:
            self._sweep.heard_from(batch, self.watch, self.post)
        for finding in self.watch.observe_batch(batch):
            self._handle(finding)
        # only runs that have faults or a presenter/step gate look at every event for them
        if self._faulty:
            for event in batch:
                if event.kind in FAULT_KINDS:
                    self._schedule_faults(event)
        if self._presenting:
            for event in batch:
                if event.kind in PRESENTER_KINDS:
                    self._follow_presenter(event)

    def kill_leftovers(self) -> None:
        """Last resort on the way out: nothing we started may survive the run."""
        for proc in [*self.procs, *self._ops.values()]:
            if proc.is_alive():
                proc.kill()
            proc.join()

    def _next_check(self, now: float) -> float | None:
        """Seconds until the watch wants to confirm something, or the next sweep is due."""
        waits = (self.watch.recheck_in(now), self._sweep.due_in(now, bool(self._live)))
        return min((w for w in waits if w is not None), default=None)

    # ------------------------------------------------------------------ events
    def _on_exit(self, index: int, proc: Any) -> None:
        proc.join()
        self.state.exitcodes[index] = proc.exitcode
        exit_event = Event(
            "exit", time.monotonic_ns(), index, proc.pid, None, {"exitcode": proc.exitcode}
        )
        self.deliver([exit_event])
        self._handle(self.watch.observe(exit_event))

    def _handle(self, finding: Finding | None) -> None:
        if finding is None:
            return
        if finding.kind == "stuck":  # only stopped parties are left, and nothing can change
            self.state.ended = finding.message
            self.post("stop", by="app", message=finding.message)
            self._kill_all()
            return
        data: dict[str, Any] = {"message": finding.message}
        if finding.cause:
            data["cause"] = finding.cause
        if finding.kind == "wedged" or self.timeout is None:  # the app will end it: say when
            data["ends_in_s"] = round(self.stuck_grace_s, 3)
        self.post(finding.kind, finding.party, **data)
        if finding.kind == "wedged":
            self.after(self.stuck_grace_s, lambda: self._terminate_all("wedged"))
        elif self.timeout is None:  # stranded and nothing will ever break it: abort
            self.after(self.stuck_grace_s, lambda: self._start_op("abort", by="app"))

    def _schedule_faults(self, event: Event) -> None:
        delay = fault_kill_delay(self.scenario, event, self.kill_in_wait_delay_s)
        if delay is not None:
            self.after(delay, lambda: self.kill(event.party or 0, "fault"))

    def _follow_presenter(self, event: Event) -> None:
        if event.kind == "hold" and event.stage is not None:
            self._held_stage = max(self._held_stage, event.stage)
        elif event.kind == "work_start" and event.get("workload") == "presenter":
            self._presenter_ready = True

    def _on_request(self, request: Command) -> None:
        match request:
            case Stop() if not self.state.stopped:
                self.state.stopped = self.watch.stopping = True
                self.post("stop")
                self._terminate_all("stop")
            case Abort():
                self._start_op("abort", by="user")
            case Reset():
                self._start_op("reset", by="user")
            case ReleaseGate() if self._presenter_ready and self._gate_writer is not None:
                self._presenter_ready = False  # one press opens one stage's gate
                self._gate_writer.send_bytes(b"g")
            case ContinueStage() if self.step_gate is not None:
                self.step_gate.value = max(self.step_gate.value, self._held_stage)
            case Kill(party):
                self.kill(party, "user")

    # ------------------------------------------------------------------ actions
    def kill(self, index: int, reason: str) -> bool:
        for party, proc in self._live.values():
            if party == index and proc.is_alive():
                self.post("kill", index, proc.pid, reason=reason, signal="SIGKILL")
                os.kill(proc.pid, signal.SIGKILL)
                return True
        return False

    def _terminate_all(self, reason: str) -> None:
        self.watch.stopping = True  # the deaths that follow are ours: no more findings
        for _, proc in self._live.values():
            proc.terminate()
        if not self._kill_all_armed:
            self._kill_all_armed = True
            self.after(KILL_GRACE_S, self._kill_all)

    def _kill_all(self) -> None:
        for _, proc in self._live.values():
            proc.kill()

    def _start_op(self, op: str, by: str) -> None:
        if not self._live:
            return
        self.post(op, by=by)
        assert self.lifeline is not None
        args = (self.barrier, op, self.lifeline.token)
        proc = self.ctx.Process(target=barrier_op_main, args=args, daemon=True)
        proc.start()
        adopt_child(proc.pid)
        self._ops[proc.sentinel] = proc
        self.after(OP_DEADLINE_S, lambda: self._op_deadline(proc, op))

    def _op_deadline(self, proc: Any, op: str) -> None:
        if proc in self._ops.values() and proc.is_alive():
            proc.kill()
            self.post(
                "wedged",
                message=f"{op}() did not return within {OP_DEADLINE_S:g} s: "
                "the barrier is wedged (a party died inside wait()).",
            )
