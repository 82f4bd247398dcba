"""Presentation mode on the screens a room has: 1024×768, 1280×720, 1920×1080 and 3840×2160 at
twice the pixel density (1920×1080 logical).  Text is at least a fraction of the screen's
height, every name is whole, rows hold their pills, and a crowd gets tiles — and which layout
each preset gets at each size is written down here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QFontMetricsF, QImage
from pytestqt.qtbot import QtBot

from engine.model.view_model import RunViewModel
from engine.scenario.presets import list_presets, load_preset
from gui.lanes.layout import ROW_PER_TEXT, LayoutKind
from gui.style.placement import fits, fitted_size
from gui.window.main_window import DEFAULT_SIZE, MainWindow
from gui.window.settings import open_settings
from tests.conftest import SCREENS
from tests.gui.probes import painted_geometry
from tests.paths import MAIN, ROOT

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]  # logical; 3840×2160 @2× is 1920×1080
CROWDS = {"crowd"}
# The layout each preset gets on stage, at every size above: a crowd of 32 cannot hold
# readable names in rows on any of them, so it gets tiles; everything else gets rows.
EXPECTED = {
    info.name: LayoutKind.TILES if info.name in CROWDS else LayoutKind.ROWS
    for info in list_presets()
}


def on_stage(qtbot: QtBot, window: MainWindow, size: tuple[int, int], preset: str) -> None:
    window.set_fixed_size(*size)
    window.features.presentation.set_active(True)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    window.panel.set_scenario(load_preset(preset))
    qtbot.waitUntil(lambda: window.features.presentation.look.stage_px == size[1])
    qtbot.waitUntil(lambda: window.lanes.width() >= size[0] * 0.6)  # the stage's share
    window.lanes.repaint()


@pytest.mark.parametrize("size", SIZES)
def test_each_preset_gets_the_layout_written_down(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    got = {}
    for name in EXPECTED:
        on_stage(qtbot, window, size, name)
        g = painted_geometry(window.lanes)
        assert g is not None
        got[name] = g.kind
    assert got == EXPECTED


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("preset", ["launch", "too-few", "straggler", "crowd"])
def test_text_follows_the_screen_and_everything_fits(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int], preset: str
) -> None:
    on_stage(qtbot, window, size, preset)
    look = window.features.presentation.look
    assert look.floor_px == pytest.approx(size[1] * 24 / 1080)  # 16 px at 720p, 24 at 1080p
    g = painted_geometry(window.lanes)
    assert g is not None
    floor = round(look.floor_px)
    for font in (g.name_font, g.badge_font, g.small_font, g.header_font, g.banner_font):
        assert font.pixelSize() >= floor
    assert g.lanes_bottom <= g.height  # nothing falls off the bottom
    model: RunViewModel = window.model
    if g.kind == LayoutKind.TILES:
        assert g.tiles is not None and g.tiles.cols * g.tiles.rows >= len(model.lanes)
        return
    metrics = QFontMetricsF(g.name_font)
    for lane in model.lanes:  # every name whole, never "Communicat…"
        assert g.chip + metrics.horizontalAdvance(lane.name) <= g.name_w
    assert g.row_h >= g.badge_font.pixelSize() * ROW_PER_TEXT  # rows hold their pills


def test_log_text_and_status_strip_follow_the_stage(qtbot: QtBot, window: MainWindow) -> None:
    on_stage(qtbot, window, (1280, 720), "launch")
    floor = window.features.presentation.look.floor_px
    assert window.log.font().pixelSize() >= round(floor)
    assert f"font-size: {round(floor)}px" in window.statusBar().styleSheet()


@pytest.mark.parametrize("present", [True, False], ids=["stage", "desk"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_whole_timeline_fits_its_view_after_a_run(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int], present: bool
) -> None:
    """The legend wraps to the plot's width; were it laid out against the names' old width,
    the plot would be wider than its view and the end of the run cut off at the right."""
    window.set_fixed_size(*size)
    window.features.presentation.set_active(present)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(8.0)
    with qtbot.waitSignal(window.controller.run_finished, timeout=30_000):
        assert window.run()
    view = window.timeline
    plot = view.getPlotItem()
    qtbot.waitUntil(lambda: plot.geometry().width() <= view.width())
    box = plot.getViewBox()
    right = box.mapRectToScene(box.boundingRect()).right()
    assert right <= view.width()  # the plot's right edge, with the run's end, is in view
    left, end = box.viewRange()[0]
    assert window.model.end_ns is not None and window.model.t0_ns is not None
    assert left <= 0 and end >= (window.model.end_ns - window.model.t0_ns) / 1e9 * 0.99
    window.features.presentation.set_active(False)


def test_the_window_opens_inside_the_screen_and_forgets_a_size_that_no_longer_fits() -> None:
    projector = QRect(0, 0, 1280, 720)
    size = fitted_size(QSize(*DEFAULT_SIZE), projector)
    assert size.width() <= 1280 and size.height() <= 720
    assert fits(QRect(10, 10, 1200, 650), projector)
    assert not fits(QRect(0, 0, 1600, 1000), projector)  # remembered on a bigger screen


def test_a_geometry_remembered_on_a_bigger_screen_is_not_restored(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = open_settings(tmp_path / "s.ini")
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.setGeometry(0, 0, 3000, 2000)  # bigger than the 1920×1080 test screen
    first.save_settings()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    screen = second.screen().availableGeometry()
    assert screen.contains(second.geometry())


def test_no_empty_replay_bar_after_a_replay_was_open(qtbot: QtBot, tmp_path: Path) -> None:
    settings = open_settings(tmp_path / "s.ini")
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    first.features.replay.show()  # as while a replay was on
    first.save_settings()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    assert not second.features.replay.isVisible()


def shot(tmp_path: Path, screen: str, *args: str, scale: str = "1") -> QImage:
    out = tmp_path / "shot.png"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={SCREENS / screen}",
        QT_SCALE_FACTOR=scale,
        BARRIER_VIZ_SETTINGS=str(tmp_path / "s.ini"),
    )
    done = subprocess.run(
        [sys.executable, str(MAIN), "gui", "--preset", "launch", "--speed", "20", "--autorun",
         "--quit-after-run", "--present", "--screenshot", str(out), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    return image


@pytest.mark.slow
def test_present_theme_and_size_apply_to_a_screenshot(tmp_path: Path) -> None:
    image = shot(tmp_path, "1920x1080.json", "--size", "1280x720", "--theme", "dark")
    assert (image.width(), image.height()) == (1280, 720)
    assert QImage.pixelColor(image, 640, 700).lightness() < 80  # the dark theme's chrome


@pytest.mark.slow
def test_a_4k_screen_at_twice_the_density_shows_the_1080p_stage_sharply(tmp_path: Path) -> None:
    image = shot(tmp_path, "3840x2160.json", scale="2")
    assert (image.width(), image.height()) == (3840, 2160)  # full screen, every pixel drawn


DIALOG_PROBE = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
window = MainWindow(open_settings({settings!r}))
window.show()
dialog = window.show_shortcuts()
app.processEvents()
print(dialog.frameGeometry().height(), window.screen().availableGeometry().height())
"""


def test_the_shortcuts_dialog_fits_a_720_screen(tmp_path: Path) -> None:
    """F1 on a 1280×720 projector: the map scrolls, and Close is on the screen."""
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={SCREENS / '1280x720.json'}")
    code = DIALOG_PROBE.format(settings=str(tmp_path / "s.ini"))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    dialog_h, screen_h = (int(v) for v in done.stdout.split()[-2:])
    assert 0 < dialog_h <= screen_h
