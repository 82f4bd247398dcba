"""What a recorded event may hold: the type and range of every field the app reads.

Why here, at the door: an event log is a file from outside.  A value of the wrong type or an
absurd size reached the views before — a `spawn` for party 10⁹ grew a list of names without
end, one huge `t_ns` made a replay sleep for centuries, a `names` that was a number raised
inside Qt.  Every field is checked once, as a line is read (`Event.from_json_dict` asks
`event_problem`), so everything after it (the view model, the narrative, the tables, the
analysis) may trust the types and sizes it was promised.  A field that breaks a rule is one
line naming the field and what is allowed; the reader skips that line and counts it.

The rules follow what our own sources write (README: "Every event has these keys"); a key
the app does not read may hold any JSON value within the size and nesting bounds, so logs of
newer versions with extra keys still replay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from engine.core.safe_text import printable

MAX_LANES = 4096  # parties (lanes) of one run: scenarios allow 256; a traced program more
MAX_STAGE = 1_000_000  # a traced program may loop over its barrier for a long time
MAX_T_NS = 2**63 - 1  # time.monotonic_ns() is a signed 64-bit count
MAX_PID = 2**31 - 1
MAX_ID = 2**63 - 1  # barrier ids, seeds: any 64-bit value our sources write
MAX_EXIT = 2**32  # exit statuses: POSIX 0..255 and -signal; Windows up to 2**32 - 1
MAX_NAME_CHARS = 1000  # a lane's name, a status, a reason word
MAX_TEXT_CHARS = 64 * 1024  # a message, an error with its traceback, one line of output
MAX_SECONDS = 1e7  # planned work, timeouts: far beyond any real run (about 4 months)
MAX_SPEED = 1e6
MAX_NESTING = 16  # JSON containers inside each other (a scenario needs 3 or 4)

Check = Callable[[Any], str | None]  # None: fine; else what is allowed


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(lo: int, hi: int, *, null: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is int and lo <= value <= hi:  # the common case first: logs are long
            return None
        if (value is None and null) or (_is_int(value) and lo <= value <= hi):
            return None
        return f"an integer from {lo} to {hi}" + (" or null" if null else "")

    return check


def number(lo: float, hi: float, *, null: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is float and lo <= value <= hi:  # NaN fails the comparison
            return None
        if value is None and null:
            return None
        numeric = _is_int(value) or isinstance(value, float)
        if numeric and math.isfinite(value) and lo <= value <= hi:
            return None
        return f"a number from {lo:g} to {hi:g}" + (" or null" if null else "")

    return check


def text(limit: int, *, null: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if (type(value) is str and len(value) <= limit) or (value is None and null):
            return None
        return f"a string of at most {limit} characters" + (" or null" if null else "")

    return check


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def text_list(items: int, chars: int) -> Check:
    def check(value: Any) -> str | None:
        if (
            isinstance(value, list)
            and len(value) <= items
            and all(isinstance(v, str) and len(v) <= chars for v in value)
        ):
            return None
        return f"a list of at most {items} strings of at most {chars} characters"

    return check


def table(value: Any) -> str | None:
    return None if isinstance(value, dict) else "a JSON object"


def listing(value: Any) -> str | None:
    return None if isinstance(value, list) else "a JSON list"


def trace_facts(value: Any) -> str | None:
    """`run_start.trace`: the traced command (script, args, cwd)."""
    allowed = "an object with script (string), args (list of strings) and cwd (string)"
    if not isinstance(value, dict):
        return allowed
    if text(MAX_TEXT_CHARS)(value.get("script", "")) or text(MAX_TEXT_CHARS)(value.get("cwd", "")):
        return allowed
    if text_list(10_000, MAX_TEXT_CHARS)(value.get("args", [])):
        return allowed
    return None


NAME = text(MAX_NAME_CHARS)
LANE_COUNT = integer(0, MAX_LANES)
SECONDS = number(0, MAX_SECONDS, null=True)

# Keys with one meaning whatever the kind.  A key that is absent is fine (older logs lack
# some); a key that is present must hold what the app expects.
KEYS: Mapping[str, Check] = {
    # run_start
    "names": text_list(MAX_LANES, MAX_NAME_CHARS),
    "parties": LANE_COUNT,
    "processes": LANE_COUNT,
    "stages": integer(0, MAX_STAGE),
    "speed": number(1e-6, MAX_SPEED),
    "seed": integer(-MAX_ID - 1, MAX_ID, null=True),
    "start_method": text(MAX_NAME_CHARS, null=True),
    "timeout": SECONDS,
    "backend": text(MAX_NAME_CHARS, null=True),
    "presenter": integer(0, MAX_LANES, null=True),
    "step_stages": boolean,
    "scenario": table,
    "plan": listing,
    "trace": trace_facts,
    # the barrier (a run's own, or one a traced program made)
    "barrier": integer(0, MAX_ID, null=True),
    "action": text(MAX_TEXT_CHARS, null=True),
    # parties and their stages
    "name": text(MAX_NAME_CHARS, null=True),
    "label": text(MAX_NAME_CHARS, null=True),
    "process_name": text(MAX_NAME_CHARS, null=True),
    "ppid": integer(0, MAX_PID, null=True),
    "main": boolean,
    "planned_s": number(0, MAX_SECONDS),
    "workload": text(MAX_NAME_CHARS, null=True),
    "fraction": number(0, 1),
    "index": integer(0, MAX_LANES, null=True),
    "message": text(MAX_TEXT_CHARS, null=True),
    "error": text(MAX_TEXT_CHARS, null=True),
    "traceback": text(MAX_TEXT_CHARS, null=True),
    "program": boolean,
    "reason": text(MAX_TEXT_CHARS, null=True),
    "by": text(MAX_NAME_CHARS, null=True),
    "signal": text(MAX_NAME_CHARS, null=True),
    "exitcode": integer(-MAX_EXIT, MAX_EXIT, null=True),
    # the end
    "status": text(MAX_NAME_CHARS, null=True),
    "exit_code": integer(0, 255, null=True),
    # a traced program's output
    "stream": text(MAX_NAME_CHARS, null=True),
    "text": text(MAX_TEXT_CHARS, null=True),
}

# Base fields: every event has them (events.py checks presence and integer types).
T_NS = integer(0, MAX_T_NS)
PID = integer(0, MAX_PID)
PARTY = integer(0, MAX_LANES - 1, null=True)
STAGE = integer(0, MAX_STAGE, null=True)


def nesting(value: Any, limit: int = MAX_NESTING) -> int:
    """How deep containers go in `value` (0 for a scalar), counting no further than
    `limit + 1`: enough to refuse, never a deep recursion."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth) for child in children)
    return deepest


