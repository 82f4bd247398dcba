"""The shared-memory event path against pickle + pipe, measured with real child processes.

1. Child-side cost per event.  One forked child emits the three hot events of a stage
   (work_start, arrive, release) as the party code does, through NullSink (the call alone),
   ConnectionSink (pickle + os.write into the pipe) and RingSink (a record into its ring, one
   big enough never to fill), and times its own loop; meanwhile the parent drains the way a
   pump does.  Reported per event:
   wall time and the child's CPU time (on a shared machine, CPU time is the steadier figure).
2. Throughput.  N children emit the same mix as fast as they can into their rings; the parent
   drains on the doorbell or every 16 ms into `Event`s and keeps them all (as a source does).
   Events/s end to end, and the decode rate: events per second of the parent's CPU spent in
   `drain()`.  Every party's stream is checked (count and order), and the writers' waits for
   a full ring are shown.  Run once with the default ring and once with a small one that
   wraps (and fills) all the time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import time
from typing import Any

from benchmarks.common import Row, emit, median
from engine.core.events import Event, event_from_wire
from engine.core.lifeline import die_with_parent
from engine.core.ring.drain import RingDrain
from engine.core.ring.layout import DEFAULT_CAPACITY, OVERFLOWS, WAIT_NS, WAITS, RingBlock
from engine.core.ring.sink import RingSink
from engine.core.sink import ConnectionSink, EventSink, NullSink
from engine.core.wire import read_wires

CHILD_TARGET_US = 1.0
DECODE_TARGET = 1_000_000
FRAME_S = 0.016
# Big enough that the writer never waits for this parent (a paced run never fills a ring;
# waiting is measured by the throughput rows), so the row shows the cost of a write.
COST_CAPACITY = 1 << 16


def emit_stages(sink: EventSink, stages: int) -> None:
    """The three hot events of each stage, called exactly as party and barrier code call them."""
    for stage in range(stages):
        sink.emit("work_start", stage, planned_s=0.0, workload="sleep")
        sink.emit("arrive", stage, barrier=0)
        sink.emit("release", stage, barrier=0, index=0)


def timed_child(how: str, port: Any, conn: Any, result: Any, stages: int) -> None:
    die_with_parent()
    sink: EventSink = {
        "null": lambda: NullSink(),
        "pipe": lambda: ConnectionSink(conn, 0),
        "ring": lambda: RingSink(port, conn),
    }[how]()
    emit_stages(sink, 200)  # warm up (and touch the ring's first pages)
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    emit_stages(sink, stages)
    result.send((time.perf_counter_ns() - wall, time.thread_time_ns() - cpu))


def blast_child(port: Any, conn: Any, start: Any, stages: int) -> None:
    die_with_parent()
    sink = RingSink(port, conn)
    start.wait()
    emit_stages(sink, stages)


def child_cost(how: str, stages: int) -> tuple[float, float]:
    """(wall µs, cpu µs) per event in one child, the parent draining meanwhile."""
    ctx = multiprocessing.get_context("fork")
    block = RingBlock(1, capacity=COST_CAPACITY, named=False)
    rings = RingDrain(block)
    reader, writer = ctx.Pipe(duplex=False)
    result_r, result_w = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=timed_child, args=(how, block.port(0), writer, result_w, stages))
    proc.start()
    writer.close()
    result_w.close()
    rx = bytearray()
    try:
        while not result_r.poll():
            multiprocessing.connection.wait([reader, block.doorbell_fd, result_r], FRAME_S)
            if how == "ring":
                rings.drain(reader)
            else:
                [event_from_wire(w) for w in read_wires(reader, rx)]
        wall_ns, cpu_ns = result_r.recv()
        proc.join(30)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
        reader.close()
        rings.close()
    events = 3 * stages
    return wall_ns / events / 1e3, cpu_ns / events / 1e3


def throughput(children: int, stages: int, capacity: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    block = RingBlock(children, capacity=capacity, named=False)
    rings = RingDrain(block)
    reader, writer = ctx.Pipe(duplex=False)
    start = ctx.Barrier(children + 1)
    procs = [
        ctx.Process(target=blast_child, args=(block.port(i), writer, start, stages))
        for i in range(children)
    ]
    events: list[Event] = []
    drain_cpu_ns = drains = 0
    try:
        for proc in procs:
            proc.start()
        writer.close()
        start.wait()
        live = {proc.sentinel: i for i, proc in enumerate(procs)}
        while live:
            ready = multiprocessing.connection.wait([*live, block.doorbell_fd, reader], FRAME_S)
            dead = [live.pop(s) for s in ready if s in live]
            cpu = time.thread_time_ns()
            events += rings.drain(reader, final=dead)
            drain_cpu_ns += time.thread_time_ns() - cpu
            drains += 1
        end_ns = time.monotonic_ns()
        stats = {
            "waits": sum(block.word(i, WAITS) for i in range(children)),
            "wait_ms": sum(block.word(i, WAIT_NS) for i in range(children)) / 1e6,
            "overflows": sum(block.word(i, OVERFLOWS) for i in range(children)),
        }
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        reader.close()
        rings.close()
    expected = 3 * stages
    lossless = (
        all(
            [e.stage for e in events if e.party == p] == [s for s in range(stages) for _ in "wat"]
            for p in range(children)
        )
        and len(events) == children * expected
    )
    seconds = (end_ns - min(e.t_ns for e in events)) / 1e9
    return {
        "children": children,
        "capacity": capacity,
        "events": len(events),
        "lossless": lossless,
        "rate": len(events) / seconds,
        "decode_rate": len(events) / (drain_cpu_ns / 1e9),
        "drains": drains,
        **stats,
    }


def decode_only(children: int, stages: int) -> dict[str, Any]:
    """Children fill rings big enough for everything and exit; then one timed drain.

    The parent decodes with nobody competing for the cores: the decode rate on its own.
    """
    ctx = multiprocessing.get_context("fork")
    capacity = 1 << (3 * stages - 1).bit_length()
    block = RingBlock(children, capacity=capacity, named=False)
    rings = RingDrain(block)
    reader, writer = ctx.Pipe(duplex=False)
    start = ctx.Barrier(children + 1)
    procs = [
        ctx.Process(target=blast_child, args=(block.port(i), writer, start, stages))
        for i in range(children)
    ]
    try:
        for proc in procs:
            proc.start()
        writer.close()
        start.wait()
        for proc in procs:
            proc.join(120)
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        events = rings.drain(reader, final=range(children))
        wall, cpu = time.perf_counter_ns() - wall, time.thread_time_ns() - cpu
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        reader.close()
        rings.close()
    if len(events) != 3 * stages * children:
        raise RuntimeError(f"decode-only run lost events: {len(events)}")
    return {"events": len(events), "rate_wall": len(events) / (wall / 1e9),
            "rate_cpu": len(events) / (cpu / 1e9)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer events and repetitions")
    parser.add_argument("--children", type=int, default=4)
    args = parser.parse_args()
    reps, stages = (3, 20_000) if args.quick else (5, 60_000)
    cost: dict[str, list[tuple[float, float]]] = {"null": [], "pipe": [], "ring": []}
    for _ in range(reps):  # interleaved, so machine noise hits every variant alike
        for how in cost:
            cost[how].append(child_cost(how, stages))
    wall = {how: median([w for w, _ in runs]) for how, runs in cost.items()}
    cpu = {how: median([c for _, c in runs]) for how, runs in cost.items()}
    big = throughput(args.children, stages, DEFAULT_CAPACITY)
    small = throughput(args.children, stages // 4, 64)
    quiet = max((decode_only(args.children, stages // 3) for _ in range(reps)),
                key=lambda r: r["rate_cpu"])  # fmt: skip
    rows = [
        Row(
            "child cost per hot event, ring (pickle+pipe)",
            f"{wall['ring']:.2f} µs ({wall['pipe']:.2f} µs) wall; "
            f"{cpu['ring']:.2f} µs ({cpu['pipe']:.2f} µs) cpu",
            f"≤ {CHILD_TARGET_US:g} µs",
            cpu["ring"] <= CHILD_TARGET_US,
            f"the call alone (NullSink) {cpu['null']:.2f} µs; median of {reps}",
        ),
    ]
    for r, what in ((big, "ring"), (small, "ring wrap")):
        rows.append(
            Row(
                f"events/s, {r['children']} children → {what} (capacity {r['capacity']}) → Events",
                f"{r['rate']:,.0f}/s end to end, decode {r['decode_rate']:,.0f}/s "
                f"({r['events']:,} events, {'no loss' if r['lossless'] else 'LOSS'})",
                f"decode ≥ {DECODE_TARGET:,}/s",
                r["lossless"] and r["decode_rate"] >= DECODE_TARGET,
                f"writer waits {r['waits']} ({r['wait_ms']:.1f} ms), "
                f"overflows {r['overflows']}, {r['drains']} drains",
            )
        )
    rows.append(
        Row(
            f"decode only, {quiet['events']:,} events from {args.children} full rings → Events",
            f"{quiet['rate_cpu']:,.0f}/s ({quiet['rate_wall']:,.0f}/s wall)",
            f"≥ {DECODE_TARGET:,}/s",
            quiet["rate_cpu"] >= DECODE_TARGET,
            f"one drain() after the writers exited; best of {reps}",
        )
    )
    extra = {"child_wall_us": wall, "child_cpu_us": cpu, "throughput": [big, small]}
    emit(rows, {**extra, "decode_only": quiet})


if __name__ == "__main__":
    main()
