"""Where the time goes in a zero-work engine run: cProfile of the pump thread, the consuming
thread and one party process, plus the CPU seconds each side burns against a raw barrier.

Why CPU seconds matter: on a machine with fewer cores than processes, every microsecond the
parent spends per event is a microsecond a party cannot spend reaching the barrier, so the
barrier's per-stage time grows with the parent's CPU cost, not only with the latency added to
wait().
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import engine.sources.processes.pump as run_pump
from benchmarks.barrier_overhead import time_raw, zero_work_scenario
from benchmarks.common import Row, emit, median
from engine.sources.processes.party import party_main
from engine.sources.processes.runner import Runner

PROFILE_DIR_ENV = "BENCH_PROFILE_DIR"


def profiled_party_main(job: Any, *args: Any) -> None:
    """party_main under cProfile; party 0 dumps its stats (fork inherits the patch)."""
    prof = cProfile.Profile()
    prof.enable()
    try:
        party_main(job, *args)
    finally:
        prof.disable()
        out = os.environ.get(PROFILE_DIR_ENV)
        if out and job.index == 0:
            prof.dump_stats(str(Path(out) / "party0.prof"))


def top(path: Path, limit: int) -> list[str]:
    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf)
    stats.sort_stats("tottime").print_stats(limit)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    return lines[start : start + limit + 1]


def cpu_seconds() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def profile_engine(parties: int, stages: int, out: Path) -> dict[str, Any]:
    os.environ[PROFILE_DIR_ENV] = str(out)
    original_pump, original_party = Runner._pump_main, run_pump.__dict__["party_main"]
    pump_prof = cProfile.Profile()

    def pump_main(self: Runner) -> None:
        pump_prof.enable()
        try:
            original_pump(self)
        finally:
            pump_prof.disable()

    Runner._pump_main = pump_main  # type: ignore[method-assign]
    setattr(run_pump, "party_main", profiled_party_main)  # noqa: B010 - forked parties inherit it
    consumer = cProfile.Profile()
    try:
        runner = Runner(
            zero_work_scenario(parties, stages),
            events_path=out / "zero.jsonl",
            start_method="fork",
            seed=0,
        )
        start = time.perf_counter()
        runner.start()
        consumer.enable()
        while True:
            batch = runner.wait_events(0.2)
            if runner.done and not batch:
                break
        consumer.disable()
        elapsed = time.perf_counter() - start
        runner.join(10)
    finally:
        Runner._pump_main = original_pump  # type: ignore[method-assign]
        setattr(run_pump, "party_main", original_party)  # noqa: B010
    pump_prof.dump_stats(str(out / "pump.prof"))
    consumer.dump_stats(str(out / "consumer.prof"))
    return {"elapsed_s": elapsed, "events": len(runner.events)}


def engine_cpu(parties: int, stages: int, log_dir: Path) -> tuple[float, float]:
    """CPU seconds (parent, children) of one zero-work engine run, no profiler."""
    p0, c0 = cpu_seconds()
    runner = Runner(
        zero_work_scenario(parties, stages),
        events_path=log_dir / "cpu.jsonl",
        start_method="fork",
        seed=0,
    )
    runner.start()
    while True:
        batch = runner.wait_events(0.2)
        if runner.done and not batch:
            break
    runner.join(10)
    p1, c1 = cpu_seconds()
    return p1 - p0, c1 - c0


def cpu_split(parties: int, stages: int, log_dir: Path, reps: int = 3) -> dict[str, float]:
    """Median CPU seconds of parent and children: raw barrier and engine.

    CPU time, unlike wall time, hardly depends on what else the machine is doing, so it is
    the robust way to compare the event path before and after a change (run the same
    benchmark on both commits and compare with `run_all --compare`).
    """
    samples: dict[str, list[float]] = {}
    for _ in range(reps):
        p0, c0 = cpu_seconds()
        time_raw(parties, stages, "fork")
        p1, c1 = cpu_seconds()
        runs = {"raw": (p1 - p0, c1 - c0), "engine": engine_cpu(parties, stages, log_dir)}
        for name, (parent, children) in runs.items():
            samples.setdefault(f"{name}_parent_s", []).append(parent)
            samples.setdefault(f"{name}_children_s", []).append(children)
    return {k: median(v) for k, v in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, default=8)
    parser.add_argument("--stages", type=int, default=2000)
    parser.add_argument("--out", help="keep the .prof files here (default: a temp dir)")
    parser.add_argument("--limit", type=int, default=12)
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-prof-"))
    out.mkdir(parents=True, exist_ok=True)
    split = cpu_split(args.parties, args.stages, out)
    info = profile_engine(args.parties, args.stages, out)
    tops = {name: top(out / f"{name}.prof", args.limit) for name in ("pump", "consumer", "party0")}
    for name, lines in tops.items():
        print(f"\n== {name} (top {args.limit} by tottime) ==")
        print("\n".join(lines))
    per_stage = {k: v / args.stages * 1e6 for k, v in split.items()}
    print("\nCPU µs per stage:", {k: round(v) for k, v in per_stage.items()})
    rows = [
        Row(
            f"CPU per stage, {args.parties} parties, parent / parties: {name}",
            f"{per_stage[f'{key}_parent_s']:.0f} / {per_stage[f'{key}_children_s']:.0f} µs",
            note=f"profiles in {out}" if key == "engine" else "",
        )
        for key, name in (("raw", "raw Barrier"), ("engine", "engine"))
    ]
    emit(rows, {"cpu_split": split, "profile": info, "top": tops, "dir": str(out)})


if __name__ == "__main__":
    main()