CONTAINERS = (dict, list)
BASE_RULES = (("t_ns", T_NS), ("pid", PID), ("party", PARTY), ("stage", STAGE))


def event_problem(kind: str, base: Mapping[str, Any], data: Mapping[str, Any]) -> str | None:
    """The first field of a decoded event that breaks its rule, in one line naming the field
    and what is allowed; None if every field is fine."""
    t_ns, pid, party, stage = base["t_ns"], base["pid"], base["party"], base["stage"]
    usual = (
        type(t_ns) is int
        and 0 <= t_ns <= MAX_T_NS
        and type(pid) is int
        and 0 <= pid <= MAX_PID
        and (party is None or (type(party) is int and 0 <= party < MAX_LANES))
        and (stage is None or (type(stage) is int and 0 <= stage <= MAX_STAGE))
    )
    for key, rule in () if usual else BASE_RULES:  # the rules again, to say what is wrong
        allowed = rule(base[key])
        if allowed is not None:
            return f"{kind}: {key} must be {allowed}, got {_shown(base[key])}"
    for key, value in data.items():
        allowed = KEYS.get(key, _any_value)(value)
        if allowed is not None:
            return f"{kind}: {printable(key[:40])} must be {allowed}, got {_shown(value)}"
        if type(value) in CONTAINERS and nesting(value, MAX_NESTING - 1) >= MAX_NESTING:
            return f"{kind}: {printable(key[:40])} is nested deeper than {MAX_NESTING} levels"
    return None


def _any_value(value: Any) -> str | None:
    """A key the app does not read: strings bounded like messages (containers: nesting)."""
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        return f"a string of at most {MAX_TEXT_CHARS} characters"
    if isinstance(value, float) and not math.isfinite(value):
        return "a finite number"
    return None


def _shown(value: Any) -> str:
    """The offending value for a one-line message: short, and only its type if large."""
    if isinstance(value, bool | int | float) or value is None:
        shown = repr(value)
        return shown if len(shown) <= 40 else f"an integer of {len(shown)} digits"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
    return f"a JSON {'object' if isinstance(value, dict) else 'list'}"
