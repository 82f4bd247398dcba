"""The pump's fast paths (issue 7) must be indistinguishable from the plain ones.

`event_from_wire` skips the dataclass __init__, `json_line` writes the log by hand and
`BarrierWatch.observe_batch` skips kinds the watch ignores; each is checked against the general
code it replaces, so the log format and the Event API cannot drift.
"""

from __future__ import annotations

import dataclasses
import random
import string

import pytest

from engine.core.event_log import json_line, share_json
from engine.core.events import Event, event_from_wire
from engine.sources.watch import BarrierWatch

CASES = [
    Event("arrive", 123_456_789, 3, 44, 2, {"barrier": 1}),
    Event("work_start", 1, 0, 3, 4, {"planned_s": 0.0, "workload": "sleep"}),
    Event("stop", 5, None, 3, None, {}),
    Event("run_end", 5, None, 3, None, {"status": "passed", "reason": 'é ✓ "q"\n\u2028\x00'}),
    Event("broken", 5, 1, 3, 0, {"nan": float("nan"), "inf": float("-inf"), "neg": -0.0}),
    Event("x", 5.5, None, 3, None, {}),  # type: ignore[arg-type]  # a float timestamp
    Event("arrive", 1, 2, 3, 4, {"kind": "shadows a base key", "z": [1, 2.5, None, True]}),
    Event("progress", 1, True, 1, 0, {"fraction": 1e-7, 3: "int key", None: 1, False: 0}),
    Event("a", 1, 0, 1, 0, {"b": True, "c": None, "big": 10**20, "tiny": 1e-300}),
]


@pytest.mark.parametrize("event", CASES, ids=lambda e: e.kind)
def test_json_line_is_byte_identical_to_the_general_encoder(event: Event) -> None:
    assert json_line(event) == event.to_json_line() + "\n"


def test_shared_data_lines_are_byte_identical_whatever_the_base_fields() -> None:
    """Data whose JSON is kept (share_json) takes the fast path only with five plain ints."""
    shared = {"barrier": 7, "index": 2}
    odd = {"kind": "shadows a base key"}  # never kept: the general path handles it
    share_json(shared)
    share_json(odd)
    events = [
        Event("release", 10**18, 3, 44, 2, shared),
        Event("release", 1, None, 44, None, shared),
        Event("release", 1, True, 44, 0, shared),  # a bool is not an int in JSON
        Event("release", 1.5, 3, 44, 2, shared),  # type: ignore[arg-type]
        Event("no such kind", 1, 3, 44, 2, shared),
        Event("arrive", 1, 3, 44, 2, odd),
        Event("release", 1, 3, 44, 2, dict(shared)),  # equal, not the same dict
    ]
    assert [json_line(e) for e in events] == [e.to_json_line() + "\n" for e in events]


def test_json_line_matches_on_random_flat_data() -> None:
    rnd = random.Random(7)
    alphabet = string.printable + "é✓\u2028"
    for _ in range(2000):
        data: dict[str, object] = {}
        for _ in range(rnd.randint(0, 4)):
            key = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 6)))
            number = rnd.random() * 10 ** rnd.randint(-30, 30)
            values = [rnd.randint(-(10**20), 10**20), number, key, None, True, False, float("inf")]
            data[key] = rnd.choice(values)
        event = Event("release", rnd.randint(0, 10**18), rnd.choice([None, 3]), 5, 0, data)
        assert json_line(event) == event.to_json_line() + "\n"


def test_json_line_still_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        json_line(Event("action", 1, 0, 1, 0, {"message": object()}))


def test_event_from_wire_is_an_equal_frozen_event() -> None:
    wire = ("release", 10, 2, 99, 1, {"index": 0})
    fast = event_from_wire(wire)
    assert type(fast) is Event
    assert fast == Event(*wire) and repr(fast) == repr(Event(*wire))
    assert Event.from_wire(wire) == fast
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.kind = "arrive"  # type: ignore[misc]


def test_observe_batch_finds_what_observe_finds() -> None:
    events = [
        Event("spawn", 1, 0, 10, None, {}),
        Event("spawn", 2, 1, 11, None, {}),
        Event("work_start", 3, 0, 10, 0, {"planned_s": 0.1}),
        Event("arrive", 4, 0, 10, 0, {}),
        Event("progress", 5, 1, 11, 0, {"fraction": 0.5}),
        Event("exit", 6, 0, 10, None, {"exitcode": -9}),  # died inside wait(): wedged
    ]
    one, batch = BarrierWatch(2, ["A", "B"]), BarrierWatch(2, ["A", "B"])
    one.stuck_since = batch.stuck_since = 1.0
    singles = [f for f in map(one.observe, events) if f is not None]
    assert batch.observe_batch(events) == singles
    assert [f.kind for f in singles] == ["wedged"]
    assert (batch.alive, batch.in_wait, batch.dead, batch.stuck_since) == (
        one.alive,
        one.in_wait,
        one.dead,
        None,
    )
