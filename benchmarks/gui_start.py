"""Run start and memory: Run pressed → all parties working, and the RSS of app + parties.

In an offscreen GUI process (the real MainWindow, its own frame clock), for each start method
and party count: press Run (`MainWindow.run()`, what the Run button calls) and note
- engine: the last party's first `work_start` (its own monotonic timestamp) minus the press;
- GUI: the first frame in which no lane is still "starting" minus the press;
- memory at that moment, summed over this process and all its descendants (the parties, plus
  the fork server / resource tracker where the start method has them): RSS as asked, and PSS,
  the honest total (RSS counts a page shared by 65 forked processes 65 times; PSS splits it).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from benchmarks.common import LAUNCHER_IMPORTS, Row, emit
from engine.scenario import Scenario, parse_scenario
from engine.sources.processes.launcher import start_launcher

METHODS = ("fork", "spawn", "forkserver")


def scenario(parties: int, method: str) -> Scenario:
    return parse_scenario(
        {
            "name": f"start x{parties} ({method})",
            "parties": parties,
            "stages": 1,
            "start_method": method,
            "seed": 1,
            "party": [{"name": f"Worker {i + 1:03d}", "work": 0.3} for i in range(parties)],
        }
    )


def memory() -> dict[str, float]:
    import psutil

    me = psutil.Process(os.getpid())
    procs = [me, *me.children(recursive=True)]
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.uss)
    return {"rss_mb": rss / 2**20, "pss_mb": pss / 2**20, "processes": len(procs)}


def measure(app: Any, window: Any, parties: int, method: str) -> dict[str, Any]:
    from engine.model.view_model import LaneState

    ctrl = window.controller
    window.panel.set_scenario(scenario(parties, method))
    window.panel.set_speed(1.0)
    got: dict[str, Any] = {}

    def on_frame(now_ns: int) -> None:
        lanes = window.model.lanes
        if "gui_s" in got or not lanes or window.model.status != "running":
            return
        if all(lane.state not in (LaneState.IDLE, LaneState.STARTING) for lane in lanes):
            got["gui_s"] = (time.monotonic_ns() - got["press_ns"]) / 1e9
            got.update(memory())

    def on_finished(code: int) -> None:
        got["exit_code"] = code
        app.quit()

    ctrl.frame_ready.connect(on_frame)
    ctrl.run_finished.connect(on_finished)
    got["press_ns"] = time.monotonic_ns()
    if not window.run():
        raise RuntimeError("the GUI refused to start the run")
    app.exec()
    ctrl.frame_ready.disconnect(on_frame)
    ctrl.run_finished.disconnect(on_finished)
    runner = ctrl.source
    firsts: dict[int, int] = {}
    for e in runner.events if runner is not None else []:
        if e.kind == "work_start" and e.party is not None:
            firsts.setdefault(e.party, e.t_ns)
    got["engine_s"] = (max(firsts.values()) - got["press_ns"]) / 1e9 if firsts else float("nan")
    got.update(parties=parties, method=method)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument(
        "--fork-from-gui",
        action="store_true",
        help="no launcher: parties forked from the GUI process itself (the old way)",
    )
    args = parser.parse_args()
    if not args.fork_from_gui:  # what the app does before it imports Qt (gui.app.launch)
        start_launcher(main_imports=LAUNCHER_IMPORTS)
    from PySide6.QtWidgets import QApplication

    from gui.style.theme import apply_theme
    from gui.window.main_window import MainWindow

    app = QApplication(["bench"])
    apply_theme(app)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    idle = memory()
    results = [measure(app, window, n, m) for m in args.methods for n in args.parties]
    window.controller.shutdown()
    window.close()
    rows = [
        Row(
            f"run start, {r['parties']} parties, {r['method']} (Run → all working)",
            f"engine {r['engine_s'] * 1000:.0f} ms, GUI shows it {r['gui_s'] * 1000:.0f} ms",
        )
        for r in results
        if r["parties"] == 8
    ]
    rows += [
        Row(
            f"memory, {r['parties']} parties, {r['method']} (app + parties)",
            f"RSS {r['rss_mb']:.0f} MB, PSS {r['pss_mb']:.0f} MB ({r['processes']} processes)",
        )
        for r in results
    ]
    rows.append(
        Row(
            "memory, app alone (idle window)",
            f"RSS {idle['rss_mb']:.0f} MB, PSS {idle['pss_mb']:.0f} MB",
        )
    )
    emit(rows, {"start": results, "idle": idle})


if __name__ == "__main__":
    main()
