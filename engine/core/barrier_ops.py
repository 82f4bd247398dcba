"""Call abort() or reset() on a run's barrier without ever blocking the caller.

Why a helper process: on a wedged barrier (a party killed inside wait()), abort() blocks
forever while holding the barrier's lock.  A thread stuck like that could never be reclaimed;
a process can be killed at its deadline.  The runner's pump starts it (so the child's
parent-death signal is tied to a long-lived thread) and reports a missed deadline.
"""

from __future__ import annotations

from typing import Literal

from engine.core.barrier import InstrumentedBarrier
from engine.core.lifeline import LifelineToken, hold, ignore_interrupts

BarrierOp = Literal["abort", "reset"]
OP_DEADLINE_S = 2.0


def barrier_op_main(barrier: InstrumentedBarrier, op: BarrierOp, lifeline: LifelineToken) -> None:
    """Process entry: perform `op` on the shared barrier, then exit (or with the run)."""
    hold(lifeline)
    ignore_interrupts()
    if op == "abort":
        barrier.abort()
    else:
        barrier.reset()
