"""Barrier overhead: what the engine adds per stage to a bare `multiprocessing.Barrier`.

Method (issue 7): a zero-work run through the real engine (`Runner`, events streamed to the
caller AND logged to a JSONL file) against raw processes that only call `wait()` N times on a
raw `multiprocessing.Barrier` with the same parties and start method.  Per-stage time is
(T(long) − T(short)) / (N_long − N_short), which removes process start-up and tear-down.
Raw and engine runs are interleaved (raw, engine, raw, engine …) so machine noise hits both
alike, and the median of the per-repetition ratios is reported.

MAX_STAGES (1000) is a limit for people editing scenarios; the long run needs more, so the
benchmark builds the scenario with `dataclasses.replace`, bypassing only that validation.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row, emit, median
from engine.scenario import Scenario, parse_scenario
from engine.sources.processes.runner import Runner

TARGET = 1.10


def zero_work_scenario(parties: int, stages: int) -> Scenario:
    base = parse_scenario(
        {
            "name": f"zero-work x{parties}",
            "parties": parties,
            "stages": 1,
            "party": [{"name": f"P{i + 1:03d}", "work": 0.0} for i in range(parties)],
        }
    )
    return dataclasses.replace(base, stages=stages)


def _raw_party(barrier: Any, stages: int) -> None:
    for _ in range(stages):
        barrier.wait()


def time_raw(parties: int, stages: int, method: str) -> float:
    """Seconds from starting the processes until all have joined."""
    ctx: Any = multiprocessing.get_context(method)
    barrier = ctx.Barrier(parties)
    start = time.perf_counter()
    procs = [ctx.Process(target=_raw_party, args=(barrier, stages)) for _ in range(parties)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"raw barrier run failed: {[p.exitcode for p in procs]}")
    return elapsed


def time_engine(parties: int, stages: int, method: str, log_dir: Path, quiet: bool = True) -> float:
    """Seconds from Runner.start() until the run is done, consuming events like `run --quiet`."""
    runner = Runner(
        zero_work_scenario(parties, stages),
        events_path=log_dir / f"zero-{parties}-{stages}-{method}.jsonl",
        start_method=method,
        seed=0,
    )
    start = time.perf_counter()
    runner.start()
    received = 0
    while True:
        batch = runner.wait_events(0.2)
        received += len(batch)
        if runner.done and not batch:
            break
    elapsed = time.perf_counter() - start
    runner.join(10)
    outcome = runner.outcome
    if outcome is None or outcome.exit_code != 0:
        raise RuntimeError(f"engine zero-work run failed: {outcome}")
    expected = 3 * parties * stages  # work_start, arrive, release per party per stage
    if received < expected:
        raise RuntimeError(f"engine run lost events: {received} < {expected}")
    return elapsed


@dataclasses.dataclass(frozen=True)
class Config:
    parties: int
    method: str
    n_short: int
    n_long: int
    reps: int


def measure(cfg: Config, log_dir: Path) -> dict[str, Any]:
    raw_per, eng_per, ratios = [], [], []
    span = cfg.n_long - cfg.n_short
    for rep in range(cfg.reps):
        # alternate which variant goes first, so a slow patch of machine time is shared
        order = ("raw", "engine") if rep % 2 == 0 else ("engine", "raw")
        got: dict[str, float] = {}
        for variant in order:
            if variant == "raw":
                long_s = time_raw(cfg.parties, cfg.n_long, cfg.method)
                short_s = time_raw(cfg.parties, cfg.n_short, cfg.method)
            else:
                long_s = time_engine(cfg.parties, cfg.n_long, cfg.method, log_dir)
                short_s = time_engine(cfg.parties, cfg.n_short, cfg.method, log_dir)
            got[variant] = max(long_s - short_s, 1e-9) / span
        raw_per.append(got["raw"])
        eng_per.append(got["engine"])
        ratios.append(got["engine"] / got["raw"])
    return {
        "parties": cfg.parties,
        "method": cfg.method,
        "stages": span,
        "raw_us": median(raw_per) * 1e6,
        "engine_us": median(eng_per) * 1e6,
        "ratio": median(ratios),
        "ratios": [round(r, 3) for r in ratios],
    }


DEFAULT_CONFIGS = [
    Config(4, "fork", 200, 2200, 5),
    Config(8, "fork", 200, 2200, 5),
    Config(32, "fork", 100, 2100, 2),
    Config(8, "spawn", 200, 2200, 3),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--parties", type=int, nargs="*", help="only these party counts")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"], help="only this one")
    args = parser.parse_args()
    configs = [
        dataclasses.replace(c, reps=min(c.reps, 2)) if args.quick else c for c in DEFAULT_CONFIGS
    ]
    if args.parties:
        configs = [c for c in configs if c.parties in args.parties]
    if args.method:
        configs = [c for c in configs if c.method == args.method]
    rows, details = [], []
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        for cfg in configs:
            result = measure(cfg, Path(tmp))
            details.append(result)
            rows.append(
                Row(
                    f"barrier overhead, {cfg.parties} parties, {cfg.method}",
                    f"{result['ratio']:.2f}× ({result['engine_us']:.0f} µs vs "
                    f"{result['raw_us']:.0f} µs per stage)",
                    f"≤ {TARGET:.2f}×",
                    result["ratio"] <= TARGET,
                    f"ratios per rep {result['ratios']}",
                )
            )
    emit(rows, {"overhead": details})


if __name__ == "__main__":
    main()
