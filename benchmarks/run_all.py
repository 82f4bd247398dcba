"""Run the whole benchmark suite and print one table: what, measured, target, met?, load.

    .venv/bin/python -m benchmarks.run_all                 # everything (~5 min, idle 2 cores)
    .venv/bin/python -m benchmarks.run_all --quick         # fewer repetitions
    .venv/bin/python -m benchmarks.run_all --only overhead8 frames --json out.json
    .venv/bin/python -m benchmarks.run_all --json after.json --compare before.json
    .venv/bin/python -m benchmarks.run_all --compare before.json after.json   # no run
    .venv/bin/python -m benchmarks.run_all --against c135bba --json after.json  # interleaved

Each measurement runs in its own subprocess (fresh QApplication, clean memory figures); one
failing measurement is reported in the table instead of stopping the suite.  The machine's
load average is read before the suite and before each measurement, and printed with the rows:
on a shared machine wall-clock figures are upper bounds, and the load says how loose.
`--json FILE` keeps every row and number; `--compare BEFORE.json` prints BEFORE's rows beside
this run's (or beside a second file's), matched by their "what".  `--against REV` measures
the commit REV with these same benchmark modules (its tree is exported to a temporary folder
and this benchmarks/ copied over it; the modules fall back to what an older tree has: no
launcher, no rings), each measurement of REV right before the same one here, so that both
meet the same load; BEFORE is then written next to `--json FILE` as FILE.before.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # `python3 benchmarks/run_all.py`: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict
from typing import Any

from benchmarks.common import ROOT, Row, machine, run_json

OVERHEAD = "benchmarks.barrier_overhead"
Q = ["--quick"]
# name: (module, arguments, extra arguments with --quick, timeout s, needs the GUI environment)
SUITE: dict[str, tuple[str, list[str], list[str], float, bool]] = {
    "overhead4": (OVERHEAD, ["--parties", "4", "--method", "fork"], Q, 150, False),
    "overhead8": (OVERHEAD, ["--parties", "8", "--method", "fork"], Q, 150, False),
    "overhead32": (OVERHEAD, ["--parties", "32"], Q, 200, False),
    "overhead8spawn": (OVERHEAD, ["--parties", "8", "--method", "spawn"], Q, 150, False),
    "pipeline": ("benchmarks.event_pipeline", [], ["--events", "50000"], 90, False),
    "ring": ("benchmarks.ring_path", [], Q, 180, False),
    "frames": ("benchmarks.gui_frames", [], [], 150, True),
    "recording": ("benchmarks.recording", [], [], 300, True),
    "cold": ("benchmarks.cold_start", [], ["--reps", "3"], 90, True),
    "start": ("benchmarks.gui_start", [], ["--parties", "8"], 240, True),
    "profile": ("benchmarks.profiles", ["--stages", "1000"], [], 120, False),
    "waitstates": ("benchmarks.wait_states", [], Q, 120, False),
    "waitpane": ("benchmarks.analysis_pane", [], Q, 240, True),
}
MARK = {True: "yes", False: "NO", None: "–"}


def load_now() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def render(head: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    out = [line.format(*head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join(out + [line.format(*b) for b in body])


def table(rows: list[dict[str, Any]]) -> str:
    head = ("what", "measured", "target", "met?", "load")
    body = [
        (r["what"], r["measured"], r["target"], MARK[r["met"]], r.get("load", "?")) for r in rows
    ]
    return render(head, body)


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Rows of both runs side by side, matched by "what" (after's order, then before-only)."""
    old = {r["what"]: r for r in before["rows"]}
    new = {r["what"]: r for r in after["rows"]}
    names = list(new) + [name for name in old if name not in new]
    head = ("what", "before", "after", "target", "met? (after)")
    body = []
    for name in names:
        b, a = old.get(name), new.get(name)
        cell = lambda r: f"{r['measured']} [load {r.get('load', '?')}]" if r else "–"  # noqa: E731
        target = (a or b or {}).get("target", "")
        body.append((name, cell(b), cell(a), target, MARK[a["met"]] if a else "–"))
    loads = [
        f"{label}: load {d['machine']['load_1min']} → {d.get('load_after', '?')}"
        for label, d in (("before", before), ("after", after))
    ]
    return render(head, body) + "\n\n" + "; ".join(loads)


