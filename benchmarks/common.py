"""Shared helpers: result rows, statistics, the machine description, and subprocess plumbing.

Why every measurement runs in its own subprocess: a GUI benchmark must start from a fresh
QApplication, memory must not include what an earlier benchmark left behind, and one crashed
measurement must not take the whole table down.  Each module prints one JSON document on its
last stdout line; `run_json` collects it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-JSON "
# A benchmark run as `python -m benchmarks.X` is each fork-server child's main module: what it
# imports is preloaded in the server (engine.sources.processes.launcher)
LAUNCHER_IMPORTS = ("benchmarks.common", "engine.scenario")


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    what: str
    measured: str
    target: str = "report"
    met: bool | None = None  # None: nothing to meet (a "report" row)
    note: str = ""


def rows_to_json(rows: list[Row], extra: dict[str, Any] | None = None) -> str:
    return RESULT_PREFIX + json.dumps({"rows": [asdict(r) for r in rows], "extra": extra or {}})


def emit(rows: list[Row], extra: dict[str, Any] | None = None) -> None:
    """Print the rows for run_all (last line) after a human-readable summary."""
    for r in rows:
        print(f"  {r.what}: {r.measured} (target {r.target}) {r.note}", file=sys.stderr)
    print(rows_to_json(rows, extra), flush=True)


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile (no interpolation: p95 of frame times is a frame that happened)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu": _cpu_name(),
        "start_method": multiprocessing.get_start_method(),
        "load_1min": f"{load[0]:.2f}",
        "load_5min": f"{load[1]:.2f}",
        "load_15min": f"{load[2]:.2f}",
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def gui_env(root: Path = ROOT) -> dict[str, str]:
    """Environment for a GUI benchmark child: offscreen, throw-away settings."""
    tmp = tempfile.mkdtemp(prefix="barrier-viz-bench-")
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(Path(tmp) / "xdg")
    env["BARRIER_VIZ_SETTINGS"] = str(Path(tmp) / "session.ini")
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    # bytecode caches as an installed app has them (pip compiles on install; a checkout writes
    # them on its first start), kept out of the tree: a start compiles nothing after the first
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
    return env


def run_json(
    module: str, args: list[str], timeout: float, gui: bool = False, root: Path = ROOT
) -> dict[str, Any]:
    """Run `python -m module args…` in the tree `root`; its JSON result (raises on failure)."""
    env = gui_env(root) if gui else {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    raise RuntimeError(f"{module} failed (exit {proc.returncode}): {' | '.join(tail)}")
