"""Real writer processes on real rings: nothing lost, nothing reordered, nothing torn.

Each child's events carry their own number as `stage`, so every party's stream can be checked
exactly: stage k is the k-th event, its kind and data follow from k, and a torn record (fields
from two different writes) could not pass.
"""

from __future__ import annotations

import multiprocessing

import pytest

from engine.core.barrier import InstrumentedBarrier
from engine.core.events import Event
from engine.core.ring.layout import WAITS, RingBlock
from tests.engine.core import ring_children
from tests.engine.core.ring_harness import harvest, wait_until


def expected(party: int, count: int, crash_every: int = 0) -> list[tuple[str, int, dict]]:
    """What ring_children.count_up(count, crash_every) emits, in order."""
    out: list[tuple[str, int, dict]] = []
    for i in range(count):
        if crash_every and i % crash_every == crash_every - 1:
            out.append(("crash", i, {"error": f"text that only the pipe carries #{i}"}))
        elif i % 4 == 0:
            out.append(("work_start", i, {"planned_s": i / 8, "workload": "cpu"}))
        elif i % 4 == 1:
            out.append(("progress", i, {"fraction": i / count}))
        elif i % 4 == 2:
            out.append(("arrive", i, {"barrier": party}))
        else:
            out.append(("release", i, {"barrier": party, "index": i % 7}))
    return out


def shape(events: list[Event]) -> list[tuple[str, int | None, dict]]:
    return [(e.kind, e.stage, dict(e.data)) for e in events]


def assert_time_ordered(events: list[Event]) -> None:
    stamps = [e.t_ns for e in events]
    assert stamps == sorted(stamps)


def test_a_ring_wrapped_many_times_loses_nothing_and_keeps_order() -> None:
    count, capacity = 20_000, 16
    got = harvest("fork", [(ring_children.count_up, (count,))] * 2, capacity=capacity)
    assert got.exitcodes == [0, 0]
    for party in (0, 1):
        assert shape(got.of(party)) == expected(party, count)
        assert {e.pid for e in got.of(party)} == {got.of(party)[0].pid}
    assert count // capacity > 1000  # every slot was reused over a thousand times


def test_a_reader_racing_a_two_slot_ring_never_decodes_a_torn_record() -> None:
    count = 3_000
    got = harvest("fork", [(ring_children.count_up, (count,))], capacity=2, busy=True)
    assert shape(got.events) == expected(0, count)
    assert got.stats[0]["waits"] > 0  # the writer really ran into the reader


@pytest.mark.slow
def test_256_writers_into_256_rings_keep_per_party_order_and_exact_counts() -> None:
    parties, count = 256, 120
    got = harvest(
        "fork",
        [(ring_children.count_up, (count, 25))] * parties,
        capacity=32,
        timeout=240,
    )
    assert got.exitcodes == [0] * parties
    assert len(got.events) == parties * count
    for party in range(parties):
        assert shape(got.of(party)) == expected(party, count, 25)
    assert got.drains > 1  # drained while the writers ran, not once at the end


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_every_start_method_delivers_rings_and_pipe_in_order(method: str) -> None:
    count = 400
    got = harvest(method, [(ring_children.count_up, (count, 9))] * 3, capacity=32)
    assert got.exitcodes == [0, 0, 0]
    for party in range(3):
        assert shape(got.of(party)) == expected(party, count, 9)
    assert len({e.pid for e in got.events}) == 3


def test_a_party_killed_right_after_arrive_still_shows_its_arrive() -> None:
    plan: ring_children.Plan = [
        ("work_start", 0, {"planned_s": 0.5, "workload": "sleep"}),
        ("arrive", 0, {"barrier": 4}),
    ]
    got = harvest("fork", [(ring_children.emit_plan, (plan, True))])
    assert got.exitcodes == [-9]
    assert shape(got.events) == plan


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_party_killed_inside_the_real_barrier_wait_still_shows_its_arrive(method: str) -> None:
    barrier = InstrumentedBarrier(2, ctx=multiprocessing.get_context(method))
    got = harvest(method, [(ring_children.wait_on_barrier, (barrier,))])
    assert got.exitcodes == [-9]
    assert shape(got.events) == [
        ("work_start", 0, {"planned_s": 0.0, "workload": "sleep"}),
        ("arrive", 0, {"barrier": barrier.barrier_id}),
    ]
    assert barrier.peek().n_waiting == 0  # it died before the real wait took it in


def test_a_record_stored_but_not_yet_published_survives_the_kill() -> None:
    got = harvest("fork", [(ring_children.die_between_store_and_publish, ())])
    assert got.exitcodes == [-9]
    assert shape(got.events) == [
        ("arrive", 0, {"barrier": 5}),
        ("release", 0, {"barrier": 5, "index": 2}),
    ]


def test_a_full_ring_makes_the_writer_wait_counted_and_loses_nothing() -> None:
    count = 100

    def until_the_writer_waits(block: RingBlock) -> None:
        wait_until(lambda: block.word(0, WAITS) >= 1)

    got = harvest(
        "fork",
        [(ring_children.fill_then_wait, (count, 60.0))],
        capacity=8,
        before_draining=until_the_writer_waits,
    )
    assert got.exitcodes == [0]
    assert [e.stage for e in got.events] == list(range(count))
    assert got.stats[0]["waits"] >= 1 and got.stats[0]["wait_ns"] > 0
    assert got.stats[0]["overflows"] == 0
    assert got.stats[0]["doorbells"] >= 1


def test_past_the_wait_limit_events_take_the_pipe_and_keep_their_place() -> None:
    count, capacity = 50, 8
    got = harvest(
        "fork",
        [(ring_children.fill_then_wait, (count, 0.05))],
        capacity=capacity,
        drain=False,  # a parent that never drains while the party runs
    )
    assert got.exitcodes == [0]
    assert [e.stage for e in got.events] == list(range(count))
    assert_time_ordered(got.events)
    assert got.stats[0]["waits"] == 1  # waited once, then stopped waiting until there is room
    assert got.stats[0]["overflows"] == count - capacity
