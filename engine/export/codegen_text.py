"""Scenario text as Python source, safely: string literals, narrative lines and layout helpers
for engine.export.codegen (88-column lines, as ruff and Black lay them out).

Why this module is strict: a scenario file is input from outside, and its text ends up in a
program the user runs.  Scenario text reaches that program only as string literals built by
``repr()`` (which escapes quotes, backslashes and every non-printable character) and parsed
back to prove they hold exactly the text; never inside a comment, a docstring or code.  A
narrative template becomes an f-string (what a learner would write) only when its literal parts
need no escaping at all and its fields are the known variables; the f-string is then parsed and
evaluated on sample values to prove it is nothing but that template.  Any other template is
printed with ``"…".format(…)`` on a repr() literal.
"""

from __future__ import annotations

import ast
import re
import string
import textwrap
import unicodedata

from engine.core.safe_text import first_unsafe
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

LINE_WIDTH = 88
# How each placeholder is spelled inside the generated worker.
VARIABLES = {"name": "name", "stage": "stage", "stages": "STAGES", "party": "party"}
_SAMPLE = {"name": "Ada", "stage": 1, "STAGES": 2, "party": 3, "index": 0}
# Format specs copied into an f-string: the standard mini-language's own characters only.
_PLAIN_SPEC = re.compile(r"[A-Za-z0-9<>=^+\- #_,.%]*")


def fields(template: str) -> list[str]:
    """The placeholder names a (validated) template uses."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def literal(text: str) -> str:
    """A Python string literal for `text`, built by repr() and checked by parsing it back.

    Double-quoted when repr() needed no quote escaping (what PEP 8 tools prefer); otherwise
    repr()'s own choice.
    """
    source = repr(text)
    if source[0] == "'" and '"' not in text and "'" not in text:
        source = f'"{source[1:-1]}"'  # no quote inside: only the delimiters change
    if ast.literal_eval(source) != text:  # cannot happen; a wrong literal must never be emitted
        raise ValueError(f"could not write {text!r} as a literal")
    return source


def assignment(name: str, text: str) -> list[str]:
    """``NAME = "text"``, split into implicitly joined repr() literals (broken after spaces)
    when one line would be wider than 88 columns."""
    one_line = f"{name} = {literal(text)}"
    if width(one_line) <= LINE_WIDTH:
        return [one_line]
    room = LINE_WIDTH - 4
    chunks: list[str] = []
    for piece in re.findall(r"\S*\s*", text):
        if chunks and width(literal(chunks[-1] + piece)) <= room:
            chunks[-1] += piece
        elif piece:
            chunks.append(piece)
    return [f"{name} = (", *(f"    {literal(chunk)}" for chunk in chunks), ")"]


def say_call(indent: int, argument: str) -> list[str]:
    """``say(argument)``, split the way ruff/Black would if it is wider than 88 columns."""
    pad = " " * indent
    one_line = f"{pad}say({argument})"
    if width(one_line) <= LINE_WIDTH:
        return [one_line]
    return [f"{pad}say(", f"{pad}    {argument}", f"{pad})"]


def width(line: str) -> int:
    """Display columns, as line-length checkers count them (emoji are two wide)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def format_args(kind: NarrativeKind, templates: tuple[str, ...] | list[str]) -> str:
    """Keyword arguments for str.format: {index} is only known after wait() (else "?")."""
    values = {**VARIABLES, "index": "index" if kind == "release" else '"?"'}
    used = sorted({f for t in templates for f in fields(t)})
    return ", ".join(f"{f}={values[f]}" for f in used)


def template_expr(template: str, kind: NarrativeKind) -> str | None:
    """Source that evaluates to the line `template` prints, or None if it is empty."""
    if not template:
        return None
    if not fields(template):
        return literal(template.replace("{{", "{").replace("}}", "}"))
    as_fstring = _fstring(template, kind)
    if as_fstring is not None and _proven(as_fstring, template, kind):
        return as_fstring
    return f"{literal(template)}.format({format_args(kind, [template])})"


def _fstring(template: str, kind: NarrativeKind) -> str | None:
    """The f-string a learner would write, or None when a part would need escaping."""
    parts: list[str] = []
    for text, field, spec, conversion in string.Formatter().parse(template):
        if not text.isprintable() or '"' in text or "\\" in text:
            return None
        parts.append(text.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if field == "index" and kind != "release":
            if spec or conversion:
                return None
            parts.append("?")  # as in the app: wait() has not returned yet
            continue
        if field not in VARIABLES and field != "index":
            return None
        if not _PLAIN_SPEC.fullmatch(spec or "") or conversion not in (None, "r", "s", "a"):
            return None
        conv = f"!{conversion}" if conversion else ""
        parts.append(f"{{{VARIABLES.get(field, field)}{conv}{':' + spec if spec else ''}}}")
    return 'f"' + "".join(parts) + '"'


def _proven(source: str, template: str, kind: NarrativeKind) -> bool:
    """True if `source` parses to an f-string of constants and known variables only, and
    prints what `template` prints on sample values."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return False
    if not isinstance(tree.body, ast.JoinedStr):
        return False
    for node in ast.walk(tree.body):
        if isinstance(node, ast.Name):
            if node.id not in _SAMPLE or not isinstance(node.ctx, ast.Load):
                return False
        elif not isinstance(node, ast.JoinedStr | ast.FormattedValue | ast.Constant | ast.Load):
            return False
    values = {key: _SAMPLE[var] for key, var in {**VARIABLES, "index": "index"}.items()}
    if kind != "release":
        values["index"] = "?"
    shown = eval(compile(tree, "<template>", "eval"), {"__builtins__": {}}, dict(_SAMPLE))
    return bool(shown == template.format_map(values))


def comment(text: str, indent: int = 0) -> list[str]:
    """The generator's own `text` as comment lines that fit in 88 columns.

    Never scenario text: a comment is source, and only literals may carry outside text.
    """
    if first_unsafe(text) is not None:
        raise ValueError("a comment must be plain, printable text")
    pad = " " * indent + "# "
    return textwrap.wrap(text, width=LINE_WIDTH, initial_indent=pad, subsequent_indent=pad)
