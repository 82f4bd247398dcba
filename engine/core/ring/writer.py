"""The writer of one ring: store a record, publish it, and never wake anyone on the way.

    append:  pack the record into slot head % capacity (zeroed first, stamp last)
             fence (only on weakly ordered CPUs)
             store head + 1 (one aligned 8-byte store, through a memoryview cast to "Q")

The parent is not woken by a write.  It drains at frame rate; a writer that finds its ring
half full rings the doorbell — one byte on a non-blocking pipe, at most once per crossing of
the half mark — so a fast writer is drained early.  A full ring never drops a record: the
writer waits for the reader (spinning briefly, then sleeping in growing steps), counting each
wait and its duration in the ring's control words.  If the ring is still full after
`wait_limit_s` (the parent is stuck or stopped), `append` returns False and the sink sends the
event on the pipe instead, marked with the ring position it follows, so nothing is lost and
the reader still puts it in order; until the reader frees space, later events go the same way
without waiting again.
"""

from __future__ import annotations

import os
import time
from typing import Final

from engine.core.ring.layout import (
    CONTROL_SIZE,
    DOORBELLS,
    HEAD,
    OVERFLOWS,
    PID,
    RECORD,
    RECORD_SIZE,
    TAIL,
    WAIT_NS,
    WAITS,
    RingPort,
    control_offset,
    make_fence,
    records_offset,
)

WAIT_LIMIT_S: Final = 2.0  # the pump drains every few ms; 2 s of full ring means it is stuck
SPINS: Final = 32  # re-reads of the tail before the first sleep
FIRST_NAP_S: Final = 20e-6
MAX_NAP_S: Final = 1e-3


class RingWriter:
    """The single writer of one ring (one thread of one process; see RingSink)."""

    def __init__(
        self, port: RingPort, *, wait_limit_s: float = WAIT_LIMIT_S, strict: bool | None = None
    ) -> None:
        self.ring = port.ring
        self.wait_limit_s = wait_limit_s
        self._buffer, self._detach = port.open_memory()
        self._doorbell_fd = port.doorbell.fileno()
        self._capacity = port.capacity
        self._mask = port.capacity - 1
        self._half = port.capacity // 2
        self._records = records_offset(port.rings, port.capacity, port.ring)
        self._control = control_offset(port.ring)
        self._fence = make_fence(strict)
        self._pack = RECORD.pack_into
        # the control words as 8-byte items: one store each (struct.pack_into would zero the
        # word first, so a reader could see 0 in between)
        words = memoryview(self._buffer)[self._control : self._control + CONTROL_SIZE]
        self._words = words.cast("Q")
        self.head = self._load(HEAD)  # records published so far (a re-attached ring goes on)
        self._check_at = self.head  # look at the reader's tail on the first append
        self._rung = False  # the doorbell rang since the ring last went below half
        self._overflowing = False  # waited the limit; no more waiting until there is room
        self._store(PID, os.getpid())

    def append(self, kind: int, t_ns: int, stage: int, value: float, a: int, b: int) -> bool:
        """Store and publish one record; False if the ring stayed full past the wait limit.

        Raises struct.error (and publishes nothing) when a value does not fit its field.
        """
        seq = self.head
        if seq >= self._check_at and not self._make_room(seq):
            return False
        offset = self._records + (seq & self._mask) * RECORD_SIZE
        self._pack(self._buffer, offset, t_ns, value, stage, a, b, kind, seq + 1)
        if self._fence is not None:  # the record before the head, where CPUs reorder stores
            self._fence()
        self.head = seq + 1
        self._words[HEAD] = seq + 1
        return True

    def close(self) -> None:
        """Detach (a named block stays for the parent to unlink)."""
        self._words.release()
        self._buffer = None
        self._detach()

    # ----------------------------------------------------------------- the slow path
    def _make_room(self, seq: int) -> bool:
        """Look at the reader's tail: ring the doorbell, wait, or give up (rare path)."""
        tail = self._load(TAIL)
        used = seq - tail
        if used < self._half:
            self._rung = self._overflowing = False
            self._check_at = tail + self._half
            return True
        if not self._rung:
            self._ring_doorbell()
        if used >= self._capacity:
            if self._overflowing or not self._wait(seq):
                self._overflowing = True
                self._add(OVERFLOWS, 1)
                return False
            self._overflowing = False
            tail = self._load(TAIL)
        # above half: look again every eighth of the ring, and when it would be full
        self._check_at = min(seq + max(self._capacity // 8, 1), tail + self._capacity)
        return True

    def _wait(self, seq: int) -> bool:
        """Wait until the reader frees a slot; False after `wait_limit_s`.  Counted."""
        start = time.monotonic_ns()
        deadline = start + int(self.wait_limit_s * 1e9)
        self._add(WAITS, 1)
        nap, spins, room = FIRST_NAP_S, 0, False
        while True:
            if seq - self._load(TAIL) < self._capacity:
                room = True
                break
            now = time.monotonic_ns()
            if now >= deadline:
                break
            if spins < SPINS:
                spins += 1
                continue
            time.sleep(nap)
            nap = min(nap * 2, MAX_NAP_S)
        self._add(WAIT_NS, time.monotonic_ns() - start)
        return room

    def _ring_doorbell(self) -> None:
        self._rung = True
        try:
            os.write(self._doorbell_fd, b"\x01")
        except OSError:  # full (it is ringing already) or the parent is gone: nothing to do
            return
        self._add(DOORBELLS, 1)

    def _load(self, index: int) -> int:
        value: int = self._words[index]
        return value

    def _store(self, index: int, value: int) -> None:
        self._words[index] = value

    def _add(self, index: int, amount: int) -> None:
        self._store(index, self._load(index) + amount)

    @property
    def stats(self) -> dict[str, int]:
        """This ring's counters (the parent reads the same words via RingBlock.word)."""
        return {
            "head": self.head,
            "waits": self._load(WAITS),
            "wait_ns": self._load(WAIT_NS),
            "overflows": self._load(OVERFLOWS),
            "doorbells": self._load(DOORBELLS),
        }
