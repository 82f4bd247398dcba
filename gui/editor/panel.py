"""The scenario editor panel of the main window: presets, every scenario field, files.

Why validate through engine.scenario.parse_scenario instead of checking controls here: the
editor then accepts exactly what a scenario file may contain and words every problem exactly
as loading a file would, and a ScenarioError's `field` tells us which control to mark.  Fields
the editor does not show (narrative templates, backend, faults, ...) are carried over from the
loaded scenario untouched, so load → save never loses anything.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.scenario import (
    MAX_SEED,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    save_scenario,
)
from engine.scenario.presets import list_presets, load_preset
from gui.editor.backend_rules import apply_backend_rules, asyncio_left_out
from gui.editor.binding import (
    SOURCE,
    build_scenario,
    fill_form,
    hidden_parts,
    locate,
    row_message,
)
from gui.editor.fields import ERROR_ICON, INVALID_STYLE
from gui.editor.form import MAX_SPEED, MIN_SPEED, ScenarioForm
from gui.editor.wheel_guard import guard_wheel
from gui.style.palette import BROKEN_COLOUR

BANNER_STYLE = f"""
QFrame#banner {{ background: rgba(213, 94, 0, 0.12); border-left: 4px solid {BROKEN_COLOUR}; }}
QFrame#banner QLabel {{ color: {BROKEN_COLOUR}; font-weight: 600; }}
QLabel#lockNote {{ background: rgba(0, 114, 178, 0.10); border-left: 4px solid #0072B2;
    padding: 12px 14px; font-weight: 600; }}
