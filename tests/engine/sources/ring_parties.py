"""Party bodies for the process source's ring tests (importable under spawn and forkserver).

Each takes the arguments `party_main` takes, so a test swaps it in for the pump's own; each
installs the sink `party_main` would (the party's ring, else the pipe) and then emits a known
sequence.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from engine.core.barrier import InstrumentedBarrier
from engine.core.lifeline import hold
from engine.core.ring import RingSink
from engine.sources.processes.party import PartyControls, PartyJob

FLOOD = 30_000  # events per party: the default ring (2048 slots) wraps about 15 times
PIPE_EVERY = 997  # every so often an event only the pipe can carry, between ring records


def _ring_sink(job: PartyJob, conn: Any, controls: PartyControls) -> RingSink:
    assert controls.lifeline is not None and controls.ring is not None
    hold(controls.lifeline)
    assert controls.ring.ring == job.index  # ring i belongs to the job with index i
    return RingSink(controls.ring, conn)


def arrive_then_die(
    job: PartyJob, barrier: InstrumentedBarrier, conn: Any, controls: PartyControls
) -> None:
    """work_start and arrive into the ring, then SIGKILL: nothing runs after the emit."""
    sink = _ring_sink(job, conn, controls)
    sink.emit("work_start", 0, planned_s=0.0, workload="sleep")
    sink.emit("arrive", 0, barrier=barrier.barrier_id)
    os.kill(os.getpid(), signal.SIGKILL)


def flood(job: PartyJob, barrier: InstrumentedBarrier, conn: Any, controls: PartyControls) -> None:
    """FLOOD events numbered by `stage`: progress into the ring, some crash texts on the pipe."""
    sink = _ring_sink(job, conn, controls)
    for i in range(FLOOD):
        if i % PIPE_EVERY == PIPE_EVERY - 1:
            sink.emit("crash", i, error=f"only the pipe carries this #{i}")
        else:
            sink.emit("progress", i, fraction=i / FLOOD)
    conn.close()
    raise SystemExit(0)
