"""Small typed checks used by the scenario validator, each failing with a one-line ScenarioError.

Why separate: the checks are generic (integer in range, string, one of N choices, known keys)
while engine.scenario.validate knows the scenario's shape; splitting keeps both short.  All
checks reject booleans where numbers are expected: ``bool`` is a subclass of ``int`` in Python,
so ``parties = true`` would otherwise silently mean one party.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import NoReturn

from engine.core.safe_text import describe_char, first_unsafe, printable
from engine.scenario.limits import ScenarioError

_SHOW_LIMIT = 60


def show(value: object) -> str:
    """A short, single-line rendering of a user's value for error messages (TOML spelling)."""
    if isinstance(value, bool):
        return "true (a boolean)" if value else "false (a boolean)"
    if isinstance(value, int) and abs(value) > 10**30:
        return "a huge integer"  # str() of a giant int is unreadable (and may even raise)
    if isinstance(value, str):
        text = printable(json.dumps(value, ensure_ascii=False))
        return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 4] + '…"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, Mapping):
        return "a table"
    if value is None:
        return "nothing"
    return f"a value of type {type(value).__name__}"


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


class Checker:
    """Checks bound to one `source` so every error names the file it came from."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(
        self,
        field: str | None,
        problem: str,
        *,
        allowed: str | None = None,
        location: str | None = None,
    ) -> NoReturn:
        raise ScenarioError(self.source, field, problem, allowed=allowed, location=location)

    def table(self, field: str | None, raw: object) -> Mapping[str, object]:
        if not isinstance(raw, Mapping):
            what = f"[{field}] " if field else "a scenario "
            self.fail(field, f"{what}must be a table, got {show(raw)}")
        for key in raw:
            if not isinstance(key, str):
                self.fail(field, f"keys must be strings, got {show(key)}")
        return raw

    def known_keys(
        self, where: str | None, table: Mapping[str, object], keys: Sequence[str]
    ) -> None:
        """Reject keys we do not know: a misspelt optional key would otherwise be ignored and
        the user left wondering why their setting has no effect."""
        for key in table:
            if key not in keys:
                hint = _hint(key, keys)
                self.fail(
                    f"{where}.{key}" if where else key,
                    f"unknown key {show(key)}{hint}",
                    allowed=None if hint else ", ".join(keys),
                    location=where or "",
                )

    def text(
        self,
        field: str,
        raw: object,
        limit: int,
        *,
        strip: bool = False,
        non_empty: bool = False,
        multiline: bool = False,
    ) -> str:
        """A string of at most `limit` characters with no control character, escape or
        direction override in it (newlines and tabs too, unless `multiline`).

        Why refuse rather than clean: the text is shown in terminals, logs and generated
        programs; an escape sequence in a scenario is never what its author meant to show.
        """
        if not isinstance(raw, str):
            self.fail(field, f"must be a string, got {show(raw)}")
        value = raw.strip() if strip else raw
        if non_empty and not value.strip():
            self.fail(field, "must not be empty")
        if len(value) > limit:
            self.fail(field, f"is {len(value)} characters long", allowed=f"at most {limit}")
        found = first_unsafe(value, allow="\n\t" if multiline else "")
        if found is not None:
            position, char = found
            self.fail(
                field,
                f"must not contain control characters, got {describe_char(char)}"
                f" at position {position}",
                allowed="printable text" + (", newlines and tabs" if multiline else ""),
            )
        return value

    def integer(self, field: str, raw: object, lo: int, hi: int, *, span: str = "") -> int:
        """An int in [lo, hi]; `span` replaces the default "from lo to hi" wording."""
        span = span or f"from {lo} to {hi}"
        if isinstance(raw, bool) or not isinstance(raw, int) or not lo <= raw <= hi:
            got = "nothing" if raw is None else show(raw)
            self.fail(field, f"must be an integer {span}, got {got}")
        return raw

    def number(
        self,
        field: str,
        raw: object,
        lo: float,
        hi: float,
        *,
        low_open: bool = False,
        label: str = "",
        or_pair: bool = False,
    ) -> float:
        """A float (ints accepted) in [lo, hi], or (lo, hi] if `low_open`; NaN is rejected."""
        ok = isinstance(raw, int | float) and not isinstance(raw, bool)
        # Compare before converting: float() of a huge int raises OverflowError.
        if ok and isinstance(raw, int | float):
            ok = (lo < raw <= hi) if low_open else (lo <= raw <= hi)
        if not ok or not isinstance(raw, int | float):
            span = f"from {lo:g} to {hi:g}"
            if low_open:
                span = f"greater than {lo:g} and at most {hi:g}"
            pair = " (or a [min, max] pair)" if or_pair else ""
            self.fail(field, f"{label}must be a number of seconds {span}{pair}, got {show(raw)}")
        return float(raw)

    def choice(self, field: str, raw: object, choices: Sequence[str]) -> str:
        if not isinstance(raw, str) or raw not in choices:
            hint = _hint(raw, choices) if isinstance(raw, str) else ""
            self.fail(field, f"unknown value {show(raw)}{hint}", allowed=", ".join(choices))
        return raw
