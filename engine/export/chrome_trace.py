"""A run's events as a Chrome Trace Event Format file (opens in Perfetto and chrome://tracing).

Why: the GUI timeline is live and goes away with the run; a trace file lets a learner zoom into
the same run in a real profiler, measure release skew to the microsecond and share it.

Layout: one process track for the app (the parent pid, sorted first) with the run slice, the
barrier's `n_waiting` counter and a global "stage k released" mark; one process track per party
("Navigation (pid 1234)") with "stage k: work" / "stage k: wait" slices, the barrier action
nested in the last arriver's wait, release/broken/crash instants, and flow arrows from the last
arriver to every party it released.  The wait-state analysis adds per-party counters and the
critical path (`trace_wait_states`).  Timestamps are microseconds since run_start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.core.events import Event
from engine.export.trace_wait_states import wait_state_events
from engine.files.atomic import atomic_write_text
from engine.model.wait_states.metrics import analyse_events
from engine.model.wait_states.text import party_names

__all__ = ["build_trace", "write_trace"]

CATEGORY = "barrier"
FLOW_CATEGORY = "barrier.release"
APP_NAME = "Barrier Visualiser"
_NUDGE_NS = 1_000  # flow ends sit this far inside their slices (at most half the slice)

TraceEvent = dict[str, Any]


@dataclass
class _Stage:
    """One party's pass through one stage."""

    work_ns: int | None = None
    planned_s: Any = None
    arrive_ns: int | None = None
    end_ns: int | None = None  # release or broken
    index: int | None = None
    outcome: str = "unfinished"


@dataclass
class _Party:
    index: int
    name: str
    pid: int
    stages: dict[int, _Stage] = field(default_factory=dict)
    gone_ns: int | None = None  # crash or exit: closes whatever slice is still open

    def stage(self, k: int) -> _Stage:
        return self.stages.setdefault(k, _Stage())


def _track(pid: int, process: str, thread: str, sort_index: int) -> list[TraceEvent]:
    """Metadata naming and ordering one process track (M events carry no ts)."""
    args = {"process_name": {"name": process}, "process_sort_index": {"sort_index": sort_index}}
    args["thread_name"] = {"name": thread}
    return [{"ph": "M", "name": k, "pid": pid, "tid": pid, "args": v} for k, v in args.items()]


def _party_pids(events: Sequence[Event], app_pid: int) -> dict[int, int]:
    """Each party's pid (spawn wins, else any of its events); made unique so tracks never merge."""
    found: dict[int, int] = {}
    for e in events:
        if e.party is not None and (e.kind == "spawn" or e.party not in found):
            found[e.party] = e.pid
    used, out = {app_pid}, {}
    for party in sorted(found):
        pid = found[party]
        out[party] = pid if pid not in used else max(used) + 1
        used.add(out[party])
    return out


