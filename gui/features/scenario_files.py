"""File → Open/Save Scenario: the scenario panel's file commands behind a file dialog.

Why apart from the panel: the panel validates and reads/writes scenarios (and can be tested
without dialogs); asking the user for a path and saying what happened is the window's part.
Every file opened or saved is announced (`file_used`), so File → Open Recent can list it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from gui.editor.panel import ScenarioPanel
from gui.features.host import Host

SCENARIO_FILTER = "Scenarios (*.toml)"


class ScenarioFiles(QObject):
    file_used = Signal(str)  # a scenario file was opened or saved (its path)

    def __init__(self, panel: ScenarioPanel, host: Host) -> None:
        super().__init__()
        self.panel = panel
        self.host = host

    def open(self) -> None:
        start = str(self.panel.current_path or Path.cwd())
        path, _ = QFileDialog.getOpenFileName(
            self.host.window, "Open Scenario", start, SCENARIO_FILTER
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open the scenario at `path` (File → Open's dialog, or Open Recent)."""
        if not self.panel.open_file(path):
            return False
        self.host.say(f"Opened {path}")
        self.file_used.emit(str(path))
        return True

    def save(self) -> None:
        current = self.panel.current_path
        if current is None:
            self.save_as()
        elif self.panel.save_file(current):
            self.host.say(f"Saved {current}")
            self.file_used.emit(str(current))

    def save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.host.window, "Save Scenario", "", SCENARIO_FILTER
        )
        if path and self.panel.save_file(path):
            self.host.say(f"Saved {path}")
            self.file_used.emit(path)
