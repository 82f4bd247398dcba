"""Scenario → editor controls and editor controls → scenario dict.

Why a dict and not a Scenario: the dict is what a TOML file parses to, so the panel can hand it
to the one validator (engine.scenario.parse_scenario) and get the same checks and wording as a
file.  The only check made here is reading the per-stage text, which has no file equivalent.

Why start from ``scenario_to_dict`` of the loaded scenario: every key the editor does not show
(narrative, backend, a party's fault, an action's ``raises``, and whatever the format gains
next) is carried over as it was, so the editor never silently drops part of a scenario.
"""

from __future__ import annotations

import re

from engine.scenario import Scenario, ScenarioError, parse_scenario, scenario_to_dict
from gui.editor.form import ScenarioForm
from gui.editor.party_table import BY_STAGE, NAME, WORK_MAX, WORK_MIN, parse_overrides

SOURCE = "<scenario>"
_PARTY_FIELD = re.compile(r"^party\[(\d+)\](?:\.(\w+))?")
_PARTY_COLUMNS = {"name": (NAME,), "work": (WORK_MIN, WORK_MAX), "work_by_stage": (BY_STAGE,)}
ALL_COLUMNS = (NAME, WORK_MIN, WORK_MAX, BY_STAGE)
# Top-level keys the controls own; every other key of the loaded scenario is carried over.
SHOWN_KEYS = frozenset(
    ("name", "description", "parties", "processes", "stages", "timeout", "start_method", "seed",
     "workload", "action", "party", "backend")
)  # fmt: skip
SHOWN_PARTY_KEYS = frozenset(("name", "work", "work_by_stage"))


def _tables(value: object) -> list[dict[str, object]]:
    if not isinstance(value, list):
        return []
    return [dict(item) for item in value if isinstance(item, dict)]


def hidden_parts(scenario: Scenario) -> tuple[dict[str, object], list[dict[str, object]]]:
    """What the controls do not show: (top-level keys incl. ``action`` extras, per-party extras).

    Party extras are one dict per [[party]] table (empty when the file had none), so they can
    travel with their row when rows are added or removed.
    """
    data = scenario_to_dict(scenario)
    hidden = {k: v for k, v in data.items() if k not in SHOWN_KEYS}
    action = data.get("action")
    if isinstance(action, dict):  # a per-stage list of messages travels as it is (see below)
        keep = isinstance(action.get("message"), list)
        hidden["action"] = {k: v for k, v in action.items() if k != "message" or keep}
    party = _tables(data.get("party")) or [{} for _ in scenario.party]
    return hidden, [{k: v for k, v in t.items() if k not in SHOWN_PARTY_KEYS} for t in party]


def fit_narrative(narrative: object, stages: int) -> object:
    """Per-stage narrative lists follow the stage count (cut, or padded with the last line)
    so changing `stages` never makes the hidden narrative invalid."""
    if not isinstance(narrative, dict):
        return narrative
    fitted: dict[str, object] = {}
    for kind, value in narrative.items():
        if isinstance(value, list) and value and len(value) != stages:
            value = [value[min(i, len(value) - 1)] for i in range(stages)]
        fitted[kind] = value
    return fitted


def fill_form(
    form: ScenarioForm, scenario: Scenario, party_extras: list[dict[str, object]]
) -> None:
    """Put every shown field of `scenario` into the controls (signals are the caller's care).

    Order matters: "same as parties" first, then the counts, then the rows, so the row count
    the spin boxes ask for is replaced by the scenario's own rows at the end.
    """
    f = form
    f.name_edit.set_exact(scenario.name)
    f.description_edit.set_exact(scenario.description)
    f.same_check.setChecked(scenario.processes == scenario.parties)
    f.processes_spin.setEnabled(scenario.processes != scenario.parties)
    f.parties_spin.setValue(scenario.parties)
    f.processes_spin.setValue(scenario.processes)
    f.stages_spin.setValue(scenario.stages)
    f.party_editor.set_parties(scenario.party, party_extras)
    f.no_timeout_check.setChecked(scenario.timeout is None)
    f.timeout_spin.setEnabled(scenario.timeout is not None)
    f.timeout_spin.set_exact(10.0 if scenario.timeout is None else scenario.timeout)
    f.start_method_combo.setCurrentIndex(f.start_method_combo.findData(scenario.start_method))
    f.workload_combo.setCurrentIndex(f.workload_combo.findData(scenario.workload))
    f.seed_edit.set_exact("" if scenario.seed is None else str(scenario.seed))
    f.action_check.setChecked(scenario.action is not None)
    f.action_edit.set_exact(action_text(scenario))
    f.action_edit.setEnabled(scenario.action is not None)
    f.backend_combo.setCurrentIndex(max(f.backend_combo.findData(scenario.backend), 0))


STAGE_JOIN = "  |  "


