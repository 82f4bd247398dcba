"""A traced program's events leave in timestamp order, however their sockets delivered them."""

from __future__ import annotations

from engine.core.events import Event
from engine.sources.tracer.reorder import TimeOrder


def ev(kind: str, t: int, party: int) -> Event:
    return Event(kind, t, party, 100 + party, 0)


def test_a_release_read_before_the_last_arrival_comes_out_after_it() -> None:
    order = TimeOrder(hold_ns=30)
    order.push([ev("release", 1427, 0)])  # the woken party's socket was read first
    order.push([ev("arrive", 1426, 2)])  # the last arriver's report, read a moment later
    assert order.due(1440) == []  # both still held
    assert order.wait_s(1440) == (1426 + 30 - 1440) / 1e9
    assert [e.kind for e in order.due(1500)] == ["arrive", "release"]
    assert order.wait_s(1500) is None


def test_equal_times_keep_their_order_and_drain_hands_out_the_rest() -> None:
    order = TimeOrder(hold_ns=1000)
    order.push([ev("arrive", 5, 0), ev("arrive", 5, 1), ev("release", 4, 2)])
    assert [(e.kind, e.party) for e in order.drain()] == [
        ("release", 2), ("arrive", 0), ("arrive", 1),
    ]  # fmt: skip
    assert order.drain() == []
