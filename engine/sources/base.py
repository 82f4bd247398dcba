"""The one interface every event source implements, and the delivery rules live sources share.

Why one base class: a GUI frame timer, the headless loop and the tests talk to processes,
threads, asyncio tasks, MPI ranks, a traced program and a replayed log alike, and must not be
able to tell them apart.  They read events (`poll`, `wait_events`, `events`), wait for the end
(`join`, `done`, `outcome`), read the source's clock (`now_ns`) and steer it with typed
commands (`send`), which a source accepts only if its `capabilities` name them.  What a source
can do is data, never found by looking for a method.

Live sources deliver from their own thread through `_deliver`/`_post`/`_finish`, so the rules
are written once: every event is kept (`events`), written to the JSON Lines log as it arrives,
and `run_end` comes last.  A replay overrides the caller side, since its events already exist.

Faults are written once too.  A background thread must never die silently (the caller would
wait forever for an outcome), so `_start_thread` runs its body under a last-resort guard, and
an error writing the log (a full disk) never escapes `_deliver`: either records the first
fault, the run is ended (`_end_soon`: the same path as Stop), and the outcome says why —
status "stopped", exit code 4, as for any run that was ended before it could finish.
"""

from __future__ import annotations

import os
import random
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from engine.core.event_log import EventLogWriter
from engine.core.events import Event
from engine.core.outcome import RunOutcome, RunStatus
from engine.scenario import Scenario
from engine.sources.commands import (
    Abort,
    Capability,
    Command,
    ContinueStage,
    FetchStack,
    Kill,
    Pause,
    ReleaseGate,
    Reset,
    Seek,
    SetSpeed,
    Stop,
)
from engine.sources.stacks import PartyStack

DEFAULT_STUCK_GRACE_S = 3.0


def scaled_plan(
    scenario: Scenario, speed: float, seed: int | None
) -> tuple[int, list[list[float]]]:
    """The seed actually used and the work plan after `speed`, the same for every backend."""
    if not speed > 0:
        raise ValueError("speed must be > 0")
    chosen = seed if seed is not None else scenario.seed
    used: int = chosen if chosen is not None else random.randrange(2**31)
    plan = [[round(s / speed, 6) for s in row] for row in scenario.work_plan(used)]
    return used, plan


