"""Run start and memory: Run pressed → all parties working, and the memory of app + parties.

In an offscreen GUI process (the real MainWindow, its own frame clock), started as the app
starts (its launcher first, engine.sources.processes.launcher, unless --fork-from-gui), for
each start method and party count: press Run (`MainWindow.run()`, what the Run button calls)
and note
- engine: the last party's first `work_start` (its own monotonic timestamp) minus the press;
- GUI: the first frame in which no lane is still "starting" minus the press;
- memory at that moment, summed over this process and all its descendants (the parties, the
  launcher, the resource tracker, the janitor): RSS as asked, and PSS, the honest total (RSS
  counts a page shared by 65 forked processes 65 times; PSS splits it).
"default" is a scenario that names no start method: what pressing Run does in the app (the
launcher; a tree without one forks the GUI).  "fork" names fork: the GUI process is forked.
PSS per party = (total PSS with the parties − total PSS of the idle app) / parties: what each
party adds to the machine, shared pages counted once.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from benchmarks.common import LAUNCHER_IMPORTS, Row, emit
from engine.scenario import Scenario, parse_scenario

try:  # the same benchmark measures a tree without a launcher (run_all --compare)
    from engine.sources.processes.launcher import start_launcher
except ImportError:  # pragma: no cover
    start_launcher = None

METHODS = ("default", "fork", "spawn", "forkserver")


def scenario(parties: int, method: str) -> Scenario:
    table: dict[str, Any] = {
        "name": f"start x{parties} ({method})",
        "parties": parties,
        "stages": 1,
        "seed": 1,
        "party": [{"name": f"Worker {i + 1:03d}", "work": 0.3} for i in range(parties)],
    }
    if method != "default":
        table["start_method"] = method
    return parse_scenario(table)


def memory(parties: list[int] | None = None) -> dict[str, float]:
    """RSS and PSS of this process and every descendant; PSS of `parties` on their own."""
    import psutil

    me = psutil.Process(os.getpid())
    procs = [me, *me.children(recursive=True)]
    rss = pss = own = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.uss)
        if parties is not None and p.pid in parties:
            own += getattr(info, "pss", info.uss)
    return {
        "rss_mb": rss / 2**20,
        "pss_mb": pss / 2**20,
        "processes": len(procs),
        "parties_pss_mb": own / 2**20,
    }


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
            source = ctrl.source
            got.update(memory(list(source.pids) if source is not None else []))
            got["started_by"] = getattr(source, "start_method", "?")

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
    measure(app, window, 4, "default")  # warm-up: the run path's imports, first paints
    idle = memory()
    results = [measure(app, window, n, m) for m in args.methods for n in args.parties]
    window.controller.shutdown()
    window.close()
    for r in results:
        r["pss_per_party_mb"] = (r["pss_mb"] - idle["pss_mb"]) / r["parties"]
    rows = [
        Row(
            f"run start, {r['parties']} parties, {r['method']} (Run → all working)",
            f"engine {r['engine_s'] * 1000:.0f} ms, GUI shows it {r['gui_s'] * 1000:.0f} ms",
            note=f"started by {r['started_by']}",
        )
        for r in results
    ]
    rows += [
        Row(
            f"PSS per party, {r['parties']} parties, {r['method']}",
            f"{r['pss_per_party_mb']:.1f} MB (each party's own PSS "
            f"{r['parties_pss_mb'] / r['parties']:.1f} MB)",
            note=f"app + parties: RSS {r['rss_mb']:.0f} MB, PSS {r['pss_mb']:.0f} MB "
            f"({r['processes']} processes); started by {r['started_by']}",
        )
        for r in results
    ]
    rows.append(
        Row(
            "memory, app alone (idle window, with its helpers)",
            f"RSS {idle['rss_mb']:.0f} MB, PSS {idle['pss_mb']:.0f} MB "
            f"({idle['processes']} processes)",
        )
    )
    emit(rows, {"start": results, "idle": idle})


if __name__ == "__main__":
    main()
