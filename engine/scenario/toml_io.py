"""Write scenario dicts as TOML that people enjoy reading.

Why not plain ``tomli_w.dumps``: it puts every array item on its own line, so a scenario's
``work = [0.5, 2.0]`` becomes four lines and a 32-party file turns into a scroll marathon.
Scenario files are meant to be read and edited by learners, so we lay out the simple shape we
actually use (top-level values, ``[table]`` sections, ``[[array-of-tables]]``) with inline arrays,
still letting tomli_w quote every key and scalar.  Anything outside that shape, or any output
that does not read back identically, falls back to ``tomli_w.dumps``: pretty, but never wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import TypeGuard

import tomli_w

__all__ = ["dumps_compact"]


class _Unsupported(Exception):
    """The value is outside the shape we lay out ourselves; use tomli_w's layout instead."""


def _key(key: str) -> str:
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        raise _Unsupported
    line = tomli_w.dumps({"v": value})  # quoting/escaping exactly as tomli_w does it
    return line[len("v = ") : -1]


def _is_table_array(value: object) -> TypeGuard[list[Mapping[str, object]]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _body(table: Mapping[str, object]) -> list[str]:
    """`key = value` lines; a nested table here is outside our shape."""
    lines = []
    for key, value in table.items():
        if isinstance(value, Mapping) or _is_table_array(value):
            raise _Unsupported
        lines.append(f"{_key(key)} = {_value(value)}")
    return lines


def _render(data: Mapping[str, object]) -> str:
    scalars = {k: v for k, v in data.items() if not (isinstance(v, Mapping) or _is_table_array(v))}
    chunks = ["\n".join(_body(scalars))] if scalars else []
    for key, value in data.items():
        if isinstance(value, Mapping):
            chunks.append("\n".join([f"[{_key(key)}]", *_body(value)]))
        elif _is_table_array(value):
            for item in value:
                chunks.append("\n".join([f"[[{_key(key)}]]", *_body(item)]))
    return "\n\n".join(chunks) + "\n"


def dumps_compact(data: Mapping[str, object]) -> str:
    """TOML text for `data`: compact when possible, always equal to `data` when read back."""
    try:
        text = _render(data)
        if tomllib.loads(text) == data:
            return text
    except (_Unsupported, TypeError, ValueError):
        pass
    return tomli_w.dumps(data)
