"""The shared-memory event path: one single-writer ring per party, drained by the parent.

Why: on the pipe path every event is a pickle and a write into one shared pipe, and every
write wakes the parent's pump, which then competes with the parties for the cores and for its
own GIL.  Here a party stores a fixed-size record in its own ring and advances a counter —
no syscall, no wake-up — and the parent drains all rings in bulk at frame rate.

    layout   the block: header, per-ring control words, records; RingBlock (parent), RingPort
    codec    which events fit a record, and the exact way back to the same `Event`s
    writer   RingWriter: store, publish, doorbell at half full, bounded wait when full
    sink     RingSink: hot kinds into the ring, the rest on the pipe with their ring position
    reader   RingReader: snapshot heads, copy records out, check stamps, free slots (numpy)
    drain    RingDrain: rings + pipe → one ordered batch of Events

Memory ordering (why a reader never decodes a torn record).  A slot belongs to the writer
from the moment the reader's tail passes it until the writer's head passes it, then to the
reader until the tail passes it again: the ring is single-producer single-consumer, and each
counter has one writer.  Head and tail are aligned 8-byte words, each stored and loaded in one
access — the writer through a memoryview cast to "Q" (one 8-byte memcpy, which compilers emit
as one move; not struct.pack_into, which zeroes the word first), the reader through numpy's
aligned copies — and aligned 8-byte accesses are single-copy atomic on x86-64 and aarch64, so
neither side ever sees half a counter.

- Writer: record stores, then the head store.  On x86-64 (TSO) stores become visible in
  program order, and CPython cannot move the stores of one C call (pack_into) past those of a
  later one.  On aarch64 stores may be reordered, so the writer fences between them.
- Reader: head load, then record loads, then the tail store.  x86-64 orders loads with later
  loads and with later stores; on aarch64 the reader fences after the heads and before the
  tails (both once per drain, not per record).
- The writer's full check loads the tail and only then stores into the slot; the store
  depends on the loaded value through a branch, and no CPU makes a speculative store visible.
- Belt and braces: each record carries a stamp (sequence + 1) stored last; the reader decodes
  a record only if its stamp matches, so a record seen too early stays for the next drain.

The fence (layout.Fence) is a lock release then acquire: POSIX makes both memory-synchronising
and on ARMv8 a release followed by an acquire is a full barrier.  It costs ~0.15 µs and is
skipped where the CPU is strongly ordered (layout.STRONGLY_ORDERED).
"""

from __future__ import annotations

from engine.core.ring.codec import DEFAULT_STRINGS, ENCODERS, string_table
from engine.core.ring.layout import DEFAULT_CAPACITY, RingBlock, RingPort
from engine.core.ring.sink import RingSink
from engine.core.ring.writer import WAIT_LIMIT_S, RingWriter

__all__ = [
    "DEFAULT_CAPACITY",
    "DEFAULT_STRINGS",
    "ENCODERS",
    "WAIT_LIMIT_S",
    "RingBlock",
    "RingPort",
    "RingSink",
    "RingWriter",
    "string_table",
]
