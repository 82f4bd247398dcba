"""The parent's view of every ring: snapshot the heads, copy the new records out, free them.

    heads:  one aligned 8-byte load per ring (numpy's aligned copy), then a fence
    take:   gather every ring's records [tail, limit) in one fancy-index copy, keep each ring's
            records up to the first whose stamp is not its sequence number + 1, fence, then
            store the new tails (one aligned 8-byte store each)

Why the stamp check when the head already says "published": it makes a torn or early read
harmless whatever the cause — a head read before the record became visible on a weakly ordered
CPU without its fence, a writer killed between the two stores, a buggy writer.  A record whose
stamp is wrong stays in the ring and is read again next time; it is never decoded.  pack_into
zeroes a record before filling it and writes the stamp last, so a half-written record never
carries its own stamp.  Records that are whole but hold a kind or string code the codec does
not know (only a broken or hostile writer makes those) are consumed and counted in `invalid`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.core.ring.codec import ACTION, BROKEN, KIND_NAMES, NO_MESSAGE, WORK_START
from engine.core.ring.layout import (
    CONTROL_SIZE,
    FIELD_OFFSETS,
    HEAD,
    HEADER_SIZE,
    PID,
    RECORD_SIZE,
    STAMP_OFFSET,
    TAIL,
    RingBlock,
    make_fence,
    records_offset,
)

I64 = npt.NDArray[np.int64]
ROW_WORDS = RECORD_SIZE // 8
RECORD_DTYPE = np.dtype(
    {
        "names": ["t_ns", "value", "stage", "a", "b", "kind", "stamp"],
        "formats": ["=i8", "=f8", "=i4", "=i4", "=i4", "u1", "=u8"],
        "offsets": [*FIELD_OFFSETS.values(), STAMP_OFFSET],
        "itemsize": RECORD_SIZE,
    }
)


@dataclass(frozen=True)
class Taken:
    """Records copied out of the rings, in ring order then sequence order."""

    records: npt.NDArray[Any]  # RECORD_DTYPE
    ring: I64  # which ring each record came from
    seq: I64  # its sequence number in that ring
    tails: I64  # every ring's tail after this take

    def __len__(self) -> int:
        return len(self.records)


class RingReader:
    """The single reader of every ring of a block (the parent's pump thread)."""

    def __init__(self, block: RingBlock, *, strict: bool | None = None) -> None:
        self.rings, self.capacity = block.rings, block.capacity
        self._mask = block.capacity - 1
        self._strings = len(block.strings)
        count = block.rings * block.capacity
        offset = records_offset(block.rings, block.capacity)
        self._records: npt.NDArray[Any] | None = np.frombuffer(
            block.buffer, RECORD_DTYPE, count, offset
        )
        # the same slots as rows of 8-byte words: numpy gathers plain rows with one memcpy
        # each, structured ones field by field (~10× slower)
        self._rows: npt.NDArray[np.uint64] | None = np.frombuffer(
            block.buffer, np.uint64, count * ROW_WORDS, offset
        ).reshape(count, ROW_WORDS)
        words = CONTROL_SIZE // 8
        self._control: npt.NDArray[np.uint64] | None = np.frombuffer(
            block.buffer, np.uint64, block.rings * words, HEADER_SIZE
        ).reshape(block.rings, words)
        self._fence = make_fence(strict)
        self.tails: I64 = self._control[:, TAIL].astype(np.int64)
        self.invalid = 0  # whole records with codes the codec does not know (dropped)

    def heads(self) -> I64:
        """Every ring's published head, then a fence: records up to it may be read."""
        heads = self._live_control()[:, HEAD].astype(np.int64)
        if self._fence is not None:
            self._fence()
        return heads

    def pids(self) -> I64:
        """The writing process of each ring (0 until its writer attached)."""
        return self._live_control()[:, PID].astype(np.int64)

    def take(self, limits: I64, recover: Iterable[int] = ()) -> Taken:
        """Copy out every ring's records below `limits` and give their slots back.

        `recover`: rings whose writer is dead; records stored past their head (the writer
        died between its two stores) are taken too when their stamps prove them whole.
        """
        control = self._live_control()
        tails, capacity = self.tails, self.capacity
        limits = np.clip(limits, tails, tails + capacity)
        for dead in recover:
            limits[dead] = self._whole_until(dead, int(limits[dead]))
        counts = limits - tails
        active = np.flatnonzero(counts)
        if not active.size:
            return _empty(tails)
        per_ring = counts[active]
        ring = np.repeat(active, per_ring)
        seq = np.arange(len(ring), dtype=np.int64) + np.repeat(
            tails[active] - (np.cumsum(per_ring) - per_ring), per_ring
        )
        taken = gather(self._live_rows(), ring * capacity + (seq & self._mask))
        if self._fence is not None:  # every record load before the stores that free slots
            self._fence()
        whole = taken["stamp"] == (seq + 1).astype(np.uint64)
        if not whole.all():
            whole = _leading(whole, ring)
        consumed = np.bincount(ring[whole], minlength=self.rings).astype(np.int64)
        moved = np.flatnonzero(consumed)
        tails[moved] += consumed[moved]
        control[moved, TAIL] = tails[moved].astype(np.uint64)
        keep = whole & self._known(taken)
        self.invalid += int(np.count_nonzero(whole & ~keep))
        return Taken(taken[keep], ring[keep], seq[keep], tails.copy())

    def _whole_until(self, ring: int, limit: int) -> int:
        """Extend `limit` over records whose stamp proves them completely stored."""
        records = self._live_records()
        base = ring * self.capacity
        while limit - self.tails[ring] < self.capacity:
            if int(records[base + (limit & self._mask)]["stamp"]) != limit + 1:
                break
            limit += 1
        return limit

    def _known(self, taken: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
        kind, a, b = taken["kind"], taken["a"], taken["b"]
        n = self._strings
        known = (kind >= 1) & (kind < len(KIND_NAMES))
        known &= (kind != WORK_START) | ((a >= 0) & (a < n))
        known &= (kind != ACTION) | (b == NO_MESSAGE) | ((b >= 0) & (b < n))
        known &= (kind != BROKEN) | ((b >= 0) & (b < n))
        return known

    def _live_records(self) -> npt.NDArray[Any]:
        if self._records is None:
            raise ValueError("the ring reader is closed")
        return self._records

    def _live_rows(self) -> npt.NDArray[np.uint64]:
        if self._rows is None:
            raise ValueError("the ring reader is closed")
        return self._rows

    def _live_control(self) -> npt.NDArray[np.uint64]:
        if self._control is None:
            raise ValueError("the ring reader is closed")
        return self._control

    def close(self) -> None:
        """Drop the views on the block, so the block can be unmapped."""
        self._records = self._rows = self._control = None


def gather(rows: npt.NDArray[np.uint64], index: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Records `index` of `rows` (records seen as rows of words), as a RECORD_DTYPE array."""
    picked: npt.NDArray[Any] = rows[index].view(RECORD_DTYPE).reshape(-1)
    return picked


def as_rows(records: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A contiguous RECORD_DTYPE array seen as rows of words (no copy)."""
    rows: npt.NDArray[np.uint64] = records.view(np.uint64).reshape(-1, ROW_WORDS)
    return rows


def _leading(whole: npt.NDArray[np.bool_], ring: I64) -> npt.NDArray[np.bool_]:
    """Per ring, only the records before its first bad one (the rest are read next time)."""
    out = whole.copy()
    for bad_ring in np.unique(ring[~whole]).tolist():
        where = np.flatnonzero(ring == bad_ring)
        first_bad = where[np.argmin(whole[where])]
        out[first_bad : where[-1] + 1] = False
    return out


def _empty(tails: I64) -> Taken:
    nothing = np.zeros(0, np.int64)
    return Taken(np.zeros(0, RECORD_DTYPE), nothing, nothing, tails.copy())
