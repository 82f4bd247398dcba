"""Two timed duties of the process pump, as small pieces that decide without doing.

- fault kills: when, after which event, a `kill-in-work` or `kill-in-wait` party is SIGKILLed;
- stopped parties: a party that is stopped (SIGSTOP, Ctrl+Z, a debugger) sends nothing and
  never exits, so after a quiet spell the pump looks at the state of every live party and
  tells the barrier watch (engine.sources.watch), which decides what the stop means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.core.events import Event
from engine.scenario import Scenario
from engine.sources.process_state import CAN_TELL, is_stopped
from engine.sources.watch import BarrierWatch

KILL_IN_WORK_SHARE = 0.4  # killed 40 % into the stage's planned work
SWEEP_S = 0.5  # after this long without an event, look for stopped parties (Linux)
Post = Callable[..., None]


def fault_kill_delay(scenario: Scenario, event: Event, kill_in_wait_delay_s: float) -> float | None:
    """Seconds after `event` to SIGKILL its party for a scenario fault, or None."""
    if event.party is None or event.stage is None:
        return None
    if not 0 <= event.party < len(scenario.party):  # e.g. the presenter
        return None
    spec = scenario.party[event.party]
    if spec.fault is None or spec.fault_stage - 1 != event.stage:
        return None
    if spec.fault == "kill-in-work" and event.kind == "work_start":
        return KILL_IN_WORK_SHARE * float(event.get("planned_s", 0.0))
    if spec.fault == "kill-in-wait" and event.kind == "arrive":
        return kill_in_wait_delay_s
    return None


class StoppedSweep:
    """Looks at the live parties' states once the run has been quiet for SWEEP_S."""

    def __init__(self, now: float) -> None:
        self.quiet_since = now

    def heard(self, now: float) -> None:
        """Something happened: the run is not quiet."""
        self.quiet_since = now

    def due_in(self, now: float, anyone_alive: bool) -> float | None:
        """Seconds until the next sweep (None: never, e.g. this platform cannot tell)."""
        if not CAN_TELL or not anyone_alive:
            return None
        return max(self.quiet_since + SWEEP_S - now, 0.0)

    def heard_from(self, batch: list[Event], watch: BarrierWatch, post: Post) -> None:
        """A suspended party that sends an event runs again (a sweep may not come first)."""
        for party in {e.party for e in batch if e.party is not None} & watch.suspended:
            watch.suspend(party, False)
            post("resumed", party, message=f"{watch.name(party)} runs again (SIGCONT).")

    def sweep(
        self, now: float, live: Iterable[tuple[int, Any]], watch: BarrierWatch, post: Post
    ) -> None:
        """If due, tell the watch and post `suspended`/`resumed` for every change of state.
        (Called on every turn of the pump's loop: returns at once unless a sweep is due.)"""
        if not CAN_TELL or now < self.quiet_since + SWEEP_S:
            return
        self.quiet_since = now
        for index, proc in list(live):
            stopped = is_stopped(proc.pid)
            if stopped is None or stopped == (index in watch.suspended):
                continue
            watch.suspend(index, stopped)
            name = watch.name(index)
            if stopped:
                message = (
                    f"{name} (pid {proc.pid}) is stopped (SIGSTOP, Ctrl+Z or a debugger: state "
                    "T); it cannot run, arrive or leave wait() until it gets SIGCONT."
                )
                post("suspended", index, proc.pid, message=message)
            else:
                post("resumed", index, proc.pid, message=f"{name} runs again (SIGCONT).")
