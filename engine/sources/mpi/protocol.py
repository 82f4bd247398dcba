"""What crosses the TCP event channel between the app and an MPI rank, and the clock maths.

Why a protocol of its own: ranks may run on other hosts, so they cannot inherit a pipe or read
the app's files.  Everything a rank needs arrives over one authenticated
`multiprocessing.connection` socket, in this order:

    rank → app   ("hello", Hello)            who it is (rank, world size, pid, host, boot id)
    app  → rank  ("job", RankJob) | ("refuse", reason)
    rank → app   ("ping",)  app → rank ("pong", t_app_ns)      × PING_ROUNDS
    rank → app   ("clock", ClockEstimate)    the best round's offset and uncertainty
    app  → rank  ("offset", applied_ns)      what the app will add to this rank's clock
    rank → app   WireEvent …                 the tuples a party process sends (engine.core.events)
    rank → app   ("bye", exitcode)           just before the rank exits on its own
    app  → rank  Kill(rank) | Stop()         at any time after the job (engine.sources.commands)

Control tags never collide with event kinds (engine.core.events.KINDS); the app's requests are
the same frozen commands a caller sends to any source, so a rank matches them by type.  The
rank side imports only the standard library, mpi4py and stdlib-only engine modules, so a remote
host needs no Qt.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.scenario import ActionSpec
from engine.sources.processes.party import PartyJob

AUTHKEY_ENV = "BARRIER_VIZ_MPI_AUTHKEY"
BOOT_ID_ENV = "BARRIER_VIZ_MPI_BOOT_ID"
PING_ROUNDS = 8
BARRIER_ID = 0  # one barrier per MPI run; named in run_start like the processes backend's
CONTROL_TAGS = frozenset({"hello", "ping", "clock", "bye"})


@dataclass(frozen=True)
class Hello:
    rank: int
    size: int
    pid: int
    host: str
    boot_id: str  # equal boot ids = the same machine since boot = one monotonic clock
    mpi_library: str
    shm: tuple[str, ...] = ()  # MPICH's shared-memory files this rank maps (/dev/shm)


@dataclass(frozen=True)
class RankJob:
    """Everything one rank needs, decided by the app so runs are reproducible."""

    party: PartyJob  # work per stage (speed applied), workload, crash stage
    timeout: float | None  # per wait, speed applied; polled, since MPI barriers have none
    action: ActionSpec | None  # run by rank 0 once per stage, between arrival and release
    kill_at_stage: int | None  # 0-based stage of a kill-in-work / kill-in-wait fault
    kill_in: str | None  # "work" | "wait"
    kill_in_wait_after_s: float  # how long into its wait a kill-in-wait rank dies


@dataclass(frozen=True)
class ClockEstimate:
    """How to turn this rank's `time.monotonic_ns()` into the app's: app = rank + offset_ns.

    `uncertainty_ns` is half the round trip of the best ping: the true offset lies within
    ±uncertainty of the estimate (NTP's reasoning, with the least-delayed sample kept).
    """

    offset_ns: int
    uncertainty_ns: int
    rounds: int


def estimate_offset(samples: Sequence[tuple[int, int, int]]) -> ClockEstimate:
    """From (rank_send_ns, app_ns, rank_receive_ns) rounds, keep the one with the least RTT.

    Why the least round trip: queueing delay only ever adds time, and asymmetrically; the
    fastest exchange is the one where the midpoint assumption is closest to the truth.
    """
    if not samples:
        raise ValueError("no clock samples")
    sent, app, received = min(samples, key=lambda s: s[2] - s[0])
    rtt = received - sent
    return ClockEstimate(app - (sent + received) // 2, (rtt + 1) // 2, len(samples))


def mapped_shm_files(maps: str = "/proc/self/maps") -> tuple[str, ...]:
    """The /dev/shm files MPICH made that this process maps (Linux; elsewhere none).

    Why a rank needs them: MPICH removes its segment only in MPI_Finalize, so a job ended by
    Stop, Ctrl+C or SIGKILL left a few MB in /dev/shm every time.  Once every local rank has
    attached (after the start line) the name is no longer needed and is removed at once."""
    try:
        with open(maps, encoding="utf-8", errors="replace") as lines:
            found = {line.split()[-1] for line in lines if "/dev/shm/mpich_shm_" in line}
    except OSError:
        return ()
    return tuple(sorted(path for path in found if path.startswith("/dev/shm/mpich_shm_")))


def remove_files(paths: Sequence[str]) -> None:
    """Unlink each path; one already gone (another rank was first) is fine."""
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            continue


def boot_id(*, in_rank: bool = False) -> str:
    """This machine's boot id (Linux), or "" where unknown (then clocks are never assumed equal).

    In a rank, $BARRIER_VIZ_MPI_BOOT_ID overrides it: the tests use it to make local ranks look
    remote, so the estimated offset is applied and can be checked against the true one (0).
    """
    if in_rank and (override := os.environ.get(BOOT_ID_ENV)):
        return override
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def applied_offset(rank_boot_id: str, app_boot_id: str, estimate: ClockEstimate) -> int:
    """The offset the app applies: exactly 0 on the app's own machine, else the estimate.

    Why not always the estimate: on one machine every process reads the same CLOCK_MONOTONIC,
    so the true offset is 0 and an estimate could only add error (enough to misorder an action
    a few microseconds after the last arrival).
    """
    if rank_boot_id and rank_boot_id == app_boot_id:
        return 0
    return estimate.offset_ns
