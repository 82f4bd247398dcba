"""Run a scenario as real processes on a real barrier, and stream their events to the parent.

The caller (GUI frame timer, headless loop, tests) never blocks: `poll()` returns what arrived,
`send()` only asks; the pump thread (engine.sources.processes.pump) does the work.  Every event
is kept (`events`) and, if asked, written to a JSON Lines log as it arrives.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from engine.core.actions import FailingAction, MessageAction
from engine.core.barrier import InstrumentedBarrier
from engine.core.events import Event
from engine.core.outcome import decide_outcome
from engine.scenario import Scenario, scenario_to_dict
from engine.sources.base import DEFAULT_STUCK_GRACE_S, Source, scaled_plan
from engine.sources.commands import Capability, Command, FetchStack
from engine.sources.processes.launcher import default_start_method
from engine.sources.processes.party import PartyJob, measure_cpu_rate
from engine.sources.processes.pump import KILL_IN_WAIT_DELAY_S, RunPump
from engine.sources.stack_dump import DUMP_SIGNAL, StackDumps

EVERY_RUN_CAN = frozenset({Capability.STOP, Capability.ABORT, Capability.RESET, Capability.KILL})
STACKS = frozenset({Capability.STACKS} if DUMP_SIGNAL is not None else ())


class Runner(Source):
    """One run of one scenario.  Start it, poll it for events, send it commands; never blocks.

    Delivery (poll, wait_events, join, the log, run_end last) comes from Source, shared with
    the thread, asyncio, trace and MPI sources.  The presenter's gate and step-through mode
    are capabilities only of a run started with them.
    """

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
        if presenter_gate:  # the gate waits for a human (a room answering): no timeout
            scenario = scenario.replace(timeout=None)
        self.scenario = scenario
        self.speed = speed
        self.seed, self.plan = scaled_plan(scenario, speed, seed)
        method = start_method or scenario.start_method or default_start_method()
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
        self.capabilities = (
            EVERY_RUN_CAN
            | STACKS
            | ({Capability.GATE} if presenter_gate else set())
            | ({Capability.STEP} if step_stages else set())
        )
        self._barrier: InstrumentedBarrier | None = InstrumentedBarrier(
            self.parties, self._action(), self.timeout, ctx=self._ctx
        )
        self._pump: RunPump | None = None  # made by start(), so an unstarted Runner holds no fds
        self._pids: list[int] = []  # the parties' pids, kept once the pump is gone
        self._stack_dumps: StackDumps | None = None  # made by start(): a temporary folder

    @property
    def barrier(self) -> InstrumentedBarrier:
        """The run's barrier, until the run ends: a finished run lets it go, so a window that
        keeps the last run on screen does not keep its four semaphores open too."""
        if self._barrier is None:
            raise RuntimeError("the run has ended: its barrier is released")
        return self._barrier

    def _action(self) -> MessageAction | None:
        action = self.scenario.action
        if action is None:
            return None
        cls = FailingAction if action.raises else MessageAction
        return cls(action.message, action.by_stage)

    # ----------------------------------------------------------------- caller side
    def start(self) -> None:
        if STACKS:
            self._stack_dumps = StackDumps(self._answer_stack)
        self._pump = RunPump(
            self._ctx,
            self.scenario,
            self._jobs(),
            self.barrier,
            self._deliver,
            step_gate=self.step_gate,
            stuck_grace_s=self.stuck_grace_s,
            timeout=self.timeout,
            # scaled like the work: at speed 5 the others arrive 5× sooner, and a kill that
            # came after the release would silently skip the fault
            kill_in_wait_delay_s=KILL_IN_WAIT_DELAY_S / self.speed,
        )
        self._start_thread(self._pump_main, "run-pump")

    @property
    def pids(self) -> list[int]:
        pump = self._pump
        return list(pump.pids) if pump is not None else list(self._pids)

    # ----------------------------------------------------------------- pump side
    def _accept(self, command: Command) -> None:
        if isinstance(command, FetchStack):  # asking a process needs no pump: see stack_dump
            self._fetch_stack(command.party)
        elif self._pump is not None:
            self._pump.request(command)

    def _fetch_stack(self, party: int) -> None:
        pump, dumps = self._pump, self._stack_dumps
        if pump is None or dumps is None:
            return
        procs = list(pump.procs)
        ended = pump.state.exitcodes.get(party) is not None
        pid = procs[party].pid if 0 <= party < len(procs) and not ended else None
        dumps.fetch(party, pid, party)

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
                stack_file=self._stack_file(i),
            )
            for i, spec in enumerate(self.scenario.party)
        ] + presenter

    def _stack_file(self, party: int) -> str | None:
        return self._stack_dumps.path(party) if self._stack_dumps is not None else None

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
        state = pump.run(self._run_start_event())
        # the pump is done with: drop it, so nothing of the run waits for the cyclic GC
        self._pids, self._pump, self._barrier = list(pump.pids), None, None
        dumps, self._stack_dumps = self._stack_dumps, None  # it points back at us: no cycle
        if dumps is not None:
            dumps.close()
        outcome = decide_outcome(
            self.events, state.exitcodes, state.stopped, state.failure, ended=state.ended
        )
        self._finish(outcome)

    def _abandon(self) -> None:
        pump = self._pump
        if pump is not None:
            pump.kill_leftovers()
