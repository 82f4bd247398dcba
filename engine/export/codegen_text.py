"""Rendering helpers for engine.export.codegen: literals, comments and narrative templates as the
source a learner would write (f-strings, 88-column lines as ruff/Black format them).

Split from codegen.py only for size; nothing here knows about scenarios.
"""

from __future__ import annotations

import json
import string
import textwrap
import unicodedata

from engine.scenario import NarrativeKind

# say() flushes because each process has its own stdout buffer: without it, lines from
# different processes would appear when each exits, out of order.
SAY = '''def say(text):
    """Print the line in one write, so lines from different processes never mix."""
    print(text + "\\n", end="", flush=True)
'''
BUSY_WORK = '''def busy_work(seconds):
    """CPU-bound work: pure-Python arithmetic (holding the GIL) for about `seconds`."""
    deadline = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < deadline:
        total += sum(i * i for i in range(1000))
    return total
'''
RESCUE = """    # Someone may wait forever for a party that will never come.  Give every process
    # time to finish its plan, then abort() the barrier: all still inside wait() get
    # BrokenBarrierError.
    deadline = time.monotonic() + GIVE_UP_AFTER
    for process in processes:
        process.join(timeout=max(deadline - time.monotonic(), 0))
    stuck = [process.name for process in processes if process.is_alive()]
    if stuck:
        say(f"⌛ {', '.join(stuck)}: still waiting for parties that will never come.")
        say("⏏ Calling barrier.abort(), so that they get BrokenBarrierError.")
        barrier.abort()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():  # last resort: never leave a process behind
            say(f"■ {process.name} did not end; terminating it.")
            process.terminate()
            process.join()
"""


# How each placeholder is spelled inside the generated worker.
VARIABLES = {"name": "name", "stage": "stage", "stages": "STAGES", "party": "party"}


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _literal(text: str) -> str:
    """A string literal for `text`, double-quoted as PEP 8 tools prefer (JSON's escapes are
    valid Python); single-quoted only to avoid escaping double quotes."""
    if '"' in text and "'" not in text:
        return repr(text)
    return json.dumps(text, ensure_ascii=False)


def _clean(text: str) -> str:
    """One line, safe inside a docstring or a comment."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _say_call(indent: int, argument: str) -> list[str]:
    """``say(argument)``, split the way ruff/Black would if it is wider than 88 columns."""
    pad = " " * indent
    one_line = f"{pad}say({argument})"
    if _width(one_line) <= 88:
        return [one_line]
    return [f"{pad}say(", f"{pad}    {argument}", f"{pad})"]


def _width(line: str) -> int:
    """Display columns, as line-length checkers count them (emoji are two wide)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _format_args(kind: NarrativeKind, templates: tuple[str, ...] | list[str]) -> str:
    """Keyword arguments for str.format: {index} is only known after wait() (else "?")."""
    values = {**VARIABLES, "index": "index" if kind == "release" else '"?"'}
    used = sorted({f for t in templates for f in _fields(t)})
    return ", ".join(f"{f}={values[f]}" for f in used)


def _template_expr(template: str, kind: NarrativeKind) -> str | None:
    """Source printing `template`: an f-string, since that is what a learner would write;
    str.format for exotic format specs; None if the template is empty."""
    if not template:
        return None
    parts: list[str] = []
    has_field = False
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if field == "index" and kind != "release":
            parts.append("?")  # as in the app: wait() has not returned yet
            continue
        if any(c in (spec or "") for c in "{}'\"\\"):
            return f"{_literal(template)}.format({_format_args(kind, [template])})"
        has_field = True
        conv = f"!{conversion}" if conversion else ""
        parts.append(f"{{{VARIABLES.get(field, field)}{conv}{':' + spec if spec else ''}}}")
    text = "".join(parts)
    if not has_field:
        return _literal(text.replace("{{", "{").replace("}}", "}"))
    return "f" + _literal(text)


def _comment(text: str, indent: int = 0) -> list[str]:
    """`text` as comment lines that fit in 88 columns (ruff's and Black's default)."""
    pad = " " * indent + "# "
    return textwrap.wrap(_clean(text), width=88, initial_indent=pad, subsequent_indent=pad)