def old_tree(rev: str) -> Path:
    """The tree of commit `rev` with this benchmarks/ folder over it, in a temporary folder."""
    where = Path(tempfile.mkdtemp(prefix="barrier-viz-before-"))
    archive = subprocess.run(
        ["git", "archive", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    shutil.rmtree(where / "benchmarks", ignore_errors=True)
    shutil.copytree(ROOT / "benchmarks", where / "benchmarks")
    return where


def measure(name: str, quick: bool, root: Path, out: dict[str, Any]) -> None:
    """One measurement in tree `root`: its rows (each with the load when it began) and its
    numbers go into `out`."""
    module, full, quick_args, timeout, gui = SUITE[name]
    load = load_now()
    source = root / (module.replace(".", "/") + ".py")
    if not source.exists():  # a measurement another branch brings
        missing = Row(name, f"not measured: no {source.name} in this tree")
        out["rows"].append({**asdict(missing), "load": load})
        return
    try:
        result = run_json(module, full + quick_args if quick else full, timeout, gui, root)
        found = [Row(**r) for r in result["rows"]]
        out["extra"][name] = result["extra"]
    except Exception as exc:  # one broken measurement must not hide the others
        found = [Row(name, f"FAILED: {exc}"[:200], met=False)]
    out["rows"] += [{**asdict(row), "load": load} for row in found]


def run_suite(names: list[str], quick: bool, against: Path | None = None) -> dict[str, Any]:
    info = machine()
    print(
        f"machine: {info['cores']} cores ({info['cpu']}), Python {info['python']}, "
        f"{info['platform']}, default start method {info['start_method']}, "
        f"load average {info['load_1min']} / {info['load_5min']} / {info['load_15min']} "
        "(1 / 5 / 15 min)",
        flush=True,
    )
    if float(info["load_1min"]) > 0.5 * int(info["cores"] or 1):
        print("the machine is busy: wall-clock figures will be upper bounds", flush=True)
    after: dict[str, Any] = {"machine": info, "rows": [], "extra": {}}
    before: dict[str, Any] = {"machine": info, "rows": [], "extra": {}}
    started = time.perf_counter()
    for name in names:
        t = time.perf_counter()
        print(f"… {name} (load {load_now()})", end="", flush=True)
        if against is not None:
            measure(name, quick, against, before)
        measure(name, quick, ROOT, after)
        print(f" {time.perf_counter() - t:.0f} s", flush=True)
    done = {"load_after": load_now(), "suite_s": time.perf_counter() - started}
    return {**after, **done, "before": {**before, **done} if against else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(SUITE), help="run only these")
    parser.add_argument("--json", help="write every row and number to this file")
    parser.add_argument("--against", metavar="REV", help="measure commit REV too, interleaved")
    parser.add_argument(
        "--compare",
        nargs="+",
        metavar="JSON",
        help="BEFORE.json: print it beside this run; BEFORE.json AFTER.json: print both, no run",
    )
    args = parser.parse_args()
    files = args.compare or []
    if len(files) > 2:
        parser.error("--compare takes BEFORE.json and, optionally, AFTER.json")
    before = json.loads(Path(files[0]).read_text()) if files else None
    if len(files) == 2:
        assert before is not None
        print(compare(before, json.loads(Path(files[1]).read_text())))
        return 0
    tree = old_tree(args.against) if args.against else None
    try:
        result = run_suite(args.only or list(SUITE), args.quick, tree)
    finally:
        if tree is not None:
            shutil.rmtree(tree, ignore_errors=True)
    print()
    print(table(result["rows"]))
    print(
        f"\nsuite took {result['suite_s']:.0f} s; "
        f"load {result['machine']['load_1min']} → {result['load_after']}"
    )
    before = result.pop("before") or before
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))
        if args.against:
            Path(args.json).with_suffix(".before.json").write_text(json.dumps(before, indent=1))
    if before is not None:
        print()
        print(compare(before, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
