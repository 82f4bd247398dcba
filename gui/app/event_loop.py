"""Qt's event loop as the app's windows run it, with Ctrl+C in the terminal closing the window
cleanly (settings saved, parties stopped) instead of being ignored until the next event.

Python runs signal handlers only between bytecodes, and a waiting Qt loop runs none: a quiet
timer lets the handler in regularly."""

from __future__ import annotations

import signal
from types import FrameType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

SIGNAL_POLL_MS = 200


def run_until_closed(app: QApplication, window: QWidget) -> None:
    """Run `app` until its last window closes; Ctrl+C closes `window` (a second one too)."""

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
