"""Where every byte of the ring block lives, and how a block is made, shared and attached.

One block holds one ring per party:

    header    64 bytes     magic, ring count, capacity, record size (checked on attach)
    controls  128 bytes    per ring: the writer's line (head, pid, wait and doorbell counters)
                           and, on its own cache line, the reader's tail
    records   40 bytes     per slot, `capacity` slots per ring, capacity a power of two

Why one block: one mapping and one name for a whole run, however many parties.  Why separate
cache lines for head and tail: the writer stores head on every event and the reader stores tail
once per drain; on one line they would bounce between cores.

Fork children inherit an anonymous `mmap` (nothing named, nothing to leak); spawn and forkserver
children attach a `multiprocessing.shared_memory` block by name.  The parent owns the block and
unlinks the name when it closes it; if the parent dies first, multiprocessing's resource tracker
unlinks it.  This module is numpy-free on purpose: children import it, and a spawned child
should not pay for numpy.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import platform
import struct
import threading
from collections.abc import Callable
from multiprocessing import shared_memory
from multiprocessing.connection import Connection
from typing import Any, Final

from engine.core.ring.codec import string_table

MAGIC: Final = b"BVRING01"
HEADER = struct.Struct("@8sQQQ")  # magic, rings, capacity, record size
HEADER_SIZE: Final = 64
CONTROL_SIZE: Final = 128  # two cache lines per ring
# One record; `stamp` (its sequence number + 1) is the LAST field, so struct stores it last.
# pack_into first zeroes the whole record, so a half-written record never carries a valid stamp.
RECORD = struct.Struct("@qdiiiBxxxQ")  # t_ns, value, stage, a, b, kind, (pad), stamp
RECORD_SIZE: Final = RECORD.size
FIELD_OFFSETS: Final = {"t_ns": 0, "value": 8, "stage": 16, "a": 20, "b": 24, "kind": 28}
STAMP_OFFSET: Final = 32
WORD = struct.Struct("@Q")  # reads one control word (its pack_into would zero the word first)

# control words (8 bytes each): the writer's cache line …
HEAD, PID, WAITS, WAIT_NS, OVERFLOWS, DOORBELLS = range(6)
# … and the reader's, 64 bytes further on
TAIL: Final = 8

DEFAULT_CAPACITY: Final = 2048  # records per party: ~600 stages of backlog, 80 KiB
MAX_CAPACITY: Final = 1 << 24

assert RECORD_SIZE == 40 and STAMP_OFFSET == RECORD_SIZE - 8

# x86 keeps stores in program order (TSO) and never moves a load after a later store, so the
# ring needs no barrier there.  Everywhere else (aarch64, …) the writer and the reader fence.
STRONGLY_ORDERED: Final = platform.machine().lower() in {"x86_64", "amd64", "i386", "i686", "x86"}


class Fence:
    """A full memory barrier, from Python: release then re-acquire a private lock.

    Why this works: POSIX lists sem_post/sem_wait/sem_trywait and the mutex calls among the
    functions that "synchronize memory" (Base Definitions 4.12), and CPython's Lock is built on
    them.  On aarch64 glibc implements them with a release then an acquire atomic, and a
    store-release followed in program order by a load-acquire is ordered (ARMv8 is RCsc), so
    every access before the call is ordered before every access after it.  ~0.15 µs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    def __call__(self) -> None:
        self._lock.release()
        self._lock.acquire()


def make_fence(strict: bool | None = None) -> Fence | None:
    """A barrier where the CPU needs one (or when `strict`); None where it does not."""
    return Fence() if (strict if strict is not None else not STRONGLY_ORDERED) else None


def block_size(rings: int, capacity: int) -> int:
    return HEADER_SIZE + rings * CONTROL_SIZE + rings * capacity * RECORD_SIZE


def control_offset(ring: int) -> int:
    return HEADER_SIZE + ring * CONTROL_SIZE


def records_offset(rings: int, capacity: int, ring: int = 0) -> int:
    return HEADER_SIZE + rings * CONTROL_SIZE + ring * capacity * RECORD_SIZE


def check_geometry(rings: int, capacity: int) -> None:
    if not 1 <= rings <= 65_536:
        raise ValueError(f"rings must be 1..65536, got {rings}")
    if not 2 <= capacity <= MAX_CAPACITY or capacity & (capacity - 1):
        raise ValueError(f"capacity must be a power of two in 2..{MAX_CAPACITY}, got {capacity}")


