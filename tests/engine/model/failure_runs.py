"""Hand-made event batches: one small run per failure kind, and the helpers that build them.

Shared by the view model's unit tests and the banner's (tests/gui), so both judge the same runs.
"""

from __future__ import annotations

from typing import Any

from engine.core.events import Event
from engine.model.view_model import RunViewModel

NAMES = ["Ann", "Bob", "Cy"]
MS = 1_000_000


def ev(
    kind: str, t_ms: float, party: int | None = None, stage: int | None = None, **data: Any
) -> Event:
    pid = 100 + (party if party is not None else 0)
    return Event(kind, int(t_ms * MS), party, pid, stage, data)


def start(timeout: float | None = None, stages: int = 1, **extra: Any) -> list[Event]:
    """run_start, then every party spawned and working on stage 0."""
    head = ev(
        "run_start", 0, names=NAMES, parties=3, stages=stages, timeout=timeout, barrier=7, **extra
    )
    spawns = [ev("spawn", 1, p) for p in range(3)]
    return [head, *spawns, *(ev("work_start", 2, p, 0, planned_s=0.1) for p in range(3))]


def arrive(p: int, t_ms: float, stage: int = 0) -> Event:
    return ev("arrive", t_ms, p, stage, barrier=7)


def broken(p: int, t_ms: float, stage: int = 0, **data: Any) -> Event:
    return ev("broken", t_ms, p, stage, **{"barrier": 7, "error": "BrokenBarrierError", **data})


def release(p: int, t_ms: float, index: int, stage: int = 0) -> Event:
    return ev("release", t_ms, p, stage, barrier=7, index=index)


def model_of(events: list[Event]) -> RunViewModel:
    model = RunViewModel()
    model.apply(events)
    return model


TIMEOUT_RUN = [*start(timeout=0.5), arrive(0, 100), arrive(1, 120), broken(0, 620), broken(1, 620)]
ABORT_RUN = [*start(), arrive(0, 100), arrive(1, 120), ev("abort", 200, by="user"), broken(0, 210)]
RESET_RUN = [*start(), arrive(0, 100), ev("reset", 200, by="user"), broken(0, 210)]
ACTION_RUN = [
    *start(),
    *(arrive(p, 100 + p) for p in range(3)),
    ev("action", 103, 2, 0, barrier=7, message="🚀"),
    broken(2, 104, reason="action_raised", error="RuntimeError: no fuel"),
    broken(0, 105),
    broken(1, 105),
]
CRASH_RUN = [
    *start(timeout=0.5),
    arrive(0, 100),
    ev("crash", 150, 1, error="RuntimeError: boom"),
    ev("exit", 160, 1, exitcode=1),
    arrive(2, 170),
    broken(0, 600),
    broken(2, 600),
]
STRANDED_RUN = [
    *start(),
    arrive(0, 100),
    arrive(1, 120),
    ev("kill", 150, 2, reason="user", signal="SIGKILL"),
    ev("exit", 151, 2, exitcode=-9),
    ev("stranded", 460, message="2 of 3 arrived; no party is left to come — Cy died, so …"),
    ev("abort", 770, by="app"),
    broken(0, 780),
    broken(1, 780),
]
WEDGED_RUN = [
    *start(),
    arrive(0, 100),
    ev("kill", 150, 0, reason="fault", signal="SIGKILL"),
    ev("exit", 151, 0, exitcode=-9),
    ev("wedged", 152, 0, message="Ann died inside wait(); the barrier can no longer release"),
    arrive(1, 200),
    ev("exit", 460, 1, exitcode=-15),
    ev("exit", 461, 2, exitcode=-15),
    ev("run_end", 470, status="died", exit_code=4, reason="Ann died inside wait()"),
]
DIED_RUN = [*start(), arrive(0, 100), ev("exit", 130, 1, exitcode=1)]
UNKNOWN_BREAK_RUN = [*start(), arrive(0, 100), broken(0, 200)]
