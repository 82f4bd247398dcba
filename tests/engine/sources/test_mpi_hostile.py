"""The MPI backend under hostile conditions: strangers on the event channel (silent, or many),
a host file (the channel must not listen on every interface), and MPICH's shared memory after
a run is stopped or its app is SIGKILLed.

The channel's own tests need no MPI; the rest run real ranks with mpiexec (see test_mpi.py).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from engine.core.events import Event
from engine.scenario.presets import load_preset
from engine.sources.mpi import channel as channel_module
from engine.sources.mpi.channel import EventChannel
from engine.sources.mpi.config import load_config
from engine.sources.mpi.plan import rank_jobs
from engine.sources.mpi.source import MpiRunner
from tests.engine.sources.test_mpi import mpi, needs_mpi, rank_processes
from tests.paths import MAIN, ROOT

SHM = re.compile(r"/dev/shm/mpich_shm_\S+")


def channel_for(ranks: int) -> EventChannel:
    scenario = load_preset("launch")
    jobs = rank_jobs(scenario, [[0.1]] * len(scenario.party), None)[:ranks]
    return EventChannel("127.0.0.1", 0, os.urandom(32), jobs, lambda _events: None, lambda: None)


def test_a_silent_stranger_is_dropped_after_the_start_up_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(channel_module, "START_TIMEOUT_S", 0.5)
    channel = channel_for(1)
    channel.start()
    try:
        with socket.create_connection(("127.0.0.1", channel.port), timeout=10) as stranger:
            received = b""
            while chunk := stranger.recv(4096):  # the challenge, then EOF once it gives up
                received += chunk
        assert received, "the channel should have sent its challenge first"
        assert channel.refused == 1
    finally:
        channel.close()


def test_strangers_beyond_the_limit_are_closed_on_arrival() -> None:
    channel = channel_for(1)
    channel.start()
    crowd = []
    try:
        for _ in range(1 + channel_module.EXTRA_PEERS + 3):  # one per rank + extra + 3 more
            crowd.append(socket.create_connection(("127.0.0.1", channel.port), timeout=10))
        closed = 0
        for peer in crowd[-3:]:
            peer.settimeout(10)
            try:
                closed += peer.recv(4096) == b""  # closed at once, not even challenged
            except ConnectionResetError:
                closed += 1
        assert closed == 3
    finally:
        for peer in crowd:
            peer.close()
        channel.close()


@needs_mpi
def test_silent_strangers_do_not_keep_the_ranks_out() -> None:
    """Three silent connects used to take the three accept slots of a three-rank job, and the
    run failed after 30 s blaming a firewall."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = MpiRunner(
        mpi("launch"), speed=10.0, config=load_config(port=port), connect_timeout_s=20
    )
    strangers: list[socket.socket] = []
    runner.start()
    try:
        while len(strangers) < 3 and not runner.done:  # before the ranks: they take ~1 s
            try:
                strangers.append(socket.create_connection(("127.0.0.1", port), timeout=1))
            except ConnectionRefusedError:
                threading.Event().wait(0.005)  # the channel is not listening yet
        assert len(strangers) == 3
        assert runner.join(40)
    finally:
        for stranger in strangers:
            stranger.close()
    assert runner.outcome is not None and runner.outcome.exit_code == 0, runner.outcome


@needs_mpi
def test_with_a_host_file_the_channel_listens_on_one_address(tmp_path: Path) -> None:
    local_only = tmp_path / "local"
    local_only.write_text("# this machine only\nlocalhost:3\n")
    assert load_config(hostfile=str(local_only)).bind == "127.0.0.1"
    other = tmp_path / "other"
    other.write_text("localhost:2\n192.0.2.10:2\n")  # TEST-NET-1: routed, never contacted
    try:
        config = load_config(hostfile=str(other))
    except Exception as exc:  # no route at all on this machine
        pytest.skip(f"no route to a test network here: {exc}")
    assert config.bind not in ("0.0.0.0", "", "::")
    assert config.advertise == config.bind


def mapped_shm(pids: list[int]) -> set[str]:
    found: set[str] = set()
    for pid in pids:
        try:
            found |= set(SHM.findall(Path(f"/proc/{pid}/maps").read_text()))
        except OSError:
            continue
    return found


@needs_mpi
def test_a_stopped_run_leaves_no_mpich_shared_memory() -> None:
    runner = MpiRunner(mpi("straggler"), speed=1.0)
    runner.start()
    seen: list[Event] = []
    while not any(e.kind == "arrive" for e in seen):
        assert not runner.done, runner.outcome
        seen += runner.wait_events(5)
    segments = mapped_shm([p.pid for p in rank_processes()])
    assert segments, "the ranks should map MPICH's shared memory"
    runner.stop()
    assert runner.join(10)
    assert [path for path in segments if os.path.exists(path)] == []


@needs_mpi
@pytest.mark.slow
def test_an_app_killed_mid_run_leaves_no_rank_and_no_shared_memory() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-u", str(MAIN), "run", "--backend", "mpi", "--preset", "straggler"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    while "and waits" not in (line := proc.stdout.readline()):
        assert line, "the app ended before a rank arrived"
    ranks = rank_processes()
    segments = mapped_shm([p.pid for p in ranks])
    assert ranks and segments
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    _, alive = psutil.wait_procs(ranks, timeout=5)
    assert not alive
    assert [path for path in segments if os.path.exists(path)] == []
