"""TOML in and out: how deep a file nests before it is parsed, and scenario dicts written as
TOML that people enjoy reading.

Why measure nesting first: tomllib parses arrays and inline tables recursively, so a hostile
file with a few thousand ``[`` in a row ends in a RecursionError (or, deep enough, worse)
instead of a message.  A scenario needs three levels; the scan below counts brackets outside
strings and comments, in one pass, so the loader can refuse a file before parsing it.

Why not plain ``tomli_w.dumps``: it puts every array item on its own line, so a scenario's
``work = [0.5, 2.0]`` becomes four lines and a 32-party file turns into a scroll marathon.
Scenario files are meant to be read and edited by learners, so we lay out the simple shape we
actually use (top-level values, ``[table]`` sections, ``[[array-of-tables]]``) with inline arrays,
still letting tomli_w quote every key and scalar.  Anything outside that shape, or any output
that does not read back identically, falls back to ``tomli_w.dumps``: pretty, but never wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import TypeGuard

import tomli_w

__all__ = ["dumps_compact", "nesting_depth"]

# Strings and comments are matched whole so that brackets inside them are not counted.  Each
# alternative can match a position in one way only, so a scan is linear even on hostile input.
_TOKENS = re.compile(
    "|".join(
        (
            r"#[^\n]*",  # a comment
            r'"""(?:\\.|[^\\])*?"{3,5}',  # a multi-line basic string (may end in 1-2 quotes)
            r"'''.*?'{3,5}",  # a multi-line literal string
            r'"(?:[^"\\\n]|\\.)*"',  # a basic string
            r"'[^'\n]*'",  # a literal string
            r"(?P<open>[\[{])",
            r"(?P<close>[\]}])",
        )
    ),
    re.DOTALL,
)


def nesting_depth(text: str, stop_above: int) -> int:
    """The deepest nesting of ``[ ]`` and ``{ }`` in TOML `text`, outside strings and comments;
    counting stops as soon as it passes `stop_above`."""
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        if token.group("open"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        elif token.group("close"):
            depth = max(depth - 1, 0)
    return deepest


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
