"""Text from outside, made safe to show: which characters a terminal or a log line must never
receive raw, and a visible escape for each.

Why one definition: a scenario file, an event log or a traced program's output can carry an
escape sequence (ESC, the 8-bit CSI, NUL), a carriage return that overwrites the line, or a
bidirectional override that makes text read differently from what it is.  Printed raw, such
text can recolour, retitle or scramble the user's terminal, or forge lines that seem to come
from the app.  The validator refuses these characters and the printers escape them, and both
use the same test, so what one lets through the other can show.

What stays allowed on purpose: everything a real name needs, such as emoji built with a
zero-width joiner (``"👩‍🚀"``), variation selectors, combining accents, right-to-left letters and
the direction *marks* (LRM/RLM), which only nudge neighbouring characters.
"""

from __future__ import annotations

import unicodedata

__all__ = ["describe_char", "first_unsafe", "is_unsafe", "printable"]

# Explicit embeddings, overrides and isolates: they reorder what follows them on the screen
# (the "Trojan Source" trick), so text could display differently from what it says.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Cc: C0 (NUL…US), DEL and C1 (which includes the one-byte CSI, U+009B); Cs: lone surrogates,
# which cannot even be encoded; Zl/Zp: line and paragraph separators, which some terminals
# and editors treat as a line break.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})

_C0_NAMES = {
    "\0": "NUL",
    "\a": "BEL",
    "\b": "BACKSPACE",
    "\t": "TAB",
    "\n": "NEWLINE",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x9b": "CSI",
}


def is_unsafe(char: str) -> bool:
    """True for a character that must not reach a terminal or a log line raw."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def first_unsafe(text: str, *, allow: str = "") -> tuple[int, str] | None:
    """(position, character) of the first unsafe character of `text` that is not in
    `allow` (e.g. ``"\\n\\t"`` for multi-line text), or None if there is none."""
    for position, char in enumerate(text):
        if char not in allow and is_unsafe(char):
            return position, char
    return None


def describe_char(char: str) -> str:
    """A readable name for one character, such as ``U+001B (ESCAPE)``."""
    name = _C0_NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, keep: str = "") -> str:
    """`text` with every unsafe character (except those in `keep`) replaced by a visible
    escape such as ``\\x1b`` or ``\\u202e``; safe text comes back unchanged (the same object).

    For printing text from outside: event-log fields, a traced program's output, file names
    in error messages.
    """
    if first_unsafe(text, allow=keep) is None:
        return text
    return "".join(_escape(c) if c not in keep and is_unsafe(c) else c for c in text)
