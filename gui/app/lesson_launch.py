"""`lesson NAME …`: open the lesson window, maybe play it by itself and record it.

Why the checks come first: a malformed lesson file or an unwritable --record path is one line
and exit code 2, before Qt starts (as for every other command); no display is exit code 1
with the display checker's explanation.  A scripted lesson (--autoplay) ends by itself: after
the last step the recording (if any) is finished — chapters and subtitles included — and the
app quits with 0, or 1 if the video could not be written.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from engine.cli.inputs import InputError, check_writable
from engine.cli.parser import EXIT_BAD_INPUT
from engine.lessons import Lesson, LessonError, find_lesson
from gui.app.display_check import display_problem
from gui.lessons.options import LessonWindowOptions

if TYPE_CHECKING:
    from gui.lessons.window import LessonWindow

START_DELAY_MS = 400  # the recording shows the first step's opening frames
END_HOLD_MS = 1500  # the end card stays this long before a scripted lesson quits


def launch_lesson(options: LessonWindowOptions) -> int:
    try:
        lesson = find_lesson(options.name)
        if options.record:
            check_writable("--record", options.record)
    except (LessonError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    return _run(options, lesson)


def remembered_theme() -> str:
    """The theme chosen in the main window's View menu, else the system's."""
    from gui.style.theme import chosen_theme
    from gui.window.settings import open_settings

    return chosen_theme(open_settings().value("view/theme"))


class LessonApp:
    """One lesson window's life: how it starts, plays, records and ends (the exit code)."""

    def __init__(self, window: LessonWindow, options: LessonWindowOptions) -> None:
        from gui.lessons.autoplay import Autoplay
        from gui.lessons.screencast import LessonRecording

        self.window, self.options = window, options
        self.code = 0
        self.autoplay = Autoplay(window.driver) if options.autoplay else None
        self.recording = (
            LessonRecording(window, options.record, window.driver.controller)
            if options.record
            else None
        )
        self._ending = False
        driver = window.driver
        driver.step_changed.connect(self._mark_chapter)
        driver.finished.connect(self._on_finished)
        window.left.connect(self.end)

    def begin(self) -> None:
        if self.recording is not None:
            self.recording.saved.connect(lambda _path: self._quit())
            self.recording.failed.connect(self._video_failed)
            self.recording.start()
        from PySide6.QtCore import QTimer

        QTimer.singleShot(START_DELAY_MS, self._first_step)

    def _first_step(self) -> None:
        self.window.driver.go(0)
        if self.autoplay is not None:
            self.autoplay.start()

    def _mark_chapter(self, index: int) -> None:
        if self.recording is not None:
            steps = self.window.driver.lesson.steps
            step = steps[index]
            self.recording.mark_chapter(f"{index + 1}. {step.title}", step.caption)

    def _on_finished(self) -> None:
        self.window.show_end()
        if self.options.autoplay:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(END_HOLD_MS, self.window.close)

    def end(self) -> None:
        """The window closed: finish the recording first, then quit."""
        if self._ending:
            return
        self._ending = True
        if self.recording is not None and self.recording.recording:
            self.recording.stop()  # saved/failed quit
        else:
            self._quit()

    def _video_failed(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.code = 1
        self._quit()

    def _quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        if self.recording is not None and self.code == 0:
            print(f"Wrote {self.recording.path} (chapters) and its captions beside it (.vtt).")
        app = QApplication.instance()
        if app is not None:
            app.quit()


def _run(options: LessonWindowOptions, lesson: Lesson) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.app.event_loop import run_until_closed
    from gui.lessons.window import LessonWindow
    from gui.style.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Barrier Visualiser")
    app.setOrganizationName("BarrierVisualiser")
    app.setQuitOnLastWindowClosed(False)  # the session quits, once the video is written
    theme = options.theme or remembered_theme()
    apply_theme(app, theme)
    window = LessonWindow(
        lesson,
        theme=theme,
        presenting=options.present,
        speed_factor=options.speed,
        autostart=False,
    )
    session = LessonApp(window, options)
    app.aboutToQuit.connect(window.driver.shutdown)
    if options.size is not None:
        window.resize(*options.size)
        window.show()
    elif options.present:
        window.showFullScreen()
    else:
        window.show()
    QTimer.singleShot(0, session.begin)

    run_until_closed(app, window)  # Ctrl+C closes the window cleanly
    return session.code
