"""Fixed-size records for the fixed-shape event kinds, and the exact way back to `Event`s.

A record holds `t_ns`, `stage`, one float `value` and two small ints `a`, `b`; party and pid
are the ring's.  Per kind:

    work_start   value = planned_s, a = workload (string code)
    progress     value = fraction
    hold         –
    arrive       a = barrier
    release      a = barrier, b = index
    action       a = barrier, b = message (string code) or -1 when the event has no message
    broken       a = barrier, b = reason (string code); only the text-free reason="broken"

Strings (workload names, the action's message, the broken reason) travel as codes into a table
that the parent fixes before the parties start (`string_table`).  An event that does not have
exactly one of these shapes — other keys, other key order, a bool or int where a float was,
an unknown string, a value out of int32 range, no stage — is NOT encoded: the sink sends it on
the pipe unchanged, so the event log is byte-for-byte what the pipe path writes.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any, Final

from engine.core.event_log import share_json
from engine.core.events import EVENT_SETTERS, Event

WORK_START, PROGRESS, HOLD, ARRIVE, RELEASE, ACTION, BROKEN = range(1, 8)
KIND_NAMES: Final = (
    None,
    "work_start",
    "progress",
    "hold",
    "arrive",
    "release",
    "action",
    "broken",
)
NO_MESSAGE: Final = -1
# Strings every run can meet: the workloads a party reports, the text-free broken reason.
DEFAULT_STRINGS: Final = ("sleep", "cpu", "presenter", "broken")
SHARED_DATA_LIMIT: Final = 4096  # distinct arrive / release data dicts kept per run

Fields = tuple[int, float, int, int]  # kind code, value, a, b
Encoder = Callable[[Mapping[str, Any], Mapping[str, int]], "Fields | None"]


def string_table(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """DEFAULT_STRINGS then `extra` (e.g. the action's message), each once."""
    return tuple(dict.fromkeys((*DEFAULT_STRINGS, *extra)))


def _work_start(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    if tuple(data) == ("planned_s", "workload"):
        planned, code = data["planned_s"], codes.get(data["workload"])
        if type(planned) is float and code is not None:
            return WORK_START, planned, code, 0
    return None


def _progress(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    if tuple(data) == ("fraction",) and type(fraction := data["fraction"]) is float:
        return PROGRESS, fraction, 0, 0
    return None


def _hold(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    return None if data else (HOLD, 0.0, 0, 0)


def _arrive(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    if tuple(data) == ("barrier",) and type(barrier := data["barrier"]) is int:
        return ARRIVE, 0.0, barrier, 0
    return None


def _release(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    if tuple(data) == ("barrier", "index"):
        barrier, index = data["barrier"], data["index"]
        if type(barrier) is int and type(index) is int:
            return RELEASE, 0.0, barrier, index
    return None


def _action(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    keys = tuple(data)
    if keys == ("barrier",) and type(barrier := data["barrier"]) is int:
        return ACTION, 0.0, barrier, NO_MESSAGE
    if keys == ("barrier", "message") and type(barrier := data["barrier"]) is int:
        code = codes.get(data["message"]) if type(data["message"]) is str else None
        if code is not None:
            return ACTION, 0.0, barrier, code
    return None


def _broken(data: Mapping[str, Any], codes: Mapping[str, int]) -> Fields | None:
    if tuple(data) == ("barrier", "reason") and type(barrier := data["barrier"]) is int:
        code = codes.get(data["reason"]) if type(data["reason"]) is str else None
        if code is not None:
            return BROKEN, 0.0, barrier, code
    return None


ENCODERS: Final[dict[str, Encoder]] = {
    "work_start": _work_start,
    "progress": _progress,
    "hold": _hold,
    "arrive": _arrive,
    "release": _release,
    "action": _action,
    "broken": _broken,
}


def decode_columns(
    kinds: list[int],
    t_ns: list[int],
    parties: list[int],
    pids: list[int],
    stages: list[int],
    values: list[float],
    a: list[int],
    b: list[int],
    strings: tuple[str, ...],
    shared: SharedData | None = None,
) -> list[Event]:
    """Events from record columns (already validated: known kinds, string codes in range).

    This is the parent's cost per event, so the loops run in C wherever they can: the Events
    are allocated by `map`, each field is set by `map` over its column (the fast path of
    `event_from_wire`), and only the data dicts need one comprehension; arrive and release
    data come from `shared` (benchmarks/ring_path.py measures the rate).
    """
    events: list[Event] = list(map(_new, repeat(Event, len(kinds))))
    arrive, release, work = (shared or SharedData(strings)).maps()
    data = [
        arrive[x]
        if kind == ARRIVE
        else release[x, y]
        if kind == RELEASE
        else (
            work[x, value]  # -0.0 equals 0.0 as a key, yet its JSON differs: not shared
            if value > 0.0 or (value == 0.0 and _copysign(1.0, value) > 0.0)
            else {"planned_s": value, "workload": strings[x]}
        )
        if kind == WORK_START
        else {"fraction": value}
        if kind == PROGRESS
        else _rare_data(kind, x, y, strings)
        for kind, value, x, y in zip(kinds, values, a, b, strict=True)
    ]
    names = list(map(KIND_NAMES.__getitem__, kinds))
    columns: tuple[list[Any], ...] = (names, t_ns, parties, pids, stages, data)
    for setter, column in zip(EVENT_SETTERS, columns, strict=True):
        _consume(map(setter, events, column))
    return events


def _rare_data(kind: int, x: int, y: int, strings: tuple[str, ...]) -> dict[str, Any]:
    if kind == HOLD:
        return {}
    if kind == ACTION:
        return {"barrier": x} if y == NO_MESSAGE else {"barrier": x, "message": strings[y]}
    return {"barrier": x, "reason": strings[y]}  # BROKEN


class _Interned(dict[Any, dict[str, Any]]):
    """key → data dict, made on first use; stops remembering past SHARED_DATA_LIMIT keys."""

    def __init__(self, make: Callable[[Any], dict[str, Any]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> dict[str, Any]:
        value = self._make(key)
        if len(self) < SHARED_DATA_LIMIT:
            self[key] = value
            share_json(value)  # its log lines reuse the JSON (engine.core.event_log)
        return value


class SharedData:
    """The data dicts of arrive, release and work_start events, one per distinct value per run.

    Why: a stage brings one arrive and one release per party, all with the same few dicts
    (and, for equal planned work, the same work_start dict); building each anew was the
    largest single cost of decoding, and their log lines reuse one JSON text each.  Sharing is
    safe because `Event.data` is a read-only Mapping (nothing in the engine or the GUI writes
    to it); Events stay equal, field by field, to the ones the pipe path builds.
    """

    def __init__(self, strings: tuple[str, ...]) -> None:
        self._arrive = _Interned(lambda barrier: {"barrier": barrier})
        self._release = _Interned(lambda key: {"barrier": key[0], "index": key[1]})
        self._work = _Interned(lambda key: {"planned_s": key[1], "workload": strings[key[0]]})

    def maps(self) -> tuple[_Interned, _Interned, _Interned]:
        return self._arrive, self._release, self._work


_new = object.__new__
_copysign = math.copysign
_consume: Callable[[Iterable[Any]], None] = collections.deque(maxlen=0).extend  # in C
