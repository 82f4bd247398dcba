"""Two windows open at once, in one app or in two: each keeps what the other chose.

Every window used to write its whole state on close, so the one closed last undid the other's
scenario and layout.  Now a window writes only what it changed since it opened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from engine.scenario.presets import load_preset
from gui.style.theme import apply_theme
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings, remembered_scenario
from tests.paths import ROOT

PROCESS_S = 90

# Another copy of the app: opens its window on the same settings, picks the dark theme and
# another scenario, resizes, closes; says what geometry it saved.
OTHER_APP = """
import sys
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
from engine.scenario.presets import load_preset
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
app = QApplication(sys.argv[:1])
window = MainWindow(open_settings(sys.argv[1]))
window.show()
while not window.has_timeline:  # the window is up: what a user sees before acting
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
window.commands["theme_dark"].trigger()
window.panel.set_scenario(load_preset("straggler"))
window.resize(1111, 777)
app.processEvents()
window.close()
print(bytes(window.saveGeometry().toHex()).decode(), flush=True)
"""


def shown_window(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(open_settings(path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.has_timeline)  # shown and settled
    return window


def test_the_window_closed_last_keeps_what_the_first_chose(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first, second = shown_window(qtbot, path), shown_window(qtbot, path)
    first.panel.set_scenario(load_preset("two-rounds"))
    first.resize(1300, 800)
    first.features.presentation.zoom(1)
    second.features.presentation.set_theme("dark")
    first_geometry = first.saveGeometry()
    first.close()
    second.close()  # untouched layout and scenario: it must not write them back
    after = open_settings(path)
    assert after.value("window/geometry") == first_geometry
    scenario = remembered_scenario(after)
    assert scenario is not None and scenario == load_preset("two-rounds")
    assert float(after.value("view/font_scale")) > 1.0  # the first's bigger text …
    assert after.value("view/theme") == "dark"  # … and the second's theme
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")


def test_a_second_app_writing_meanwhile_keeps_its_choices(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    window = shown_window(qtbot, path)  # this app's window stays open throughout
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    other = subprocess.run(
        [sys.executable, "-c", OTHER_APP, str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=PROCESS_S, check=True,
    )  # fmt: skip
    other_geometry = bytes.fromhex(other.stdout.strip().splitlines()[-1])
    window.features.presentation.zoom(1)  # this window's own choice, after the other's
    window.close()
    after = open_settings(path)
    assert after.value("view/theme") == "dark"  # the other app's
    assert float(after.value("view/font_scale")) > 1.0  # this one's
    assert after.value("window/geometry").data() == other_geometry  # this one never moved
    scenario = remembered_scenario(after)
    assert scenario is not None and scenario == load_preset("straggler")


def test_a_damaged_settings_file_is_said_and_the_last_good_copy_used(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    first = shown_window(qtbot, path)
    first.panel.set_scenario(load_preset("two-rounds"))
    first.close()
    path.write_bytes(path.read_bytes()[:40])  # cut short by something else
    again = shown_window(qtbot, path)
    scenario = again.panel.current_scenario()
    assert scenario is not None and scenario == load_preset("two-rounds")
    message = again.statusBar().currentMessage()
    assert "Settings" in message and "last good copy" in message
