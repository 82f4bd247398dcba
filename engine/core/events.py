"""The one protocol: every event that crosses a pipe or lands in a log.

Why one small module: a reader of this file knows everything that can arrive, from any backend
(processes today; threads, asyncio, a replayed log or a traced program later).  Children send
events as plain tuples (cheap to pickle, see `Event.to_wire`); the parent turns them into frozen
`Event` objects and writes them as JSON Lines with `to_json_line`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

from engine.core.event_log_schema import event_problem

EventKind: TypeAlias = Literal[
    "run_start",  # parent: the run begins (pid = parent pid, plan and scenario facts)
    "spawn",  # parent: a party process started (pid = the child's)
    "work_start",  # child: a work phase begins, with planned_s
    "progress",  # child: cpu work done so far, fraction 0..1
    "hold",  # child: step-through mode, waiting for the presenter before this stage
    "arrive",  # child: just before wait()
    "release",  # child: just after wait() returned, with index
    "action",  # child: inside the barrier action, with message
    "broken",  # child: wait() raised (BrokenBarrierError or the action's exception)
    "crash",  # child: the party's own work raised, with error
    "kill",  # parent: the app SIGKILLed a party (a fault preset or the user), with reason
    "abort",  # parent: abort() was called on the barrier
    "reset",  # parent: reset() was called on the barrier
    "wedged",  # parent: a party died inside wait(); the barrier can never release again
    "stranded",  # parent: parties wait for arrivals that can never come
    "suspended",  # parent: a party is stopped (SIGSTOP, Ctrl+Z, a debugger: state T), message
    "resumed",  # parent: a suspended party runs again (SIGCONT), with message
    "stop",  # parent: the user asked the run to stop
    "exit",  # parent: a party process ended, with exitcode
    "run_end",  # parent: every party is gone, with status and exit_code
    "output",  # trace: one line a traced process wrote, with stream ("stdout"|"stderr"), text
    "barrier",  # trace: the program created a barrier, with barrier (id), parties, timeout
]

KINDS: Final[frozenset[str]] = frozenset(EventKind.__args__)  # type: ignore[attr-defined]
BASE_KEYS: Final[tuple[str, ...]] = ("kind", "t_ns", "party", "pid", "stage")

WireEvent: TypeAlias = tuple[str, int, int | None, int, int | None, dict[str, Any]]


class EventLogError(ValueError):
    """A line of an event log is not a valid event (one-line message)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, on the shared `time.monotonic_ns()` clock.

    `party` and `stage` are 0-based; both are None for run-level events (run_start, run_end,
    abort, reset, stop).  `data` holds the kind-specific keys.
    """

    kind: str
    t_ns: int
    party: int | None
    pid: int
    stage: int | None
    data: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        """A kind-specific value, or `default`."""
        return self.data.get(key, default)

    def to_wire(self) -> WireEvent:
        return (self.kind, self.t_ns, self.party, self.pid, self.stage, dict(self.data))

    @classmethod
    def from_wire(cls, wire: WireEvent) -> Event:
        if cls is Event:
            return event_from_wire(wire)
        kind, t_ns, party, pid, stage, data = wire
        return cls(kind, t_ns, party, pid, stage, data)

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "t_ns": self.t_ns,
            "party": self.party,
            "pid": self.pid,
            "stage": self.stage,
        }
        out.update(self.data)
        return out

    def to_json_line(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json_dict(cls, obj: object) -> Event:
        """Validate one decoded JSON object; raise EventLogError naming what is wrong."""
        if not isinstance(obj, dict):
            raise EventLogError(f"expected a JSON object, got {type(obj).__name__}")
        missing = [k for k in BASE_KEYS if k not in obj]
        if missing:
            raise EventLogError(f"missing key(s): {', '.join(missing)}")
        kind, t_ns, party, pid, stage = (obj[k] for k in BASE_KEYS)
        if not isinstance(kind, str) or kind not in KINDS:
            raise EventLogError(f"unknown kind {_short(kind)}")
        data = {k: v for k, v in obj.items() if k not in BASE_KEYS}
        problem = event_problem(kind, obj, data)  # every field's type and range
        if problem is not None:
            raise EventLogError(problem)
        return cls(kind, t_ns, party, pid, stage, data)

    @classmethod
    def from_json_line(cls, line: str) -> Event:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EventLogError(f"not JSON ({exc.msg})") from None
        except RecursionError:  # the C decoder refuses ~1000 levels cleanly; we allow 16
            raise EventLogError("not JSON (nested too deeply)") from None
        except ValueError:  # an integer of more than 4300 digits
            raise EventLogError("not JSON (a number too long to read)") from None
        return cls.from_json_dict(obj)


# The slots' own setters: a frozen dataclass's __init__ goes through object.__setattr__ by name
# for each field, twice the cost of this at 100,000 events/s (the pump builds every Event).
_SETTERS = tuple(getattr(Event, name).__set__ for name in (*BASE_KEYS, "data"))
_set_kind, _set_t_ns, _set_party, _set_pid, _set_stage, _set_data = _SETTERS
_new_object = object.__new__
# For bulk decoders that build many Events in one loop (engine.core.ring): the same fast path
# as event_from_wire, without a call and a tuple per event.
EVENT_SETTERS: Final = _SETTERS


def event_from_wire(wire: WireEvent) -> Event:
    """`Event.from_wire` without dataclass __init__: the pump's path for every child event.

    The result is an ordinary, equal, still frozen Event (assignment keeps raising)."""
    kind, t_ns, party, pid, stage, data = wire
    event: Event = _new_object(Event)
    _set_kind(event, kind)
    _set_t_ns(event, t_ns)
    _set_party(event, party)
    _set_pid(event, pid)
    _set_stage(event, stage)
    _set_data(event, data)
    return event


def _short(value: object) -> str:
    shown = repr(value) if isinstance(value, str | int | float | None) else type(value).__name__
    return shown if len(shown) <= 40 else shown[:37] + "…"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
