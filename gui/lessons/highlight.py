"""Python syntax colouring for the code pane, from the standard library's tokenizer.

Why tokenize and not a regex: the program holds scenario text as string literals, which may
look like code ("barrier.wait()" as a party name); only the tokenizer tells a string from a
call.  Qt-free: it returns character spans per line, the pane paints them.
"""

from __future__ import annotations

import builtins
import io
import keyword
import token
import tokenize
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    PLAIN = "plain"
    KEYWORD = "keyword"
    STRING = "string"
    COMMENT = "comment"
    NUMBER = "number"
    BUILTIN = "builtin"
    DEFINITION = "definition"  # the name after def / class


@dataclass(frozen=True)
class Span:
    start: int  # character columns in the line
    end: int
    kind: Kind


_BUILTINS = frozenset(dir(builtins))


def _kind(tok: tokenize.TokenInfo, previous: str) -> Kind:
    if tok.type == token.COMMENT:
        return Kind.COMMENT
    if tok.type == token.STRING or tok.type in _FSTRING_TYPES:
        return Kind.STRING
    if tok.type == token.NUMBER:
        return Kind.NUMBER
    if tok.type == token.NAME:
        if previous in ("def", "class"):
            return Kind.DEFINITION
        if keyword.iskeyword(tok.string):
            return Kind.KEYWORD
        if tok.string in _BUILTINS:
            return Kind.BUILTIN
    return Kind.PLAIN


# Python 3.12 splits f-strings into tokens of their own; 3.11 has one STRING token.
_FSTRING_TYPES = frozenset(
    getattr(token, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(token, name)
)


def highlight(text: str) -> list[list[Span]]:
    """Coloured spans for each line of `text` (lines the tokenizer cannot read stay plain)."""
    lines = text.split("\n")
    spans: list[list[Span]] = [[] for _ in lines]
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = _kind(tok, previous)
            if tok.type == token.NAME:
                previous = tok.string
            elif tok.type not in (token.NL, token.NEWLINE, token.INDENT, token.DEDENT):
                previous = ""
            if kind == Kind.PLAIN:
                continue
            (row, col), (end_row, end_col) = tok.start, tok.end
            for line in range(row, end_row + 1):  # a string may span several lines
                start = col if line == row else 0
                stop = end_col if line == end_row else len(lines[line - 1])
                spans[line - 1].append(Span(start, stop, kind))
    except (tokenize.TokenError, SyntaxError, IndexError):
        pass  # a partial colouring is still better than none
    return spans
