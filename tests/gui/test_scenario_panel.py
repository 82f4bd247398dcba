"""The scenario editor panel: lossless round trips, inline errors, safe files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDoubleSpinBox,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from engine.scenario import (
    MAX_WORK,
    ActionSpec,
    Narrative,
    Scenario,
    WorkTime,
    dump_scenario,
    load_scenario,
    parse_scenario,
)
from engine.scenario.presets import list_presets, load_preset
from gui.editor.panel import ScenarioPanel
from gui.editor.party_table import BY_STAGE, NAME, WORK_MAX, WORK_MIN, parse_overrides

PRESET_NAMES = [info.name for info in list_presets()]

# Qt's offscreen platform says this whenever a shown top-level window gets a layout; it is
# about the platform plugin, not about us (a real display never prints it).
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


@pytest.fixture
def panel(qtbot: QtBot) -> ScenarioPanel:
    widget = ScenarioPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 1000)
    widget.show()
    return widget


def set_cell(panel: ScenarioPanel, row: int, column: int, value: object) -> None:
    model = panel.form.party_editor.model
    assert model.setData(model.index(row, column), value, Qt.ItemDataRole.EditRole)


def test_starts_on_the_first_preset(panel: ScenarioPanel) -> None:
    assert panel.current_scenario() == load_preset(PRESET_NAMES[0])
    assert panel.form.preset_combo.currentData() == PRESET_NAMES[0]
    assert panel.current_path is None


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_survives_the_editor_unchanged(panel: ScenarioPanel, name: str) -> None:
    preset = load_preset(name)
    panel.set_scenario(preset)
    assert panel.current_scenario() == preset
    assert panel.form.preset_combo.currentData() == name


def test_fields_the_presets_do_not_use_survive_too(panel: ScenarioPanel) -> None:
    odd = parse_scenario(
        {
            "name": "Odd one",
            "parties": 3,
            "processes": 2,
            "stages": 2,
            "start_method": "spawn",
            "workload": "cpu",
            "timeout": 0.123456,  # more decimals than the spin box shows
            "narrative": {"arrive": ["first {name}", "second {name}"]},
            "party": [
                {"name": "A", "work": 0.1, "work_by_stage": [[0.2, 0.7], 1e-05]},
                {"name": "B", "work": [1.0, 3.0]},
            ],
        }
    )
    panel.set_scenario(odd)
    assert panel.form.preset_combo.currentIndex() == -1
    assert not panel.form.same_check.isChecked()
    assert panel.form.party_editor.row_count() == 2
    assert panel.current_scenario() == odd


def test_edit_save_open_round_trip(panel: ScenarioPanel, qtbot: QtBot, tmp_path: Path) -> None:
    panel.select_preset("launch")
    f = panel.form
    f.name_edit.clear()
    qtbot.keyClicks(f.name_edit, "My launch")
    f.stages_spin.setValue(2)
    f.no_timeout_check.setChecked(True)
    f.seed_edit.clear()
    qtbot.keyClicks(f.seed_edit, "123")
    f.action_edit.clear()
    qtbot.keyClicks(f.action_edit, "Lift-off!")
    set_cell(panel, 0, NAME, "Guidance")
    set_cell(panel, 1, WORK_MIN, 1.25)
    set_cell(panel, 1, WORK_MAX, 1.25)
    set_cell(panel, 2, BY_STAGE, "1.0, 0.5-1.5")
    f.party_editor.add_party()  # appended: processes and parties follow the rows

    edited = panel.current_scenario()
    assert edited is not None
    assert (edited.name, edited.stages, edited.timeout, edited.seed) == ("My launch", 2, None, 123)
    assert (edited.parties, edited.processes) == (4, 4)
    assert edited.action == ActionSpec("Lift-off!")
    assert [p.name for p in edited.party] == ["Guidance", "Communication", "Propulsion", "Party 4"]
    assert edited.party[1].work == WorkTime(1.25, 1.25)
    assert edited.party[2].work_by_stage == (WorkTime(1.0, 1.0), WorkTime(0.5, 1.5))
    assert edited.narrative == load_preset("launch").narrative

    target = tmp_path / "mine.toml"
    assert panel.save_file(target)
    assert panel.current_path == target
    assert load_scenario(target) == edited

    other = ScenarioPanel()
    qtbot.addWidget(other)
    assert other.open_file(target)
    assert other.current_path == target
    assert other.current_scenario() == edited


def test_per_stage_narrative_follows_the_stage_count(panel: ScenarioPanel) -> None:
    panel.select_preset("two-rounds")
    panel.form.stages_spin.setValue(3)
    three = panel.current_scenario()
    assert three is not None
    assert three.narrative.arrive[2] == three.narrative.arrive[1]
    panel.form.stages_spin.setValue(2)
    assert panel.current_scenario() == load_preset("two-rounds")


def break_empty_name(panel: ScenarioPanel) -> None:
    set_cell(panel, 0, NAME, "  ")


def break_duplicate(panel: ScenarioPanel) -> None:
    set_cell(panel, 1, NAME, "Navigation")


def break_min_max(panel: ScenarioPanel) -> None:
    set_cell(panel, 2, WORK_MIN, 3.0)


def break_override(panel: ScenarioPanel) -> None:
    set_cell(panel, 0, BY_STAGE, "fast")


INVALID = [
    (break_empty_name, "party[0].name", (0, NAME), lambda p: set_cell(p, 0, NAME, "Nav")),
    (break_duplicate, "party[1].name", (1, NAME), lambda p: set_cell(p, 1, NAME, "Comms")),
    (break_min_max, "party[2].work", (2, WORK_MAX), lambda p: set_cell(p, 2, WORK_MAX, 3.0)),
    (break_override, "party[0].work_by_stage", (0, BY_STAGE), lambda p: set_cell(p, 0, 3, "2")),
]


@pytest.mark.parametrize(("breaker", "field", "cell", "fixer"), INVALID)
def test_invalid_party_rows_are_marked_and_cleared(
    panel: ScenarioPanel, breaker: object, field: str, cell: tuple[int, int], fixer: object
) -> None:
    panel.select_preset("launch")
    assert callable(breaker) and callable(fixer)
    breaker(panel)
    assert panel.current_scenario() is None
    slot = panel.form.slots["party"]
    assert slot.error_label.isVisible()
    words = {"name": "Name", "work": "Min/Max", "work_by_stage": "Per stage"}
    column = field.partition(".")[2]  # the table's words and 1-based rows, not "party[0]"
    assert f"Row {cell[0] + 1}, {words[column]}:" in slot.error_label.text()
    assert "party[" not in slot.error_label.text()
    assert cell in panel.form.party_editor.model.error_cells()
    assert panel.form.party_editor.view.property("invalid") is True

    fixer(panel)
    assert not slot.error_label.isVisible()
    assert panel.form.party_editor.model.error_cells() == {}
    assert panel.form.party_editor.view.property("invalid") is False
    assert panel.current_scenario() is not None


def test_empty_scenario_name_and_action_message_marked_next_to_their_field(
    panel: ScenarioPanel, qtbot: QtBot
) -> None:
    panel.form.name_edit.clear()
    assert panel.current_scenario() is None
    name_slot = panel.form.slots["name"]
    assert name_slot.error_label.isVisible() and "name" in name_slot.error_label.text()
    qtbot.keyClicks(panel.form.name_edit, "Back again")
    assert not name_slot.error_label.isVisible()

    panel.form.action_edit.clear()
    assert panel.current_scenario() is None
    action_slot = panel.form.slots["action"]
    assert "action.message" in action_slot.error_label.text()
    assert action_slot.error_label.isVisible()
    panel.form.action_check.setChecked(False)  # no action at all is fine
    assert not action_slot.error_label.isVisible()
    assert not panel.form.action_edit.isEnabled()
    scenario = panel.current_scenario()
    assert scenario is not None and scenario.action is None


def test_processes_rows_and_parties_stay_in_sync(panel: ScenarioPanel) -> None:
    f = panel.form
    f.parties_spin.setValue(5)  # linked: processes and rows follow
    assert (f.processes_spin.value(), f.party_editor.row_count()) == (5, 5)
    f.same_check.setChecked(False)
    f.processes_spin.setValue(2)
    assert f.party_editor.row_count() == 2 and f.parties_spin.value() == 5
    f.party_editor.add_party()
    assert f.processes_spin.value() == 3 and f.parties_spin.value() == 5
    scenario = panel.current_scenario()
    assert scenario is not None and (scenario.parties, scenario.processes) == (5, 3)
    f.same_check.setChecked(True)
    assert f.processes_spin.value() == 5 and not f.processes_spin.isEnabled()
    f.party_editor.view.selectRow(0)
    f.party_editor.remove_party()
    assert (f.parties_spin.value(), f.party_editor.row_count()) == (4, 4)


def test_new_rows_get_unused_default_names(panel: ScenarioPanel) -> None:
    panel.set_scenario(parse_scenario({"parties": 2}))  # rows "Party 1", "Party 2"
    panel.form.party_editor.view.selectRow(0)
    panel.form.party_editor.add_party()  # inserted after row 0
    names = [row.name for row in panel.form.party_editor.model.rows()]
    assert names == ["Party 1", "Party 3", "Party 2"]
    assert panel.current_scenario() is not None


def test_edits_emit_scenario_changed(panel: ScenarioPanel, qtbot: QtBot) -> None:
    with qtbot.waitSignal(panel.scenario_changed, timeout=1000):
        panel.form.stages_spin.setValue(3)
    with qtbot.waitSignal(panel.scenario_changed, timeout=1000):
        set_cell(panel, 0, NAME, "Renamed")
    emitted: list[None] = []
    panel.scenario_changed.connect(lambda: emitted.append(None))
    panel.select_preset("crowd")
    assert len(emitted) == 1  # filling the controls is one change, not one per control


def test_speed_and_seed(panel: ScenarioPanel, qtbot: QtBot) -> None:
    assert panel.speed() == 1.0
    with qtbot.waitSignal(panel.speed_changed, timeout=1000):
        panel.set_speed(4.0)
    assert panel.speed() == 4.0
    panel.set_speed(500.0)
    assert panel.speed() == 50.0
    panel.set_speed(0.0)
    assert panel.speed() == pytest.approx(0.1)
    panel.set_seed(None)
    assert panel.seed() is None
    assert panel.form.seed_edit.placeholderText() == "random"
    scenario = panel.current_scenario()
    assert scenario is not None and scenario.seed is None
    panel.set_seed(42)
    assert panel.seed() == 42
    scenario = panel.current_scenario()
    assert scenario is not None and scenario.seed == 42


def test_open_invalid_toml_shows_inline_banner(panel: ScenarioPanel, tmp_path: Path) -> None:
    before = panel.current_scenario()
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "unterminated\n', encoding="utf-8")
    assert not panel.open_file(bad)
    assert panel.banner.isVisible()
    assert "bad.toml" in panel.banner_label.text() and "invalid TOML" in panel.banner_label.text()
    assert panel.current_path is None
    assert panel.current_scenario() == before
    assert not panel.open_file(tmp_path / "missing.toml")
    assert "missing.toml" in panel.banner_label.text()


def test_failed_save_leaves_the_original_file(panel: ScenarioPanel, tmp_path: Path) -> None:
    target = tmp_path / "keep.toml"
    original = dump_scenario(load_preset("dungeon"))
    target.write_text(original, encoding="utf-8")
    set_cell(panel, 0, WORK_MIN, 9.0)  # min > max
    assert not panel.save_file(target)
    assert panel.banner.isVisible() and "Not saved" in panel.banner_label.text()
    assert panel.form.slots["party"].error_label.isVisible()
    assert target.read_text(encoding="utf-8") == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.toml"]  # no temp litter
    assert panel.current_path is None

    set_cell(panel, 0, WORK_MIN, 0.5)
    assert not panel.save_file(tmp_path / "no-such-dir" / "x.toml")  # OSError
    assert "Not saved to x.toml" in panel.banner_label.text()
    assert panel.save_file(target)
    assert not panel.banner.isVisible()
    assert load_scenario(target) == panel.current_scenario()


def test_unshown_fields_are_not_lost(panel: ScenarioPanel) -> None:
    narrative = Narrative(work=("{name} works",), arrive=("{name} waits",), release=("go",))
    scenario = load_preset("launch").replace(narrative=narrative)
    assert isinstance(scenario, Scenario)
    panel.set_scenario(scenario)
    set_cell(panel, 0, NAME, "Nav")
    edited = panel.current_scenario()
    assert edited is not None
    assert edited.narrative == narrative and edited.backend == scenario.backend


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        ("1", [[1.0, 1.0]]),
        ("1.0, 0.5-1.5", [[1.0, 1.0], [0.5, 1.5]]),
        (" .5s , 2 – 3 , 1..4 ", [[0.5, 0.5], [2.0, 3.0], [1.0, 4.0]]),
        ("1e-05-2", [[1e-05, 2.0]]),
    ],
)
def test_parse_overrides_is_lenient(text: str, expected: list[list[float]] | None) -> None:
    assert parse_overrides(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,,2", "1-", "-1", "1-2-3", "1,"])
def test_parse_overrides_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_overrides(text)


def test_work_cells_display_tidy_values(panel: ScenarioPanel) -> None:
    model = panel.form.party_editor.model
    assert model.data(model.index(0, WORK_MAX)) == "2.0"
    assert model.data(model.index(0, WORK_MAX), Qt.ItemDataRole.EditRole) == 2.0


def test_hidden_party_keys_travel_with_their_row(panel: ScenarioPanel) -> None:
    """A [[party]] key without a column (here a fault) stays with its party, not its index."""
    faulty = parse_scenario(
        {
            "parties": 3,
            "party": [
                {"name": "A", "work": 0.3},
                {"name": "B", "work": 0.4, "fault": "crash"},
                {"name": "C", "work": 0.5},
            ],
        }
    )
    panel.set_scenario(faulty)
    editor = panel.form.party_editor
    editor.view.selectRow(0)
    editor.remove_party()
    editor.view.clearSelection()
    editor.view.setCurrentIndex(editor.model.index(-1, -1))
    editor.add_party()
    edited = panel.current_scenario()
    assert edited is not None
    assert [(p.name, p.fault) for p in edited.party] == [
        ("B", "crash"),
        ("C", None),
        ("Party 3", None),
    ]


def test_hidden_action_keys_survive_toggling_the_action(panel: ScenarioPanel) -> None:
    failing = parse_scenario({"parties": 2, "action": {"message": "boom", "raises": True}})
    panel.set_scenario(failing)
    panel.form.action_check.setChecked(False)
    panel.form.action_check.setChecked(True)
    assert panel.current_scenario() == failing


def test_table_cells_edit_through_their_editors(panel: ScenarioPanel, qtbot: QtBot) -> None:
    view = panel.form.party_editor.view
    model = panel.form.party_editor.model

    def editor_of(kind: type[QWidget]) -> QWidget:
        editors = [w for w in view.viewport().findChildren(kind) if w.isVisible()]
        assert len(editors) == 1
        return editors[0]

    view.edit(model.index(0, NAME))
    name_editor = editor_of(QLineEdit)
    assert isinstance(name_editor, QLineEdit)
    name_editor.selectAll()
    qtbot.keyClicks(name_editor, "Guidance")
    qtbot.keyClick(name_editor, Qt.Key.Key_Return)  # commits and closes (queued by Qt)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    view.edit(model.index(0, WORK_MAX))
    spin = editor_of(QDoubleSpinBox)
    assert isinstance(spin, QDoubleSpinBox) and spin.maximum() == MAX_WORK
    spin.setValue(4.5)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    scenario = panel.current_scenario()
    assert scenario is not None
    assert scenario.party[0].name == "Guidance" and scenario.party[0].work == WorkTime(0.5, 4.5)


def test_typing_a_process_count_does_not_pass_through_smaller_ones(
    panel: ScenarioPanel, qtbot: QtBot
) -> None:
    panel.select_preset("crowd")
    spin = panel.form.parties_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "30")  # "3" alone would cut the table to three rows
    assert panel.form.party_editor.row_count() == 32  # nothing applied while typing
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    names = [row.name for row in panel.form.party_editor.model.rows()]
    assert names == [f"Worker {i:02d}" for i in range(1, 31)]


def wheel_down(widget: QWidget) -> None:
    """One notch of the mouse wheel over the middle of `widget`, as a real mouse sends it."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_edits_only_a_control_that_has_the_focus(
    panel: ScenarioPanel, qtbot: QtBot
) -> None:
    """(That the ignored wheel then scrolls the form is Qt's propagation of real, spontaneous
    wheel events, which a test cannot send: checked by hand under Xvfb with xdotool.)"""
    spin = panel.form.parties_spin
    parties = spin.value()
    names = [p.name for p in load_preset("launch").party]
    wheel_down(spin)
    assert spin.value() == parties  # passing over it with the wheel deleted a party
    scenario = panel.current_scenario()
    assert scenario is not None and [p.name for p in scenario.party] == names
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel_down(spin)
    assert spin.value() == parties - 1  # a control the user chose takes the wheel
