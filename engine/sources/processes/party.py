"""What one party process does: work, arrive at the barrier, repeat for every stage.

This is the body of each real child process the runner starts.  Work is either a sleep (as in
the classic article) or real CPU work that reports real progress.  Exit codes tell the parent
how the party ended (see `PartyExit`).
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from engine.core.barrier import BrokenBarrierError, InstrumentedBarrier
from engine.core.lifeline import LifelineToken, die_with_parent, hold, ignore_interrupts
from engine.core.ring import RingPort, RingSink
from engine.core.sink import ConnectionSink, EventSink, set_process_sink
from engine.sources.stack_dump import install_stack_dump

PROGRESS_INTERVAL_S = 0.05
CPU_CHUNK = 2_000


class PartyExit(IntEnum):
    PASSED = 0
    CRASHED = 1
    BROKEN = 3


@dataclass(frozen=True)
class PartyJob:
    """Everything a party needs, decided by the parent (so runs are reproducible)."""

    index: int
    name: str
    work_s: tuple[float, ...]  # per stage, speed already applied
    workload: str  # "sleep" | "cpu"
    cpu_rate: float = 0.0  # cpu work units per second, measured by the parent
    crash_at_stage: int | None = None
    presenter: bool = False  # this party's "work" is waiting for the presenter to press G
    stack_file: str | None = None  # where SIGUSR2 dumps its stack (engine.sources.stack_dump)


@dataclass(frozen=True)
class PartyControls:
    """Shared objects through which the presenter steers parties (both optional).

    step_gate: a lock-free shared int; before stage s (s >= 1) a party holds until it reaches
    s.  Lock-free on purpose: a party killed mid-read can never wedge the GUI's writes.
    gate: the presenter party's end of a pipe; each byte received ends one "work" phase.
    start_gate: parties begin their first stage together, once all are started, so slow
    process start-up (spawn, 256 parties, a loaded machine) never eats into a short timeout.
    """

    step_gate: Any = None
    gate: Any = None
    start_gate: Any = None  # a plain Barrier of every party process: the start line
    lifeline: LifelineToken | None = None  # the run's (engine.core.lifeline)
    ring: RingPort | None = None  # this party's event ring (engine.core.ring); else the pipe


STEP_POLL_S = 0.02


def hold_for_step(controls: PartyControls, stage: int, sink: EventSink) -> None:
    """Step-through mode: wait until the presenter lets stage `stage` begin."""
    if controls.step_gate is None or stage == 0 or controls.step_gate.value >= stage:
        return
    sink.emit("hold", stage)
    while controls.step_gate.value < stage:
        time.sleep(STEP_POLL_S)


def spin(units: int) -> float:
    """A fixed amount of pure-Python arithmetic: holds the GIL, like real CPU-bound work."""
    acc = 0.0
    for i in range(units):
        acc += (i % 7) * 0.5
    return acc


def measure_cpu_rate(sample_s: float = 0.02) -> float:
    """Work units per second on this machine, so cpu work takes roughly its planned time."""
    units, start = 0, time.perf_counter()
    while time.perf_counter() - start < sample_s:
        spin(CPU_CHUNK)
        units += CPU_CHUNK
    return units / (time.perf_counter() - start)


def do_work(job: PartyJob, stage: int, sink: EventSink, share: float = 1.0) -> None:
    """Work for `share` of the stage's planned time: sleep, or real CPU work with progress."""
    seconds = job.work_s[stage] * share
    if job.workload != "cpu":
        # no work, no sleep: sleep(0) is a system call and a yield of the CPU (8 parties, zero
        # work: the parties' CPU per stage 511 → 334 µs)
        if seconds > 0:
            time.sleep(seconds)
        return
    for _ in cpu_chunks(seconds, job.cpu_rate, stage, sink):
        pass


def cpu_chunks(seconds: float, rate: float, stage: int, sink: EventSink) -> Iterator[None]:
    """Real CPU work in chunks, reporting `progress`; yields after each chunk so a caller
    (an asyncio task) can let others run between them."""
    total = max(int(seconds * rate), 1)
    done, last_report = 0, time.monotonic()
    while done < total:
        step = min(CPU_CHUNK, total - done)
        spin(step)
        done += step
        now = time.monotonic()
        if now - last_report >= PROGRESS_INTERVAL_S and done < total:
            sink.emit("progress", stage, fraction=round(done / total, 4))
            last_report = now
        yield


def run_party(
    job: PartyJob,
    barrier: InstrumentedBarrier,
    sink: EventSink,
    controls: PartyControls | None = None,
) -> PartyExit:
    """The party's life: for each stage, work then wait.  Returns how it ended."""
    controls = controls or PartyControls()
    if controls.start_gate is not None:
        # if a party never boots, the others start anyway and the real barrier shows it
        with contextlib.suppress(BrokenBarrierError):
            controls.start_gate.wait()
    for stage, planned in enumerate(job.work_s):
        hold_for_step(controls, stage, sink)
        workload = "presenter" if job.presenter else job.workload
        sink.emit(
            "work_start", stage, planned_s=0.0 if job.presenter else planned, workload=workload
        )
        try:
            if job.presenter:
                controls.gate.recv_bytes()  # the presenter pressed G
            elif job.crash_at_stage == stage:
                do_work(job, stage, sink, share=0.5)
                raise RuntimeError(f"{job.name} hit a fault during stage {stage + 1}")
            else:
                do_work(job, stage, sink)
        except Exception as exc:
            last = traceback.format_exception_only(exc)[-1].strip()
            sink.emit("crash", stage, error=last[:500])
            return PartyExit.CRASHED
        try:
            barrier.wait()
        except BrokenBarrierError:
            return PartyExit.BROKEN
        except Exception:  # the action raised in this party; the barrier already reported it
            return PartyExit.BROKEN
    return PartyExit.PASSED


def party_main(
    job: PartyJob, barrier: InstrumentedBarrier, conn: Any, controls: PartyControls | None = None
) -> None:
    """Process entry point (must be importable by spawn and forkserver children)."""
    if controls is not None and controls.lifeline is not None:
        hold(controls.lifeline)
    else:  # a caller of its own (a benchmark): at least die with the parent
        die_with_parent()
    ignore_interrupts()
    install_stack_dump(job.stack_file)
    ring = controls.ring if controls is not None else None
    sink = RingSink(ring, conn) if ring is not None else ConnectionSink(conn, job.index)
    set_process_sink(sink)
    code = run_party(job, barrier, sink, controls)
    conn.close()
    raise SystemExit(int(code))
