"""`TraceRunner`: an unmodified program as an event source (a `Source`).

One pump thread does all the IO (so events and output lines keep their order): it accepts the
traced processes' connections on a private unix socket, reads their messages and their
stdout/stderr pipes, echoes every byte unchanged to our own stdout/stderr, and turns the rest
into events (engine.sources.tracer.collector).  The program runs in its own session, so nothing it
starts can outlive the trace: after the main process exits, stragglers get a short grace and
then SIGKILL for the whole process group; `Stop` sends SIGTERM first, and `Kill(lane)`
SIGKILLs the process behind one lane.
"""

from __future__ import annotations

import collections
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from engine.core.events import Event
from engine.core.lifeline import JANITOR, Lifeline, adopt_child
from engine.sources.base import Source
from engine.sources.commands import Capability, Command, FetchStack
from engine.sources.process_group import signal_group
from engine.sources.stack_dump import DUMP_SIGNAL, ENV_STACK_DIR, StackDumps
from engine.sources.tracer.child import ENV_ADDRESS, ENV_KEY
from engine.sources.tracer.collector import TraceCollector
from engine.sources.tracer.io import ProgramIO
from engine.sources.tracer.outcome import decide_trace_outcome

ROOT = Path(__file__).resolve().parents[3]


class TraceRunner(Source):
    """Trace `python SCRIPT ARGS…`.  Lanes appear as processes first wait on a barrier."""

    capabilities = frozenset(
        {Capability.STOP, Capability.KILL} | ({Capability.STACKS} if DUMP_SIGNAL else set())
    )

    def __init__(
        self,
        script: str | os.PathLike[str],
        args: Sequence[str] = (),
        *,
        events_path: str | os.PathLike[str] | None = None,
        echo: bool = True,
        stdout: BinaryIO | None = None,
        stderr: BinaryIO | None = None,
        python: str = sys.executable,
    ) -> None:
        path = Path(script)
        if not path.is_file():
            raise FileNotFoundError(f"no such program: {script}")
        super().__init__(events_path)
        self.script = str(path.resolve())
        self.args = list(args)
        self.python = python
        self.collector = TraceCollector()
        streams = {"stdout": stdout or sys.stdout.buffer, "stderr": stderr or sys.stderr.buffer}
        self._echo: dict[str, BinaryIO] = streams if echo else {}
        self._requests: collections.deque[Command] = collections.deque()
        self._wake_lock = threading.Lock()
        self._wake_r, self._wake_w = -1, -1  # opened by start(), closed when the run ends
        self._proc: subprocess.Popen[bytes] | None = None
        self._stack_dumps: StackDumps | None = None  # in the run's folder, made by the pump

    # ----------------------------------------------------------------- caller side
    @property
    def pids(self) -> list[int]:
        return list(self.collector.lane_pids)

    @property
    def names(self) -> list[str]:
        return list(self.collector.names)

    def start(self) -> None:
        with self._wake_lock:
            self._wake_r, self._wake_w = os.pipe()
            os.set_blocking(self._wake_w, False)  # a full pipe already wakes the pump
        self._start_thread(self._pump_main, "trace-pump")

    def _accept(self, command: Command) -> None:
        if isinstance(command, FetchStack):  # asked of the process itself: see stack_dump
            self._fetch_stack(command.party)
            return
        with self._wake_lock:
            if self._wake_w < 0:
                return  # the run has ended: nothing left to act on
            self._requests.append(command)
            with contextlib.suppress(BlockingIOError):
                os.write(self._wake_w, b"x")

    def _fetch_stack(self, party: int) -> None:
        dumps, pids = self._stack_dumps, list(self.collector.lane_pids)
        if dumps is None or not 0 <= party < len(pids):
            return
        ended = self.collector.exitcodes.get(party) is not None
        dumps.fetch(party, None if ended else pids[party], pids[party])

    # ----------------------------------------------------------------- pump
    def _pump_main(self) -> None:
        failure: str | None = None
        workdir = tempfile.mkdtemp(prefix="barrier-viz-trace-")
        JANITOR.keep_clean(workdir)  # if the app dies, the janitor removes it
        lifeline = Lifeline()
        io: ProgramIO | None = None
        server: socket.socket | None = None
        try:
            address = os.path.join(workdir, "events.sock")
            key = secrets.token_bytes(16)
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(address)
            server.listen(64)
            stacks = os.path.join(workdir, "stacks")
            os.mkdir(stacks)
            self._stack_dumps = StackDumps(self._answer_stack, stacks)
            self._deliver([self._run_start_event()])
            self._proc = self._launch(address, key, lifeline)
            adopt_child(self._proc.pid)
            io = ProgramIO(
                server,
                key,
                self._proc,
                self.collector,
                self._deliver,
                self._requests,
                self._wake_r,
                self._echo,
            )
            io.run()
        except Exception as exc:  # e.g. the interpreter could not start: end cleanly
            failure = f"could not trace the program: {type(exc).__name__}: {exc}"
        finally:
            if io is not None:
                io.close()
            elif server is not None:
                server.close()
            if self._proc is not None:
                signal_group(self._proc.pid, signal.SIGKILL)
                if self._proc.poll() is None:
                    self._proc.wait()
            # what left the program's process group (a setsid daemon, a process forked by
            # hand) still holds the lifeline: closing it ends them too
            lifeline.close()
            with self._wake_lock:
                os.close(self._wake_r)
                os.close(self._wake_w)
                self._wake_r = self._wake_w = -1
            shutil.rmtree(workdir, ignore_errors=True)
            JANITOR.forget(workdir)
            self._end(failure, io)

    def _abandon(self) -> None:
        if self._proc is not None:
            signal_group(self._proc.pid, signal.SIGKILL)

    def _launch(self, address: str, key: bytes, lifeline: Lifeline) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env[ENV_ADDRESS] = address
        env[ENV_KEY] = key.hex()
        lifeline_fd, lifeline_env = lifeline.for_program()
        env.update(lifeline_env)
        if self._stack_dumps is not None:
            env[ENV_STACK_DIR] = self._stack_dumps.folder
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        command = [self.python, "-m", "engine.sources.tracer.bootstrap", self.script, *self.args]
        return subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
            pass_fds=(lifeline_fd,),
        )

    def _run_start_event(self) -> Event:
        name = os.path.basename(self.script)
        data: dict[str, Any] = {
            "scenario": {"name": f"trace {name}", "description": " ".join([name, *self.args])},
            "names": [],
            "parties": 0,
            "processes": 0,
            "stages": 0,
            "speed": 1.0,
            "seed": None,
            "start_method": None,
            "timeout": None,
            "plan": [],
            "backend": "trace",
            "barrier": None,
            "trace": {"script": self.script, "args": self.args, "cwd": os.getcwd()},
        }
        return Event("run_start", time.monotonic_ns(), None, os.getpid(), None, data)

    def _end(self, failure: str | None, io: ProgramIO | None) -> None:
        c = self.collector
        error = c.error[0] if c.error else None
        program_exit = io.program_exit if io is not None else None
        stopped = io.stopped if io is not None else False
        wedge = io.wedge.wedged if io is not None else None
        outcome = decide_trace_outcome(
            self.events,
            c.names,
            c.exitcodes,
            program_exit,
            error,
            stopped,
            failure,
            wedged=wedge.party if wedge is not None else None,
        )
        self._finish(outcome)
