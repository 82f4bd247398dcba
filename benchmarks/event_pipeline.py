"""Event pipeline: events per second from real child processes into the GUI's view model.

The producers are real processes started by the real Runner (its pump, its rings and pipe);
only their body is swapped for one that emits `progress` events as fast as it can through the
sink a party really uses (its ring, where the engine gives it one; else the pipe).  The
consumer does what the GUI's frame clock does: every 16 ms it takes `runner.poll()` and feeds
the batch to `RunViewModel.apply`.  The count must come out exact (no loss) and each lane must
end on its producer's last fraction (no reordering).  CPU time of the consuming thread and of
the pump thread is reported per event, since on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import engine.sources.processes.pump as run_pump
from benchmarks.common import Row, emit
from engine.core.lifeline import die_with_parent
from engine.core.sink import ConnectionSink

try:  # the same benchmark measures a tree without rings (run_all --compare)
    from engine.core.ring import RingSink
except ImportError:  # pragma: no cover
    RingSink = None
from engine.model.view_model import RunViewModel
from engine.scenario import parse_scenario
from engine.sources.processes.runner import Runner

TARGET = 1_000_000
FRAME_S = 0.016


def blast_main(job: Any, barrier: Any, conn: Any, controls: Any = None) -> None:
    """A party body that only emits: work_start, then `count` progress events, as fast as it can."""
    die_with_parent()
    count = int(job.work_s[0])  # the benchmark smuggles the count in as "work seconds"
    ring = getattr(controls, "ring", None)
    sink: Any = ConnectionSink(conn, job.index) if ring is None else RingSink(ring, conn)
    sink.emit("work_start", 0, planned_s=1.0, workload="cpu")
    for i in range(1, count + 1):
        sink.emit("progress", 0, fraction=i / count)
    conn.close()
    raise SystemExit(0)


def measure(producers: int, per_producer: int) -> dict[str, Any]:
    scenario = parse_scenario(
        {
            "name": "pipeline",
            "parties": producers,
            "party": [{"name": f"Producer {i + 1}", "work": 1.0} for i in range(producers)],
        }
    )
    original = run_pump.__dict__["party_main"]
    setattr(run_pump, "party_main", blast_main)  # noqa: B010 - forked parties inherit it
    try:
        runner = Runner(scenario, start_method="fork", seed=0)
        runner.plan = [[float(per_producer)] for _ in range(producers)]
        model = RunViewModel()
        pump_cpu: list[float] = []
        pump_main = runner._pump_main

        def timed_pump() -> None:
            start = time.thread_time()
            try:
                pump_main()
            finally:
                pump_cpu.append(time.thread_time() - start)

        runner._pump_main = timed_pump  # type: ignore[method-assign]
        runner.start()
        first_ns: int | None = None
        progress = 0
        batches: list[int] = []
        apply_s = 0.0
        consumer_cpu = time.thread_time()
        while True:
            done = runner.done
            batch = runner.poll()
            if batch:
                t = time.perf_counter()
                model.apply(batch)
                apply_s += time.perf_counter() - t
                batches.append(len(batch))
                for e in batch:
                    if e.kind == "progress":
                        progress += 1
                        if first_ns is None:
                            first_ns = e.t_ns
                last_ns = time.monotonic_ns()
            elif done:
                break
            time.sleep(FRAME_S)
        consumer_cpu = time.thread_time() - consumer_cpu
        runner.join(10)
    finally:
        setattr(run_pump, "party_main", original)  # noqa: B010
    expected = producers * per_producer
    exact = progress == expected and all(
        lane.progress_hint == 1.0 for lane in model.lanes[:producers]
    )
    seconds = (last_ns - (first_ns or last_ns)) / 1e9
    return {
        "events": progress,
        "expected": expected,
        "lossless": exact,
        "seconds": seconds,
        "rate": progress / seconds if seconds > 0 else 0.0,
        "apply_us_per_event": apply_s / max(progress, 1) * 1e6,
        "consumer_cpu_us_per_event": consumer_cpu / max(progress, 1) * 1e6,
        "pump_cpu_us_per_event": sum(pump_cpu) / max(progress, 1) * 1e6,
        "max_batch": max(batches, default=0),
        "frames": len(batches),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--producers", type=int, default=2)
    parser.add_argument("--events", type=int, default=100_000, help="per producer")
    args = parser.parse_args()
    r = measure(args.producers, args.events)
    rows = [
        Row(
            "event pipeline (children → pump → view model)",
            f"{r['rate']:,.0f} events/s ({r['events']:,} of {r['expected']:,}, "
            f"{'no loss' if r['lossless'] else 'LOSS'})",
            f"≥ {TARGET:,}/s",
            r["lossless"] and r["rate"] >= TARGET,
            f"CPU per event: view model {r['apply_us_per_event']:.2f} µs (consumer thread "
            f"{r['consumer_cpu_us_per_event']:.2f}), pump {r['pump_cpu_us_per_event']:.2f} µs; "
            f"batches up to {r['max_batch']:,}",
        )
    ]
    emit(rows, {"pipeline": r})


if __name__ == "__main__":
    main()