class Source(ABC):
    """A run (or a recorded one) that hands out events and takes commands; never blocks."""

    capabilities: frozenset[Capability] = frozenset({Capability.STOP})

    def __init__(self, events_path: str | os.PathLike[str] | None = None) -> None:
        self._log = EventLogWriter(events_path) if events_path is not None else None
        self._arrived = threading.Condition()
        self._pending: list[Event] = []
        self.events: list[Event] = []
        self._outcome: RunOutcome | None = None
        self._thread: threading.Thread | None = None
        self._fault: str | None = None  # the first error that ended the run, in one line
        self._finishing = False
        self._stacks: list[PartyStack] = []  # answers to FetchStack, not yet taken
        self._stacks_ready = threading.Condition()

    # ----------------------------------------------------------------- caller side
    @abstractmethod
    def start(self) -> None:
        """Begin the run; returns at once (the work happens on the source's own thread)."""

    @property
    def pids(self) -> list[int]:
        """The processes the run's parties live in (none for a replay)."""
        return []

    def now_ns(self) -> int:
        """Now, on the clock the events are stamped with."""
        return time.monotonic_ns()

    def poll(self) -> list[Event]:
        """Every event that arrived since the last call (possibly none)."""
        with self._arrived:
            batch, self._pending = self._pending, []
        return batch

    def wait_events(self, timeout: float) -> list[Event]:
        """Like poll(), but waits up to `timeout` seconds for something to arrive."""
        with self._arrived:
            if not self._pending and self._outcome is None:
                self._arrived.wait(timeout)
            batch, self._pending = self._pending, []
        return batch

    def join(self, timeout: float | None = None) -> bool:
        """Wait (bounded) for the source's thread to end; True once it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def outcome(self) -> RunOutcome | None:
        """How the run ended; None until `run_end` has been delivered."""
        return self._outcome

    @property
    def done(self) -> bool:
        """True once every event has been delivered (`poll` may still hold the last ones)."""
        return self._outcome is not None

    @property
    def accepting(self) -> bool:
        """Whether commands are taken now: from start() until the outcome is known."""
        return self._thread is not None and self._outcome is None

    def send(self, command: Command) -> bool:
        """Ask for `command`; False if this source cannot do it or is not running.

        Returns at once: the source's own thread carries the command out, in the order sent.
        """
        if command.capability not in self.capabilities or not self.accepting:
            return False
        self._accept(command)
        return True

    @abstractmethod
    def _accept(self, command: Command) -> None:
        """Hand a command this source declared to its thread (called by `send` only)."""

    # The named forms, for readable callers; each is exactly `send(...)`.
    def stop(self) -> bool:
        return self.send(Stop())

    def abort(self) -> bool:
        return self.send(Abort())

    def reset(self) -> bool:
        return self.send(Reset())

    def kill(self, party: int) -> bool:
        return self.send(Kill(party))

    def release_gate(self) -> bool:
        return self.send(ReleaseGate())

    def continue_stage(self) -> bool:
        return self.send(ContinueStage())

    def pause(self, paused: bool = True) -> bool:
        return self.send(Pause(paused))

    def seek(self, t_s: float) -> bool:
        return self.send(Seek(t_s))

    def set_speed(self, speed: float) -> bool:
        return self.send(SetSpeed(speed))

    @property
    def fault(self) -> str | None:
        """The error that ended the run early (a full disk, an internal error), if any."""
        return self._fault

    def fetch_stack(self, party: int) -> bool:
        return self.send(FetchStack(party))

    def take_stacks(self, timeout: float = 0.0) -> list[PartyStack]:
        """The answers to `FetchStack` that arrived since the last call.  The GUI never waits
        (timeout 0: a process has to be asked first, so an answer comes a few milliseconds
        after its request); a headless caller may wait up to `timeout` for one."""
        with self._stacks_ready:
            if not self._stacks and timeout > 0:
                self._stacks_ready.wait(timeout)
            taken, self._stacks = self._stacks, []
        return taken

    # ----------------------------------------------------------------- source side
    def _start_thread(self, target: Any, name: str) -> None:
        self._thread = threading.Thread(
            target=self._guarded, args=(target, name), name=name, daemon=True
        )
        self._thread.start()

    def _guarded(self, target: Any, name: str) -> None:
        """The thread's body, and the last resort if it raises: end what runs, publish why."""
        try:
            target()
        except BaseException as exc:
            self._record_fault(f"internal error on the {name} thread: {type(exc).__name__}: {exc}")
            try:
                self._abandon()
            finally:
                if self._outcome is None:
                    self._finish(RunOutcome(RunStatus.STOPPED, "internal error"))

    def _abandon(self) -> None:  # noqa: B027 - optional: a replay has nothing to end
        """The source's thread died: end every party now, from this thread (best effort)."""

    def _end_soon(self) -> None:
        """A fault: end the run as Stop would (overridden where Stop is not enough)."""
        if not self._finishing:
            self._accept(Stop())

    def _record_fault(self, reason: str) -> bool:
        """Keep the first fault; True if this was it."""
        first = self._fault is None
        if first:
            self._fault = " ".join(reason.split())[:500]
        return first

    def _deliver(self, events: list[Event]) -> None:
        failed: OSError | None = None
        log = self._log
        with self._arrived:
            self._pending.extend(events)
            self.events.extend(events)
            if log is not None and self._log is log:
                try:
                    log.write(events)
                except OSError as exc:
                    failed, self._log = exc, None  # no more writes, from any thread
                    log.abandon()
            self._arrived.notify_all()
        if failed is not None and log is not None:
            why = failed.strerror or str(failed)
            self._record_fault(
                f"cannot write the event log {log.path}: {why} "
                f"(what was written is in {log.part_path.name})"
            )
            self._end_soon()

    def _post(
        self, kind: str, party: int | None = None, stage: int | None = None, **data: Any
    ) -> None:
        self._deliver([Event(kind, time.monotonic_ns(), party, os.getpid(), stage, data)])

    def _answer_stack(self, stack: PartyStack) -> None:
        """Hand an answer to `FetchStack` over (from whichever thread found it)."""
        with self._stacks_ready:
            self._stacks.append(stack)
            self._stacks_ready.notify_all()

    def _finish(self, outcome: RunOutcome) -> None:
        """Deliver `run_end`, close the log, then publish the outcome (which ends `wait_events`).

        Whatever fails here, the outcome is published: a caller must never wait forever."""
        if self._finishing:
            return
        self._finishing = True
        if self._fault is not None:
            outcome = RunOutcome(RunStatus.STOPPED, f"the run was ended: {self._fault}")
        try:
            self._post(
                "run_end", status=outcome.status, exit_code=outcome.exit_code, reason=outcome.reason
            )
            if self._log is not None:
                log, self._log = self._log, None
                try:
                    log.close()
                except OSError as exc:
                    why = exc.strerror or str(exc)
                    self._record_fault(f"cannot save the event log {log.path}: {why}")
                    outcome = RunOutcome(RunStatus.STOPPED, self._fault or "")
        finally:
            with self._arrived:
                self._outcome = outcome
                self._arrived.notify_all()
