"""Run real party processes on rings and collect their events the way a pump would.

The loop waits on what a pump waits on — the doorbell, the event pipe, every child's sentinel,
with a frame-rate timeout — drains on each wake-up, and gives a dead party's ring its final
drain before moving on.  Everything started is killed and joined on the way out.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.core.events import Event
from engine.core.ring.drain import RingDrain
from engine.core.ring.layout import DOORBELLS, OVERFLOWS, WAIT_NS, WAITS, RingBlock

FRAME_S = 0.016
Target = tuple[Callable[..., None], tuple[Any, ...]]


@dataclass
class Harvest:
    events: list[Event]
    exitcodes: list[int | None]
    stats: list[dict[str, int]] = field(default_factory=list)
    drains: int = 0

    def of(self, party: int) -> list[Event]:
        return [e for e in self.events if e.party == party]


def harvest(
    method: str,
    targets: Sequence[Target],
    *,
    capacity: int = 64,
    strings: tuple[str, ...] = (),
    timeout: float = 60.0,
    drain: bool = True,
    before_draining: Callable[[RingBlock], None] | None = None,
    busy: bool = False,
) -> Harvest:
    """Start one process per target (args: port, pipe writer, *extra), collect every event.

    `drain=False` drains nothing until every child has ended (a stuck parent).
    `before_draining(block)` runs after the start and before the first drain.
    `busy=True` drains in a tight loop instead of waiting for a wake-up (a racing reader).
    """
    ctx = multiprocessing.get_context(method)
    block = RingBlock.for_start_method(method, len(targets), capacity=capacity, strings=strings)
    rings = RingDrain(block)
    reader, writer = ctx.Pipe(duplex=False)
    procs: list[Any] = []
    out = Harvest([], [])
    try:
        for index, (target, extra) in enumerate(targets):
            proc = ctx.Process(target=target, args=(block.port(index), writer, *extra), daemon=True)
            proc.start()
            procs.append(proc)
        writer.close()
        if before_draining is not None:
            before_draining(block)
        live = {proc.sentinel: index for index, proc in enumerate(procs)}
        deadline = time.monotonic() + timeout
        while live:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(live)} writer(s) still running after {timeout} s")
            watched: list[Any] = [*live, block.doorbell_fd, reader] if drain else [*live]
            ready = multiprocessing.connection.wait(watched, 0 if busy else FRAME_S)
            dead = [live.pop(s) for s in ready if s in live]
            for index in dead:
                procs[index].join()
            if drain or not live:
                out.events += rings.drain(reader, final=dead)
                out.drains += 1
        out.events += rings.drain(reader, final=range(len(targets)))
        out.exitcodes = [proc.exitcode for proc in procs]
        out.stats = [
            {name: block.word(i, word) for name, word in STAT_WORDS.items()}
            for i in range(len(targets))
        ]
        return out
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
        reader.close()
        rings.close()


STAT_WORDS = {"waits": WAITS, "wait_ns": WAIT_NS, "overflows": OVERFLOWS, "doorbells": DOORBELLS}


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a condition another process makes true (bounded; polls, never guesses)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()  # never set: a bounded pause between looks
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        pause.wait(0.002)
