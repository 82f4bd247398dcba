"""The drain's rules, one at a time, with the writer and the reader in this process.

Torn, stale and half-written records are set up byte by byte (what a weakly ordered CPU or a
writer killed mid-store could show the reader) and must never be decoded; pipe events must
land exactly at the ring position they carry, whatever order the two channels are read in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from engine.core.events import Event
from engine.core.ring.codec import ARRIVE
from engine.core.ring.drain import RingDrain
from engine.core.ring.layout import (
    HEAD,
    RECORD,
    RECORD_SIZE,
    WORD,
    RingBlock,
    control_offset,
    records_offset,
)
from engine.core.ring.writer import RingWriter


class Rig:
    """One block, a writer per ring and the drain, all in this process."""

    def __init__(self, rings: int = 1, capacity: int = 8, strict: bool | None = None) -> None:
        self.block = RingBlock(rings, capacity=capacity, named=False)
        self.drain = RingDrain(self.block, strict=strict)
        self.writers = [
            RingWriter(self.block.port(i), wait_limit_s=0.0, strict=strict) for i in range(rings)
        ]
        self.t = 1_000

    def arrive(self, ring: int = 0, stage: int = 0, t_ns: int | None = None) -> None:
        self.t += 10
        assert self.writers[ring].append(ARRIVE, t_ns or self.t, stage, 0.0, 9, 0)

    def marked(self, ring: int, stage: int, t_ns: int | None = None) -> tuple[Any, ...]:
        """A crash event as the sink would send it on the pipe now (mark = ring head)."""
        self.t += 10
        mark = self.writers[ring].head
        return ("crash", t_ns or self.t, ring, os.getpid(), stage, {"error": "x"}, mark)

    def heads(self) -> Any:
        return self.drain.reader.heads()

    def store_head(self, value: int, ring: int = 0) -> None:
        WORD.pack_into(self.block.buffer, control_offset(ring) + 8 * HEAD, value)

    def pack(self, seq: int, stamp: int, kind: int = ARRIVE, ring: int = 0) -> None:
        base = records_offset(self.block.rings, self.block.capacity, ring)
        offset = base + (seq % self.block.capacity) * RECORD_SIZE
        RECORD.pack_into(self.block.buffer, offset, 5, 0.0, seq, 9, 0, kind, stamp)


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.drain.close()


def stages(events: list[Event]) -> list[tuple[str, int | None]]:
    return [(e.kind, e.stage) for e in events]


def test_a_head_published_before_its_records_decodes_only_whole_records(rig: Rig) -> None:
    rig.arrive(stage=0)
    rig.store_head(4)  # as if the head became visible before records 1..3
    assert stages(rig.drain.drain()) == [("arrive", 0)]
    assert rig.drain.reader.tails[0] == 1  # the rest stays for the next drain
    for stage in (1, 2, 3):
        rig.arrive(stage=stage)
    assert stages(rig.drain.drain()) == [("arrive", 1), ("arrive", 2), ("arrive", 3)]


def test_a_head_read_below_the_tail_takes_nothing(rig: Rig) -> None:
    for stage in range(3):
        rig.arrive(stage=stage)
    assert len(rig.drain.drain()) == 3
    rig.store_head(0)  # e.g. a word caught mid-update by a store that zeroes it first
    assert rig.drain.drain() == []
    assert rig.drain.reader.tails[0] == 3
    rig.arrive(stage=3)  # the writer's next store puts the true head back
    assert stages(rig.drain.drain()) == [("arrive", 3)]


def test_a_slot_still_holding_the_previous_lap_is_not_decoded(rig: Rig) -> None:
    for stage in range(8):
        rig.arrive(stage=stage)
    assert len(rig.drain.drain()) == 8
    rig.store_head(10)  # slots 0 and 1 still hold records 0 and 1 (stamps 1 and 2)
    assert rig.drain.drain() == []
    assert rig.drain.reader.tails[0] == 8


def test_a_half_written_record_is_not_decoded_until_its_stamp_lands(rig: Rig) -> None:
    rig.pack(0, stamp=0)  # pack_into zeroes the record first: a stamp of 0 is "not yet"
    rig.store_head(1)
    assert rig.drain.drain() == []
    rig.pack(0, stamp=1)
    assert stages(rig.drain.drain()) == [("arrive", 0)]


def test_whole_records_with_unknown_codes_are_dropped_and_counted(rig: Rig) -> None:
    rig.pack(0, stamp=1, kind=99)
    rig.pack(1, stamp=2)
    rig.store_head(2)
    rig.writers[0].head = 2
    assert stages(rig.drain.drain()) == [("arrive", 1)]
    assert rig.drain.reader.invalid == 1


def test_a_pipe_event_lands_at_its_mark_when_both_are_read_together(rig: Rig) -> None:
    rig.arrive(stage=0)
    rig.arrive(stage=1)
    crash = rig.marked(0, stage=2, t_ns=rig.t + 10)
    rig.arrive(stage=3, t_ns=rig.t + 10)  # the same instant: the mark decides
    events = rig.drain.merge(rig.heads(), [crash], complete=True)
    assert stages(events) == [("arrive", 0), ("arrive", 1), ("crash", 2), ("arrive", 3)]


def test_a_pipe_event_read_before_its_records_waits_for_them(rig: Rig) -> None:
    rig.arrive(stage=0)
    heads = rig.heads()  # the snapshot misses what follows
    rig.arrive(stage=1)
    crash = rig.marked(0, stage=2)
    assert stages(rig.drain.merge(heads, [crash], complete=True)) == [("arrive", 0)]
    rig.arrive(stage=3)
    later = rig.drain.merge(rig.heads(), [], complete=True)
    assert stages(later) == [("arrive", 1), ("crash", 2), ("arrive", 3)]


def test_after_a_bounded_pipe_read_rings_stop_at_the_last_mark_read(rig: Rig) -> None:
    rig.arrive(stage=0)
    crash = rig.marked(0, stage=1)
    rig.arrive(stage=2)
    unread = rig.marked(0, stage=3)  # still in the pipe: the read stopped at its limit
    rig.arrive(stage=4)
    first = rig.drain.merge(rig.heads(), [crash], complete=False)
    assert stages(first) == [("arrive", 0), ("crash", 1)]
    second = rig.drain.merge(rig.heads(), [unread], complete=True)
    assert stages(second) == [("arrive", 2), ("crash", 3), ("arrive", 4)]


def test_a_dead_partys_pending_events_come_after_all_its_records(rig: Rig) -> None:
    rig.arrive(stage=0)
    crash = rig.marked(0, stage=1)
    stale_heads = np.zeros(1, np.int64)  # pretend the snapshot saw nothing
    assert rig.drain.merge(stale_heads, [crash], complete=True) == []
    events = rig.drain.merge(rig.heads(), [], complete=True, final=[0])
    assert stages(events) == [("arrive", 0), ("crash", 1)]


def test_parties_interleave_by_time_and_unmarked_events_join_in() -> None:
    rig = Rig(rings=2)
    try:
        rig.arrive(ring=0, stage=0, t_ns=100)
        rig.arrive(ring=1, stage=0, t_ns=50)
        rig.arrive(ring=0, stage=1, t_ns=300)
        rig.arrive(ring=1, stage=1, t_ns=200)
        loose = ("output", 250, None, 1, None, {"stream": "stdout", "text": "hi"})
        events = rig.drain.merge(rig.heads(), [loose], complete=True)
        assert [(e.t_ns, e.party) for e in events] == [
            (50, 1), (100, 0), (200, 1), (250, None), (300, 0),
        ]  # fmt: skip
    finally:
        rig.drain.close()


def test_a_clock_running_backwards_cannot_reorder_a_party(rig: Rig) -> None:
    rig.arrive(stage=0, t_ns=500)
    rig.arrive(stage=1, t_ns=400)
    rig.arrive(stage=2, t_ns=600)
    assert stages(rig.drain.drain()) == [("arrive", 0), ("arrive", 1), ("arrive", 2)]


def test_the_doorbell_rings_once_per_crossing_of_half_full() -> None:
    rig = Rig(capacity=16)
    fd = rig.block.doorbell_fd
    try:
        for stage in range(8):
            rig.arrive(stage=stage)
        assert _pending_bytes(fd) == 0  # 8 of 16 used only after this write: not yet
        for stage in range(8, 16):
            rig.arrive(stage=stage)
        assert _pending_bytes(fd) == 1  # crossed once, rang once, however far it filled
        assert len(rig.drain.drain()) == 16  # reads the doorbell byte too
        for stage in range(16, 26):
            rig.arrive(stage=stage)
        assert _pending_bytes(fd) == 1  # a second crossing, a second byte
        assert rig.writers[0].stats["doorbells"] == 2
    finally:
        rig.drain.close()


def _pending_bytes(fd: int) -> int:
    """Read (and so consume) what the doorbell holds."""
    try:
        return len(os.read(fd, 4096))
    except BlockingIOError:
        return 0


def test_a_full_ring_refuses_after_the_wait_limit_and_takes_records_again_later(rig: Rig) -> None:
    for stage in range(8):
        rig.arrive(stage=stage)
    assert not rig.writers[0].append(ARRIVE, 1, 8, 0.0, 9, 0)  # full, limit 0: refused
    assert not rig.writers[0].append(ARRIVE, 1, 8, 0.0, 9, 0)  # no second wait meanwhile
    assert rig.writers[0].stats["waits"] == 1
    assert rig.writers[0].stats["overflows"] == 2
    assert len(rig.drain.drain()) == 8
    rig.arrive(stage=8)
    assert stages(rig.drain.drain()) == [("arrive", 8)]


def test_the_fenced_path_for_weakly_ordered_cpus_gives_the_same_events() -> None:
    rig = Rig(capacity=4, strict=True)
    try:
        for stage in range(11):
            rig.arrive(stage=stage)
            if stage % 3 == 2:
                assert [e.stage for e in rig.drain.drain()] == [stage - 2, stage - 1, stage]
    finally:
        rig.drain.close()


def test_a_writer_attaching_again_goes_on_from_the_published_head(rig: Rig) -> None:
    rig.arrive(stage=0)
    again = RingWriter(rig.block.port(0))
    assert again.head == 1
    assert again.append(ARRIVE, 7, 1, 0.0, 9, 0)
    assert stages(rig.drain.drain()) == [("arrive", 0), ("arrive", 1)]


def test_frames_that_are_not_events_are_counted_not_fatal(rig: Rig) -> None:
    rig.arrive(stage=0)
    bogus = [None, ("x",), ("crash", 1, 0, 1, 0, {}, "not a mark"), ("crash", 1, 9, 1, 0, {}, 0)]
    assert stages(rig.drain.merge(rig.heads(), bogus, complete=True)) == [("arrive", 0)]
    assert rig.drain.malformed == 4
