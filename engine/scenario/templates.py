"""Check one narrative template: known placeholders only, and format specs that stay small.

Why check before a run: a typo such as {nmae} would otherwise surface mid-run, in another
process; and a format spec is a size, so ``{name:>1000000000}`` would print a gigabyte for
every party at every stage.  Widths and precisions are bounded *before* the trial format,
which would otherwise build that gigabyte here.  A spec with a field inside it (``{name:{stage}}``)
is refused: its size would only be known at run time.
"""

from __future__ import annotations

import difflib
import re
import string

from engine.scenario.checks import Checker
from engine.scenario.limits import MAX_FORMAT_WIDTH, MAX_LINE_CHARS, PLACEHOLDERS

__all__ = ["check_template"]

_SAMPLE_FIELDS: dict[str, object] = {"name": "Ada", "stage": 1, "stages": 2, "index": 0, "party": 1}
_NUMBER = re.compile(r"\d+")
_ALLOWED = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)


def _number_too_big(run: str) -> bool:
    digits = run.lstrip("0")
    return len(digits) > len(str(MAX_FORMAT_WIDTH)) or int(digits or "0") > MAX_FORMAT_WIDTH


def _check_spec(c: Checker, field: str, name: str, spec: str) -> None:
    if "{" in spec or "}" in spec:
        c.fail(
            field,
            f"the format of {{{name}}} must not contain another {{…}} field",
            allowed="a fixed format such as {name:>12}",
        )
    for run in _NUMBER.findall(spec):
        if _number_too_big(run):
            shown = run if len(run) <= 12 else run[:12] + "…"
            c.fail(
                field,
                f"format width or precision {shown} in {{{name}:…}} is too large",
                allowed=f"widths and precisions up to {MAX_FORMAT_WIDTH}",
            )


def check_template(c: Checker, field: str, raw: object) -> str:
    """`raw` as a template string, or a one-line ScenarioError naming `field`."""
    template = c.text(field, raw, MAX_LINE_CHARS)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:  # unbalanced braces
        c.fail(field, f"malformed template: {exc}", allowed=_ALLOWED)
    for _, name, spec, _ in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            hint = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
            near = f" (did you mean {{{hint[0]}}}?)" if hint else ""
            c.fail(field, f"unknown placeholder {{{name}}}{near}", allowed=_ALLOWED)
        _check_spec(c, field, name, spec or "")
    try:
        template.format_map(_SAMPLE_FIELDS)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        c.fail(field, f"malformed template: {exc}", allowed=_ALLOWED)
    return template
