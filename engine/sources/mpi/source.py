"""Run a scenario as MPI ranks launched with mpiexec, behind the `Source` interface.

The caller (GUI frame timer, headless loop, tests) never blocks: `poll()` returns what arrived,
`send(Stop())` and `send(Kill(party))` only ask; a supervisor thread launches mpiexec, watches
it, and tears the job down.  Events reach us from every rank over the TCP event channel
(engine.sources.mpi.channel), already on the app's clock.

Teardown, in order: Stop sends `stop` to every rank and SIGTERM to mpiexec (which forwards it
to every rank), then SIGKILL after a grace period (hydra's proxies then kill what is left).
mpiexec runs in its own session, so a Ctrl+C in the terminal reaches only the app, which stops
the run; on Linux it also dies with the app (PR_SET_PDEATHSIG), and every rank exits when its
channel to the app closes — so no rank can outlive the app, on any host.
"""

from __future__ import annotations

import collections
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO

from engine.scenario import Scenario
from engine.sources.base import Source, scaled_plan
from engine.sources.commands import Capability, Command, Kill, Stop
from engine.sources.mpi.channel import EventChannel
from engine.sources.mpi.config import MpiConfig, MpiUnavailable, load_config, rank_environment
from engine.sources.mpi.outcome import decide_mpi_outcome
from engine.sources.mpi.plan import launch_failure, rank_jobs, run_start_data
from engine.sources.mpi.protocol import remove_files
from engine.sources.process_group import signal_group

# Linux: mpiexec gets PR_SET_PDEATHSIG, so it dies with the app.  libc is loaded here, before
# any fork, so the child only makes one foreign call between fork and exec.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG, _SIGKILL = 1, int(signal.SIGKILL)
KILL_GRACE_S = 1.0
CONNECT_TIMEOUT_S = 30.0
DRAIN_S = 2.0


