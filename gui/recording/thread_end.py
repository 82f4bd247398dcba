"""Hear on the GUI thread that a worker thread has ended, without the worker touching Qt.

Why not a signal emitted by the worker as its last act: the GUI may act on that signal (save,
then quit the app) while the worker is still inside the emit, in Qt's C++ code with the GIL
let go.  When it comes back for the GIL the interpreter is already finalizing, which ends the
thread by unwinding through those C++ frames: `terminate called without an active exception`
and SIGABRT, after the video was saved (seen once in a loaded test run of `lesson --record`).
So the worker only leaves its result in plain attributes and ends; a GUI-thread timer looks
every few milliseconds and calls back once `Thread.is_alive()` is False, that is once the
thread has run its last line of Python.  A few milliseconds at the end of a recording cost
nothing a viewer could see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

LOOK_EVERY_MS = 10


class ThreadEndWatch(QObject):
    """Calls `on_end()` on the GUI thread, once, after the started `thread` has ended."""

    def __init__(
        self,
        thread: threading.Thread,
        on_end: Callable[[], None],
        parent: QObject,
        every_ms: int = LOOK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        if thread.ident is None:
            raise ValueError(f"thread {thread.name!r} has not been started")
        self._thread = thread
        self._on_end: Callable[[], None] | None = on_end
        self._timer = QTimer(self)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    @property
    def waiting(self) -> bool:
        return self._on_end is not None

    def _look(self) -> None:
        if self._thread.is_alive() or self._on_end is None:
            return
        self._timer.stop()
        on_end, self._on_end = self._on_end, None
        on_end()