def action_text(scenario: Scenario) -> str:
    """The action's message for the one-line field; per-stage messages joined by " | "."""
    action = scenario.action
    if action is None:
        return ""
    return STAGE_JOIN.join(action.by_stage) if action.by_stage else action.message


def form_to_dict(
    form: ScenarioForm, hidden: dict[str, object]
) -> tuple[dict[str, object], ScenarioError | None]:
    """The controls as a scenario dict, on top of the `hidden` keys from hidden_parts(), and
    the error for the first unreadable per-stage text (that row's overrides are left out)."""
    f = form
    stages = f.stages_spin.value()
    data: dict[str, object] = {k: v for k, v in hidden.items() if k != "action"}
    if "narrative" in data:
        data["narrative"] = fit_narrative(data["narrative"], stages)
    data |= {
        "name": f.name_edit.exact_text(),
        "description": f.description_edit.exact_text(),
        "parties": f.parties_spin.value(),
        "processes": f.processes_spin.value(),
        "stages": stages,
        "workload": f.workload_combo.currentData(),
        "backend": f.backend_combo.currentData(),
    }
    # asyncio.Barrier has neither: the controls stay (greyed) but their values are not sent
    barrier_extras = data["backend"] != "asyncio"
    if barrier_extras and not f.no_timeout_check.isChecked():
        data["timeout"] = f.timeout_spin.exact_value()
    if f.start_method_combo.currentData() is not None:
        data["start_method"] = f.start_method_combo.currentData()
    seed = f.seed_edit.exact_text().strip()
    if seed:
        data["seed"] = int(seed)
    if barrier_extras and f.action_check.isChecked():
        extras = hidden.get("action")
        action = dict(extras) if isinstance(extras, dict) else {}
        stage_list = action.get("message")
        text = f.action_edit.exact_text()
        if isinstance(stage_list, list) and text == STAGE_JOIN.join(map(str, stage_list)):
            action["message"] = fit_narrative({"m": stage_list}, stages)["m"]  # type: ignore[index]
        else:
            action["message"] = text  # edited (or one message): the field's text
        data["action"] = action
    parties: list[dict[str, object]] = []
    unreadable: ScenarioError | None = None
    for i, row in enumerate(f.party_editor.model.rows()):
        table: dict[str, object] = {**row.extra, "name": row.name, "work": [row.lo, row.hi]}
        try:
            by_stage = parse_overrides(row.by_stage)
        except ValueError as exc:
            by_stage = None
            unreadable = unreadable or ScenarioError(SOURCE, f"party[{i}].work_by_stage", str(exc))
        if by_stage is not None:
            table["work_by_stage"] = by_stage
        parties.append(table)
    data["party"] = parties
    return data, unreadable


def build_scenario(form: ScenarioForm, hidden: dict[str, object]) -> Scenario:
    """Validate the controls; raise the ScenarioError for the first problem in form order.

    Why the juggling: unreadable per-stage text is found before the validator runs, but an
    empty scenario name above it should still be reported first, as a file would report it.
    """
    data, unreadable = form_to_dict(form, hidden)
    try:
        scenario = parse_scenario(data, SOURCE)
    except ScenarioError as exc:
        _, row, _ = locate(exc.field)
        _, bad_row, _ = locate(unreadable.field if unreadable else None)
        if unreadable is None or row is None or bad_row is None or row <= bad_row:
            raise
        raise unreadable from None
    if unreadable is not None:
        raise unreadable
    return scenario


def locate(field: str | None) -> tuple[str, int | None, tuple[int, ...]]:
    """Where a ScenarioError field lives: (slot key, table row or None, table columns).

    ``"party[1].work"`` → ("party", 1, (WORK_MIN, WORK_MAX)); ``"action.message"`` → "action".
    """
    path = field or ""
    key = path.split(".")[0].split("[")[0]
    match = _PARTY_FIELD.match(path)
    if key != "party" or match is None:
        return key, None, ()
    return key, int(match.group(1)), _PARTY_COLUMNS.get(match.group(2) or "", ALL_COLUMNS)


_PARTY_REF = re.compile(r"party\[(\d+)\]")  # "(also party[0])" → "(also row 1)"
_COLUMN_WORDS = {"name": "Name", "work": "Min/Max", "work_by_stage": "Per stage"}


def row_message(row: int, field: str, message: str) -> str:
    """A party-table problem in the table's own words and 1-based numbering:
    "party[0].work: min 3.0 is greater than max 1.0" → "Row 1, Min/Max: min 3.0 is …"."""
    column = field.partition(".")[2].split("[")[0]
    words = _PARTY_REF.sub(
        lambda m: f"row {int(m.group(1)) + 1}", message.removeprefix(f"{field}: ")
    )
    where = f"Row {row + 1}" + (f", {_COLUMN_WORDS[column]}" if column in _COLUMN_WORDS else "")
    return f"{where}: {words}"
