"""Start the GUI from typed options (`main.py gui …`, no command, `replay FILE`, `trace … --gui`).

Why the care before Qt starts: with no display, or with Qt's X11 plugin missing a system
library, Qt aborts the process with a cryptic message.  We check first and print one clear
line (plus the apt-get fix and the headless commands).  Bad --preset/--scenario input, an
unreadable event log or a missing traced program is one line on stderr and exit code 2, as for
the headless commands — all checked before a window opens.

--autorun/--quit-after-run/--screenshot/--record make the GUI scriptable: CI smoke runs and
screencasts start a scenario (or a replay, or a traced program), let it finish, keep the final
state on screen for a second, save the window (and the video of it all) and exit with the
run's own exit code.  --present/--theme/--size set the look of that window (presentation mode,
light or dark, a projector's size) before the first frame, so a capture shows it throughout.
With --record the video leads the run in and the second after it is counted in frames
(gui/app/screencast.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.cli.inputs import InputError, check_writable, load_chosen_scenario, read_log_input
from engine.cli.options import ReplayOptions, ScenarioChoice, TraceOptions
from engine.cli.parser import EXIT_BAD_INPUT
from engine.core.events import Event
from engine.core.safe_text import printable
from engine.scenario import Scenario
from engine.sources.processes.launcher import start_launcher
from gui.app.display_check import display_problem
from gui.app.options import GuiOptions

if TYPE_CHECKING:
    from engine.sources.tracer.runner import TraceRunner
    from gui.recording.recorder import Recorder
    from gui.window.main_window import MainWindow

SHOW_FINAL_MS = 1000


@dataclass(frozen=True)
class Opening:
    """What the window shows first, read and checked before it opens."""

    scenario: Scenario | None = None  # put into the editor
    replay: list[Event] | None = None  # replayed at once
    trace: TraceRunner | None = None  # started at once


def launch_gui(options: GuiOptions) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    try:
        for option, path in (
            ("--screenshot", options.flags.screenshot),
            ("--record", options.flags.record),
        ):
            if path:  # checked now, not after a whole run has been watched
                check_writable(option, path)
        opening = _opening(options)
        _check_video(options.flags.record)
    except (InputError, ValueError) as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # before Qt: Run never forks this process, a small one does (main.py and the console
    # script import only gui.app.entry, which each party then finds already imported)
    start_launcher(main_imports=("gui.app.entry",))
    return _run_app(options, opening)


def _check_video(path: str | None) -> None:
    """--record FILE in a folder that does not exist: refused before the window opens."""
    if path is not None:
        from pathlib import Path

        from gui.recording.video_writer import check_video_path

        check_video_path(Path(path))


def _opening(options: GuiOptions) -> Opening:
    shows = options.shows
    match shows:
        case ScenarioChoice():
            return Opening(
                scenario=load_chosen_scenario(shows, default=None) if shows.given else None
            )
        case ReplayOptions():
            return Opening(replay=read_log_input(shows.log))
        case TraceOptions():
            from engine.cli.trace import trace_source

            return Opening(trace=trace_source(shows))


def _prepare(window: MainWindow, options: GuiOptions, opening: Opening) -> None:
    """Editor contents and speed from the command line (before the window is shown)."""
    from gui.window.main_window import DEFAULT_SIZE

    flags = options.flags
    if flags.theme is not None:
        window.features.presentation.set_theme(flags.theme, remember=False)
    if flags.size is not None:
        window.set_fixed_size(*flags.size)  # also the stage's size with --present
    elif flags.screenshot or flags.record:
        window.resize(*DEFAULT_SIZE)  # scripted captures: the same size whatever was remembered
    if opening.scenario is not None:
        window.panel.set_scenario(opening.scenario)
        window.panel.current_path = None
    shows = options.shows
    if isinstance(shows, ScenarioChoice):
        window.panel.set_speed(shows.speed)
        if shows.seed is not None:
            window.panel.set_seed(shows.seed)
    elif isinstance(shows, TraceOptions):
        window.panel.set_speed(1.0)


class Session:
    """One scripted (or interactive) window session: what starts, how it ends, the exit code."""

    def __init__(self, window: MainWindow, options: GuiOptions, opening: Opening) -> None:
        self.window, self.options, self.opening = window, options, opening
        self.code = 0
        self.recorder: Recorder | None = None  # --record's video, while it records

    def start(self) -> bool:
        """Once the window is shown: --record's video and what the window opens with."""
        from PySide6.QtCore import QTimer

        from gui.app import screencast

        path = self.options.flags.record
        if path is None:
            QTimer.singleShot(0, self.begin)
            return True
        if self.opening.replay is not None:
            self.begin()  # the replay's log is rendered frame by frame
            self.recorder = screencast.record_replay(self.window, path)
        else:
            self.recorder = screencast.record_live(self.window, path)
            if self.recorder is not None:  # the parties at the start line first
                screencast.after_lead_in(self.recorder, self.begin)
        if self.recorder is None:
            return False
        self.recorder.failed.connect(self._video_failed)
        self.window.controller.run_finished.connect(self._end_video)
        return True

    def _end_video(self, code: int) -> None:
        """The run ended: a second more of video (in frames), then --quit-after-run's finish;
        a rendered replay ends its video here even without it."""
        from gui.app.screencast import TAIL_S

        recorder = self.recorder
        if recorder is None or not recorder.recording:
            return
        if self.options.flags.quit_after_run:
            recorder.stop_after(TAIL_S, lambda: self.finish(code))
        elif self.opening.replay is not None:
            recorder.stop_after(TAIL_S)

    def begin(self) -> None:
        """Once the window is up: the trace, the replay or --autorun (or nothing)."""
        window, opening, shows = self.window, self.opening, self.options.shows
        if opening.trace is not None:
            window.features.trace.start(opening.trace)
        elif opening.replay is not None and isinstance(shows, ReplayOptions):
            window.features.replay.replay(opening.replay, shows.speed, shows.log)
        elif self.options.flags.autorun and not window.run():
            print("error: the scenario could not be started", file=sys.stderr)
            self.code = EXIT_BAD_INPUT
            if self.options.flags.quit_after_run:
                window.close()

    def finish(self, code: int) -> None:
        """--quit-after-run, a second after the end: screenshot, video, close."""
        window, shot = self.window, self.options.flags.screenshot
        if shot and not window.save_screenshot(shot):
            print(f"error: could not save the screenshot to {shot}", file=sys.stderr)
        self.code = code
        # --record's video ends with the frame on screen now; the Record toggle's catches up
        recorder = window.features.exports.stop_recording(catch_up=self.recorder is None)
        if recorder is None:
            window.close()
            return
        recorder.saved.connect(lambda _path: window.close())
        if recorder is not self.recorder:  # the Record toggle's video: --record's is connected
            recorder.failed.connect(self._video_failed)

    def _video_failed(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.code = self.code or 1
        self.window.close()


def _run_app(options: GuiOptions, opening: Opening) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.app.event_loop import run_until_closed
    from gui.style.theme import apply_theme
    from gui.window.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Barrier Visualiser")
    app.setOrganizationName("BarrierVisualiser")
    apply_theme(app)
    window = MainWindow()
    if window.features.presentation.theme != "light":  # the remembered theme, if not the one
        window.features.presentation.apply_app_theme()  # above (re-styling costs ~0.15 s)
    _prepare(window, options, opening)
    exports = window.features.exports
    app.aboutToQuit.connect(window.controller.shutdown)
    app.aboutToQuit.connect(exports.finish_on_quit)
    session = Session(window, options, opening)
    flags = options.flags
    if flags.quit_after_run and not flags.record:  # a video counts its last second in frames
        window.controller.run_finished.connect(
            lambda code: QTimer.singleShot(SHOW_FINAL_MS, lambda: session.finish(code))
        )
    window.show()
    if flags.present:  # before the recording starts: its frame size is fixed at the start
        window.features.presentation.set_active(True)
    if not session.start():
        print(f"error: cannot record to {flags.record}", file=sys.stderr)
        return EXIT_BAD_INPUT

    run_until_closed(app, window)  # Ctrl+C closes the window cleanly
    return session.code
