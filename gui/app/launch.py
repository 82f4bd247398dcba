"""Start the GUI from parsed command-line arguments (`main.py gui …` or no command at all).

Why the care before Qt starts: with no display, or with Qt's X11 plugin missing a system
library, Qt aborts the process with a cryptic message.  We check first and print one clear
line (plus the apt-get fix and the headless commands).  Bad --preset/--scenario input is one
line on stderr and exit code 2, as for the headless commands.

`main.py trace SCRIPT … --gui` shows a traced program live (gui/features/trace_mode.py).

--autorun/--quit-after-run/--screenshot/--record make the GUI scriptable: CI smoke runs and
screencasts start a scenario (or `replay FILE.jsonl`), let it finish, keep the final state on
screen for a second, save the window (and the video of it all) and exit with the run's own exit
code.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any

from engine.cli.commands import EXIT_BAD_INPUT, InputError, load_chosen_scenario
from engine.core.events import Event
from engine.scenario import Scenario
from gui.app.display_check import display_problem

if TYPE_CHECKING:
    from engine.sources.tracer.runner import TraceRunner

SHOW_FINAL_MS = 1000
SIGNAL_POLL_MS = 200
VIDEO_FORMATS = (".mp4", ".gif")


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
        replay = _replay_events(args)
        trace = _trace_runner(args)
        record = getattr(args, "record", None)
        if record and not str(record).lower().endswith(VIDEO_FORMATS):
            raise InputError(f"--record: {record} must end in .mp4 or .gif")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _run_app(args, scenario, replay, trace)


def _trace_runner(args: argparse.Namespace) -> TraceRunner | None:
    """`main.py trace SCRIPT [ARGS…] --gui`: the (not yet started) source for the program."""
    if getattr(args, "command", None) != "trace":
        return None
    from engine.cli.trace import program_arguments
    from engine.sources.tracer.runner import TraceRunner

    try:
        return TraceRunner(args.script, program_arguments(args), events_path=args.events)
    except FileNotFoundError:
        raise InputError(f"SCRIPT: no such file: {args.script}") from None
    except OSError as exc:
        raise InputError(f"--events: cannot write {args.events}: {exc.strerror}") from None


def _replay_events(args: argparse.Namespace) -> list[Event] | None:
    """`main.py replay FILE.jsonl`: the recorded events (read before any window opens)."""
    if getattr(args, "command", None) != "replay":
        return None
    from engine.core.event_log import EventLogReadError, read_event_log

    try:
        events, warnings = read_event_log(args.log)
    except EventLogReadError as exc:
        raise InputError(str(exc)) from None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not events:
        raise InputError(f"{args.log}: no events to replay")
    return events


def _run_app(
    args: argparse.Namespace,
    scenario: Scenario | None,
    replay: list[Event] | None = None,
    trace: TraceRunner | None = None,
) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.style.theme import apply_theme
    from gui.window.main_window import DEFAULT_SIZE, MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Barrier Visualiser")
    app.setOrganizationName("BarrierVisualiser")
    apply_theme(app)
    window = MainWindow()
    window.features.presentation.apply_app_theme()  # the remembered theme
    if getattr(args, "screenshot", None) or getattr(args, "record", None):
        window.resize(*DEFAULT_SIZE)  # scripted captures: the same size whatever was remembered
    if scenario is not None:
        window.panel.set_scenario(scenario)
        window.panel.current_path = None
    if replay is None:
        window.panel.set_speed(float(getattr(args, "speed", 1.0) or 1.0))
    if getattr(args, "seed", None) is not None:
        window.panel.set_seed(args.seed)
    exports = window.features.exports
    app.aboutToQuit.connect(window.controller.shutdown)
    app.aboutToQuit.connect(exports.finish_on_quit)
    result = {"code": 0}

    def finish(code: int) -> None:
        path = getattr(args, "screenshot", None)
        if path and not window.save_screenshot(path):
            print(f"error: could not save the screenshot to {path}", file=sys.stderr)
        result["code"] = code
        recorder = exports.stop_recording()
        if recorder is None:
            window.close()
            return

        def failed(message: str) -> None:
            print(f"error: {message}", file=sys.stderr)
            result["code"] = result["code"] or 1
            window.close()

        recorder.saved.connect(lambda _path: window.close())
        recorder.failed.connect(failed)

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

    def start_replay(events: list[Event]) -> None:
        window.features.replay.replay(events, float(args.speed), str(args.log))

    window.show()
    record: Any = getattr(args, "record", None)
    if record and exports.start_recording(record) is None:
        print(f"error: cannot record to {record}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if trace is not None:
        QTimer.singleShot(0, lambda: window.features.trace.start(trace))
    elif replay is not None:
        QTimer.singleShot(0, lambda: start_replay(replay))
    elif getattr(args, "autorun", False):
        QTimer.singleShot(0, autorun)

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
