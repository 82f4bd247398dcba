"""Many runs in one GUI window, then report what the app holds before and after, as JSON.

`python -m tests.gui_budget_runs RUNS PARTIES FD_LIMIT`: the app as `python main.py` starts it
(the launcher before Qt, a real MainWindow on the offscreen platform), RUNS runs pressed with
Run one after another, with the cyclic garbage collector OFF after a warm-up and the fd limit
set here. PARTIES 0 mixes the presets and the in-process backends; any other number runs a
crowd of that size (default work times) each time: a window's second 256-party run is where
a leak of one fd per party shows first.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys

import psutil

from engine.scenario import Scenario, parse_scenario
from engine.scenario.presets import load_preset
from engine.sources.processes.launcher import start_launcher
from tests.budget_runs import holdings

RUN_TIMEOUT_MS = 60_000


def plans(runs: int, parties: int) -> list[Scenario]:
    if parties:
        crowd = {"parties": parties, "stages": 2, "timeout": 60.0}
        return [parse_scenario(crowd)] * runs
    mixed = [
        load_preset("launch"),
        load_preset("two-rounds"),
        load_preset("straggler"),
        load_preset("launch").replace(backend="threads"),
        load_preset("dungeon").replace(backend="asyncio", action=None, timeout=None),
    ]
    return [mixed[i % len(mixed)] for i in range(runs)]


def main() -> None:
    runs, parties, fd_limit = (int(arg) for arg in sys.argv[1:4])
    resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    start_launcher(main_imports=("gui.app.entry",))  # as the app does, before Qt

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.window.main_window import MainWindow
    from gui.window.settings import open_settings

    app = QApplication([])
    settings = os.path.join(os.environ["BUDGET_DIR"], "settings.ini")
    window = MainWindow(open_settings(settings))
    window.resize(1280, 720)
    window.show()
    codes: list[int] = []

    def press_run(scenario: Scenario) -> None:
        loop = QEventLoop()
        finished: list[int] = []
        window.controller.run_finished.connect(finished.append)
        window.controller.run_finished.connect(loop.quit)
        QTimer.singleShot(RUN_TIMEOUT_MS, loop.quit)
        window.panel.set_scenario(scenario)
        window.panel.set_speed(50)
        if not window.run():
            raise SystemExit(f"Run refused: {window.statusBar().currentMessage()}")
        loop.exec()
        window.controller.run_finished.disconnect(finished.append)
        window.controller.run_finished.disconnect(loop.quit)
        if not finished:
            raise SystemExit("a run did not end")
        codes.append(finished[0])
        settle = QEventLoop()  # a few frames after the end, as a user would see them
        QTimer.singleShot(200, settle.quit)
        settle.exec()

    for scenario in plans(2, parties):  # warm-up: imports, timeline, the fork server's pool
        press_run(scenario)
    gc.collect()
    gc.disable()
    me = psutil.Process()
    before = holdings(me)
    codes.clear()
    for scenario in plans(runs, parties):
        press_run(scenario)
    after = holdings(me)
    window.close()
    app.processEvents()
    print(json.dumps({"before": before, "after": after, "codes": codes}))


if __name__ == "__main__":
    main()