"""


class ScenarioPanel(QWidget):
    """Edits a Scenario; `current_scenario()` validates and marks the first problem inline."""

    scenario_changed = Signal()
    speed_changed = Signal(float)
    edited_changed = Signal(bool)  # the editor now differs (or no longer) from what was loaded
    problem_shown = Signal(str)  # a problem is marked here: the window brings the editor forward

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current_path: Path | None = None
        self._loading = False
        self._hidden: dict[str, object] = {}  # scenario keys without a control, carried over
        self._baseline: Scenario | None = None  # as loaded (preset, file): edits differ from it
        self._shown_edited = False
        self.problem = ""  # the last problem marked (the run command shows it on stage too)
        self.form = ScenarioForm()
        self.setStyleSheet(INVALID_STYLE + BANNER_STYLE)
        self._build_banner()
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.form)
        self._wheel_guard = guard_wheel(self.form)  # the wheel scrolls the form, edits nothing
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.lock_note = QLabel()  # "Tracing prog.py": another source drives the views
        self.lock_note.setObjectName("lockNote")
        self.lock_note.setWordWrap(True)
        self.lock_note.hide()
        layout.addWidget(self.lock_note)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll_area)
        self._presets: dict[str, Scenario] = {}
        try:
            for info in list_presets():
                self._presets[info.name] = load_scenario(info.path)
                self.form.preset_combo.addItem(info.title, info.name)
                index = self.form.preset_combo.count() - 1
                self.form.preset_combo.setItemData(
                    index, info.description, Qt.ItemDataRole.ToolTipRole
                )
        except ScenarioError as exc:  # a broken shipped preset: say so, keep the editor usable
            self._show_banner(str(exc))
        self._connect()
        first = next(iter(self._presets), None)
        if first is not None:
            self.select_preset(first)
        else:
            self.set_scenario(parse_scenario({"parties": 3}))

    def _build_banner(self) -> None:
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.banner.hide)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(14, 10, 8, 10)
        row.addWidget(self.banner_label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()

    def _show_banner(self, message: str) -> None:
        self.banner_label.setText(f"{ERROR_ICON}  {message}")
        self.banner.show()
        self.problem_shown.emit(message)

    # ----- wiring ---------------------------------------------------------------------------
    def _connect(self) -> None:
        f = self.form
        f.preset_combo.activated.connect(
            lambda index: self.select_preset(str(f.preset_combo.itemData(index)))
        )
        f.name_edit.textChanged.connect(lambda: self._edited("name"))
        f.description_edit.textChanged.connect(lambda: self._edited("description"))
        f.parties_spin.valueChanged.connect(self._on_parties)
        f.processes_spin.valueChanged.connect(self._on_processes)
        f.same_check.toggled.connect(self._on_same)
        f.stages_spin.valueChanged.connect(lambda: self._edited("stages", "party"))
        f.timeout_spin.valueChanged.connect(lambda: self._edited("timeout"))
        f.no_timeout_check.toggled.connect(self._on_no_timeout)
        f.start_method_combo.currentIndexChanged.connect(lambda: self._edited("start_method"))
        f.workload_combo.currentIndexChanged.connect(lambda: self._edited("workload"))
        f.seed_edit.textChanged.connect(lambda: self._edited("seed"))
        f.speed_spin.valueChanged.connect(self.speed_changed.emit)
        f.party_editor.edited.connect(lambda: self._edited("party"))
        f.party_editor.rows_changed.connect(self._on_rows)
        f.action_check.toggled.connect(self._on_action_toggled)
        f.action_edit.textChanged.connect(lambda: self._edited("action"))
        f.backend_combo.currentIndexChanged.connect(self._on_backend)
        for key, spin, what in (
            ("parties", f.parties_spin, "Parties"),
            ("processes", f.processes_spin, "Processes"),
            ("stages", f.stages_spin, "Stages"),
        ):
            spin.refused.connect(
                lambda typed, k=key, s=spin, w=what: self.form.slots[k].show_error(
                    s.refusal(w, typed)
                )
            )

    def _edited(self, *keys: str) -> None:
        for key in keys:
            self.form.slots[key].clear_error()
            if key == "party":
                self.form.party_editor.model.clear_errors()
        if not self._loading:
            self._show_edited()
            self.scenario_changed.emit()

    @property
    def edited(self) -> bool:
        """Does the editor differ from the preset or file last loaded?"""
        if self._baseline is None:
            return False
        try:
            return build_scenario(self.form, self._hidden) != self._baseline
        except ScenarioError:
            return True

    def _show_edited(self) -> None:
        edited = self.edited
        self.form.edited_note.setVisible(edited)
        if edited != self._shown_edited:
            self._shown_edited = edited
            self.edited_changed.emit(edited)

    @property
    def scenario_name(self) -> str:
        """The name in the editor as typed (valid or not yet)."""
        return self.form.name_edit.exact_text().strip()

    def _on_parties(self, parties: int) -> None:
        if self.form.same_check.isChecked():
            self.form.processes_spin.setValue(parties)
        self._edited("parties")

    def _on_processes(self, processes: int) -> None:
        self.form.party_editor.set_row_count(processes)  # one row per process
        self._edited("processes", "party")

    def _on_rows(self, rows: int) -> None:
        self.form.processes_spin.setValue(rows)
        if self.form.same_check.isChecked():
            self.form.parties_spin.setValue(rows)

    def _on_same(self, same: bool) -> None:
        self.form.processes_spin.setEnabled(not same)
        if same:
            self.form.processes_spin.setValue(self.form.parties_spin.value())
        self._edited("processes")

    def _on_no_timeout(self, none: bool) -> None:
        self.apply_backend_rules()
        self._edited("timeout")

    def _on_backend(self) -> None:
        self.apply_backend_rules()
        self._edited("backend", "timeout", "action", "start_method")

    def backend(self) -> str:
        return str(self.form.backend_combo.currentData())

    def apply_backend_rules(self) -> None:
        apply_backend_rules(self.form)

    def _on_action_toggled(self, on: bool) -> None:
        self.apply_backend_rules()
        if on and not self.form.action_edit.text().strip() and not self._loading:
            self.form.action_edit.setText("All parties have arrived.")
        self._edited("action")

    # ----- scenario <-> controls ------------------------------------------------------------
    def set_scenario(self, scenario: Scenario) -> None:
        """Fill every control from `scenario` and clear all errors (emits scenario_changed once)."""
        f = self.form
        self._loading = True
        try:
            self._hidden, party_extras = hidden_parts(scenario)
            fill_form(f, scenario, party_extras)
            self.apply_backend_rules()
            preset = next((n for n, s in self._presets.items() if s == scenario), None)
            f.preset_combo.setCurrentIndex(f.preset_combo.findData(preset) if preset else -1)
            tip = f.preset_combo.currentData(Qt.ItemDataRole.ToolTipRole)
            f.preset_description.setText(str(tip) if preset else "Your own scenario.")
        finally:
            self._loading = False
        self.clear_errors()
        self._baseline = scenario
        self._show_edited()
        self.scenario_changed.emit()

    def current_scenario(self) -> Scenario | None:
        """The validated scenario, or None after marking the first problem next to its field."""
        self.clear_errors()
        try:
            return build_scenario(self.form, self._hidden)
        except ScenarioError as exc:
            self._mark(exc)
            return None

    def clear_errors(self) -> None:
        for slot in self.form.slots.values():
            slot.clear_error()
        self.form.party_editor.model.clear_errors()

    def show_run_problem(self, exc: Exception) -> None:
        """A run that could not start: next to its field if it names one, else the banner."""
        if isinstance(exc, ScenarioError) and exc.field:
            self._mark(exc)
        elif self.backend() != "processes" and "mpi" in str(exc).lower():
            self.form.slots["backend"].show_error(str(exc))
        else:
            self._show_banner(f"Cannot run: {exc}")

    def _mark(self, exc: ScenarioError) -> None:
        message = str(exc).removeprefix(f"{SOURCE}: ")
        key, row, columns = locate(exc.field)
        slot = self.form.slots.get(key)
        self.problem = message
        if slot is None:  # a field without a control (backend, narrative): the banner says it
            self._show_banner(message)
            return
        if row is not None:
            model = self.form.party_editor.model
            message = row_message(row, exc.field or "", message)
            self.problem = message
            model.mark_error(row, columns, message)
            self.form.party_editor.view.scrollTo(model.index(row, columns[0]))
        slot.show_error(message)
        self.problem_shown.emit(message)
        self.scroll_area.ensureWidgetVisible(slot.content)
        # once the label is laid out, bring it (not just the top of its control) into view
        QTimer.singleShot(0, self, lambda: self.scroll_area.ensureWidgetVisible(slot.error_label))

    def set_locked(self, note: str | None, locked: bool = True) -> None:
        """Grey out the editor while something else (a traced program) drives the views;
        `note` says what, on top.  None (or locked=False) unlocks; a note may stay."""
        self.form.setEnabled(note is None or not locked)
        self.lock_note.setText(note or "")
        self.lock_note.setVisible(note is not None)

    @property
    def locked(self) -> bool:
        return not self.form.isEnabled()

    # ----- run options --------------------------------------------------------------------
    def speed(self) -> float:
        return float(self.form.speed_spin.value())

    def set_speed(self, speed: float) -> None:
        self.form.speed_spin.setValue(min(MAX_SPEED, max(MIN_SPEED, speed)))

    def seed(self) -> int | None:
        """The seed field as an int; None when blank ("random") or out of range."""
        text = self.form.seed_edit.exact_text().strip()
        value = int(text) if text.isdigit() else None
        return value if value is not None and value <= MAX_SEED else None

    def set_seed(self, seed: int | None) -> None:
        self.form.seed_edit.set_exact("" if seed is None else str(seed))

    # ----- presets and files --------------------------------------------------------------
    def preset_choices(self) -> list[tuple[str, str]]:
        """(name, title) of every preset, in the order the preset menu lists them."""
        combo = self.form.preset_combo
        return [(str(combo.itemData(i)), combo.itemText(i)) for i in range(combo.count())]

    def select_preset(self, name: str) -> None:
        try:
            scenario = self._presets[name] if name in self._presets else load_preset(name)
        except ScenarioError as exc:
            self._show_banner(str(exc))
            return
        self.set_scenario(scenario)
        self.current_path = None
        self.banner.hide()

    def open_file(self, path: str | Path) -> bool:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            self._show_banner(f"Could not open: {exc}")
            return False
        self.set_scenario(scenario)
        self.current_path = Path(path)
        self.banner.hide()
        return True

    def save_file(self, path: str | Path) -> bool:
        """Validate, then write atomically: a failed save leaves any existing file untouched."""
        scenario = self.current_scenario()
        if scenario is None:
            self._show_banner("Not saved: fix the problem marked below.")
            return False
        try:
            save_scenario(scenario, path)
        except (OSError, ScenarioError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._show_banner(f"Not saved to {Path(path).name}: {reason}")
            return False
        self.current_path = Path(path)
        self._baseline = scenario
        self._show_edited()
        self.banner.hide()
        left_out = asyncio_left_out(self.form, scenario)
        if left_out:  # never silently: say what the file does not hold, and why
            self._show_banner(
                f"Saved to {Path(path).name} without the {left_out}: asyncio.Barrier has "
                "neither (choose another backend to keep them)."
            )
        return True
