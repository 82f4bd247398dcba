"""The parent's drain: every ring plus the event pipe → one batch of `Event`s, in order.

Per-party order across the two channels.  A party's pipe event carries its ring's head at
sending time, S: exactly the records before it.  One drain is

    1. snapshot every ring's head
    2. read the pipe (bounded)
    3. for each party, take its records up to a limit, and place each pipe event with mark S
       just before record S

The order of 1 and 2 is the proof.  A party publishes record S only after its earlier pipe
event's write returned, so if the snapshot (1) shows record S, that pipe event was already in
the pipe when (2) read it — provided (2) read everything (`complete`).  The other way round, a
pipe event read in (2) whose records (< S) were not in the snapshot yet waits in `pending`
until a later drain has them; they are published, so the wait is one drain.  When (2) stopped
at its byte limit, an unread pipe event could precede any record, so a ring is taken only up
to the highest mark read from it.  A party that died is drained completely: every record (even
one stored but not yet published), then every pipe event it sent.

Across parties the batch is ordered by timestamp (one CLOCK_MONOTONIC on a host), ties broken
by position within the party.  A party's own timestamps never decrease (one writer takes them
in emit order), so sorting keeps its order; a guard repairs the batch if a clock ever did.
Pipe events without a mark (another thread of a party, a sink without a ring) keep their
timestamps and join the sort.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import os
from collections.abc import Collection, Iterator
from typing import Any

import numpy as np

from engine.core.events import Event, event_from_wire
from engine.core.ring.codec import SharedData, decode_columns
from engine.core.ring.layout import RingBlock
from engine.core.ring.reader import I64, RingReader, Taken, as_rows, gather
from engine.core.wire import DRAIN_LIMIT, read_frames

Marked = tuple[str, int, int, int, int | None, dict[str, Any], int]


class RingDrain:
    """Owns the reader side of a block; `drain()` from the pump thread only."""

    def __init__(self, block: RingBlock, *, strict: bool | None = None) -> None:
        self.block = block
        self.reader = RingReader(block, strict=strict)
        self.pending: dict[int, collections.deque[Marked]] = collections.defaultdict(
            collections.deque
        )
        self._rx = bytearray()
        self.decoded = 0  # records turned into events so far
        self.malformed = 0  # pipe frames that are not events (never from our own sinks)
        self._shared = SharedData(block.strings)

    def drain(self, pipe: Any = None, *, final: Collection[int] = ()) -> list[Event]:
        """Everything that arrived, as one batch.  `final`: rings whose party has died.

        `pipe` is the event pipe's read end (a Connection) or None when the pipe is read
        elsewhere — then call `merge` with its frames instead.
        """
        self.clear_doorbell()
        heads = self.reader.heads()  # 1. the snapshot, before the pipe
        if pipe is None:
            wires: list[Any] = []
            complete = True
        else:
            wires, complete = read_frames(pipe, self._rx, None if final else DRAIN_LIMIT)
        return self.merge(heads, wires, complete, final)

    def merge(
        self, heads: I64, wires: list[Any], complete: bool, final: Collection[int] = ()
    ) -> list[Event]:
        """Steps 3 onward, for frames read after `heads` was taken (see the module doc)."""
        loose: list[Any] = []
        rings = self.reader.rings
        for wire in wires:
            if type(wire) is not tuple:
                self.malformed += 1
            elif len(wire) == 6:
                loose.append(wire)
            elif len(wire) == 7 and type(wire[6]) is int and wire[2] in range(rings):
                self.pending[wire[2]].append(wire)
            else:
                self.malformed += 1
        limits = heads.copy() if complete else self._limits_read(heads)
        for ring in final:  # a dead party's frames are all read (drain reads to the end)
            limits[ring] = heads[ring]
        taken = self.reader.take(limits, recover=final)
        placed = self._release_pending(taken.tails, final)
        if not (len(taken) or placed or loose):
            return []  # the usual frame-rate drain of a quiet run: a few µs
        self.decoded += len(taken)
        return self._ordered(taken, placed, loose)

    def clear_doorbell(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.block.doorbell_fd, 4096):
                pass

    def close(self) -> None:
        """Release the reader's views, then unmap and unlink the block."""
        self.reader.close()
        self.block.close()

    # ----------------------------------------------------------------- internals
    def _limits_read(self, heads: I64) -> I64:
        """After a bounded pipe read: a ring only up to the highest mark read from it."""
        limits = self.reader.tails.copy()
        for ring, queue in self.pending.items():
            if queue:
                limits[ring] = min(int(heads[ring]), queue[-1][6])
        return limits

    def _release_pending(self, tails: I64, final: Collection[int]) -> list[Marked]:
        placed: list[Marked] = []
        for ring, queue in self.pending.items():
            if ring in final:
                placed.extend(queue)
                queue.clear()
                continue
            tail = int(tails[ring])
            while queue and queue[0][6] <= tail:
                placed.append(queue.popleft())
        return placed

    def _ordered(self, taken: Taken, placed: list[Marked], loose: list[Any]) -> list[Event]:
        records, n_records = taken.records, len(taken)
        extra = placed + loose
        t_ns = records["t_ns"].astype(np.int64)
        party = taken.ring
        position = 2 * taken.seq + 1  # a marked pipe event S sits at 2S, before record S
        if extra:
            t_ns = np.concatenate([t_ns, np.array([w[1] for w in extra], np.int64)])
            party = np.concatenate(
                [party, np.array([w[2] for w in placed] + [-1] * len(loose), np.int64)]
            )
            position = np.concatenate(
                [position, np.array([2 * w[6] for w in placed] + [0] * len(loose), np.int64)]
            )
        t_ns = _never_backwards(t_ns, party, position, not extra)
        # records alone come in party order already, so a stable sort by time keeps it
        order = np.lexsort((position, t_ns)) if extra else np.argsort(t_ns, kind="stable")
        ring_order = order[order < n_records] if extra else order
        picked = gather(as_rows(records), ring_order)
        rings = taken.ring[ring_order]
        kinds, t, stages, values, a, b = (
            picked[name].tolist() for name in ("kind", "t_ns", "stage", "value", "a", "b")
        )
        parties = rings.tolist()
        pids = list(map(self.reader.pids().tolist().__getitem__, parties))  # no int per event
        with collector_paused():
            events = decode_columns(
                kinds, t, parties, pids, stages, values, a, b, self.block.strings, self._shared
            )
        if not extra:
            return events
        others = [event_from_wire(w[:6]) for w in extra]
        decoded = iter(events)
        return [next(decoded) if i < n_records else others[i - n_records] for i in order.tolist()]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch of Events is built.

    Why: Events and their data are acyclic, yet every 700 allocations the collector would walk
    the young Events again, and promote them towards full collections — ~35 % of the decode's
    CPU at a batch of 240,000 (benchmarks/ring_path.py).  Paused, the next allocation after the
    batch triggers one collection instead.  The previous state is restored, so two drains in
    two threads cannot leave the collector off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _never_backwards(t_ns: I64, party: I64, position: I64, in_order: bool) -> I64:
    """`t_ns`, raised where needed so that no party's time runs backwards in its own order.

    Never needed with a sane clock (one writer per ring takes its timestamps in order); this
    keeps per-party order even if one were not.  `in_order`: the items are already sorted by
    party then position (records alone, as `take` returns them).
    """
    order = np.arange(len(t_ns)) if in_order else np.lexsort((position, party))
    t_seq, p_seq = t_ns[order], party[order]
    same = (p_seq[1:] == p_seq[:-1]) & (p_seq[1:] >= 0)
    if not np.any(same & (t_seq[1:] < t_seq[:-1])):
        return t_ns
    fixed = t_ns.copy()
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    ends = np.append(starts[1:], len(order))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if p_seq[start] >= 0:
            fixed[order[start:end]] = np.maximum.accumulate(t_seq[start:end])
    return fixed
