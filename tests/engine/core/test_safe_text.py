"""engine.core.safe_text: which characters are unsafe to show, and their visible escapes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.safe_text import describe_char, first_unsafe, is_unsafe, printable

UNSAFE = [
    "\0",
    "\a",
    "\b",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",  # the one-byte CSI of 8-bit terminals
    "\ud800",  # a lone surrogate
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",
    "\u2069",
]
SAFE_NAMES = [
    "Navigation",
    "👩‍🚀 Astronaut",  # emoji + zero-width joiner + emoji
    "⚔️ Round",  # variation selector 16
    "Zoë",
    "Zoe\u0308",  # combining diaeresis
    "👍🏽",  # skin-tone modifier
    "🏳️‍🌈",
    "नमस्ते",  # Devanagari with a virama
    "می\u200cخواهم",  # Persian with a zero-width non-joiner
    "שלום\u200f",  # Hebrew with a right-to-left mark
    "🇫🇷",
    "a\u00a0b",  # no-break space
]


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_controls_escapes_and_overrides_are_unsafe(char: str) -> None:
    assert is_unsafe(char)
    assert first_unsafe(f"ab{char}c") == (2, char)
    shown = printable(f"ab{char}c")
    assert shown.startswith("ab\\") and shown.endswith("c")
    assert not any(is_unsafe(c) for c in shown)


@pytest.mark.parametrize("text", SAFE_NAMES)
def test_real_names_are_safe_and_unchanged(text: str) -> None:
    assert first_unsafe(text) is None
    assert printable(text) is text


def test_escapes_are_the_familiar_spellings() -> None:
    assert printable("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert printable("a\0b\x9bc") == "a\\x00b\\x9bc"
    assert printable("x\u202ey") == "x\\u202ey"
    assert printable("tab\there") == "tab\\x09here"


def test_keep_leaves_chosen_characters_alone() -> None:
    assert printable("one\ntwo\tthree\x1b", keep="\n\t") == "one\ntwo\tthree\\x1b"
    assert first_unsafe("one\ntwo", allow="\n") is None
    assert first_unsafe("one\ntwo\r", allow="\n") == (7, "\r")


def test_describe_char() -> None:
    assert describe_char("\x1b") == "U+001B (ESCAPE)"
    assert describe_char("\0") == "U+0000 (NUL)"
    assert describe_char("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    assert describe_char("\x90") == "U+0090"


@given(st.text())
def test_printable_output_never_holds_an_unsafe_character(text: str) -> None:
    shown = printable(text)
    assert first_unsafe(shown) is None
    if first_unsafe(text) is None:
        assert shown == text
    else:
        assert len(shown) > len(text)
