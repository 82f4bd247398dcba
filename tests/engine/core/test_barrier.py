"""The drop-in Barrier against the semantics of CPython's own Barrier tests, with real processes."""

from __future__ import annotations

import multiprocessing as mp
import pickle
from collections import Counter
from typing import Any

import pytest

from engine import Barrier, BrokenBarrierError, InstrumentedBarrier
from engine.core.events import Event
from tests import barrier_children as kids

N = 3
METHODS = ["fork", "spawn", "forkserver"]


def start_all(ctx: Any, target: Any, args: tuple[Any, ...], n: int = N) -> list[Any]:
    procs = [ctx.Process(target=target, args=args, daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    return procs


def join_all(procs: list[Any]) -> list[int | None]:
    for p in procs:
        p.join(20)
    assert not any(p.is_alive() for p in procs), "a barrier child hung"
    return [p.exitcode for p in procs]


def results_of(queue: Any, count: int) -> list[tuple[str, Any]]:
    return [queue.get(timeout=20) for _ in range(count)]


@pytest.mark.parametrize("method", METHODS)
def test_indices_are_0_to_n_minus_1_on_every_pass(method: str) -> None:
    ctx = mp.get_context(method)
    barrier = InstrumentedBarrier(N, ctx=ctx)
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_passes, (barrier, 3, results))
    got = results_of(results, 3 * N)
    assert join_all(procs) == [0] * N
    assert Counter(v for _, v in got) == Counter({0: 3, 1: 3, 2: 3})


def test_action_runs_once_per_pass() -> None:
    ctx = mp.get_context("spawn")
    counter = ctx.Value("i", 0)
    barrier = InstrumentedBarrier(N, kids.CountingAction(counter), ctx=ctx)
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_passes, (barrier, 4, results))
    results_of(results, 4 * N)
    join_all(procs)
    assert counter.value == 4


def test_abort_breaks_every_waiter() -> None:
    ctx = mp.get_context("fork")
    barrier = InstrumentedBarrier(N + 1, ctx=ctx)
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_expect_broken, (barrier, results))
    while barrier.n_waiting < N:  # event-driven would need a hook; n_waiting is the real state
        mp.connection.wait([p.sentinel for p in procs], 0.01)
    barrier.abort()
    assert results_of(results, N) == [("broken", True)] * N
    assert barrier.broken
    join_all(procs)
    with pytest.raises(BrokenBarrierError):
        barrier.wait()


def test_reset_breaks_waiters_and_barrier_is_reusable() -> None:
    ctx = mp.get_context("fork")
    barrier = InstrumentedBarrier(N + 1, ctx=ctx)
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_then_reuse, (barrier, results))
    while barrier.n_waiting < N:
        mp.connection.wait([p.sentinel for p in procs], 0.01)
    barrier.reset()
    firsts = [results.get(timeout=20) for _ in range(N)]
    assert firsts == [("first", "broken")] * N
    assert not barrier.broken
    index = barrier.wait(20)  # the parent is the fourth party of the fresh generation
    seconds = [results.get(timeout=20) for _ in range(N)]
    assert sorted([index] + [v for _, v in seconds]) == [0, 1, 2, 3]
    join_all(procs)


def test_timeout_breaks_the_barrier() -> None:
    ctx = mp.get_context("fork")
    barrier = InstrumentedBarrier(N + 1, timeout=0.2, ctx=ctx)  # one party never comes
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_expect_broken, (barrier, results))
    assert results_of(results, N) == [("broken", True)] * N
    assert barrier.broken
    join_all(procs)


def test_wait_timeout_argument_overrides_default() -> None:
    barrier = Barrier(2, timeout=None)
    with pytest.raises(BrokenBarrierError):
        barrier.wait(0.05)
    assert barrier.broken


def test_action_raising_breaks_and_last_arriver_reraises() -> None:
    ctx = mp.get_context("fork")
    barrier = InstrumentedBarrier(N, kids.RaisingAction(), ctx=ctx)
    results = ctx.Queue()
    procs = start_all(ctx, kids.wait_report_exception, (barrier, results))
    got = sorted(v for _, v in results_of(results, N))
    join_all(procs)
    assert got == ["BrokenBarrierError"] * (N - 1) + ["ValueError: action exploded"]
    assert barrier.broken


def test_single_party_returns_zero_and_properties() -> None:
    barrier = Barrier(1)
    assert barrier.wait() == 0
    assert barrier.parties == 1 and barrier.n_waiting == 0 and not barrier.broken
    assert barrier.peek().state == "filling"


def test_pickling_outside_spawning_is_refused_like_the_original() -> None:
    with pytest.raises(RuntimeError):
        pickle.dumps(Barrier(2))
    with pytest.raises(RuntimeError):
        pickle.dumps(mp.Barrier(2))


@pytest.mark.parametrize("method", METHODS)
def test_events_reach_an_installed_sink(method: str) -> None:
    ctx = mp.get_context(method)
    counter = ctx.Value("i", 0)
    barrier = InstrumentedBarrier(N, kids.CountingAction(counter), ctx=ctx)
    results = ctx.Queue()
    reader, writer = ctx.Pipe(duplex=False)
    procs = start_all(ctx, kids.wait_passes, (barrier, 2, results, writer))
    results_of(results, 2 * N)
    join_all(procs)
    writer.close()
    events: list[Event] = []
    while reader.poll(1):
        try:
            events.append(Event.from_wire(reader.recv()))
        except EOFError:
            break
    kinds = Counter((e.kind, e.stage) for e in events)
    assert kinds[("arrive", 0)] == N and kinds[("release", 0)] == N
    assert kinds[("arrive", 1)] == N and kinds[("release", 1)] == N
    assert kinds[("action", 0)] == 1 and kinds[("action", 1)] == 1
    for stage in (0, 1):
        stage_events = [e for e in events if e.stage == stage]
        last_arrive = max(e.t_ns for e in stage_events if e.kind == "arrive")
        first_release = min(e.t_ns for e in stage_events if e.kind == "release")
        action = next(e for e in stage_events if e.kind == "action")
        assert last_arrive <= action.t_ns <= first_release
        assert sorted(e.get("index") for e in stage_events if e.kind == "release") == [0, 1, 2]
