"""How a run ended, decided from its events and its processes' exit codes.

Exit codes are a contract (README): 0 every stage passed; 3 the barrier broke (timeout, abort,
reset, the action raised); 4 a party died or the run was stopped.  A death outranks a broken
barrier because it is usually the cause of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.core.events import Event


class RunStatus(StrEnum):
    """The whole life of a run as the views see it.

    The four final values are also the `status` a `run_end` event carries in every log (and a
    `RunOutcome`'s); idle, running and stopping exist only while a view follows a run.
    """

    IDLE = "idle"
    RUNNING = "running"
    STOPPING = "stopping"  # the user asked to stop; the parties are being ended
    PASSED = "passed"
    BROKEN = "broken"
    DIED = "died"
    STOPPED = "stopped"

    @property
    def live(self) -> bool:
        """Parties may still be running (their processes, threads or tasks exist)."""
        return self in (RunStatus.RUNNING, RunStatus.STOPPING)

    @property
    def final(self) -> bool:
        """A status a run can end with (the ones `run_end` and exit codes know)."""
        return self in EXIT_CODES

    @classmethod
    def ended(cls, value: object) -> RunStatus:
        """The final status a `run_end` names; a log that names none (or a live one) died."""
        try:
            status = cls(str(value))
        except ValueError:
            return cls.DIED
        return status if status.final else cls.DIED


EXIT_CODES: dict[RunStatus, int] = {
    RunStatus.PASSED: 0,
    RunStatus.BROKEN: 3,
    RunStatus.DIED: 4,
    RunStatus.STOPPED: 4,
}

PARTY_BROKEN_EXIT = 3


@dataclass(frozen=True)
class RunOutcome:
    status: RunStatus
    reason: str

    @property
    def exit_code(self) -> int:
        # a live status never ends a run; should one arrive (a doctored log), it died
        return EXIT_CODES.get(self.status, EXIT_CODES[RunStatus.DIED])


def decide_outcome(
    events: Sequence[Event],
    exitcodes: Mapping[int, int | None],
    stopped: bool,
    failure: str | None = None,
    *,
    ended: str | None = None,
) -> RunOutcome:
    """The run's status and a one-line reason a person can read.

    `ended`: why the app itself ended a run that could no longer change (only stopped parties
    were left after the barrier broke) — stopped, like a run the user stopped."""
    if failure is not None:
        return RunOutcome(RunStatus.DIED, failure)
    if ended is not None:
        return RunOutcome(RunStatus.STOPPED, ended)
    if stopped:
        return RunOutcome(RunStatus.STOPPED, "the run was stopped")
    names = _names(events)
    wedged = next((e for e in events if e.kind == "wedged" and e.party is not None), None)
    if wedged is not None:
        who = names.get(wedged.party or 0, "a party")
        how = "was stopped" if wedged.get("cause") == "stopped" else "died"
        return RunOutcome(
            RunStatus.DIED,
            f"{who} {how} inside wait(); the wedged barrier's remaining parties were ended",
        )
    died = [i for i, code in sorted(exitcodes.items()) if code not in (0, PARTY_BROKEN_EXIT)]
    if died:
        who = ", ".join(names.get(i, f"party {i + 1}") for i in died)
        return RunOutcome(RunStatus.DIED, f"{who} died")
    if any(e.kind == "broken" for e in events) or PARTY_BROKEN_EXIT in exitcodes.values():
        return RunOutcome(RunStatus.BROKEN, "the barrier broke")
    return RunOutcome(RunStatus.PASSED, "every stage passed")


def _names(events: Sequence[Event]) -> dict[int, str]:
    for event in events:
        if event.kind == "run_start":
            return dict(enumerate(event.get("names", [])))
    return {}