class RingBlock:
    """The parent's side of the shared memory: create it before the parties, close it after.

    `named=False` (fork only): an anonymous shared mmap that children inherit.  `named=True`
    (spawn, forkserver; works with fork too): a `SharedMemory` block attached by name.
    The doorbell is a non-blocking pipe; writers ring it when their ring passes half full.
    """

    def __init__(
        self,
        rings: int,
        *,
        capacity: int = DEFAULT_CAPACITY,
        named: bool,
        strings: tuple[str, ...] = (),
    ) -> None:
        check_geometry(rings, capacity)
        self.rings, self.capacity = rings, capacity
        self.strings = string_table(tuple(strings))  # DEFAULT_STRINGS first, then these
        size = block_size(rings, capacity)
        self._shm: shared_memory.SharedMemory | None = None
        self._mmap: mmap.mmap | None = None
        if named:
            self._shm = shared_memory.SharedMemory(create=True, size=size)
            self.buffer: Any = self._shm.buf
            self.name: str | None = self._shm.name
        else:
            self._mmap = mmap.mmap(-1, size)  # MAP_SHARED | MAP_ANONYMOUS: fork shares it
            self.buffer = self._mmap
            self.name = None
        HEADER.pack_into(self.buffer, 0, MAGIC, rings, capacity, RECORD_SIZE)
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)  # on the shared file description: every child's copy
        self.doorbell_fd = read_fd
        self._doorbell_writer = Connection(write_fd, readable=False)
        self.closed = False

    @classmethod
    def for_start_method(
        cls,
        method: str,
        rings: int,
        *,
        capacity: int = DEFAULT_CAPACITY,
        strings: tuple[str, ...] = (),
    ) -> RingBlock:
        """Anonymous memory for fork; a named block for spawn and forkserver."""
        return cls(rings, capacity=capacity, named=method != "fork", strings=strings)

    def port(self, ring: int) -> RingPort:
        """What party `ring` needs to write its ring (picklable when the block is named)."""
        if not 0 <= ring < self.rings:
            raise IndexError(f"ring {ring} is not in 0..{self.rings - 1}")
        return RingPort(
            ring, self.rings, self.capacity, self.strings, self._doorbell_writer, self.name,
            self._mmap,
        )  # fmt: skip

    def word(self, ring: int, index: int) -> int:
        """One control word of one ring (counters for benchmarks and tests)."""
        value: int = WORD.unpack_from(self.buffer, control_offset(ring) + 8 * index)[0]
        return value

    def close(self) -> None:
        """Unmap and unlink.  Close every reader first (their views pin the memory)."""
        if self.closed:
            return
        self.closed = True
        self._doorbell_writer.close()
        os.close(self.doorbell_fd)
        self.buffer = None
        if self._shm is not None:
            with contextlib.suppress(FileNotFoundError):
                self._shm.unlink()
            with contextlib.suppress(BufferError):  # a view still alive: freed when it goes
                self._shm.close()
        if self._mmap is not None:
            with contextlib.suppress(BufferError):
                self._mmap.close()


class RingPort:
    """One party's handle on its ring: passed to the party process at start.

    Fork children inherit it as it is (with the anonymous mapping); spawn and forkserver
    children receive it pickled — the block's name and the doorbell pipe (multiprocessing
    duplicates its descriptor into the child) — and attach on `open_memory()`.
    """

    def __init__(
        self,
        ring: int,
        rings: int,
        capacity: int,
        strings: tuple[str, ...],
        doorbell: Connection,
        name: str | None,
        anonymous: mmap.mmap | None = None,
    ) -> None:
        self.ring, self.rings, self.capacity, self.strings = ring, rings, capacity, strings
        self.doorbell = doorbell
        self.name = name
        self._anonymous = anonymous

    def __getstate__(self) -> dict[str, Any]:
        if self.name is None:
            raise TypeError(
                "an anonymous ring block reaches fork children only; "
                "create it with named=True for spawn or forkserver"
            )
        state = dict(self.__dict__)
        state["_anonymous"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def open_memory(self) -> tuple[Any, Callable[[], None]]:
        """The whole block's buffer, checked against this port, and how to detach it."""
        buffer: Any
        detach: Callable[[], None]
        if self._anonymous is not None:
            buffer, detach = self._anonymous, _keep_mapped
        elif self.name is not None:
            attached = shared_memory.SharedMemory(name=self.name)
            buffer, detach = attached.buf, attached.close
        else:
            raise ValueError("this ring port has no memory to attach")
        magic, rings, capacity, record = HEADER.unpack_from(buffer, 0)
        if (magic, rings, capacity, record) != (MAGIC, self.rings, self.capacity, RECORD_SIZE):
            raise ValueError(f"ring block {self.name or '(anonymous)'} does not match its port")
        return buffer, detach


def _keep_mapped() -> None:
    """Detaching from an inherited anonymous mapping: the parent's RingBlock owns it."""
