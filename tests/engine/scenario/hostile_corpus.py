"""A corpus of hostile scenario files, generated: every one must be refused with one clear line.

Each case makes its file (or FIFO, device link, folder…) inside an empty folder and names a
fragment the one-line error must contain.  The cases are built from small tables (fields ×
characters, kinds × format specs, depths, sizes) so that adding a field or a character to the
tables adds every combination.
"""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from engine.scenario import (
    MAX_DESCRIPTION_CHARS,
    MAX_FILE_BYTES,
    MAX_FORMAT_WIDTH,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_NESTING,
)

FILE_NAME = "case.toml"


@dataclass(frozen=True)
class HostileCase:
    id: str
    needle: str  # the one-line error must contain this
    make: Callable[[Path], Path]  # builds the case in an empty folder; the path to load


def base() -> dict[str, Any]:
    """A valid scenario with every text field set, each case breaks one thing."""
    return {
        "name": "Hostile",
        "description": "A valid scenario, broken one field at a time.",
        "stages": 2,
        "action": {"message": "Go!"},
        "narrative": {"work": "{name} works.", "arrive": "{name} waits.", "release": "{name} goes"},
        "party": [{"name": "Ada", "work": 0.01}, {"name": "Bob", "work": 0.01}],
    }


def with_value(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    data = base()
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def toml_case(case_id: str, data: dict[str, Any], needle: str) -> HostileCase:
    frozen = copy.deepcopy(data)

    def make(folder: Path) -> Path:
        path = folder / FILE_NAME
        path.write_text(tomli_w.dumps(frozen), encoding="utf-8")
        return path

    return HostileCase(case_id, needle, make)


def bytes_case(case_id: str, content: bytes, needle: str, name: str = FILE_NAME) -> HostileCase:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return HostileCase(case_id, needle, make)


def node_case(case_id: str, build: Callable[[Path], None], needle: str) -> HostileCase:
    def make(folder: Path) -> Path:
        path = folder / FILE_NAME
        build(path)
        return path

    return HostileCase(case_id, needle, make)


# --- not a small regular file -----------------------------------------------------------------


def _sparse(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with path.open("wb") as file:
            file.truncate(size)

    return build


def _comments(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        line = b"# " + b"x" * 61 + b"\n"
        path.write_bytes(line * (size // len(line)) + b"#" * (size % len(line)))

    return build


FILE_CASES = [
    node_case("fifo", lambda p: os.mkfifo(p), "FIFO"),
    node_case("link-to-dev-zero", lambda p: p.symlink_to("/dev/zero"), "character device"),
    node_case("link-to-dev-urandom", lambda p: p.symlink_to("/dev/urandom"), "character device"),
    node_case("dev-null-link", lambda p: p.symlink_to(os.devnull), "not a regular file"),
    node_case("folder", lambda p: p.mkdir(), "folder"),
    node_case("dangling-link", lambda p: p.symlink_to(p.with_name("gone.toml")), "cannot be read"),
    node_case("link-loop", lambda p: p.symlink_to(p), "cannot be read"),
    node_case("missing", lambda p: None, "No such file"),
    node_case("sparse-10-GiB", _sparse(10 * 2**30), "too large"),
    node_case("2-MiB-of-comments", _comments(2 * MAX_FILE_BYTES), "too large"),
    node_case("one-byte-over", _comments(MAX_FILE_BYTES + 1), "too large"),
]

# --- not text, not TOML -----------------------------------------------------------------------

ENCODING_CASES = [
    bytes_case("utf-16", "parties = 2\n".encode("utf-16"), "not UTF-8"),
    bytes_case("latin-1", b"name = '\xe9t\xe9'\nparties = 2\n", "not UTF-8"),
    bytes_case("nul-bytes", b"\0" * 64, "invalid TOML"),
    bytes_case("random-bytes", random.Random(7).randbytes(4096), "case.toml"),
    bytes_case("raw-escape-in-string", b'name = "\x1b[31mred"\nparties = 2\n', "invalid TOML"),
    bytes_case("empty-file", b"", "parties: missing"),
    bytes_case("broken-toml", b"parties = = 3\n", "invalid TOML"),
    bytes_case("escape-in-file-name", b"parties = 0\n", "parties", name="\x1b]0;pwned\x07.toml"),
    bytes_case("csi-in-file-name", b"parties = 0\n", "parties", name="\x9b31mred.toml"),
]

# --- nested too deep --------------------------------------------------------------------------


def _arrays(depth: int, key: str = "parties") -> bytes:
    return f"{key} = {'[' * depth}1{']' * depth}\n".encode()


def _tables(depth: int) -> bytes:
    return ("parties = " + "{a = " * depth + "1" + "}" * depth + "\n").encode()


NESTING_CASES = [
    bytes_case(f"arrays-{n}-deep", _arrays(n), "nested") for n in (MAX_NESTING + 1, 500, 100_000)
] + [
    bytes_case(f"inline-tables-{n}-deep", _tables(n), "nested") for n in (MAX_NESTING + 1, 5000)
] + [
    bytes_case("deep-in-narrative", b"parties = 2\n[narrative]\n" + _arrays(999, "work"), "nested"),
    bytes_case("unclosed-10000", b"parties = " + b"[" * 10_000, "nested"),
]  # fmt: skip

# --- text: control characters, escapes, overrides, in every field -----------------------------

TEXT_FIELDS: list[tuple[tuple[str | int, ...], str]] = [
    (("name",), "name"),
    (("description",), "description"),
    (("action", "message"), "action.message"),
    (("narrative", "work"), "narrative.work"),
    (("narrative", "arrive"), "narrative.arrive"),
    (("narrative", "release"), "narrative.release"),
    (("party", 0, "name"), "party[0].name"),
]
UNSAFE_CHARS = {
    "ESC": "\x1b",
    "NUL": "\0",
    "BEL": "\a",
    "BS": "\b",
    "CR": "\r",
    "DEL": "\x7f",
    "CSI-8bit": "\x9b",
    "NEL": "\x85",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "LINE-SEP": "\u2028",
}
TEXT_CASES = [
    toml_case(
        f"{label}-in-{field}",
        with_value(path, f"A{char}[31m B"),
        f"{field}: must not contain control characters",
    )
    for path, field in TEXT_FIELDS
    for label, char in UNSAFE_CHARS.items()
] + [
    toml_case(f"newline-in-{field}", with_value(path, "A\nB"), f"{field}: must not contain")
    for path, field in TEXT_FIELDS
    if field != "description"
]

# --- text: too long ---------------------------------------------------------------------------

LENGTH_CASES = [
    toml_case("long-name", with_value(("name",), "x" * (MAX_NAME_CHARS + 1)), "name: is"),
    toml_case("huge-name", with_value(("name",), "x" * 500_000), "at most"),
    toml_case(
        "long-description",
        with_value(("description",), "x " * MAX_DESCRIPTION_CHARS),
        "description: is",
    ),
    toml_case(
        "long-message",
        with_value(("action", "message"), "x" * (MAX_LINE_CHARS + 1)),
        "action.message: is",
    ),
    toml_case(
        "long-template",
        with_value(("narrative", "work"), "{name}" * MAX_LINE_CHARS),
        "narrative.work: is",
    ),
    toml_case(
        "long-party-name",
        with_value(("party", 0, "name"), "y" * (MAX_NAME_CHARS + 1)),
        "party[0].name: is",
    ),
]

# --- narrative templates that would print gigabytes -------------------------------------------

HUGE_SPECS = {
    "width": "{name:>1000000000}",
    "precision": "{name:.1000000000}",
    "zero-padded": "{stage:01000000000}",
    "just-over": "{name:<" + str(MAX_FORMAT_WIDTH + 1) + "}",
    "5000-digits": "{party:>" + "9" * 5000 + "}",
    "nested-field": "{name:>{stage}}",
    "fill-and-width": "{name:*^999999}",
}
FORMAT_CASES = [
    toml_case(
        f"{label}-in-{kind}",
        with_value(("narrative", kind), f"{{name}} {spec}"),
        f"narrative.{kind}: ",
    )
    for kind in ("work", "arrive", "release")
    for label, spec in HUGE_SPECS.items()
] + [
    toml_case(
        "width-in-a-stage-line",
        with_value(("narrative", "arrive"), ["fine", "{name:>999}"]),
        "narrative.arrive[1]: format width",
    )
]

# --- numbers, types and keys ------------------------------------------------------------------

OTHER_CASES = [
    toml_case("parties-2**63-1", {"parties": 2**63 - 1}, "parties: must be"),
    toml_case("stages-negative", {"parties": 2, "stages": -(2**63)}, "stages: must be"),
    toml_case("timeout-inf", {"parties": 2, "timeout": float("inf")}, "timeout: must be"),
    toml_case("work-nan", with_value(("party", 0, "work"), float("nan")), "party[0].work"),
    toml_case("party-is-text", {"party": "Ada"}, "party: must be"),
    bytes_case(
        "50000-parties",
        ("party = [" + ",".join(f"{{name='p{i}'}}" for i in range(50_000)) + "]\n").encode(),
        "256",
    ),
    toml_case("10000-unknown-keys", {f"k{i}": i for i in range(10_000)}, "unknown key"),
    toml_case("100k-char-key", {"k" * 100_000: 1, "parties": 2}, "unknown key"),
    toml_case("escape-in-key", {"\x1b[2J": 1, "parties": 2}, "unknown key"),
]

CORPUS: list[HostileCase] = [
    *FILE_CASES,
    *ENCODING_CASES,
    *NESTING_CASES,
    *TEXT_CASES,
    *LENGTH_CASES,
    *FORMAT_CASES,
    *OTHER_CASES,
]