class _TraceBuilder:
    def __init__(self, events: Sequence[Event]) -> None:
        self.events = sorted(events, key=lambda e: e.t_ns)
        self.start = next((e for e in self.events if e.kind == "run_start"), None)
        first = self.events[0].t_ns if self.events else 0
        self.t0 = self.start.t_ns if self.start else first
        self.end_ns = max((e.t_ns for e in self.events), default=self.t0)
        parent = [e.pid for e in self.events if e.party is None]
        self.app_pid = self.start.pid if self.start else (parent[0] if parent else 0)
        names = party_names(self.events)  # run_start's, else each spawn's (traced programs)
        pids = _party_pids(self.events, self.app_pid)
        count = max([0, *(i + 1 for i in names), *(i + 1 for i in pids)])
        self.parties = [
            _Party(i, names.get(i) or f"party {i + 1}", pids.get(i, -1 - i)) for i in range(count)
        ]
        self.actions: dict[int, Event] = {}
        self.out: list[TraceEvent] = []
        self.waiting: dict[int, int] = {}  # party -> the stage it waits in
        self.released: set[int] = set()  # stages whose generation has been released

    # ------------------------------------------------------------------ primitives
    def _ts(self, t_ns: int) -> float:
        return round((t_ns - self.t0) / 1000, 3)

    def _emit(self, ph: str, name: str, pid: int, t_ns: int, **extra: Any) -> None:
        event: TraceEvent = {"ph": ph, "name": name, "cat": CATEGORY, "pid": pid, "tid": pid}
        self.out.append({**event, "ts": self._ts(t_ns), **extra})

    def _slice(self, pid: int, name: str, start: int, end: int, args: dict[str, Any]) -> None:
        self._emit("X", name, pid, start, dur=round(max(end - start, 0) / 1000, 3), args=args)

    def _instant(self, pid: int, name: str, t_ns: int, args: Any, scope: str = "t") -> None:
        self._emit("i", name, pid, t_ns, s=scope, args=dict(args))

    def _counter(self, t_ns: int) -> None:
        self._emit("C", "n_waiting", self.app_pid, t_ns, args={"n_waiting": len(self.waiting)})

    # ------------------------------------------------------------------ time-ordered pass
    def collect(self) -> None:
        self._counter(self.t0)
        for e in self.events:
            before = len(self.waiting)
            if e.party is not None and 0 <= e.party < len(self.parties):
                self._party_event(self.parties[e.party], e)
            elif e.kind not in ("run_start", "run_end"):  # stop, abort, reset, wedged …
                self._instant(self.app_pid, e.kind, e.t_ns, e.data, "p")
            if len(self.waiting) != before:
                self._counter(e.t_ns)

    def _party_event(self, p: _Party, e: Event) -> None:
        k = e.stage if e.stage is not None else 0
        s = p.stage(k) if e.stage is not None else _Stage()
        args = {"stage": k + 1, **e.data} if e.stage is not None else dict(e.data)
        name: str | None = e.kind  # the instant marked on the party's track, if any
        if e.kind in ("work_start", "arrive", "action", "progress"):
            name = None
            if e.kind == "work_start":
                s.work_ns, s.planned_s = e.t_ns, e.get("planned_s")
            elif e.kind == "arrive":
                s.arrive_ns, self.waiting[p.index] = e.t_ns, k
            elif e.kind == "action":
                self.actions.setdefault(k, e)
        elif e.kind == "release":
            s.end_ns, s.index, s.outcome = e.t_ns, e.get("index"), "released"
            name = f"released, index {s.index}"
            if k not in self.released:  # the first release proves the whole generation left
                self.released.add(k)
                self._instant(
                    self.app_pid, f"stage {k + 1} released", e.t_ns, {"stage": k + 1}, "g"
                )
                self.waiting = {q: st for q, st in self.waiting.items() if st != k}
        elif e.kind == "broken":
            s.end_ns, s.outcome = e.t_ns, "broken"
            args["error"] = str(e.get("error") or "BrokenBarrierError")
            name = f"broken: {args['error']}"
        elif e.kind == "crash":
            name = f"crash: {e.get('error')}"
        elif e.kind == "exit":
            name = f"exit code {e.get('exitcode')}"
        if e.kind in ("release", "broken", "crash", "exit"):
            self.waiting.pop(p.index, None)
        if e.kind in ("crash", "exit") and p.gone_ns is None:
            p.gone_ns = e.t_ns
        if name is not None:
            self._instant(p.pid, name, e.t_ns, args)

    # ------------------------------------------------------------------ slices and flows
    def _close(self, p: _Party, start: int) -> int:
        """Where a slice with no natural end stops: the party's death, else the run's end."""
        return p.gone_ns if p.gone_ns is not None and p.gone_ns >= start else self.end_ns

    def party_slices(self, p: _Party) -> None:
        for k, s in sorted(p.stages.items()):
            if s.work_ns is not None:
                end = s.arrive_ns if s.arrive_ns is not None else self._close(p, s.work_ns)
                args = {"stage": k + 1, "planned_s": s.planned_s, "took_s": (end - s.work_ns) / 1e9}
                if s.arrive_ns is None:
                    args["ended"] = "unfinished" if p.gone_ns is None else "died while working"
                self._slice(p.pid, f"stage {k + 1}: work", s.work_ns, end, args)
            if s.arrive_ns is not None:
                end = s.end_ns if s.end_ns is not None else self._close(p, s.arrive_ns)
                args = {"stage": k + 1, "index": s.index, "outcome": s.outcome}
                args.update(waited_s=(end - s.arrive_ns) / 1e9)
                self._slice(p.pid, f"stage {k + 1}: wait", s.arrive_ns, end, args)

    def _last_arriver(self, k: int) -> _Party | None:
        action = self.actions.get(k)
        if action is not None and action.party is not None:
            return self.parties[action.party]
        arrived = [p for p in self.parties if p.stages.get(k, _Stage()).arrive_ns is not None]
        return max(arrived, key=lambda p: p.stage(k).arrive_ns or 0, default=None)

    def action_and_flows(self, k: int, flow_id: int) -> int:
        """The action slice of stage k and one arrow to every other party released; next id."""
        src = self._last_arriver(k)
        if src is None:
            return flow_id
        own = src.stage(k)
        if k in self.actions:
            action = self.actions[k]
            start = action.t_ns
            end = own.end_ns if own.end_ns is not None else self._close(src, start)
            end = max(end - 1, start)  # 1 ns short of the wait's end: float viewers nest it
            message = str(action.get("message", "barrier action"))
            self._slice(src.pid, message, start, end, {"stage": k + 1, "message": message})
        else:
            start = own.arrive_ns or 0
            end = own.end_ns if own.end_ns is not None else self._close(src, start)
        src_ns = start + min(_NUDGE_NS, (end - start) // 2)
        for dest in self.parties:
            s = dest.stages.get(k)
            if dest is src or s is None or s.outcome != "released" or s.end_ns is None:
                continue
            nudge = min(_NUDGE_NS, (s.end_ns - (s.arrive_ns or s.end_ns)) // 2)
            dest_ns = max(s.end_ns - nudge, src_ns)
            flow = {"cat": FLOW_CATEGORY, "id": flow_id, "bp": "e", "args": {"stage": k + 1}}
            self._emit("s", f"stage {k + 1} release", src.pid, src_ns, **flow)
            self._emit("f", f"stage {k + 1} release", dest.pid, dest_ns, **flow)
            flow_id += 1
        return flow_id

    def wait_states(self) -> list[TraceEvent]:
        """Counters and the critical path from the wait-state analysis; returns the metadata."""
        pids = {p.index: p.pid for p in self.parties}
        meta, timed = wait_state_events(
            analyse_events(self.events, pids.keys()),
            party_pids=pids,
            names={p.index: p.name for p in self.parties},
            app_pid=self.app_pid,
            first_tid=max([self.app_pid, *pids.values()]) + 1,
            t0_ns=self.t0,
            ts=self._ts,
        )
        self.out += timed
        return meta

    def run_facts(self) -> dict[str, Any]:
        """The run slice on the app track (start to end) and the facts for `otherData`."""
        start = self.start.data if self.start else {}
        finish = next((e for e in self.events if e.kind == "run_end"), None)
        scenario = start.get("scenario")
        facts: dict[str, Any] = {"generator": APP_NAME, "app_pid": self.app_pid}
        facts["scenario"] = scenario.get("name") if isinstance(scenario, dict) else None
        facts.update({k: start.get(k) for k in ("parties", "stages", "speed", "seed")})
        facts.update({k: start.get(k) for k in ("start_method", "timeout", "barrier")})
        facts.update(
            {k: finish.get(k) if finish else None for k in ("status", "exit_code", "reason")}
        )
        end = finish.t_ns if finish else self.end_ns
        name = f"run: {facts['scenario'] or 'barrier run'}"
        self._slice(self.app_pid, name, self.t0, end, {**facts, "plan": start.get("plan")})
        return facts

    def build(self) -> dict[str, Any]:
        self.collect()
        facts, flow_id = self.run_facts(), 1
        for p in self.parties:
            self.party_slices(p)
        for k in sorted({k for p in self.parties for k in p.stages}):
            flow_id = self.action_and_flows(k, flow_id)
        waits_meta = self.wait_states()
        self.out.sort(key=lambda ev: ev["ts"])
        meta = _track(self.app_pid, f"{APP_NAME} (pid {self.app_pid})", "barrier", -1)
        meta += waits_meta
        for p in self.parties:
            meta += _track(p.pid, f"{p.name} (pid {p.pid})", p.name, p.index)
        return {"traceEvents": meta + self.out, "displayTimeUnit": "ms", "otherData": facts}


def build_trace(events: Sequence[Event]) -> dict[str, Any]:
    """The Chrome Trace Event Format object (JSON-ready) for one run's events."""
    return _TraceBuilder(events).build()


def write_trace(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """Write the trace as JSON to `path`, atomically (a reader never sees half a file)."""
    text = json.dumps(build_trace(events), ensure_ascii=False, default=str)
    atomic_write_text(path, text + "\n")
