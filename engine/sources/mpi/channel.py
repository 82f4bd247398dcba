"""The app's end of the TCP event channel: authenticate ranks, hand out jobs, answer pings, and
turn every rank's events into one stream on the app's clock.

Two kinds of thread, for two needs.  While a rank starts, a thread of its own serves it: a pong
must go back the instant a ping arrives (any delay inflates the round trip and so the clock
uncertainty), and a slow or silent peer must not hold up the others.  Once a rank runs, ONE
event thread reads every rank, because only one reader can keep causal order: it drains all
connections until a full pass finds nothing new, then sorts that batch by time.  A rank sends
`arrive` before it enters the barrier, so its bytes are already here when another rank's
`release` is read — and the final empty pass guarantees they land in the same batch or earlier.

Connections are authenticated with multiprocessing's HMAC challenge before a single byte is
unpickled; the key reaches the ranks through mpiexec's environment.  A peer that is not one of
our ranks (a port scanner, a stray connect) costs nothing: only ranks that authenticated and
said hello count towards the job, each start-up conversation has a deadline (SO_RCVTIMEO), and
at most a few unauthenticated peers are served at once — the rest are closed on arrival.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import AuthenticationError
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge, wait
from typing import Any

from engine.core.events import Event
from engine.sources.mpi.protocol import ClockEstimate, Hello, RankJob, applied_offset, boot_id

ACCEPT_POLL_S = 0.2
MAX_PASSES = 16  # bound the drain under a flood; ordering then holds within each batch
START_TIMEOUT_S = 10.0  # a start-up conversation's every read: a silent peer is dropped then
EXTRA_PEERS = 4  # unauthenticated peers served at once besides one per rank still expected
Deliver = Callable[[list[Event]], None]


@dataclass
class RankLink:
    """One connected rank: its socket, identity and clock offset."""

    sock: socket.socket
    conn: Connection[Any, Any]
    hello: Hello
    offset_ns: int = 0
    exitcode: int | None = None  # from `bye`; None if it ended without saying so
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: object) -> None:
        with self.lock:
            self.conn.send(message)


class EventChannel:
    def __init__(
        self,
        bind: str,
        port: int,
        authkey: bytes,
        jobs: list[RankJob],
        deliver: Deliver,
        changed: Callable[[], None],
    ) -> None:
        self.jobs, self.deliver, self.changed = jobs, deliver, changed
        self._authkey = authkey
        self._boot_id = boot_id()
        self._server = socket.create_server((bind, port))
        self.port: int = self._server.getsockname()[1]
        self.links: dict[int, RankLink] = {}
        self.running: dict[int, RankLink] = {}  # spawned, read by the event thread
        self.finished: set[int] = set()
        self.failure: str | None = None
        self.refused = 0  # peers that did not authenticate or said no proper hello
        self.shm_segments: set[str] = set()  # MPICH's shared memory of ranks on this machine
        self._starting = 0  # start-up conversations in progress
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._threads: list[threading.Thread] = []

    # ---------------------------------------------------------------- queries
    @property
    def spawned(self) -> int:
        with self._lock:
            return len(self.running)

    def pids(self) -> list[int]:
        with self._lock:
            return [link.hello.pid for _, link in sorted(self.links.items())]

    def all_finished(self) -> bool:
        with self._lock:
            return self.finished >= set(self.links)

    # ---------------------------------------------------------------- control
    def start(self) -> None:
        self._spawn_thread(self._accept_loop, "mpi-accept")
        self._spawn_thread(self._event_loop, "mpi-events")

    def send(self, rank: int, message: object) -> bool:
        with self._lock:
            link = self.links.get(rank)
        if link is None or rank in self.finished:
            return False
        try:
            link.send(message)
        except OSError:
            return False
        return True

    def broadcast(self, message: object) -> None:
        for rank in list(self.links):
            self.send(rank, message)

    def close(self, join_s: float = 2.0) -> None:
        """Stop accepting and cut every connection; the event thread reports the exits."""
        self._server.close()
        with self._lock:
            links = list(self.links.values())
        for link in links:
            with contextlib.suppress(OSError):  # already gone
                link.sock.shutdown(socket.SHUT_RDWR)
        self._closing.set()
        os.write(self._wake_w, b"x")
        deadline = time.monotonic() + join_s
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        os.close(self._wake_r)
        os.close(self._wake_w)

    # ---------------------------------------------------------------- start-up threads
    def _spawn_thread(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        """Accept until every rank has registered; peers that fail count for nothing."""
        self._server.settimeout(ACCEPT_POLL_S)
        served = 0
        while not self._closing.is_set():
            with self._lock:
                expected = len(self.jobs) - len(self.links)
                busy = self._starting
            if expected <= 0:
                return
            try:
                sock, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            if busy >= expected + EXTRA_PEERS:  # a flood of strangers: do not even listen
                sock.close()
                with self._lock:
                    self.refused += 1
                continue
            with self._lock:
                self._starting += 1
            served += 1
            self._spawn_thread(self._serve, f"mpi-start-{served}", sock)

    def _serve(self, sock: socket.socket) -> None:
        """Authenticate, check the hello, send the job, answer pings; then hand the rank over.

        Every read of this conversation has a deadline (SO_RCVTIMEO on the socket, which the
        Connection's plain reads obey): a peer that connects and stays silent is dropped."""
        _set_read_deadline(sock, START_TIMEOUT_S)
        conn: Connection[Any, Any] = Connection(os.dup(sock.fileno()))
        link: RankLink | None = None
        try:
            deliver_challenge(conn, self._authkey)
            answer_challenge(conn, self._authkey)
            tag, hello = conn.recv()
            link = self._register(sock, conn, hello if tag == "hello" else None)
            while link is not None:
                message = conn.recv()
                if message[0] == "ping":
                    link.send(("pong", time.monotonic_ns()))
                elif message[0] == "clock":
                    _set_read_deadline(sock, 0.0)  # from now on a rank may be quiet for long
                    self._on_clock(link, message[1])
                    return  # the event thread owns it now
        except (EOFError, OSError, AuthenticationError, ValueError, TypeError):
            if link is None:  # a peer that is not one of our ranks (else: a rank went away)
                with self._lock:
                    self.refused += 1
        finally:
            with self._lock:
                self._starting -= 1
        if link is not None:
            self._finish(link)
        else:
            conn.close()
            sock.close()

    def _register(
        self, sock: socket.socket, conn: Connection[Any, Any], hello: Hello | None
    ) -> RankLink | None:
        n = len(self.jobs)
        with self._lock:
            if not isinstance(hello, Hello):
                problem = "a peer on the event channel did not say hello"
            elif hello.size != n or not 0 <= hello.rank < n or hello.rank in self.links:
                problem = (
                    f"mpiexec started ranks that do not see each other (world size "
                    f"{hello.size}, expected {n}): mpiexec and mpi4py use different MPI "
                    f"libraries; set BARRIER_VIZ_MPIEXEC to the mpiexec of {hello.mpi_library}"
                )
            else:
                link = self.links[hello.rank] = RankLink(sock, conn, hello)
                if hello.boot_id and hello.boot_id == self._boot_id:  # this machine's files
                    self.shm_segments.update(hello.shm)
                problem = None
            if problem is not None:
                self.failure = self.failure or problem
        if problem is not None:
            conn.send(("refuse", problem))
            self.changed()
            return None
        link.send(("job", self.jobs[hello.rank]))  # type: ignore[union-attr]
        return link

    def _on_clock(self, link: RankLink, estimate: ClockEstimate) -> None:
        hello = link.hello
        link.offset_ns = applied_offset(hello.boot_id, self._boot_id, estimate)
        same = bool(hello.boot_id) and hello.boot_id == self._boot_id
        data = {
            "name": self.jobs[hello.rank].party.name,
            "rank": hello.rank,
            "host": hello.host,
            "same_clock": same,
            "clock_offset_ns": link.offset_ns,
            "clock_uncertainty_ns": 0 if same else estimate.uncertainty_ns,
            "clock_estimate_ns": estimate.offset_ns,
            "clock_estimate_uncertainty_ns": estimate.uncertainty_ns,
            "ping_rounds": estimate.rounds,
        }
        # Logged before the rank's first event: it starts only when it has its offset.
        self.deliver([Event("spawn", time.monotonic_ns(), hello.rank, hello.pid, None, data)])
        with self._lock:
            self.running[hello.rank] = link
        os.write(self._wake_w, b"x")
        link.send(("offset", link.offset_ns))
        self.changed()

    # ---------------------------------------------------------------- the event thread
    def _event_loop(self) -> None:
        """The one reader of every running rank.  If it fails, the run fails (never a silent
        stop: the supervisor sees `failure` and ends the job)."""
        try:
            self._read_events()
        except Exception as exc:
            if not self._closing.is_set():
                with self._lock:
                    self.failure = self.failure or (
                        f"the event channel failed: {type(exc).__name__}: {exc}"
                    )
                self.changed()

    def _read_events(self) -> None:
        while not self._closing.is_set():
            with self._lock:
                live = [link for r, link in self.running.items() if r not in self.finished]
            ready = wait([self._wake_r, *(link.conn for link in live)])
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
            self._drain(live)

    def _drain(self, live: list[RankLink]) -> None:
        """Read every rank until a whole pass finds nothing, then deliver in time order."""
        batch: list[Event] = []
        ended: list[RankLink] = []
        for _ in range(MAX_PASSES):
            found = False
            for link in live:
                if link in ended:
                    continue
                try:
                    while link.conn.poll(0):
                        found = True
                        self._handle(link, link.conn.recv(), batch)
                except (EOFError, OSError):
                    ended.append(link)
            if not found:
                break
        if batch:
            batch.sort(key=lambda e: e.t_ns)
            self.deliver(batch)
        for link in ended:
            self._finish(link)

    def _handle(self, link: RankLink, message: Any, batch: list[Event]) -> None:
        if message[0] == "bye":
            link.exitcode = int(message[1])
            return
        kind, t_ns, party, pid, stage, data = message
        batch.append(Event(kind, int(t_ns) + link.offset_ns, party, pid, stage, data))

    def _finish(self, link: RankLink) -> None:
        hello = link.hello
        reported = link.exitcode is not None
        # A rank that ends without `bye` was ended by mpiexec (hydra sends SIGKILL).
        code = link.exitcode if link.exitcode is not None else -9
        data = {"exitcode": code, "rank": hello.rank, "host": hello.host, "reported": reported}
        self.deliver([Event("exit", time.monotonic_ns(), hello.rank, hello.pid, None, data)])
        with self._lock:
            self.finished.add(hello.rank)
        link.conn.close()
        link.sock.close()
        self.changed()


def _set_read_deadline(sock: socket.socket, seconds: float) -> None:
    """Blocking reads of this socket (and of every fd dup'ed from it) give up after `seconds`
    (0: never).  Unlike `settimeout`, this keeps the fd blocking for `Connection`."""
    whole = int(seconds)
    timeval = struct.pack("ll", whole, int((seconds - whole) * 1e6))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
