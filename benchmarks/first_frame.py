"""`python main.py` until the first painted frame, as a script the cold-start benchmark times.

It does what main.py does for the bare `python main.py` (parse no arguments with
`gui.app.entry.parse_command_line`, then `gui.app.launch.launch_gui`), with one addition made
before the GUI exists: an application-wide event filter that sees the first Paint event of the
lanes view and, once that paint has been delivered, prints `FIRST-FRAME <monotonic ns>` and
closes the window.  CLOCK_MONOTONIC is system-wide on Linux, so the parent can subtract its own
timestamp taken before exec.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])

    def painted() -> None:
        print(f"FIRST-FRAME {time.monotonic_ns()}", flush=True)
        for widget in app.topLevelWidgets():
            widget.close()

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if (
                not self.seen
                and event.type() == QEvent.Type.Paint
                and obj.objectName() == "lanes_view"
            ):
                self.seen = True
                QTimer.singleShot(0, painted)  # runs after this paint pass has finished
            return False

    spy = FirstPaint()
    app.installEventFilter(spy)
    from gui.app.entry import parse_command_line
    from gui.app.launch import launch_gui
    from gui.app.options import GuiOptions

    options = parse_command_line([])
    assert isinstance(options, GuiOptions)
    return launch_gui(options)


if __name__ == "__main__":
    sys.exit(main())
