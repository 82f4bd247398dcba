"""Turn what traced processes report into the run's events: lanes, stages, output lines.

Why a separate, IO-free class: deciding which process is a lane, numbering lanes, splitting
output into lines and inventing nothing else is the whole semantics of a trace, and it is
easiest to get right (and to test) without sockets around it.

A process becomes a lane the first time it touches a barrier (usually its first `arrive`);
its `spawn` and first `work_start` are then emitted with the time the process started, so the
lane shows the real elapsed time until that arrival.  Work progress is unknown in a program we
did not write, so `work_start` carries `workload: "unknown"` and no `planned_s`; after each
release a new `work_start` (stage + 1) opens the next unknown-length span.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from engine.core.events import Event
from engine.sources.tracer.child import lane_name

BARRIER_KINDS = frozenset({"arrive", "release", "action", "broken"})
STREAMS = ("stdout", "stderr")
MAX_LINE_BYTES = 16 * 1024  # a longer line becomes several `output` events


def utf8_cut(data: bytes | bytearray, limit: int) -> int:
    """The largest cut <= limit (< len(data)) that does not split a UTF-8 character (a
    continuation byte is 0b10xxxxxx); `limit` itself if the bytes are not UTF-8 there."""
    cut = limit
    while cut > limit - 4 and cut > 0 and data[cut] & 0xC0 == 0x80:
        cut -= 1
    return cut if cut > limit - 4 and cut > 0 else limit


@dataclass
class ProcInfo:
    pid: int
    ppid: int
    process_name: str
    label: str | None
    start_ns: int
    is_main: bool
    party: int | None = None
    exited: bool = False


@dataclass
class TraceCollector:
    procs: dict[int, ProcInfo] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    lane_pids: list[int] = field(default_factory=list)
    exitcodes: dict[int, int | None] = field(default_factory=dict)  # party -> exit code
    barriers: dict[int, int] = field(default_factory=dict)  # barrier id -> parties
    error: tuple[str, str] | None = None  # (one line, traceback) when the program raised
    _partial: dict[tuple[int, str], bytearray] = field(default_factory=dict)

    # ------------------------------------------------------------------ processes
    def hello(self, message: tuple[Any, ...]) -> tuple[ProcInfo, list[Event]]:
        """A process connected.  One that was handed a barrier is a lane at once."""
        _, pid, ppid, name, label, start_ns, is_main, barrier = message[:8]
        info = ProcInfo(int(pid), int(ppid), str(name), label, int(start_ns), bool(is_main))
        self.procs[info.pid] = info
        if barrier is None:
            return info, []
        return info, self._new_lane(info, barrier, 0)

    def message(self, pid: int, message: tuple[Any, ...]) -> list[Event]:
        """One message from a traced process (after its hello)."""
        kind = message[0]
        if kind == "event":
            return self._barrier_event(Event.from_wire(message[1]))
        if kind == "barrier":
            _, barrier_id, parties, timeout, action, t_ns = message
            self.barriers[int(barrier_id)] = int(parties)
            data = {"barrier": barrier_id, "parties": parties, "timeout": timeout, "action": action}
            return [Event("barrier", int(t_ns), self._party(pid), pid, None, data)]
        if kind == "error":
            self.error = (str(message[1]), str(message[2]))
            data = {"error": message[1], "traceback": message[2], "program": True}
            return [Event("crash", _now(), self._party(pid), pid, None, data)]
        if kind == "bye":
            return self.gone(pid, int(message[1]), int(message[2]))
        return []

    def gone(self, pid: int, exitcode: int | None, t_ns: int | None = None) -> list[Event]:
        """`pid` ended (bye, lost connection, or the main program's exit status)."""
        info = self.procs.get(pid)
        if info is None or info.exited:
            return []
        info.exited = True
        if info.party is None:
            return []
        self.exitcodes[info.party] = exitcode
        data = {"exitcode": exitcode}
        return [Event("exit", t_ns or _now(), info.party, pid, None, data)]

    def _party(self, pid: int) -> int | None:
        info = self.procs.get(pid)
        return info.party if info is not None else None

    def _barrier_event(self, e: Event) -> list[Event]:
        if e.kind not in BARRIER_KINDS:
            return []
        out: list[Event] = []
        info = self.procs.get(e.pid)
        if info is None:  # a process that never said hello (e.g. a bare os.fork)
            info, _ = self.hello(("hello", e.pid, 0, f"pid {e.pid}", None, e.t_ns, False, None))
        if info.party is None:
            out.extend(self._new_lane(info, e.get("barrier"), e.stage or 0))
        party = info.party
        out.append(Event(e.kind, e.t_ns, party, e.pid, e.stage, dict(e.data)))
        if e.kind == "release" and e.stage is not None:
            data = {"workload": "unknown", "barrier": e.get("barrier")}
            out.append(Event("work_start", e.t_ns, party, e.pid, e.stage + 1, data))
        return out

    def _new_lane(self, info: ProcInfo, barrier: int | None, stage: int) -> list[Event]:
        info.party = len(self.names)
        name = lane_name(info.process_name, info.label, info.pid)
        if name in self.names:
            name = f"{name} (pid {info.pid})"
        self.names.append(name)
        self.lane_pids.append(info.pid)
        self.exitcodes[info.party] = None
        spawn = {
            "name": name,
            "process_name": info.process_name,
            "label": info.label,
            "ppid": info.ppid,
            "main": info.is_main,
        }
        work = {"workload": "unknown", "barrier": barrier}
        return [
            Event("spawn", info.start_ns, info.party, info.pid, None, spawn),
            Event("work_start", info.start_ns, info.party, info.pid, stage, work),
        ]

    # ------------------------------------------------------------------ output
    def output(self, pid: int, stream: str, data: bytes, t_ns: int) -> list[Event]:
        """Bytes a process wrote; one `output` event per complete line.

        Linear and bounded: only the new bytes are searched for newlines, and a line longer
        than MAX_LINE_BYTES is handed out in pieces of at most that size (cut between UTF-8
        characters) instead of growing in memory until its newline comes — a program that
        writes 50 MB with no newline costs 50 MB of reading, not 50 MB squared.  The echo of
        the program's bytes is not affected."""
        pending = self._partial.setdefault((pid, stream), bytearray())
        events: list[Event] = []
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            if pending:
                pending += data[start:end]
                self._pieces(pid, stream, bytes(pending), t_ns, events)
                pending.clear()
            else:
                self._pieces(pid, stream, data[start:end], t_ns, events)
            start = end + 1
        pending += data[start:]
        while len(pending) > MAX_LINE_BYTES:
            cut = utf8_cut(pending, MAX_LINE_BYTES)
            events.append(self._line(pid, stream, bytes(pending[:cut]), t_ns))
            del pending[:cut]
        return events

    def pending(self, pid: int, stream: str) -> int:
        """Bytes of an unfinished line held for `pid`'s `stream` (at most MAX_LINE_BYTES)."""
        return len(self._partial.get((pid, stream), b""))

    def flush_output(self, pid: int, stream: str, t_ns: int) -> list[Event]:
        rest = self._partial.pop((pid, stream), None)
        return [self._line(pid, stream, bytes(rest), t_ns)] if rest else []

    def _pieces(self, pid: int, stream: str, line: bytes, t_ns: int, out: list[Event]) -> None:
        """`line` as one event, or several of at most MAX_LINE_BYTES if it is longer."""
        while len(line) > MAX_LINE_BYTES:
            cut = utf8_cut(line, MAX_LINE_BYTES)
            out.append(self._line(pid, stream, line[:cut], t_ns))
            line = line[cut:]
        out.append(self._line(pid, stream, line, t_ns))

    def _line(self, pid: int, stream: str, line: bytes, t_ns: int) -> Event:
        text = line.decode("utf-8", errors="replace").removesuffix("\r")
        return Event("output", t_ns, self._party(pid), pid, None, {"stream": stream, "text": text})


def _now() -> int:
    return time.monotonic_ns()
