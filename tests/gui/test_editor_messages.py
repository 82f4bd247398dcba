"""The editor says what it will not take, where the user is looking: numbers out of range,
the party table's problems in its own 1-based words, an edited scenario, unused Min/Max, a
save that cannot hold asyncio's action and timeout, and per-stage action messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from engine.scenario import load_scenario, parse_scenario
from engine.scenario.presets import load_preset
from gui.editor.binding import row_message
from gui.editor.panel import ScenarioPanel
from gui.editor.party_table import WORK_MAX, WORK_MIN

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


@pytest.fixture
def panel(qtbot: QtBot) -> ScenarioPanel:
    widget = ScenarioPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize(("typed", "says"), [("999", "999 is not allowed"), ("0", "0 is not")])
def test_a_number_out_of_range_is_refused_out_loud(
    panel: ScenarioPanel, typed: str, says: str
) -> None:
    spin = panel.form.parties_spin
    before = spin.value()
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, typed)
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == before  # not silently 99, not silently ignored
    slot = panel.form.slots["parties"]
    assert slot.has_error
    assert says in slot.message and "from 1 to 256" in slot.message


def test_party_table_problems_use_the_tables_words_and_numbers() -> None:
    said = row_message(0, "party[0].work", "party[0].work: min 3.0 is greater than max 1.0")
    assert said == "Row 1, Min/Max: min 3.0 is greater than max 1.0"
    assert row_message(2, "party[2].name", "party[2].name: must not be empty").startswith(
        "Row 3, Name:"
    )
    duplicate = 'party[1].name: duplicate name "a" (also party[0])'
    assert (
        row_message(1, "party[1].name", duplicate) == 'Row 2, Name: duplicate name "a" (also row 1)'
    )


def test_min_above_max_is_marked_in_view_with_row_one(qtbot: QtBot, panel: ScenarioPanel) -> None:
    model = panel.form.party_editor.model
    model.setData(model.index(0, WORK_MIN), 3.0, Qt.ItemDataRole.EditRole)
    model.setData(model.index(0, WORK_MAX), 1.0, Qt.ItemDataRole.EditRole)
    assert panel.current_scenario() is None
    slot = panel.form.slots["party"]
    assert slot.message.startswith("Row 1, Min/Max:") and "party[0]" not in slot.message
    assert panel.problem == slot.message

    def label_in_view() -> bool:
        area = panel.scroll_area
        top = slot.error_label.mapTo(area.widget(), slot.error_label.rect().topLeft()).y()
        shown = area.verticalScrollBar().value()
        return shown <= top <= shown + area.viewport().height() - slot.error_label.height()

    qtbot.waitUntil(label_in_view, timeout=2000)  # not below the fold


def test_an_edited_scenario_is_marked_until_saved(panel: ScenarioPanel, tmp_path: Path) -> None:
    panel.set_scenario(load_preset("launch"))
    assert not panel.edited and not panel.form.edited_note.isVisibleTo(panel)
    panel.form.name_edit.setText("My launch")
    assert panel.edited and panel.form.edited_note.isVisibleTo(panel)
    assert panel.save_file(tmp_path / "mine.toml")
    assert not panel.edited and not panel.form.edited_note.isVisibleTo(panel)


def test_per_stage_times_show_min_and_max_as_unused(panel: ScenarioPanel) -> None:
    model = panel.form.party_editor.model
    assert model.setData(model.index(0, 3), "1.0, 0.5-1.5", Qt.ItemDataRole.EditRole)
    for column in (WORK_MIN, WORK_MAX):
        index = model.index(0, column)
        assert model.data(index, Qt.ItemDataRole.DisplayRole) == "—"
        assert "Not used" in str(model.data(index, Qt.ItemDataRole.ToolTipRole))
        assert isinstance(model.data(index, Qt.ItemDataRole.EditRole), float)  # still editable


def test_saving_with_asyncio_says_what_the_file_leaves_out(
    panel: ScenarioPanel, tmp_path: Path
) -> None:
    panel.set_scenario(load_preset("timeout"))  # an action and a 0.5 s timeout
    f = panel.form
    f.backend_combo.setCurrentIndex(f.backend_combo.findData("asyncio"))
    assert not f.timeout_spin.isEnabled() and not f.action_edit.isEnabled()
    assert panel.save_file(tmp_path / "a.toml")
    saved = load_scenario(tmp_path / "a.toml")
    assert saved.action is None and saved.timeout is None
    said = panel.banner_label.text()
    assert panel.banner.isVisibleTo(panel) and "action and the timeout" in said
    f.backend_combo.setCurrentIndex(f.backend_combo.findData("processes"))
    assert panel.save_file(tmp_path / "p.toml")  # switching back keeps them
    kept = load_scenario(tmp_path / "p.toml")
    assert kept.action is not None and kept.timeout == 0.5


def test_per_stage_action_messages_survive_the_editor(panel: ScenarioPanel) -> None:
    scenario = parse_scenario(
        {"parties": 2, "stages": 2, "action": {"message": ["Round one.", "Final round."]}}
    )
    panel.set_scenario(scenario)
    assert panel.current_scenario() == scenario
    assert "Round one." in panel.form.action_edit.text()
    panel.form.stages_spin.setValue(3)  # the list follows the stage count
    grown = panel.current_scenario()
    assert grown is not None and grown.action is not None
    assert grown.action.by_stage == ("Round one.", "Final round.", "Final round.")
    panel.form.action_edit.setText("One message.")
    edited = panel.current_scenario()
    assert edited is not None and edited.action is not None
    assert edited.action.by_stage == () and edited.action.message == "One message."
