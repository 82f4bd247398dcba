"""Start the GUI from parsed command-line arguments (`main.py gui …` or no command at all).

Why the care before Qt starts: with no display, or with Qt's X11 plugin missing a system
library, Qt aborts the process with a cryptic message.  We check first and print one clear
line (plus the apt-get fix and the headless commands).  Bad --preset/--scenario input is one
line on stderr and exit code 2, as for the headless commands.

--autorun/--quit-after-run/--screenshot make the GUI scriptable: CI smoke runs and screencasts
start a scenario, let it finish, keep the final state on screen for a second, save the window
and exit with the run's own exit code.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from engine.cli import EXIT_BAD_INPUT, InputError, load_chosen_scenario
from engine.scenario import Scenario
from gui.display_check import display_problem

SHOW_FINAL_MS = 1000
SIGNAL_POLL_MS = 200


def _chosen_scenario(args: argparse.Namespace) -> Scenario | None:
    if not getattr(args, "preset", None) and not getattr(args, "scenario", None):
        return None
    return load_chosen_scenario(args, default=None)


def launch_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    try:
        scenario = _chosen_scenario(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _run_app(args, scenario)


def _run_app(args: argparse.Namespace, scenario: Scenario | None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Barrier Visualiser")
    app.setOrganizationName("BarrierVisualiser")
    apply_theme(app)
    window = MainWindow()
    if scenario is not None:
        window.panel.set_scenario(scenario)
        window.panel.current_path = None
    window.panel.set_speed(float(getattr(args, "speed", 1.0) or 1.0))
    if getattr(args, "seed", None) is not None:
        window.panel.set_seed(args.seed)
    app.aboutToQuit.connect(window.controller.shutdown)
    result = {"code": 0}

    def finish(code: int) -> None:
        path = getattr(args, "screenshot", None)
        if path and not window.save_screenshot(path):
            print(f"error: could not save the screenshot to {path}", file=sys.stderr)
        result["code"] = code
        window.close()

    if getattr(args, "quit_after_run", False):
        window.controller.run_finished.connect(
            lambda code: QTimer.singleShot(SHOW_FINAL_MS, lambda: finish(code))
        )

    def autorun() -> None:
        if not window.run():
            print("error: the scenario could not be started", file=sys.stderr)
            result["code"] = EXIT_BAD_INPUT
            if getattr(args, "quit_after_run", False):
                window.close()

    if getattr(args, "autorun", False):
        QTimer.singleShot(0, autorun)
    window.show()

    # Ctrl+C in the terminal: close the window cleanly (settings saved, parties stopped).
    # Python only runs signal handlers between bytecodes, so a timer lets it in regularly.
    def on_sigint(signum: int, frame: FrameType | None) -> None:
        QTimer.singleShot(0, window.close)

    previous = signal.signal(signal.SIGINT, on_sigint)
    ticker = QTimer()
    ticker.setInterval(SIGNAL_POLL_MS)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    try:
        app.exec()
    finally:
        ticker.stop()
        signal.signal(signal.SIGINT, previous)
    return result["code"]
