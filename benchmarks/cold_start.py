"""Cold start: `python main.py` to the first painted frame (offscreen), median of several.

For context it also times the bare interpreter and `import PySide6.QtWidgets`, and lists the
slowest imports (`-X importtime`) so the table says where the second goes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import ROOT, Row, emit, gui_env, median

TARGET_S = 0.8
SCRIPT = ROOT / "benchmarks" / "first_frame.py"


def first_frame_s(env: dict[str, str]) -> float:
    start = time.monotonic_ns()
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    for line in proc.stdout.splitlines():
        if line.startswith("FIRST-FRAME "):
            return (int(line.split()[1]) - start) / 1e9
    raise RuntimeError(f"no first frame (exit {proc.returncode}): {proc.stderr[-300:]}")


def command_s(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    return time.perf_counter() - start


def slowest_imports(env: dict[str, str], limit: int = 8) -> list[tuple[str, float]]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows: list[tuple[str, float]] = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        if name.startswith("  "):  # only top-level imports (nested ones are included in them)
            continue
        rows.append((name.strip(), int(parts[1]) / 1e6))
    return sorted(rows, key=lambda r: -r[1])[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    env = gui_env()
    first_frame_s(env)  # warm the OS file cache: "cold" means a new process, not a cold disk
    times = [first_frame_s(env) for _ in range(args.reps)]
    python_s = median([command_s("pass", env) for _ in range(3)])
    qt_s = median([command_s("import PySide6.QtWidgets", env) for _ in range(3)])
    imports = slowest_imports(env)
    result: dict[str, Any] = {
        "first_frame_s": times,
        "median_s": median(times),
        "python_s": python_s,
        "import_qtwidgets_s": qt_s,
        "slowest_imports": imports,
    }
    top = ", ".join(f"{n} {s * 1000:.0f} ms" for n, s in imports[:4])
    rows = [
        Row(
            "cold start: python main.py → first painted frame",
            f"{result['median_s']:.2f} s (min {min(times):.2f}, max {max(times):.2f})",
            f"≤ {TARGET_S:.1f} s",
            result["median_s"] <= TARGET_S,
            f"bare python {python_s * 1000:.0f} ms, import QtWidgets {qt_s * 1000:.0f} ms; "
            f"slowest imports: {top}",
        )
    ]
    emit(rows, {"cold_start": result})


if __name__ == "__main__":
    main()
