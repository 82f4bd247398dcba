"""Run a scenario as real processes on a real barrier, and stream their events to the parent.

The caller (GUI frame timer, headless loop, tests) never blocks: `poll()` returns what arrived,
`stop()`, `abort()`, `reset()` and `kill_party()` only ask; the pump thread
(engine.sources.processes.pump) does the work.  Every event is kept (`events`) and, if asked,
written to a JSON Lines log as it arrives.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from typing import Any

from engine.core.actions import FailingAction, MessageAction
from engine.core.barrier import InstrumentedBarrier
from engine.core.events import Event
from engine.core.outcome import decide_outcome
from engine.scenario import Scenario, scenario_to_dict
from engine.sources.base import DEFAULT_STUCK_GRACE_S, EventSource, scaled_plan
from engine.sources.processes.party import PartyJob, measure_cpu_rate
from engine.sources.processes.pump import RunPump


class Runner(EventSource):
    """One run of one scenario.  Start it, poll it for events, stop it; never blocks.

    Delivery (poll, wait_events, join, the log, run_end last) comes from EventSource, shared
    with the thread, asyncio, trace and MPI sources.
    """

    capabilities = frozenset({"abort", "reset", "kill", "gate", "step"})

    def __init__(
        self,
        scenario: Scenario,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        events_path: str | os.PathLike[str] | None = None,
        start_method: str | None = None,
        stuck_grace_s: float | None = None,
        presenter_gate: bool = False,
        step_stages: bool = False,
    ) -> None:
        super().__init__(events_path)
        self.scenario = scenario
        self.speed = speed
        self.seed, self.plan = scaled_plan(scenario, speed, seed)
        method = start_method or scenario.start_method or multiprocessing.get_start_method()
        self.start_method: str = method
        self._ctx: Any = multiprocessing.get_context(method)
        self.timeout = scenario.timeout / speed if scenario.timeout is not None else None
        # how long a stuck barrier stays on screen before the app ends it: scaled like the work
        self.stuck_grace_s = (
            stuck_grace_s if stuck_grace_s is not None else max(DEFAULT_STUCK_GRACE_S / speed, 0.5)
        )
        # The presenter gate makes the presenter one more party: Barrier(parties + 1).
        self.presenter: int | None = scenario.processes if presenter_gate else None
        self.names = [p.name for p in scenario.party] + ["Presenter"] * presenter_gate
        self.parties = scenario.parties + presenter_gate
        self.step_gate: Any = self._ctx.RawValue("i", 0) if step_stages else None
        self.barrier = InstrumentedBarrier(
            self.parties, self._action(), self.timeout, ctx=self._ctx
        )
        self._wake_lock = threading.Lock()
        self._wake_closed = True  # opened by start(), so an unstarted Runner holds no fds
        self._wake_r = self._wake_w = -1
        self._pump: RunPump | None = None

    def _action(self) -> MessageAction | None:
        action = self.scenario.action
        if action is None:
            return None
        return FailingAction(action.message) if action.raises else MessageAction(action.message)

    # ----------------------------------------------------------------- caller side
    def start(self) -> None:
        with self._wake_lock:
            self._wake_r, self._wake_w = os.pipe()
            self._wake_closed = False
        self._pump = RunPump(
            self._ctx,
            self.step_gate,
            self.scenario,
            self._jobs(),
            self.barrier,
            self._deliver,
            self._wake_r,
            self.stuck_grace_s,
            self.timeout,
        )
        self._start_thread(self._pump_main, "run-pump")

    def stop(self) -> None:
        """End the run now: parties are terminated, then killed after a grace period."""
        self._request("stop")

    def abort(self) -> None:
        """Call abort() on the barrier (off this thread, with a deadline)."""
        self._request("abort")

    def reset(self) -> None:
        """Call reset() on the barrier (off this thread, with a deadline)."""
        self._request("reset")

    def release_gate(self) -> None:
        """The presenter presses G: their party stops "working" and calls wait()."""
        self._request("gate")

    def continue_stage(self) -> None:
        """Step-through mode: let the parties holding before the next stage begin it."""
        self._request("continue")

    def kill_party(self, index: int) -> None:
        """SIGKILL one party's process, as a crash would."""
        self._request(f"kill:{index}")

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in (self._pump.procs if self._pump else []) if p.pid is not None]

    # ----------------------------------------------------------------- pump side
    def _request(self, what: str) -> None:
        if self._pump is None:
            return
        self._pump.requests.append(what)
        with self._wake_lock:
            if not self._wake_closed:
                os.write(self._wake_w, b"x")

    def _jobs(self) -> list[PartyJob]:
        rate = measure_cpu_rate() if self.scenario.workload == "cpu" else 0.0
        presenter = (
            [
                PartyJob(
                    len(self.scenario.party),
                    "Presenter",
                    (0.0,) * self.scenario.stages,
                    "presenter",
                    presenter=True,
                )
            ]
            if self.presenter is not None
            else []
        )
        return [
            PartyJob(
                i,
                spec.name,
                tuple(self.plan[i]),
                self.scenario.workload,
                rate,
                spec.fault_stage - 1 if spec.fault == "crash" else None,
            )
            for i, spec in enumerate(self.scenario.party)
        ] + presenter

    def _run_start_event(self) -> Event:
        s = self.scenario
        return Event(
            "run_start",
            time.monotonic_ns(),
            None,
            os.getpid(),
            None,
            {
                "scenario": scenario_to_dict(s),
                "names": self.names,
                "parties": self.parties,
                "processes": len(self.names),
                "presenter": self.presenter,
                "step_stages": self.step_gate is not None,
                "stages": s.stages,
                "speed": self.speed,
                "seed": self.seed,
                "start_method": self.start_method,
                "timeout": self.timeout,
                "plan": self.plan,
                "backend": "processes",
                "barrier": self.barrier.barrier_id,
            },
        )

    def _pump_main(self) -> None:
        pump = self._pump
        assert pump is not None
        reader, writer = self._ctx.Pipe(duplex=False)
        try:
            self._deliver([self._run_start_event()])
            pump.start_parties(writer)
            writer.close()
            pump.supervise(reader)
        except Exception as exc:  # e.g. a start method that cannot start here: end cleanly
            pump.state.failure = f"could not run the parties: {type(exc).__name__}: {exc}"
        finally:
            writer.close()
            pump.kill_leftovers()
            pump.drain(reader)
            reader.close()
            self._end(pump)

    def _end(self, pump: RunPump) -> None:
        state = pump.state
        outcome = decide_outcome(self.events, state.exitcodes, state.stopped, state.failure)
        with self._wake_lock:
            self._wake_closed = True
            os.close(self._wake_r)
            os.close(self._wake_w)
        self._finish(outcome)
