"""File → Open/Save Scenario: the scenario panel's file commands behind a file dialog.

Why apart from the panel: the panel validates and reads/writes scenarios (and can be tested
without dialogs); asking the user for a path and saying what happened is the window's part.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from gui.editor.panel import ScenarioPanel
from gui.features.host import Host

SCENARIO_FILTER = "Scenarios (*.toml)"


class ScenarioFiles:
    def __init__(self, panel: ScenarioPanel, host: Host) -> None:
        self.panel = panel
        self.host = host

    def open(self) -> None:
        start = str(self.panel.current_path or Path.cwd())
        path, _ = QFileDialog.getOpenFileName(
            self.host.window, "Open Scenario", start, SCENARIO_FILTER
        )
        if path and self.panel.open_file(path):
            self.host.say(f"Opened {path}")

    def save(self) -> None:
        current = self.panel.current_path
        if current is None:
            self.save_as()
        elif self.panel.save_file(current):
            self.host.say(f"Saved {current}")

    def save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.host.window, "Save Scenario", "", SCENARIO_FILTER
        )
        if path and self.panel.save_file(path):
            self.host.say(f"Saved {path}")
