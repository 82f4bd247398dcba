"""The whole app, as a user starts it: `main.py gui … --autorun --quit-after-run --screenshot`.

Fails on a non-zero exit, a missing or wrongly sized screenshot, any Traceback and any Qt
warning on stdout/stderr (friture's smoke test, made stricter).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from engine.scenario.presets import load_preset
from gui.window.settings import open_settings, remembered_scenario
from tests.paths import ROOT

WINDOW_SIZE = (1600, 1000)  # MainWindow's default size with fresh settings


def qt_warnings(output: str) -> list[str]:
    return [
        line
        for line in output.splitlines()
        if line.startswith("qt.")
        or (line.startswith("Q") and ("Warning" in line or "QWidget" in line or "QPainter" in line))
        or "QWidget::" in line
        or "QPainter::" in line
    ]


def run_gui(*args: str, settings: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BARRIER_VIZ_SETTINGS=str(settings))
    return subprocess.run(
        [sys.executable, "main.py", "gui", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gui_runs_a_preset_and_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "tmp.png"
    settings = tmp_path / "settings.ini"
    result = run_gui(  # not the first preset: a scenario to remember, so settings to write
        "--preset", "two-rounds", "--speed", "20", "--autorun", "--quit-after-run",
        "--screenshot", str(shot), settings=settings,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert qt_warnings(output) == [], output
    image = QImage(str(shot))
    assert not image.isNull(), "no screenshot"
    assert (image.width(), image.height()) == WINDOW_SIZE
    assert settings.exists(), "settings were not written to the given file"
    assert remembered_scenario(open_settings(settings)) == load_preset("two-rounds")


def test_gui_rejects_a_bad_preset_in_one_line(tmp_path: Path) -> None:
    result = run_gui("--preset", "no-such-preset", settings=tmp_path / "s.ini")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr


def test_gui_without_a_display_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    if sys.platform.startswith("linux"):
        result = subprocess.run(
            [sys.executable, "main.py", "gui", "--preset", "launch"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stderr.startswith("no display found")
        assert "python main.py run --preset launch" in result.stderr
