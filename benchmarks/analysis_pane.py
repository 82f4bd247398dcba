"""The wait-state pane's cost per frame: can it follow 256 parties × 100 stages live?

Method: the synthetic run of benchmarks/wait_states.py (P parties × S stages, real event kinds
and order) is fed to a real `RunViewModel` in 16 ms frames of run time, offscreen.  After each
frame, what the analysis feature does every frame is timed (CPU time of the GUI thread; the
what-if ranking runs on a worker thread, ~100 ms once per stage that ends):
- `LiveAnalysis.update` (the incremental analyser, the stages that are over, the ranking hand-off);
- the pane: handing the analysis to its sections, and painting the bars and the gauges
  (rendered into an image: the window flushes once per frame whatever changed) in the frames
  where they changed (while live: a stage ended); Qt's own deferred re-layout of the labels
  whose text changed is not in it;
- the lanes' last-arriver flags: the overlay painted into an image of the lanes' size;
- the critical path redrawn on a real timeline when the analysis changed;
- who is missing: the view model's check (cheap while nobody waits too long).
Also timed once: the what-if ghost (one replay with spans, and building its paths).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from benchmarks.common import Row, emit, median, quantile
from benchmarks.wait_states import frames, synthetic_run

QUIET_TARGET_MS = 2.0  # a frame in which no stage ended: most frames (p95)
TRIP_TARGET_MS = 8.0  # a frame in which a stage ended: the pane repaints (p95, half a frame)


def clock(call: Callable[[], Any]) -> float:
    """CPU time of this thread: the what-if ranking runs on a worker thread of its own."""
    start = time.thread_time()
    call()
    return time.thread_time() - start


def measure(parties: int, stages: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from engine.model.missing import MissingThreshold
    from engine.model.view_model import RunViewModel
    from gui.analysis.live import LiveAnalysis, WhatIfChoice
    from gui.analysis.pane import AnalysisPane
    from gui.lanes.last_arriver import LastArriverMarks
    from gui.lanes.layout import compute_geometry
    from gui.timeline.critical_path import CriticalPath
    from gui.timeline.ghost import Ghost
    from gui.timeline.view import TimelineView

    app = QApplication.instance() or QApplication([])
    model, live = RunViewModel(), LiveAnalysis()
    pane = AnalysisPane(MissingThreshold())
    pane.resize(420, 1000)
    pane.show()
    timeline = TimelineView()
    timeline.resize(1000, 500)
    path, ghost = CriticalPath(), Ghost()
    path.attach(timeline)
    ghost.attach(timeline)
    marks = LastArriverMarks()
    image = QImage(1000, 700, QImage.Format.Format_ARGB32_Premultiplied)
    events = synthetic_run(parties, stages)
    geometry = None
    threshold = MissingThreshold()
    cost: dict[str, list[float]] = {k: [] for k in ("update", "pane", "marks", "path", "missing")}
    drawn = -1
    shot = QImage(420, 1000, QImage.Format.Format_ARGB32_Premultiplied)

    def paint_pane() -> None:
        pane.show_analysis(live)
        pane.bars.render(shot)  # the paint itself; the window's one flush per frame is apart
        pane.gauges.render(shot)

    for batch in frames(events):
        model.apply(batch)
        now = batch[-1].t_ns
        if geometry is None and model.lanes:
            names = [lane.name for lane in model.lanes]
            geometry = compute_geometry(1000, 700, names, QApplication.font(), parties)
        cost["update"].append(clock(lambda: live.update(model)))
        cost["missing"].append(clock(partial(model.missing, now, threshold)))
        changed = live.version != drawn and model.t0_ns is not None
        drawn = live.version
        cost["pane"].append(clock(paint_pane) if changed else 0.0)
        cost["path"].append(clock(partial(path.show, live.states, model.t0_ns)) if changed else 0.0)
        if geometry is not None:
            painter = QPainter(image)
            cost["marks"].append(clock(partial(marks, painter, geometry, model, now)))
            painter.end()
        app.processEvents()
    per_frame = [sum(parts) for parts in zip(*cost.values(), strict=False)]
    repainted = [c > 0 for c in cost["pane"]]
    quiet = [f for f, r in zip(per_frame, repainted, strict=False) if not r]
    trips = [f for f, r in zip(per_frame, repainted, strict=False) if r]
    states = live.states
    assert states is not None and model.t0_ns is not None
    live.choose(WhatIfChoice(party=states.critical_path[0], factor=0.7))
    t0 = model.t0_ns
    out: dict[str, float] = {
        "frames": len(per_frame),
        "frame_median_ms": median(per_frame) * 1e3,
        "frame_p95_ms": quantile(per_frame, 0.95) * 1e3,
        "frame_max_ms": max(per_frame) * 1e3,
        "quiet_p95_ms": quantile(quiet, 0.95) * 1e3,
        "trip_median_ms": median(trips) * 1e3,
        "trip_p95_ms": quantile(trips, 0.95) * 1e3,
        "trip_frames": len(trips),
        "ghost_paths_ms": clock(lambda: ghost.set_what_if(live.ghost, t0)) * 1e3,
        "ghost_spans": ghost.bars.spans,
        "pane_paints": pane.bars.paints,
    }
    for name, values in cost.items():
        out[f"{name}_median_ms"] = median(values) * 1e3
        out[f"{name}_p95_ms"] = quantile(values, 0.95) * 1e3
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, default=256)
    parser.add_argument("--stages", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="fewer stages")
    args = parser.parse_args()
    stages = 20 if args.quick else args.stages
    m = measure(args.parties, stages)
    size = f"{args.parties} parties × {stages} stages"
    parts = ", ".join(
        f"{k} {m[f'{k}_median_ms']:.2f}/{m[f'{k}_p95_ms']:.2f}"
        for k in ("update", "pane", "marks", "path", "missing")
    )
    rows = [
        Row(
            f"wait-state pane per frame, no stage ends, {size} (p95)",
            f"{m['quiet_p95_ms']:.2f} ms",
            f"< {QUIET_TARGET_MS} ms",
            m["quiet_p95_ms"] < QUIET_TARGET_MS,
            f"median of all frames {m['frame_median_ms']:.2f} ms; median/p95 ms: {parts}",
        ),
        Row(
            f"wait-state pane, a frame in which a stage ends, {size} (p95)",
            f"{m['trip_p95_ms']:.2f} ms",
            f"< {TRIP_TARGET_MS} ms",
            m["trip_p95_ms"] < TRIP_TARGET_MS,
            f"median {m['trip_median_ms']:.2f} ms, {m['trip_frames']:.0f} of "
            f"{m['frames']:.0f} frames; max of all {m['frame_max_ms']:.1f} ms",
        ),
        Row(
            f"what-if ghost paths, {size}",
            f"{m['ghost_paths_ms']:.1f} ms",
            note=f"{m['ghost_spans']:.0f} ghost spans, built once per what-if",
        ),
    ]
    emit(rows, {"analysis_pane": m})


if __name__ == "__main__":
    main()
