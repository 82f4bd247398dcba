"""Write an event log as JSON Lines, safely: flushed as events arrive, renamed when complete.
(Reading one, which must trust nothing, is engine/core/event_log_reader.py.)

Why `.part` then rename: a reader never sees a half-written log under the final name, and a
crash still leaves every received event on disk in `FILE.part` (flushed per batch).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.core.events import BASE_KEYS, KINDS, Event
from engine.files.output_path import refuse_unless_file

# The encoder `Event.to_json_line` uses, built once: json.dumps with non-default options builds
# a new JSONEncoder per call, a third of the pump's per-event cost at 50,000 events/s.  Even
# JSONEncoder.encode builds the C iterencoder per call (~2 µs); `_encode` calls it directly.
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_c_iterencode: Any = (
    _c_make_encoder(
        {}, _encoder.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _c_make_encoder is not None
    else None
)


def _encode(obj: object) -> str:
    if _c_iterencode is None:  # pragma: no cover - CPython always has the C encoder
        return _encoder.encode(obj)
    return "".join(_c_iterencode(obj, 0))


_BASE = frozenset(BASE_KEYS)
_kind_json: dict[str, str] = {kind: _encode(kind) for kind in KINDS}
_INT_OR_NONE = frozenset({int, type(None)})
_escape = json.encoder.encode_basestring  # what ensure_ascii=False uses (C)
_key_json: dict[object, str] = {}  # '"planned_s":' for every data key seen so far
_KEY_CACHE = 512
_CONSTANTS = {None: "null", True: "true", False: "false"}
# The JSON of data dicts that many events share (the ring decoder gives every arrive of a
# barrier the same dict, engine.core.ring.codec), keyed by id.  Each entry holds the dict
# itself, so its id cannot be reused while it is cached, and a hit is checked by identity.
_shared_tails: dict[int, tuple[object, str]] = {}
_SHARED_LIMIT = 8192


def json_line(e: Event) -> str:
    """`e.to_json_line() + "\n"`, byte for byte, at a third of the cost.

    Why by hand: the log is written on the pump thread, and on a 2-core machine every parent
    microsecond per event is one the parties miss.  The five base keys are always there, in
    that order, and plain ints (or null); `data` is a flat dict of a few str/number values.
    Anything unusual (a float timestamp, a data key that shadows a base key, a nested value,
    a non-dict mapping) takes the general encoder — tests compare both paths byte for byte.
    """
    kind, t_ns, party, pid, stage, data = e.kind, e.t_ns, e.party, e.pid, e.stage, e.data
    shared = _shared_tails.get(id(data))
    if (
        shared is not None
        and shared[0] is data
        and type(t_ns) is int
        and type(pid) is int
        and type(party) is int
        and type(stage) is int
        and (quoted := _kind_json.get(kind)) is not None
    ):  # the hot events: five plain ints and data whose JSON is known (~0.3 µs less)
        tail = shared[1]
        return f'{{"kind":{quoted},"t_ns":{t_ns},"party":{party},"pid":{pid},"stage":{stage}{tail}'
    quoted = _kind_json.get(kind)
    if (
        quoted is None
        or type(t_ns) is not int
        or type(pid) is not int
        or type(party) not in _INT_OR_NONE
        or type(stage) not in _INT_OR_NONE
        or type(data) is not dict
        or (data and not _BASE.isdisjoint(data))
    ):
        return _encode(e.to_json_dict()) + "\n"
    head = (
        f'{{"kind":{quoted},"t_ns":{t_ns},"party":{"null" if party is None else party},'
        f'"pid":{pid},"stage":{"null" if stage is None else stage}'
    )
    return head + _tail(data)


def _tail(data: dict[Any, Any]) -> str:
    """Everything after the base keys: the data's members, the closing brace, the newline."""
    if not data:
        return "}\n"
    body = _flat_json(data)
    return "," + _encode(data)[1:] + "\n" if body is None else "," + body + "}\n"


def share_json(data: dict[str, Any]) -> None:
    """`data` will be the data of many events (and never change): keep its JSON, so each of
    their log lines costs only its five base keys.  A full cache starts afresh."""
    if type(data) is not dict or not _BASE.isdisjoint(data):  # the general path handles it
        return
    if len(_shared_tails) >= _SHARED_LIMIT:
        _shared_tails.clear()
    _shared_tails[id(data)] = (data, _tail(data))


def _flat_json(data: dict[Any, Any]) -> str | None:
    """`_encode(data)` without its braces, for the flat dicts events carry (str keys; int, finite
    float, str, bool or None values); None for anything else."""
    parts = []
    for key, value in data.items():
        name = _key_json.get(key)
        if name is None:
            if type(key) is not str or len(_key_json) >= _KEY_CACHE:
                return None
            name = _key_json[key] = _escape(key) + ":"
        kind = type(value)
        if kind is int:
            parts.append(f"{name}{value}")
        elif kind is str:
            parts.append(name + _escape(value))
        elif kind is float and value - value == 0.0:  # finite: NaN/inf spell differently
            parts.append(name + repr(value))
        elif value is None or kind is bool:
            parts.append(name + _CONSTANTS[value])
        else:
            return None
    return ",".join(parts)


class EventLogWriter:
    """Writes `PATH.part` as events arrive; `close()` renames it to PATH.

    Every problem with the place is found here, before a run starts: PATH names a folder or
    something that is not a file (a device, a FIFO, a link to one), `PATH.part` is not a plain
    file (never follow a planted link: it would overwrite whatever it points to), the folder
    is not writable, or the disk is full (one byte is written and taken back).  Each raises
    OSError with the reason in `strerror`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part_path = self.path.with_name(self.path.name + ".part")
        refuse_unless_file(self.path, follow=True)
        refuse_unless_file(self.part_path, follow=False)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.part_path, flags, 0o666)
        try:
            os.write(fd, b"\n")  # a full disk says so now, not in the middle of the run
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.part_path)
            raise
        self._file = open(fd, "w", encoding="utf-8")  # noqa: SIM115 - kept open

    def write(self, events: Iterable[Event]) -> None:
        self._file.write("".join(map(json_line, events)))
        self._file.flush()

    def close(self) -> None:
        """Flush, fsync and rename to the final name (idempotent)."""
        if self._file.closed:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()
        os.replace(self.part_path, self.path)

    def abandon(self) -> None:
        """Stop writing and keep what was written in `PATH.part` (after a write failed)."""
        with contextlib.suppress(OSError):
            self._file.close()
