"""Frame time with 64 and 256 live parties, the longest GUI stall, and release-in-one-frame.

Offscreen, the real MainWindow runs a crowd-like scenario of real processes.  The controller's
own 16 ms timer is replaced by an identical one that calls the same `RunController._tick`
(drain → apply → every view's update_from) and then forces the paint of the live views
(`repaint()` of the lanes and of the timeline's and log's viewports), so a frame's time
includes the actual painting.  A stall is the longest gap between two frame starts: time in
which the GUI thread could not run its clock at all.

Release in one frame: every lane of a generation gets the same `released_ns` (the first
release of the stage); the benchmark notes the frame in which each lane first shows it and
reports the largest spread, in frames, over all stages.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import time
from pathlib import Path
from typing import Any

from benchmarks.common import LAUNCHER_IMPORTS, Row, emit, quantile
from engine.model.lanes import LaneState
from engine.scenario import Scenario, parse_scenario

try:  # the same benchmark measures a tree without a launcher (run_all --compare)
    from engine.sources.processes.launcher import start_launcher
except ImportError:  # pragma: no cover
    start_launcher = None

FRAME_MS = 16
TARGET_P95_MS = 16.7
BOOTING = frozenset({LaneState.IDLE, LaneState.STARTING})
TARGET_STALL_MS = 50.0
AIM_STALL_MS = 16.0
SETTLE_S = 0.5


def crowd(parties: int, stages: int = 3) -> Scenario:
    return parse_scenario(
        {
            "name": f"Crowd of {parties}",
            "parties": parties,
            "stages": stages,
            "timeout": 120.0,
            "seed": 7,
            "action": {"message": f"All {parties} workers have arrived."},
            "party": [{"name": f"Worker {i + 1:03d}", "work": [0.3, 1.5]} for i in range(parties)],
        }
    )


def settle(app: Any, seconds: float = SETTLE_S) -> None:
    """Let the window finish what it was doing (painting a newly loaded scenario)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)


