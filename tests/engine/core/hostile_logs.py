"""A corpus of hostile event logs, generated: each is refused in one line or replays its good part.

A log is a file from outside (README "Event log").  Each case writes its file (or FIFO,
device link, folder…) into an empty folder and says what the app must do with it:
- `refused`: exit 2 and one line on stderr containing `needle`;
- otherwise the good lines replay (exit `code`, the recorded run's own) and stderr is at most
  the warning lines, which contain `needle`.

The cases come from small tables (base fields × bad values, keys × bad values, characters ×
text fields, nesting depths, sizes), so adding a row adds every combination.  The good run
they spoil is short (about 40 ms of recorded time) so a replay of each ends quickly.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core.event_log_reader import MAX_LOG_BYTES, REPLAY_MAX_GAP_S
from engine.core.event_log_schema import MAX_LANES, MAX_NESTING, MAX_STAGE, MAX_TEXT_CHARS

FILE_NAME = "case.jsonl"
MS = 1_000_000
T0 = 5_000_000_000_000
NAMES = ["Ann", "Bob", "Cy"]


@dataclass(frozen=True)
class LogCase:
    id: str
    needle: str  # the error line (refused) or the warning (replayed) must contain this
    make: Callable[[Path], Path]  # builds the case in an empty folder; the path to open
    refused: bool = True
    code: int = 0  # the exit code of a replay of what is left (when not refused)


def event(
    kind: str, t_ms: float, party: int | None = None, stage: int | None = None, **data: Any
) -> dict[str, Any]:
    pid = 900 if party is None else 901 + party
    return {
        "kind": kind,
        "t_ns": T0 + int(t_ms * MS),
        "party": party,
        "pid": pid,
        "stage": stage,
        **data,
    }


def run_start(**changes: Any) -> dict[str, Any]:
    start = event(
        "run_start",
        0,
        scenario={
            "name": "Spoiled",
            "description": "A good run, spoiled.",
            "parties": 3,
            "narrative": {"arrive": "{name} arrives."},
        },
        names=NAMES,
        parties=3,
        processes=3,
        stages=2,
        speed=1.0,
        seed=1,
        start_method="fork",
        timeout=None,
        plan=[],
        backend="processes",
        barrier=0,
    )
    start.update(changes)
    return start


def good_run() -> list[dict[str, Any]]:
    """Three parties, two stages, every stage released: a run that passed (exit 0)."""
    out = [run_start()]
    out += [event("spawn", 1, p, name=NAMES[p]) for p in range(3)]
    for stage in range(2):
        t = 2 + 15 * stage
        out += [
            event("work_start", t, p, stage, planned_s=0.005, workload="sleep") for p in range(3)
        ]
        out += [event("arrive", t + 5 + p, p, stage, barrier=0) for p in range(3)]
        out += [event("action", t + 8, 2, stage, barrier=0, message="Go!")]
        out += [event("release", t + 9, p, stage, barrier=0, index=p) for p in range(3)]
    out += [event("exit", 35, p, exitcode=0) for p in range(3)]
    out += [event("run_end", 36, status="passed", exit_code=0, reason="every stage passed")]
    return out


def lines(objects: list[dict[str, Any]]) -> bytes:
    """JSON Lines as our writer spells them (a lone surrogate can only be written escaped)."""
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode(
        "utf-8", errors="backslashreplace"
    )


def bytes_case(case_id: str, content: bytes, needle: str, **kw: Any) -> LogCase:
    def make(folder: Path) -> Path:
        path = folder / FILE_NAME
        path.write_bytes(content)
        return path

    return LogCase(case_id, needle, make, **kw)


def node_case(case_id: str, build: Callable[[Path], None], needle: str) -> LogCase:
    def make(folder: Path) -> Path:
        path = folder / FILE_NAME
        build(path)
        return path

    return LogCase(case_id, needle, make)


def spoiled(case_id: str, bad: bytes, needle: str, at: int = 5) -> LogCase:
    """The good run with one bad line inserted: skipped with a warning, the rest replays."""
    good = lines(good_run()).splitlines(keepends=True)
    content = b"".join([*good[:at], bad.rstrip(b"\n") + b"\n", *good[at:]])
    return bytes_case(case_id, content, needle, refused=False)


def alone(case_id: str, bad: bytes, needle: str) -> LogCase:
    """Only a run_start and the bad line: nothing usable is left, refused."""
    return bytes_case(case_id, lines([run_start()]) + bad + b"\n", needle)


def _sparse(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with path.open("wb") as file:
            file.truncate(size)

    return build


def _named(folder: Path, name: str) -> Path:
    path = folder / f"{name}.jsonl"
    path.write_bytes(b"")
    return path


# --- not a small regular file -----------------------------------------------------------------

FILE_CASES = [
    node_case("fifo", lambda p: os.mkfifo(p), "FIFO"),
    node_case("link-to-dev-zero", lambda p: p.symlink_to("/dev/zero"), "character device"),
    node_case("link-to-dev-null", lambda p: p.symlink_to(os.devnull), "not a regular file"),
    node_case("folder", lambda p: p.mkdir(), "folder"),
    node_case("missing", lambda p: None, "No such file"),
    node_case("link-loop", lambda p: p.symlink_to(p), "cannot be read"),
    node_case("sparse-10-GiB", _sparse(10 * 2**30), "too large"),
    node_case("one-byte-over", _sparse(MAX_LOG_BYTES + 1), "too large"),
    bytes_case("empty", b"", "no run_start"),
    bytes_case("nul-bytes", b"\0" * 4096, "no run_start"),
    bytes_case("random-bytes", bytes(range(256)) * 64, "no run_start"),
    bytes_case("utf-16", lines(good_run()).decode().encode("utf-16"), "no run_start"),
    bytes_case("a-scenario-file", b'name = "x"\nparties = 3\n', "no run_start"),
    bytes_case("100000-garbage-lines", b"garbage\n" * 100_000, "skipped 100000 lines"),
    LogCase(
        "escape-in-file-name", "no run_start", lambda folder: _named(folder, "\x1b]0;pwned\x07")
    ),
    LogCase("csi-in-file-name", "no run_start", lambda folder: _named(folder, "\x9b31m")),
]

# --- JSON that is not one flat event ----------------------------------------------------------

DEEP: list[Any] = []
for _ in range(MAX_NESTING + 4):
    DEEP = [DEEP]
NESTING_CASES = [
    alone(
        f"arrays-{n}-deep", ("[" * n + "]" * n).encode(), "nested" if n >= 1000 else "JSON object"
    )
    for n in (MAX_NESTING + 1, 1000, 100_000)
] + [
    alone("objects-100000-deep", ('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), "nested"),
    alone("unclosed-100000", b"[" * 100_000, "not JSON"),
    alone(
        "scenario-20-deep",
        json.dumps(event("spawn", 1, 0, name="x", extra=DEEP)).encode(),
        "nested deeper",
    ),
    bytes_case(
        "run-start-scenario-deep",
        lines([run_start(scenario={"a": DEEP})]),
        "nested deeper",
    ),
    alone("a-number", b"12", "expected a JSON object"),
    alone("a-list", b"[1, 2]", "expected a JSON object"),
    alone("a-string", b'"run_start"', "expected a JSON object"),
    alone("null", b"null", "expected a JSON object"),
    alone("4301-digits", b'{"kind":"spawn","t_ns":' + b"9" * 4301 + b"}", "number too long"),
    alone("missing-keys", b'{"kind":"spawn"}', "missing key"),
    alone("unknown-kind", json.dumps(event("teleport", 1, 0)).encode(), "unknown kind"),
    alone("kind-is-a-list", json.dumps(event("x", 1, 0) | {"kind": []}).encode(), "unknown kind"),
    alone(
        "nan-literal",
        json.dumps(event("progress", 1, 0, 0, fraction=math.nan)).encode(),
        "fraction",
    ),
]

# --- the base fields: wrong types and extreme values -----------------------------------------

BAD_BASE_VALUES: dict[str, Any] = {
    "minus-1": -1,
    "2**63": 2**63,
    "10**100": 10**100,
    "string": "1",
    "float": 1.5,
    "true": True,
    "list": [1],
    "object": {"a": 1},
}
BASE_CASES = [
    spoiled(
        f"{key}-{label}", json.dumps(event("spawn", 1, 0, name="x") | {key: value}).encode(), key
    )
    for key in ("t_ns", "pid", "party", "stage")
    for label, value in BAD_BASE_VALUES.items()
] + [
    spoiled("t_ns-null", json.dumps(event("spawn", 1, 0) | {"t_ns": None}).encode(), "t_ns"),
    spoiled("pid-null", json.dumps(event("spawn", 1, 0) | {"pid": None}).encode(), "pid"),
    spoiled("party-10**9", json.dumps(event("spawn", 1, 10**9, name="x")).encode(), "party"),
    spoiled("party-4096", json.dumps(event("spawn", 1, MAX_LANES, name="x")).encode(), "party"),
    spoiled("stage-10**9", json.dumps(event("arrive", 3, 0, 10**9)).encode(), "stage"),
    spoiled("stage-max+1", json.dumps(event("arrive", 3, 0, MAX_STAGE + 1)).encode(), "stage"),
    alone("only-bad-spawns", json.dumps(event("spawn", 1, 10**9)).encode(), "nothing usable"),
]

# --- kind-specific keys -----------------------------------------------------------------------

START_VALUES: dict[str, list[tuple[str, Any]]] = {
    "names": [
        ("number", 5),
        ("string", "Ann"),
        ("ints", [1, 2]),
        ("nulls", [None]),
        ("5000-names", ["x"] * 5000),
        ("long-name", ["x" * 2000]),
        ("object", {"a": "b"}),
    ],
    "stages": [("string", "3"), ("minus-1", -1), ("10**9", 10**9), ("float", 1.5), ("list", [2])],
    "scenario": [("string", "launch"), ("list", []), ("number", 3)],
    "speed": [("string", "fast"), ("zero", 0), ("minus-1", -1), ("inf", 1e999), ("1e308", 1e308)],
    "seed": [("string", "7"), ("float", 0.5), ("2**70", 2**70)],
    "parties": [("10**9", 10**9), ("string", "3"), ("minus-1", -1)],
    "presenter": [("10**9", 10**9), ("string", "me")],
    "trace": [
        ("string", "x"),
        ("args-not-list", {"script": "a.py", "args": "b"}),
        ("script-number", {"script": 5}),
    ],
    "barrier": [("string", "0"), ("minus-1", -1)],
    "timeout": [("string", "1"), ("minus-1", -1), ("1e300", 1e300)],
}
START_CASES = [
    bytes_case(f"run_start-{key}-{label}", lines([run_start(**{key: value})]), key)
    for key, values in START_VALUES.items()
    for label, value in values
]

EVENT_VALUES: list[tuple[str, str, int | None, int | None, str, list[tuple[str, Any]]]] = [
    ("release", "index", 0, 0, "index", [("minus-1", -1), ("string", "0"), ("10**9", 10**9)]),
    (
        "progress",
        "fraction",
        0,
        0,
        "fraction",
        [("2", 2), ("minus", -0.5), ("string", "half"), ("inf", 1e999)],
    ),
    (
        "exit",
        "exitcode",
        0,
        None,
        "exitcode",
        [("string", "1"), ("float", 1.5), ("10**12", 10**12)],
    ),
    (
        "work_start",
        "planned_s",
        0,
        0,
        "planned_s",
        [("minus", -1), ("1e300", 1e300), ("string", "1")],
    ),
    (
        "action",
        "message",
        0,
        0,
        "message",
        [("number", 5), ("object", {}), ("huge", "x" * (MAX_TEXT_CHARS + 1))],
    ),
    ("crash", "error", 0, 0, "error", [("list", ["x"]), ("huge", "e" * (MAX_TEXT_CHARS + 1))]),
    ("output", "text", 0, None, "text", [("number", 1), ("huge", "t" * (MAX_TEXT_CHARS + 1))]),
    ("spawn", "name", 0, None, "name", [("number", 1), ("list", ["a"]), ("long", "n" * 5000)]),
    ("run_end", "exit_code", None, None, "exit_code", [("string", "0"), ("999", 999)]),
    ("barrier", "parties", None, None, "parties", [("10**9", 10**9), ("string", "2")]),
    ("kill", "reason", 0, None, "reason", [("number", 9)]),
    (
        "arrive",
        "unknown-key",
        0,
        0,
        "unknown-key",
        [("huge", "u" * (MAX_TEXT_CHARS + 1)), ("nan", math.nan)],
    ),
]
KEY_CASES = [
    spoiled(
        f"{kind}-{key}-{label}",
        json.dumps(event(kind, 3, party, stage, **{key: value})).encode(),
        needle,
    )
    for kind, key, party, stage, needle, values in EVENT_VALUES
    for label, value in values
]

# --- valid but extreme: must replay, bounded ----------------------------------------------------

HUGE_T = 2**63 - 1
EXTREME_CASES = [
    bytes_case(
        "one-huge-t_ns",
        lines(
            [*good_run()[:8], event("spawn", 1, 1, name="Bob") | {"t_ns": HUGE_T}, *good_run()[8:]]
        ),
        f"longer than {REPLAY_MAX_GAP_S:g} s",
        refused=False,
    ),
    bytes_case(
        "two-pauses-of-an-hour",
        lines(
            [e | {"t_ns": e["t_ns"] + (i // 12) * 3600 * 10**9} for i, e in enumerate(good_run())]
        ),
        "2 pauses longer than",
        refused=False,
    ),
    bytes_case(
        "time-goes-backwards",
        lines([e | {"t_ns": T0 - i * MS} for i, e in enumerate(good_run())]),
        "",
        refused=False,
    ),
    bytes_case(
        "format-width-in-the-narrative",
        lines(
            [
                run_start(scenario={"parties": 3, "narrative": {"arrive": "{name:>1000000000}"}}),
                *good_run()[1:],
            ]
        ),
        "",
        refused=False,
    ),
    bytes_case("two-runs", lines(good_run() + good_run()), "", refused=False),
    bytes_case("no-run-end", lines(good_run()[:-1]), "", refused=False, code=4),
    bytes_case(
        "truncated-last-line",
        lines(good_run())[:-20],
        "truncated last line",
        refused=False,
        code=4,
    ),
    bytes_case("crlf-line-ends", lines(good_run()).replace(b"\n", b"\r\n"), "", refused=False),
    bytes_case(
        "invalid-utf8-in-a-name",
        lines(good_run()).replace(b'"Ann"', b'"A\xff\xfen"'),
        "",
        refused=False,
    ),
]

# --- text that would drive a terminal ----------------------------------------------------------

ESCAPES = {
    "ESC-title": "\x1b]0;pwned\x07",
    "ESC-colour": "\x1b[31m",
    "NUL": "\0",
    "CSI-8bit": "\x9b31m",
    "CR": "\rforged line",
    "RLO": "\u202e",
    "lone-surrogate": "\ud800",
}


def _with_text(path: str, text: str) -> list[dict[str, Any]]:
    run = good_run()
    if path == "names":
        run[0]["names"] = [f"A{text}", "Bob", "Cy"]
    elif path == "message":
        next(e for e in run if e["kind"] == "action")["message"] = f"Go{text}"
    elif path == "output":
        run.insert(5, event("output", 2, 0, stream="stdout", text=f"out{text}"))
    elif path == "crash":
        run.insert(5, event("crash", 2, 0, 0, error=f"boom{text}"))
    elif path == "reason":
        run[-1]["reason"] = f"why{text}"
    elif path == "spawn-name":
        run[1]["name"] = f"S{text}"
    return run


TEXT_CASES = [
    bytes_case(
        f"{label}-in-{path}",
        lines(_with_text(path, text)),
        "",
        refused=False,
    )
    for path in ("names", "message", "output", "crash", "reason", "spawn-name")
    for label, text in ESCAPES.items()
]

CORPUS: list[LogCase] = [
    *FILE_CASES,
    *NESTING_CASES,
    *BASE_CASES,
    *START_CASES,
    *KEY_CASES,
    *EXTREME_CASES,
    *TEXT_CASES,
]
assert len({c.id for c in CORPUS}) == len(CORPUS), "case ids must be unique"
