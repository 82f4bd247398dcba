"""The window's commands come from one table: menus, toolbar, keys, help and README agree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton
from pytestqt.qtbot import QtBot

from engine.scenario.presets import load_preset
from gui.window.action_table import ACTIONS, MENU_BAR, keyboard_map, keyboard_map_markdown
from gui.window.main_window import MainWindow
from tests.paths import ROOT

RUN_MS = 30_000


def test_every_row_is_well_formed_and_no_key_is_bound_twice() -> None:
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    keys = [QKeySequence(k).toString() for spec in ACTIONS for k in spec.keys]
    assert len(keys) == len(set(keys)), keys
    for spec in ACTIONS:
        assert (spec.run is None) != (spec.toggle is None), spec.id  # a command or a toggle
        if spec.menu is not None:
            assert spec.menu.path.split("/")[0] in dict(MENU_BAR), spec.id


def test_readme_key_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert keyboard_map_markdown() in readme
    wanted = (
        "Space", "Ctrl+R", "Esc", "G", "N", "A", "R", "1 – 9", "[ / ]", "F11", "Ctrl+Shift+A",
        "Ctrl+= / Ctrl+- / Ctrl+0", "Ctrl+Shift+R", "Ctrl+U", "Ctrl+O / Ctrl+S / Ctrl+Shift+S",
        "Ctrl+Shift+O", "Ctrl+E", "F1", "Ctrl+Q",
    )  # fmt: skip
    assert [keys for keys, _words in keyboard_map()] == list(wanted)  # every key the README lists


def menu_items(menu: QMenu, prefix: str = "") -> dict[str, str]:
    """action object name -> menu path, submenus included."""
    out = {}
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            out |= menu_items(sub, f"{prefix}/{action.text()}")
        elif not action.isSeparator():
            out[action.objectName()] = prefix
    return out


def test_menus_and_toolbar_hold_exactly_the_rows_placed_there(window: MainWindow) -> None:
    bar = window.menuBar()
    titles = [a.text() for a in bar.actions()]
    assert titles == [title for _name, title in MENU_BAR]
    placed: dict[str, str] = {}
    for action in bar.actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        placed |= menu_items(menu, action.text().replace("&", ""))
    wanted = {f"action_{s.id}": s.menu.path for s in ACTIONS if s.menu is not None}
    assert placed == wanted
    on_bar = [a.objectName() for a in window.toolbar_actions if a.objectName()]
    assert on_bar[:5] == [
        "action_run", "action_stop", "action_abort", "action_reset", "action_analysis",
    ]  # fmt: skip
    assert on_bar[5:] == [
        "action_presenter_gate", "action_step_stages", "action_release_gate",
        "action_continue_stage", "action_record", "action_presentation",
    ]  # fmt: skip
    for spec in ACTIONS:  # every key works with menus and toolbar hidden (presentation mode)
        assert window.commands[spec.id] in window.actions()


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_a_projector_sized_stage_shows_every_toolbar_control(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.set_fixed_size(*size)
    window.features.presentation.set_active(True)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    bars = (window.toolbar, window.stage_toolbar)

    def hidden() -> list[str]:
        return [
            a.objectName()
            for bar in bars
            for a in bar.actions()
            if a.objectName() and not bar.widgetForAction(a).isVisible()
        ]

    qtbot.waitUntil(lambda: not hidden(), timeout=3000)
    for bar in bars:  # on one row if they fit, else the presenter's row below: never cut
        assert bar.geometry().right() <= size[0]
    for bar in bars:
        overflow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert overflow is None or not overflow.isVisible()


def test_huge_text_keeps_every_toolbar_control_reachable(qtbot: QtBot, window: MainWindow) -> None:
    for _ in range(8):
        window.commands["bigger"].trigger()  # text this big cannot fit even two rows
    window.resize(1100, 700)
    bar = window.stage_toolbar
    qtbot.waitUntil(lambda: bar.width() <= 1100)
    overflow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    hidden = [a for a in bar.actions() if a.objectName() and not bar.widgetForAction(a).isVisible()]
    assert hidden, "the toolbar should not fit at this size"
    assert overflow is not None and overflow.isVisible()  # the » menu holds the rest


def test_enabled_states_follow_the_run(qtbot: QtBot, window: MainWindow) -> None:
    c = window.commands
    assert c["run"].isEnabled() and not c["stop"].isEnabled()
    assert not c["abort"].isEnabled() and not c["release_gate"].isEnabled()
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(20)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        c["run"].trigger()
        assert not c["run"].isEnabled() and c["stop"].isEnabled() and c["abort"].isEnabled()
        assert not c["presenter_gate"].isEnabled()  # options apply to the next run
    assert c["run"].isEnabled() and not c["stop"].isEnabled() and not c["abort"].isEnabled()


def test_dark_theme_survives_the_timeline_resetting_for_a_run(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.commands["theme_dark"].trigger()
    assert window.commands["theme_dark"].isChecked()
    assert not window.commands["theme_light"].isChecked()
    timeline = window.timeline
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(20)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        assert window.run()
    title = timeline.getPlotItem().titleLabel
    assert title.opts["color"] == timeline.look.ink == "#E8ECF1"  # set once, kept by resets
    assert timeline.party_axis.fixedWidth == timeline.look.axis_width(timeline.party_axis.names)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_features_never_import_the_window() -> None:
    for path in sorted((ROOT / "gui" / "features").glob("*.py")):
        bad = {m for m in imported_modules(path) if m.startswith("gui.window")}
        assert not bad, f"{path.name} imports {bad}"


def test_the_presenter_row_wraps_again_after_a_restored_window_state(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A saved window state from a wide screen holds both toolbars on one row; restored on a
    projector, the presenter's row must still move below instead of hiding its controls."""
    window.set_fixed_size(1920, 1080)
    qtbot.waitUntil(lambda: window.width() == 1920)
    window.toolbars.fit()
    wide_state = window.saveState()
    assert not window.toolBarBreak(window.stage_toolbar)
    window.set_fixed_size(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    assert window.toolBarBreak(window.stage_toolbar)
    window.restoreState(wide_state)  # what a second start on the projector does
    window.toolbars.fit()
    assert window.toolBarBreak(window.stage_toolbar)
