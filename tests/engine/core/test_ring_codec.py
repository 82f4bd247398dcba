"""The ring path writes the same event log as the pipe path, and says so for every shape.

The same events are emitted by one real child through today's ConnectionSink and through a
RingSink; the parent decodes both ways and compares the JSON lines (timestamps aside).  Shapes
the codec cannot carry exactly must go to the pipe, so they come out unchanged too.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
import subprocess
import sys
from multiprocessing import shared_memory
from typing import Any

import pytest

from engine.core.event_log import json_line
from engine.core.events import Event, event_from_wire
from engine.core.ring.codec import (
    ARRIVE,
    DEFAULT_STRINGS,
    ENCODERS,
    SHARED_DATA_LIMIT,
    WORK_START,
    SharedData,
    decode_columns,
    string_table,
)
from engine.core.ring.drain import RingDrain
from engine.core.ring.layout import RingBlock
from tests.engine.core import ring_children
from tests.paths import ROOT

MESSAGE = "🚀 All systems go!"
RING_SHAPES: ring_children.Plan = [
    ("work_start", 0, {"planned_s": 0.25, "workload": "sleep"}),
    ("work_start", 1, {"planned_s": 0.0, "workload": "presenter"}),
    ("progress", 1, {"fraction": 0.3333}),
    ("progress", 1, {"fraction": float("nan")}),
    ("progress", 1, {"fraction": -0.0}),
    ("hold", 2, {}),
    ("arrive", 2, {"barrier": 7}),
    ("action", 2, {"barrier": 7, "message": MESSAGE}),
    ("action", 2, {"barrier": 7}),
    ("release", 2, {"barrier": 7, "index": 0}),
    ("broken", 3, {"barrier": 7, "reason": "broken"}),
    ("arrive", 2**31 - 1, {"barrier": -(2**31)}),
]
PIPE_SHAPES: ring_children.Plan = [
    ("work_start", 0, {"planned_s": 1, "workload": "sleep"}),  # an int, not a float
    ("work_start", 0, {"planned_s": 0.5, "workload": "juggling"}),  # not in the table
    ("work_start", 0, {"workload": "sleep", "planned_s": 0.5}),  # other key order
    ("progress", 0, {"fraction": 1}),
    ("arrive", None, {"barrier": 1}),  # no stage
    ("arrive", 0, {"barrier": True}),  # a bool is not a barrier id
    ("arrive", 0, {"barrier": 2**40}),  # beyond int32: struct refuses, the pipe takes it
    ("release", 0, {"index": 0, "barrier": 1}),
    ("release", 0, {"barrier": 1, "index": 0, "extra": None}),
    ("action", 0, {"barrier": 1, "message": "a message nobody registered"}),
    ("broken", 0, {"barrier": 1, "reason": "action_raised", "error": "RuntimeError: x"}),
    ("hold", 0, {"why": "a key hold never has"}),
    ("crash", 0, {"error": "ValueError: é ✓ \u2028"}),
    ("spawn", None, {"name": "a rare kind"}),
]


def _normal(event: Event) -> str:
    return json_line(dataclasses.replace(event, t_ns=0))


def test_ring_events_write_the_same_log_lines_as_the_pipe() -> None:
    plan = RING_SHAPES + PIPE_SHAPES + RING_SHAPES
    ctx = multiprocessing.get_context("fork")
    block = RingBlock(1, capacity=64, named=False, strings=(MESSAGE,))
    drain = RingDrain(block)
    ring_rx, ring_tx = ctx.Pipe(duplex=False)
    pipe_rx, pipe_tx = ctx.Pipe(duplex=False)
    try:
        proc = ctx.Process(
            target=ring_children.emit_both_ways, args=(block.port(0), ring_tx, pipe_tx, plan)
        )
        proc.start()
        ring_tx.close()
        pipe_tx.close()
        via_pipe = _receive_all(pipe_rx)  # until the child closes its end
        proc.join(30)
        assert proc.exitcode == 0
        via_ring = drain.drain(ring_rx, final=[0])
    finally:
        ring_rx.close()
        pipe_rx.close()
        drain.close()
    assert len(via_pipe) == len(plan)
    assert [_normal(e) for e in via_ring] == [_normal(e) for e in via_pipe]
    assert drain.decoded == 2 * len(RING_SHAPES)  # the hot shapes really crossed the ring
    assert all(type(e) is Event for e in via_ring)


def _receive_all(conn: Any) -> list[Event]:
    """What the pipe path delivers, until the writer closes (the child ends on its own)."""
    out: list[Event] = []
    while True:
        try:
            out.append(event_from_wire(conn.recv()))
        except EOFError:
            return out


@pytest.mark.parametrize(("kind", "stage", "data"), RING_SHAPES)
def test_every_ring_shape_decodes_to_an_equal_event(
    kind: str, stage: int, data: dict[str, Any]
) -> None:
    strings = string_table((MESSAGE,))
    fields = ENCODERS[kind](data, {s: i for i, s in enumerate(strings)})
    assert fields is not None
    code, value, a, b = fields
    (event,) = decode_columns([code], [5], [3], [99], [stage], [value], [a], [b], strings)
    assert _normal(event) == _normal(Event(kind, 5, 3, 99, stage, data))


# the rest of PIPE_SHAPES are refused by the sink itself: no encoder, no stage, out of range
REFUSED_BY_CODEC = [
    shape
    for shape in PIPE_SHAPES
    if shape[0] in ENCODERS and shape[1] is not None and shape[2].get("barrier") != 2**40
]


@pytest.mark.parametrize(("kind", "stage", "data"), REFUSED_BY_CODEC)
def test_shapes_the_ring_cannot_carry_exactly_are_refused(
    kind: str, stage: int, data: dict[str, Any]
) -> None:
    assert ENCODERS[kind](data, {s: i for i, s in enumerate(DEFAULT_STRINGS)}) is None


def test_the_string_table_keeps_defaults_first_and_each_string_once() -> None:
    assert string_table(("cpu", "x", "x")) == (*DEFAULT_STRINGS, "x")


def test_an_anonymous_block_refuses_to_travel_to_a_spawned_child() -> None:
    block = RingBlock(1, capacity=2, named=False)
    try:
        with pytest.raises(TypeError, match="fork children only"):
            pickle.dumps(block.port(0))
    finally:
        block.close()


def test_a_named_port_attaches_to_the_same_memory_by_name() -> None:
    block = RingBlock(2, capacity=4, named=True, strings=("z",))
    try:
        port = block.port(1)
        assert port.__getstate__()["name"] == block.name  # what a spawned child receives
        buffer, detach = port.open_memory()
        block.buffer[100] = 42
        assert buffer[100] == 42
        buffer = None
        detach()
    finally:
        block.close()
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name=block.name)  # unlinked on close


@pytest.mark.parametrize("capacity", [0, 3, 1000, 1 << 25])
def test_ring_geometry_is_checked(capacity: int) -> None:
    with pytest.raises(ValueError, match="capacity must be a power of two"):
        RingBlock(1, capacity=capacity, named=False)


def test_the_child_side_never_imports_numpy() -> None:
    probe = "import sys, engine.core.ring.sink; print('numpy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_shared_data_is_equal_data_and_its_memory_is_bounded() -> None:
    shared = SharedData(DEFAULT_STRINGS)
    n = 6000  # more distinct barriers than the table keeps
    events = decode_columns(
        [ARRIVE] * n, list(range(n)), [0] * n, [1] * n, [0] * n, [0.0] * n,
        list(range(n)), [0] * n, DEFAULT_STRINGS, shared,
    )  # fmt: skip
    again = decode_columns([ARRIVE], [1], [0], [1], [0], [0.0], [7], [0], DEFAULT_STRINGS, shared)
    assert [e.data for e in events] == [{"barrier": i} for i in range(n)]
    assert again[0].data == {"barrier": 7} and again[0].data is events[7].data
    assert len(shared.maps()[0]) == SHARED_DATA_LIMIT


def test_work_start_data_is_shared_except_for_a_negative_zero_whose_json_differs() -> None:
    shared = SharedData(DEFAULT_STRINGS)
    values = [0.0, 0.25, -0.0, 0.25, 0.0, -0.0, float("nan")]
    n = len(values)
    events = decode_columns(
        [WORK_START] * n, list(range(n)), [0] * n, [1] * n, [0] * n, values,
        [0] * n, [0] * n, DEFAULT_STRINGS, shared,
    )  # fmt: skip
    assert events[0].data is events[4].data and events[1].data is events[3].data
    lines = [json_line(e) for e in events]
    assert lines == [e.to_json_line() + "\n" for e in events]
    assert '"planned_s":-0.0' in lines[2] and '"planned_s":0.0' in lines[4]
