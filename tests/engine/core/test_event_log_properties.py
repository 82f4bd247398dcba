"""Properties of reading untrusted event logs, over generated events with wrong types and
extreme values: reading either refuses a line (EventLogError) or yields an event within every
bound, and whatever is read feeds the model, the narrative, the tables and the analysis
without an error and without a raw control character reaching the printed story."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.headless import NarrativePrinter
from engine.core.event_log_reader import REPLAY_MAX_GAP_S, EventLogReadError, read_event_log
from engine.core.event_log_schema import (
    KEYS,
    MAX_LANES,
    MAX_PID,
    MAX_STAGE,
    MAX_T_NS,
    MAX_TEXT_CHARS,
)
from engine.core.events import KINDS, Event, EventLogError
from engine.core.safe_text import first_unsafe
from engine.model.report import stage_tables
from engine.model.view_model import RunViewModel
from engine.model.wait_states import run_report

HOSTILE_TEXT = st.lists(
    st.sampled_from(["\x1b[31m", "\x1b]0;t\x07", "\0", "\x9b", "\u202e", "\u2028", "\r", "\ud800"])
    | st.sampled_from(["{name}", "{name:>999999999}", "\u200d", "👩\u200d🚀", "%s"])
    | st.text(max_size=4),
    max_size=4,
).map("".join)

EXTREME_INT = st.sampled_from([-1, 0, 1, 2**31, 2**63 - 1, 2**63, -(2**63), 10**30, MAX_LANES])
JUNK = st.recursive(
    st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        EXTREME_INT,
        st.floats(allow_nan=True, allow_infinity=True),
        HOSTILE_TEXT,
        st.booleans(),
        st.none(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Plausible values four times in five, so many events are valid; junk otherwise."""
    return st.integers(0, 4).flatmap(lambda i: JUNK if i == 0 else good)


PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "names": st.lists(HOSTILE_TEXT | st.sampled_from(["Ann", "Bob"]), max_size=4),
    "parties": st.integers(0, 5),
    "stages": st.integers(0, 4),
    "speed": st.floats(0.1, 10),
    "index": st.integers(0, 4),
    "fraction": st.floats(0, 1),
    "exitcode": st.sampled_from([0, 1, 3, -9, -15, None]),
    "planned_s": st.floats(0, 2),
    "barrier": st.sampled_from([0, 1, None]),
    "message": HOSTILE_TEXT,
    "error": HOSTILE_TEXT,
    "text": HOSTILE_TEXT,
    "name": HOSTILE_TEXT,
    "reason": HOSTILE_TEXT,
    "status": st.sampled_from(["passed", "broken", "died", "stopped", "running"]),
    "exit_code": st.sampled_from([0, 3, 4]),
    "scenario": st.fixed_dictionaries(
        {},
        optional={
            "name": HOSTILE_TEXT,
            "narrative": st.fixed_dictionaries({"arrive": HOSTILE_TEXT}),
        },
    ),
}

EVENT = st.fixed_dictionaries(
    {
        "kind": _mostly(st.sampled_from(sorted(KINDS))),
        "t_ns": _mostly(st.integers(0, 5 * 10**9) | EXTREME_INT.filter(lambda v: v >= 0)),
        "party": _mostly(st.none() | st.integers(0, 3)),
        "pid": _mostly(st.integers(1, 40_000)),
        "stage": _mostly(st.none() | st.integers(0, 3)),
    },
    optional={key: _mostly(value) for key, value in PLAUSIBLE.items()},
)
START = st.fixed_dictionaries(
    {"kind": st.just("run_start"), "t_ns": st.just(0), "party": st.none(), "pid": st.just(1)},
    optional={key: _mostly(PLAUSIBLE[key]) for key in ("names", "stages", "scenario", "speed")},
).map(lambda d: {**d, "stage": None})


def _within_bounds(event: Event) -> None:
    assert 0 <= event.t_ns <= MAX_T_NS and 0 <= event.pid <= MAX_PID
    assert event.party is None or 0 <= event.party < MAX_LANES
    assert event.stage is None or 0 <= event.stage <= MAX_STAGE
    for key, value in event.data.items():
        assert not isinstance(value, float) or math.isfinite(value)
        assert not isinstance(value, str) or len(value) <= MAX_TEXT_CHARS
        if key in KEYS:
            assert KEYS[key](value) is None


@settings(max_examples=400, deadline=None)
@given(EVENT)
def test_a_decoded_event_is_refused_or_within_every_bound(obj: dict[str, Any]) -> None:
    try:
        event = Event.from_json_dict(obj)
    except EventLogError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 500
        return
    _within_bounds(event)


@settings(max_examples=200, deadline=None)
@given(EVENT)
def test_a_json_line_is_refused_or_within_every_bound(obj: dict[str, Any]) -> None:
    line = json.dumps(obj, ensure_ascii=True)  # surrogates too: as an escape
    try:
        event = Event.from_json_line(line)
    except EventLogError:
        return
    _within_bounds(event)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(START, st.lists(EVENT, max_size=25))
def test_whatever_is_read_feeds_every_reader_safely(
    tmp_path: Path, start: dict[str, Any], rest: list[dict[str, Any]]
) -> None:
    path = tmp_path / "generated.jsonl"
    lines = [json.dumps(o, ensure_ascii=True) for o in (start, *rest)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        events, warnings = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
    except EventLogReadError as exc:
        assert first_unsafe(str(exc)) is None
        return
    assert all(first_unsafe(w) is None for w in warnings)
    model = RunViewModel()
    out = io.StringIO()
    printer = NarrativePrinter(out)
    for first in range(0, len(events), 4):
        model.apply(events[first : first + 4])
        printer(model)
    assert len(model.lanes) <= MAX_LANES
    story = out.getvalue()
    assert all(first_unsafe(line) is None for line in story.splitlines())
    assert len(story) < 2_000_000
    assert isinstance(stage_tables(model.stage_book, [lane.name for lane in model.lanes]), str)
    assert isinstance(run_report(events), str)