class MpiRunner(Source):
    """One run of one scenario as MPI ranks.  Start it, poll it for events, stop it."""

    # no abort/reset: MPI has no such barrier operations
    capabilities = frozenset({Capability.STOP, Capability.KILL})

    def __init__(
        self,
        scenario: Scenario,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        events_path: str | os.PathLike[str] | None = None,
        config: MpiConfig | None = None,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
    ) -> None:
        if scenario.parties != scenario.processes:  # parse_scenario refuses it too
            raise MpiUnavailable(
                f"processes: the mpi backend runs one rank per party, so processes "
                f"({scenario.processes}) must equal parties ({scenario.parties})"
            )
        self.seed, self.plan = scaled_plan(scenario, speed, seed)
        self.config = config if config is not None else load_config()
        super().__init__(events_path)
        self.scenario, self.speed = scenario, speed
        self.timeout = scenario.timeout / speed if scenario.timeout is not None else None
        self.connect_timeout_s = connect_timeout_s
        self.failure: str | None = None
        self.returncode: int | None = None  # mpiexec's
        self.stopped = False
        self._requests: collections.deque[Command] = collections.deque()
        self._wake = threading.Event()
        self._channel: EventChannel | None = None
        self._proc: subprocess.Popen[bytes] | None = None  # mpiexec, while it runs

    # ----------------------------------------------------------------- caller side
    def start(self) -> None:
        self._start_thread(self._main, "mpi-supervisor")

    @property
    def pids(self) -> list[int]:
        """The ranks' pids (on their own hosts)."""
        return self._channel.pids() if self._channel is not None else []

    @property
    def shm_segments(self) -> list[str]:
        """MPICH's shared-memory files of the ranks on this machine (removed by the run's end)."""
        return sorted(self._channel.shm_segments) if self._channel is not None else []

    def _accept(self, command: Command) -> None:
        """Stop ends the whole job; Kill has one rank SIGKILL itself, as a crash would
        (mpiexec then ends the rest)."""
        self._requests.append(command)
        self._wake.set()

    # ----------------------------------------------------------------- supervisor side
    def _main(self) -> None:
        with tempfile.TemporaryFile() as output:  # mpiexec's own messages, for error reports
            proc: subprocess.Popen[bytes] | None = None
            try:
                facts = run_start_data(
                    self.scenario,
                    self.config,
                    speed=self.speed,
                    seed=self.seed,
                    timeout=self.timeout,
                    plan=self.plan,
                )
                self._post("run_start", **facts)
                key = secrets.token_bytes(32)
                channel = self._open_channel(key)
                self._channel = channel
                channel.start()
                if any(isinstance(r, Stop) for r in self._requests):  # launch nothing
                    self.stopped = True
                    self._post("stop")
                else:
                    proc = self._proc = self._launch(key, channel.port, output)
                    self._supervise(proc, channel)
            except OSError as exc:
                self.failure = (
                    f"could not run {self.config.mpiexec}: {exc.strerror}"
                    if exc.strerror
                    else str(exc)
                )
            except Exception as exc:  # never leave a caller waiting for an outcome
                self.failure = f"could not run the ranks: {type(exc).__name__}: {exc}"
            finally:
                self._teardown(proc, output)

    def _abandon(self) -> None:
        if self._proc is not None:
            _signal_job(self._proc, signal.SIGKILL)

    def _open_channel(self, key: bytes) -> EventChannel:
        where = f"{self.config.bind}:{self.config.port}"
        try:
            return EventChannel(
                self.config.bind,
                self.config.port,
                key,
                rank_jobs(self.scenario, self.plan, self.timeout, self.speed),
                self._deliver,
                self._wake.set,
            )
        except OSError as exc:
            raise OSError(f"the event channel cannot listen on {where}: {exc.strerror}") from None

    def _launch(self, key: bytes, port: int, output: IO[bytes]) -> subprocess.Popen[bytes]:
        command = self.config.command(self.scenario.processes, (self.config.advertise, port))
        return subprocess.Popen(
            command,
            env=rank_environment(key.hex()),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C in a terminal reaches the app, not the job
            preexec_fn=_die_with_app if _LIBC is not None else None,
        )

    def _supervise(self, proc: subprocess.Popen[bytes], channel: EventChannel) -> None:
        threading.Thread(target=self._await_exit, args=(proc,), daemon=True).start()
        deadline = time.monotonic() + self.connect_timeout_s
        kill_at: float | None = None
        while proc.poll() is None:
            now = time.monotonic()
            waits = [t - now for t in (deadline, kill_at) if t is not None and t > now]
            self._wake.wait(min(waits, default=0.1))
            self._wake.clear()
            while self._requests:
                match self._requests.popleft():
                    case Stop() if not self.stopped:
                        self.stopped = True
                        self._post("stop")
                        kill_at = self._terminate(proc, channel)
                    case Kill(party) as kill:
                        channel.send(party, kill)  # the rank kills itself (it may be remote)
            now = time.monotonic()
            if kill_at is None and self.failure is None:
                self.failure = channel.failure or self._connect_problem(channel, now, deadline)
                if self.failure is not None:
                    kill_at = self._terminate(proc, channel)
            if kill_at is not None and now >= kill_at:
                _signal_job(proc, signal.SIGKILL)

    def _await_exit(self, proc: subprocess.Popen[bytes]) -> None:
        proc.wait()
        self._wake.set()

    def _connect_problem(self, channel: EventChannel, now: float, deadline: float) -> str | None:
        n = self.scenario.processes
        if now < deadline or channel.spawned >= n:
            return None
        refused = (
            f"; {channel.refused} other connection(s) did not authenticate and were dropped"
            if channel.refused
            else ""
        )
        return (
            f"only {channel.spawned} of {n} ranks reached the event channel at "
            f"{self.config.advertise}:{channel.port} within {self.connect_timeout_s:g} s "
            f"(a firewall, or set BARRIER_VIZ_MPI_ADVERTISE to an address the ranks can "
            f"reach){refused}"
        )

    def _terminate(self, proc: subprocess.Popen[bytes], channel: EventChannel) -> float:
        channel.broadcast(Stop())
        _signal_job(proc, signal.SIGTERM)
        return time.monotonic() + KILL_GRACE_S

    def _teardown(self, proc: subprocess.Popen[bytes] | None, output: IO[bytes]) -> None:
        if proc is not None:
            _signal_job(proc, signal.SIGKILL)
            self.returncode = proc.wait()
        channel = self._channel
        if channel is not None:
            deadline = time.monotonic() + DRAIN_S
            while not channel.all_finished() and time.monotonic() < deadline:
                self._wake.wait(0.05)  # readers set it as each rank's channel closes
                self._wake.clear()
            channel.close()
            # MPICH removes its shared memory only in MPI_Finalize; ranks that were stopped
            # or killed before their start line could not: their files go now
            remove_files(sorted(channel.shm_segments))
            if self.failure is None and channel.spawned < self.scenario.processes:
                self.failure = None if self.stopped else launch_failure(output, self.returncode)
        self._end()

    def _end(self) -> None:
        names = [p.name for p in self.scenario.party]
        self._finish(
            decide_mpi_outcome(self.events, names, self.stopped, self.failure, self.returncode)
        )


def _signal_job(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal mpiexec's whole process group (its own session), while it still runs.

    Hydra forwards SIGTERM to every rank, and its proxies kill the ranks when it dies; the
    group also catches launchers that keep their ranks in it (other MPIs, wrapper scripts).
    """
    if proc.poll() is None:
        signal_group(proc.pid, sig)


def _die_with_app() -> None:
    """In the mpiexec child before exec: be SIGKILLed when the app's supervisor thread ends."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
