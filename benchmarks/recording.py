"""Recording a crowd: one new frame per 1/30 s of the run, none dropped, the GUI never waiting.

Offscreen, the real MainWindow at the scripted-recording size (1600×1000) records a live run of
64 (and more) real processes exactly as `gui --autorun --quit-after-run --record` does (lead-in,
run, one second after), then renders the same run's event log the way `replay --record` does.
Measured:
- frames drawn, written and dropped (dropped must be 0), and the frames during the run that
  repeat the one before (decoded again with ffmpeg: must be 0 — every tick a new picture);
- how far behind its moment a frame was drawn at worst (the recorder catches up after a
  stall; on a machine that cannot draw 30 frames a second it falls behind, and says so), and
  the recording's pace: seconds of video per second of wall time;
- the GUI thread: the longest gap between two beats of a 5 ms heartbeat timer while recording
  (time in which it could do nothing else: a frame's draw + grab, never the encoder), and the
  draw-and-grab time of a frame (p50 / p95) once every party runs; the time while the parties
  are being forked (from the GUI process today: each fork holds the GIL, so any Python on the
  GUI thread waits) and the set-up before frame 0 (building the timeline) are reported apart;
- the log render: frames per second, and whether two renders decode to the same frames.
The load average is printed before and after: on a shared machine the paces mean little.
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row, emit, quantile
from benchmarks.gui_frames import crowd

HEARTBEAT_MS = 5
TAIL_S = 1.0  # as gui/app/screencast.py: the final second
TARGET_STALL_MS = 50.0


def load() -> str:
    return "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())


def record_live(app: Any, window: Any, parties: int, folder: Path) -> dict[str, Any]:
    """The --record path on a crowd: lead-in, run, a second after; timed on the GUI thread."""
    from PySide6.QtCore import Qt, QTimer

    from engine.model.view_model import LaneState
    from gui.app import screencast
    from gui.recording import recorder as recorder_module

    window.panel.set_scenario(crowd(parties))
    window.panel.set_speed(1.0)
    video = folder / f"crowd-{parties}.mp4"
    beats: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(HEARTBEAT_MS)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    draws: list[tuple[float, float]] = []  # (when, ms) of each frame's draw + grab
    original_tick = recorder_module.Recorder._tick

    def timed_tick(self: Any) -> None:
        before, t0 = self.frames_drawn, time.perf_counter()
        original_tick(self)
        if self.frames_drawn > before:
            draws.append((t0, (time.perf_counter() - t0) * 1e3))

    marks: dict[str, float] = {}  # Run pressed; every party started (forking is over)

    def press_run() -> None:
        marks["press"] = time.perf_counter()
        window.run()

    def note_start(_now: int) -> None:
        lanes = window.model.lanes
        if "press" in marks and lanes and all(x.state is not LaneState.STARTING for x in lanes):
            marks.setdefault("started", time.perf_counter())

    window.controller.frame_ready.connect(note_start)
    recorder_module.Recorder._tick = timed_tick  # type: ignore[method-assign]
    try:
        set_up = time.perf_counter()
        recorder = screencast.record_live(window, video)
        assert recorder is not None
        started = time.perf_counter()
        heart.start()
        screencast.after_lead_in(recorder, press_run)
        window.controller.run_finished.connect(end := lambda _c: recorder.stop_after(TAIL_S))
        recorder.stopped.connect(heart.stop)
        recorder.saved.connect(lambda _p: app.quit())
        recorder.failed.connect(lambda _m: app.quit())
        app.exec()
        wall = time.perf_counter() - started
    finally:
        recorder_module.Recorder._tick = original_tick  # type: ignore[method-assign]
    window.controller.run_finished.disconnect(end)
    window.controller.frame_ready.disconnect(note_start)
    summary = _decoded(video)
    lead, tail = round(screencast.LEAD_IN_S * 30), round(screencast.TAIL_S * 30)
    press, all_started = marks["press"], marks.get("started", float("inf"))
    gaps = [(a, (b - a) * 1e3) for a, b in itertools.pairwise(beats)]
    running = [ms for when, ms in draws if when > all_started]
    return {
        "parties": parties,
        "status": str(window.model.status),
        "error": recorder.error,
        "drawn": recorder.frames_drawn,
        "written": recorder.frames_written,
        "decoded": summary.count,
        "dropped": recorder.dropped_frames,
        "repeated_in_run": sum(
            b - a + 1 for a, b in summary.still_runs(lead, summary.count - tail)
        ),
        "max_lag_s": recorder.max_lag_s,
        "encoder_waits": recorder.encoder_waits,
        "video_per_wall": recorder.frames_drawn / 30 / wall,
        "set_up_ms": (started - set_up) * 1e3,
        "starting_s": all_started - press,
        "stall_starting_ms": max((ms for a, ms in gaps if press <= a < all_started), default=0.0),
        "stall_ms": max((ms for a, ms in gaps if a < press or a >= all_started), default=0.0),
        "draw_p50_ms": quantile(running, 0.5),
        "draw_p95_ms": quantile(running, 0.95),
        "events": window.controller.last_events,
        "video": str(video),
    }


def render_log(app: Any, window: Any, events: list[Any], video: Path) -> dict[str, Any]:
    """The replay --record path: the log rendered at fixed steps of its own clock."""
    from gui.app import screencast

    replay = window.features.replay
    started = time.perf_counter()
    assert replay.replay(events, 1.0, "crowd")
    recorder = screencast.record_replay(window, video)
    assert recorder is not None
    window.controller.run_finished.connect(end := lambda _c: recorder.stop_after(TAIL_S))
    recorder.saved.connect(lambda _p: app.quit())
    recorder.failed.connect(lambda _m: app.quit())
    app.exec()
    wall = time.perf_counter() - started
    window.controller.run_finished.disconnect(end)
    return {"frames": recorder.frames_drawn, "fps": recorder.frames_drawn / wall, "wall_s": wall}


def _decoded(video: Path) -> Any:
    from tests.gui.video_frames import summarise  # the tests' decoder: one definition

    return summarise(video)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, nargs="+", default=[64])
    parser.add_argument("--keep", help="keep the videos in this folder")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from gui.style.theme import apply_theme
    from gui.window.main_window import MainWindow

    load_before = load()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="barrier-viz-rec-"))
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication(["bench"])
    apply_theme(app)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    lives = [record_live(app, window, n, folder) for n in args.parties]
    events = lives[0].pop("events")
    renders = [render_log(app, window, events, folder / f"render-{i}.mp4") for i in (1, 2)]
    same = _decoded(folder / "render-1.mp4").hashes == _decoded(folder / "render-2.mp4").hashes
    window.controller.shutdown()
    window.close()
    load_after = load()
    rows = []
    for r in lives:
        r.pop("events", None)
        n = r["parties"]
        ok = r["error"] is None and r["status"] == "passed"
        rows += [
            Row(
                f"recording {n} parties: frames dropped",
                f"{r['dropped']} of {r['drawn']} ({r['written']} written, {r['decoded']} decoded)",
                "0",
                ok and r["dropped"] == 0 and r["written"] == r["decoded"] == r["drawn"],
                f"run {r['status']}",
            ),
            Row(
                f"recording {n} parties: frames repeating the one before, during the run",
                str(r["repeated_in_run"]),
                "0 (every tick a new frame)",
                ok and r["repeated_in_run"] == 0,
            ),
            Row(
                f"recording {n} parties: pace (video s per wall s) / worst lag",
                f"{r['video_per_wall']:.2f} / {r['max_lag_s']:.2f} s "
                f"({r['encoder_waits']} waits for the encoder)",
                "report (1.00 / 0.00: kept up)",
            ),
            Row(
                f"recording {n} parties: frame draw + grab (p50 / p95), longest GUI stall",
                f"{r['draw_p50_ms']:.0f} / {r['draw_p95_ms']:.0f} ms, {r['stall_ms']:.0f} ms",
                f"stall ≤ {TARGET_STALL_MS:.0f} ms",
                r["stall_ms"] <= TARGET_STALL_MS,
                f"while the parties were forked ({r['starting_s']:.1f} s): "
                f"{r['stall_starting_ms']:.0f} ms; set-up before frame 0: {r['set_up_ms']:.0f} ms",
            ),
        ]
    rows.append(
        Row(
            f"log render of the {lives[0]['parties']}-party run: frames/s, two renders equal",
            f"{renders[0]['fps']:.1f} frames/s ({renders[0]['frames']} frames), "
            f"{'identical' if same else 'DIFFERENT'}",
            "identical",
            same,
        )
    )
    rows.append(
        Row("load average (1 / 5 / 15 min) before → after", f"{load_before} → {load_after}")
    )
    emit(rows, {"recording": lives, "renders": renders, "videos": str(folder)})


if __name__ == "__main__":
    main()
