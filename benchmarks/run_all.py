"""Run the whole benchmark suite (issue 7) and print one table: what, measured, target, met?

    .venv/bin/python -m benchmarks.run_all            # everything; ~3–4 min on an idle 2-core box
    .venv/bin/python -m benchmarks.run_all --quick    # fewer repetitions
    .venv/bin/python -m benchmarks.run_all --only overhead8 frames --json out.json

Each measurement runs in its own subprocess (fresh QApplication, clean memory figures); one
failing measurement is reported in the table instead of stopping the suite.  `--json FILE`
keeps every number for docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # `python3 benchmarks/run_all.py`: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import time
from typing import Any

from benchmarks.common import Row, machine, run_json

OVERHEAD = "benchmarks.barrier_overhead"
Q = ["--quick"]
# name: (module, arguments, extra arguments with --quick, timeout s, needs the GUI environment)
SUITE: dict[str, tuple[str, list[str], list[str], float, bool]] = {
    "overhead4": (OVERHEAD, ["--parties", "4", "--method", "fork"], Q, 90, False),
    "overhead8": (OVERHEAD, ["--parties", "8", "--method", "fork"], Q, 90, False),
    "overhead32": (OVERHEAD, ["--parties", "32"], Q, 120, False),
    "overhead8spawn": (OVERHEAD, ["--parties", "8", "--method", "spawn"], Q, 90, False),
    "pipeline": ("benchmarks.event_pipeline", [], ["--events", "50000"], 60, False),
    "ring": ("benchmarks.ring_path", [], Q, 180, False),
    "frames": ("benchmarks.gui_frames", [], [], 90, True),
    "cold": ("benchmarks.cold_start", [], ["--reps", "3"], 60, True),
    "start": ("benchmarks.gui_start", [], ["--parties", "8"], 120, True),
    "profile": ("benchmarks.profiles", ["--stages", "1000"], [], 90, False),
    "waitstates": ("benchmarks.wait_states", [], Q, 120, False),
    "waitpane": ("benchmarks.analysis_pane", [], Q, 240, True),
}


def table(rows: list[Row]) -> str:
    mark = {True: "yes", False: "NO", None: "–"}
    head = ("what", "measured", "target", "met?")
    body = [(r.what, r.measured, r.target, mark[r.met]) for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(4)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    out = [line.format(*head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line.format(*b) for b in body]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(SUITE), help="run only these")
    parser.add_argument("--json", help="write every number to this file")
    args = parser.parse_args()
    info = machine()
    print(
        f"machine: {info['cores']} cores ({info['cpu']}), Python {info['python']}, "
        f"{info['platform']}, default start method {info['start_method']}, "
        f"load {info['load_1min']}",
        flush=True,
    )
    rows: list[Row] = []
    extra: dict[str, Any] = {"machine": info}
    started = time.perf_counter()
    for name in args.only or list(SUITE):
        module, full, quick, timeout, gui = SUITE[name]
        t = time.perf_counter()
        print(f"… {name}", end="", flush=True)
        try:
            argv = full + quick if args.quick else full
            result = run_json(module, argv, timeout, gui=gui)
            rows += [Row(**r) for r in result["rows"]]
            extra[name] = result["extra"]
        except Exception as exc:  # one broken measurement must not hide the others
            rows.append(Row(name, f"FAILED: {exc}"[:200], met=False))
        print(f" {time.perf_counter() - t:.0f} s", flush=True)
    extra["load_after"] = machine()["load_1min"]
    extra["suite_s"] = time.perf_counter() - started
    print()
    print(table(rows))
    load = f"{info['load_1min']} → {extra['load_after']}"
    print(f"\nsuite took {extra['suite_s']:.0f} s; load {load}")
    if args.json:
        Path(args.json).write_text(json.dumps(extra, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