def measure(
    app: Any, window: Any, parties: int, shots: Path | None, prof: Any = None
) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer

    ctrl = window.controller
    window.panel.set_scenario(crowd(parties))
    window.panel.set_speed(1.0)
    settle(app)  # the editor shows the new scenario first: loading it is not pressing Run
    frames: list[float] = []
    starts: list[float] = []
    release_frames: dict[int, list[int]] = {}
    last_released: dict[int, int | None] = {}
    state: dict[str, Any] = {"shot": False}

    def tick() -> None:
        t0 = time.perf_counter()
        if "working" not in state:
            lanes = window.model.lanes
            if len(lanes) >= parties and all(lane.state not in BOOTING for lane in lanes):
                state["working"] = len(frames)  # the frames before this one: the start
        if prof is not None:
            prof.enable()
        ctrl._tick()
        window.lanes.repaint()
        window.timeline.viewport().repaint()
        window.log.viewport().repaint()
        if prof is not None:
            prof.disable()
        t1 = time.perf_counter()
        frames.append((t1 - t0) * 1e3)
        starts.append(t0)
        frame = len(frames)
        for lane in window.model.lanes:
            rel = lane.released_ns
            if rel is not None and last_released.get(lane.index) != rel:
                last_released[lane.index] = rel
                release_frames.setdefault(rel, []).append(frame)
                if shots is not None and not state["shot"] and parties >= 256:
                    state["shot"] = True
                    window.grab().save(str(shots / f"frames-{parties}.png"))
        if not ctrl.is_running:
            driver.stop()
            app.quit()

    driver = QTimer()
    driver.setTimerType(Qt.TimerType.PreciseTimer)
    driver.setInterval(FRAME_MS)
    driver.timeout.connect(tick)
    started = time.perf_counter()
    if not window.run():
        raise RuntimeError("the GUI refused to start the run")
    state["run_returned"] = time.perf_counter()
    ctrl._timer.stop()  # our driver calls the very same tick, timed
    driver.start()
    app.exec()
    wall = time.perf_counter() - started
    gaps = [(b - a) * 1e3 for a, b in itertools.pairwise(starts)]
    # the start: from pressing Run (the press itself included) until every lane works
    booting = state.get("working", len(starts))
    start_gaps = [(starts[0] - started) * 1e3, *gaps[:booting]]
    spreads = [max(f) - min(f) for f in release_frames.values() if len(f) > 1]
    return {
        "parties": parties,
        "frames": len(frames),
        "p50_ms": quantile(frames, 0.50),
        "p95_ms": quantile(frames, 0.95),
        "max_ms": max(frames, default=0.0),
        "stall_ms": max(gaps, default=0.0),
        "run_stall_ms": max(start_gaps),
        "press_ms": start_gaps[0],  # window.run() itself, until the first frame starts
        "run_call_ms": (state["run_returned"] - started) * 1e3,  # window.run() alone
        "worst_start_gaps_ms": sorted((round(g), i) for i, g in enumerate(start_gaps))[-4:],
        "start_frames": booting,
        "stall_at_frame": gaps.index(max(gaps)) + 1 if gaps else 0,
        "release_spread_frames": max(spreads, default=0),
        "stages_released": len(release_frames),
        "wall_s": wall,
        "status": window.model.status,
        "method": getattr(ctrl.source, "start_method", "?"),
        "worst_gaps_ms": sorted((round(g), i + 1) for i, g in enumerate(gaps))[-5:],
        "worst_frames_ms": sorted((round(f), i + 1) for i, f in enumerate(frames))[-5:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--shots", help="save a screenshot of the 256-party run here")
    parser.add_argument("--profile", help="cProfile the frame ticks into this .prof file")
    parser.add_argument(
        "--fork-from-gui",
        action="store_true",
        help="no launcher: parties forked from the GUI process itself (the old way)",
    )
    args = parser.parse_args()
    if start_launcher is not None and not args.fork_from_gui:  # as gui.app.launch does
        start_launcher(main_imports=LAUNCHER_IMPORTS)
    from PySide6.QtWidgets import QApplication

    from gui.style.theme import apply_theme
    from gui.window.main_window import MainWindow

    app = QApplication(["bench"])
    apply_theme(app)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    shots = Path(args.shots) if args.shots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    measure(app, window, 4, None)  # warm-up: first paints, font and glyph caches, imports
    prof = cProfile.Profile() if args.profile else None
    results = [measure(app, window, n, shots, prof) for n in args.parties]
    if prof is not None:
        prof.dump_stats(args.profile)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    window.controller.shutdown()
    window.close()
    rows = []
    for r in results:
        n = r["parties"]
        rows.append(
            Row(
                f"frame time, {n} live parties (p50 / p95)",
                f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} ms (max {r['max_ms']:.0f} ms, "
                f"{r['frames']} frames)",
                f"p95 ≤ {TARGET_P95_MS} ms" if n == 64 else "report",
                r["p95_ms"] <= TARGET_P95_MS if n == 64 else None,
                f"run {r['status']}",
            )
        )
        rows.append(
            Row(
                f"longest GUI stall when Run is pressed, {n} parties",
                f"{r['run_stall_ms']:.0f} ms (until all work: {r['start_frames']} frames)",
                f"≤ {TARGET_STALL_MS:.0f} ms (aim {AIM_STALL_MS:.0f})",
                r["run_stall_ms"] <= TARGET_STALL_MS,
                f"parties started by {r['method']}",
            )
        )
        rows.append(
            Row(
                f"longest GUI stall in the whole run, {n} parties",
                f"{r['stall_ms']:.0f} ms (frame {r['stall_at_frame']})",
                f"≤ {TARGET_STALL_MS:.0f} ms",
                r["stall_ms"] <= TARGET_STALL_MS,
            )
        )
        rows.append(
            Row(
                f"release in one frame, {n} parties",
                f"{r['release_spread_frames']} frames apart ({r['stages_released']} stages)",
                "0",
                r["release_spread_frames"] == 0 and r["stages_released"] > 0,
            )
        )
    emit(rows, {"frames": results})


if __name__ == "__main__":
    main()
