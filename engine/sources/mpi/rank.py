"""The program every MPI rank runs: `mpiexec -n N python -m engine.sources.mpi.rank --connect …`.

A rank is one party.  It reaches the app over TCP (it may be on another host), says hello,
receives its job, measures its clock offset against the app, then works and waits at MPI's own
barrier (engine.sources.mpi.rank_barrier) stage after stage, sending every event as it happens.

How a rank ends, and why the whole job ends with it:
- passed (0) or broken (3): it says `bye` and exits through MPI_Finalize with every rank;
- its work crashed (1): `crash`, `bye`, then `MPI_Abort`, which ends every rank of the job;
- a kill fault or the app's kill: it SIGKILLs itself; mpiexec then ends the others;
- the app went away (the channel hit EOF) or asked it to stop: it exits at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import sys
import threading
from multiprocessing.connection import Client, Connection
from typing import Any

from engine.core.barrier import BrokenBarrierError
from engine.core.lifeline import die_with_parent, ignore_interrupts
from engine.sources.commands import Kill, Stop
from engine.sources.mpi.protocol import (
    AUTHKEY_ENV,
    PING_ROUNDS,
    Hello,
    RankJob,
    boot_id,
    estimate_offset,
    mapped_shm_files,
    remove_files,
)
from engine.sources.processes.party import PartyExit, do_work, measure_cpu_rate

EXIT_APP_GONE = 70
KILL_IN_WORK_SHARE = 0.4  # as the processes backend: killed 40 % into the work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.sources.mpi.rank")
    parser.add_argument("--connect", required=True, metavar="HOST:PORT")
    args = parser.parse_args(argv)
    ignore_interrupts()  # Ctrl+C belongs to the app, which stops the job in order
    key = os.environ.get(AUTHKEY_ENV)
    if not key:
        return _fail(f"{AUTHKEY_ENV} is not set: start ranks from the app, not by hand")
    from mpi4py import MPI  # imported late so the errors above need no MPI

    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    shm = mapped_shm_files()  # MPI_Init made them; removed at the start line (or by the app)
    die_with_parent()  # a local rank also dies with its launcher (hydra's proxy)
    host, _, port = args.connect.rpartition(":")
    try:
        conn = Client((host, int(port)), authkey=bytes.fromhex(key))
    except (OSError, ValueError) as exc:
        _fail(f"rank {rank}: cannot reach the app's event channel at {args.connect}: {exc}")
        remove_files(shm)
        comm.Abort(2)  # end the whole job now rather than leave the others waiting
    hello = Hello(
        rank,
        comm.Get_size(),
        os.getpid(),
        socket.gethostname(),
        boot_id(in_rank=True),
        " ".join(MPI.Get_library_version().splitlines()[0].split()),
        shm,
    )
    conn.send(("hello", hello))
    tag, payload = conn.recv()
    if tag != "job":
        _fail(f"rank {rank}: the app refused this rank: {payload}")
        remove_files(shm)
        comm.Abort(2)
    offset_ns = _sync_clock(conn)

    from engine.sources.mpi.rank_barrier import MpiBarrier, RankSink

    sink = RankSink(conn, rank)
    leaving = threading.Event()
    threading.Thread(
        target=_listen, args=(conn, sink, leaving, shm), name="app-channel", daemon=True
    ).start()
    job: RankJob = payload
    barrier = MpiBarrier(comm, sink, job.timeout, job.action, offset_ns)
    comm.Barrier()  # a common start line: ranks that launched late must not eat the timeout
    remove_files(shm)  # every local rank has attached: the names only leak from here on
    code = run_rank(job, barrier, sink)
    leaving.set()
    sink.send(("bye", int(code)))
    if code == PartyExit.CRASHED:
        comm.Abort(int(code))  # MPI's way to end the whole job: no rank is left waiting
    return int(code)


def _sync_clock(conn: Connection[Any, Any]) -> int:
    """Ping the app; report the best estimate; return the offset the app says it applies."""
    import time

    samples = []
    for _ in range(PING_ROUNDS):
        sent = time.monotonic_ns()
        conn.send(("ping",))
        _, app_ns = conn.recv()
        samples.append((sent, int(app_ns), time.monotonic_ns()))
    conn.send(("clock", estimate_offset(samples)))
    _, applied = conn.recv()
    return int(applied)


def run_rank(job: RankJob, barrier: Any, sink: Any) -> PartyExit:
    """The party's life, as engine.sources.processes.party.run_party, at MPI's barrier."""
    from engine.sources.mpi.rank_barrier import kill_self

    party = job.party
    if party.workload == "cpu":  # this host's speed, not the app's
        party = dataclasses.replace(party, cpu_rate=measure_cpu_rate())
    for stage, planned in enumerate(party.work_s):
        sink.emit("work_start", stage, planned_s=planned, workload=party.workload)
        faulty = job.kill_at_stage == stage
        try:
            if party.crash_at_stage == stage:
                do_work(party, stage, sink, share=0.5)
                raise RuntimeError(f"{party.name} hit a fault during stage {stage + 1}")
            if faulty and job.kill_in == "work":
                do_work(party, stage, sink, share=KILL_IN_WORK_SHARE)
                kill_self(sink, "fault")
            do_work(party, stage, sink)
        except Exception as exc:
            sink.emit("crash", stage, error=f"{type(exc).__name__}: {exc}"[:500])
            return PartyExit.CRASHED
        kill_after = job.kill_in_wait_after_s if faulty and job.kill_in == "wait" else None
        try:
            barrier.wait(stage, kill_after)
        except BrokenBarrierError:
            return PartyExit.BROKEN
    return PartyExit.PASSED


def _listen(
    conn: Connection[Any, Any], sink: Any, leaving: threading.Event, shm: tuple[str, ...]
) -> None:
    """Commands from the app, and the lifeline: a rank never outlives the app's channel.
    Leaving early skips MPI_Finalize, so MPICH's shared memory is removed here first."""
    from engine.sources.mpi.rank_barrier import kill_self

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            if leaving.is_set():
                return
            remove_files(shm)
            os._exit(EXIT_APP_GONE)
        if isinstance(message, Kill):
            kill_self(sink, "user")
        elif isinstance(message, Stop):
            remove_files(shm)
            os._exit(EXIT_APP_GONE)


def _fail(message: str) -> int:
    print(f"engine.sources.mpi.rank: {message}", file=sys.stderr, flush=True)
    return 2


if __name__ == "__main__":
    sys.exit(main())
