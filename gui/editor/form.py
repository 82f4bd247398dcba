"""The scenario editor's controls and their layout, with no behaviour of their own.

Why separate from gui.editor.panel: building a dozen labelled controls is long but dull;
keeping it here leaves the panel module free to say what the controls *do* (linking processes
to rows, validation, files).  Every validated control sits in an ErrorSlot keyed by the
scenario field it edits, which is how a ScenarioError finds its way to the right place.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from engine.scenario import MAX_PARTIES, MAX_PROCESSES, MAX_STAGES, MAX_TIMEOUT
from gui.editor.fields import (
    BoundedSpin,
    ErrorSlot,
    ExactDoubleSpin,
    ExactLineEdit,
    ExactTextEdit,
)
from gui.editor.party_editor import PartyEditor

START_METHOD_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Platform default", None),
    ("fork", "fork"),
    ("spawn", "spawn"),
    ("forkserver", "forkserver"),
)
WORKLOAD_CHOICES = (("Sleep (idle wait)", "sleep"), ("CPU (busy loop)", "cpu"))
BACKEND_CHOICES = (
    ("Processes (multiprocessing.Barrier)", "processes"),
    ("Threads (threading.Barrier)", "threads"),
    ("Asyncio tasks (asyncio.Barrier)", "asyncio"),
    ("MPI ranks (comm.Barrier)", "mpi"),
)
# One line under the backend choice: what changes with it (asyncio: why controls are grey).
BACKEND_NOTES = {
    "processes": "",
    "threads": "Threads of one process; they share the GIL and cannot be killed.",
    "asyncio": "asyncio.Barrier has no action and no timeout — Python's asyncio barrier "
    "only counts tasks.",
    "mpi": "One MPI rank per party (mpiexec); processes must equal parties.",
}
MIN_SPEED, MAX_SPEED = 0.1, 50.0


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


def _spin(low: int, high: int, tip: str) -> BoundedSpin:
    spin = BoundedSpin()
    spin.setRange(low, high)
    spin.setMinimumWidth(90)
    spin.setToolTip(tip)
    # Typing "30" must not pass through 3 on the way: that would cut the party table to three
    # rows (losing their names) before growing it again.
    spin.setKeyboardTracking(False)
    return spin


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")  # bold via the panel's style sheet; size follows the app
    label.setContentsMargins(0, 10, 0, 0)
    return label


class ScenarioForm(QWidget):
    """All editor controls; `slots` maps a scenario field name to the slot that shows its error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset_combo = QComboBox()
        self.preset_combo.setPlaceholderText("Your own scenario")
        self.preset_combo.setToolTip("Load a built-in scenario (your edits are replaced).")
        self.preset_description = QLabel()
        self.preset_description.setObjectName("muted")
        self.preset_description.setWordWrap(True)
        self.edited_note = QLabel("✎ edited: not the preset or file as loaded (not saved)")
        self.edited_note.setObjectName("editedNote")
        self.edited_note.setWordWrap(True)
        self.edited_note.hide()

        self.name_edit = ExactLineEdit()
        self.name_edit.setPlaceholderText("Scenario name")
        self.description_edit = ExactTextEdit(lines=5)
        self.description_edit.setPlaceholderText("What this scenario shows (optional)")

        self.parties_spin = _spin(
            1, MAX_PARTIES, "Barrier(parties): how many wait() calls trip it."
        )
        self.processes_spin = _spin(
            1, MAX_PROCESSES, "How many processes run (one table row each). Fewer than parties: "
            "the barrier never trips; more: some wait for a next round that never fills."
        )  # fmt: skip
        self.same_check = QCheckBox("same as parties")
        self.stages_spin = _spin(1, MAX_STAGES, "How many times every process meets the barrier.")
        self.timeout_spin = ExactDoubleSpin()
        self.timeout_spin.setRange(0.1, MAX_TIMEOUT)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setMinimumWidth(110)
        self.timeout_spin.setToolTip("wait(timeout): a process waiting longer breaks the barrier.")
        self.no_timeout_check = QCheckBox("none")
        self.no_timeout_check.setToolTip("No timeout: a waiting process waits forever.")
        self.same_check.setToolTip("Run exactly as many processes as the barrier expects.")

        self.start_method_combo = QComboBox()
        for text, value in START_METHOD_CHOICES:
            self.start_method_combo.addItem(text, value)
        self.start_method_combo.setToolTip("multiprocessing start method for the processes.")
        self.workload_combo = QComboBox()
        for text, value in WORKLOAD_CHOICES:
            self.workload_combo.addItem(text, value)
        self.workload_combo.setToolTip("How a process spends its work time.")
        self.seed_edit = ExactLineEdit()
        self.seed_edit.setPlaceholderText("random")
        self.seed_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,19}")))
        self.seed_edit.setToolTip("Same seed, same work times: a reproducible run. Blank: random.")
        self.speed_spin = QDoubleSpinBox()
        self.speed_spin.setRange(MIN_SPEED, MAX_SPEED)
        self.speed_spin.setDecimals(2)
        self.speed_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.speed_spin.setSuffix(" ×")
        self.speed_spin.setValue(1.0)
        self.speed_spin.setMinimumWidth(110)
        self.speed_spin.setToolTip("Run faster (or slower) than real time; 1 × is real time.")

        self.backend_combo = QComboBox()
        for text, value in BACKEND_CHOICES:
            self.backend_combo.addItem(text, value)
        self.backend_combo.setToolTip("Which real barrier the parties meet at.")
        # the long labels must not widen the dock: let the combo shrink and elide instead
        for combo in (
            self.backend_combo,
            self.preset_combo,
            self.start_method_combo,
            self.workload_combo,
        ):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.backend_note = QLabel()
        self.backend_note.setObjectName("muted")
        self.backend_note.setWordWrap(True)
        self.backend_note.hide()
        self.backend_problem = QLabel()  # e.g. MPI is not installed here: why, and the fix
        self.backend_problem.setObjectName("fieldError")
        self.backend_problem.setWordWrap(True)
        self.backend_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backend_problem.hide()
        backend_box = QWidget()
        backend_layout = QVBoxLayout(backend_box)
        backend_layout.setContentsMargins(0, 0, 0, 0)
        backend_layout.setSpacing(4)
        for widget in (self.backend_combo, self.backend_note, self.backend_problem):
            backend_layout.addWidget(widget)

        self.party_editor = PartyEditor()
        self.action_check = QCheckBox("Run an action when all arrive")
        self.action_check.setToolTip("Barrier(action=...): one process runs it at each trip.")
        self.action_edit = ExactLineEdit()
        self.action_edit.setPlaceholderText("Message the action prints")
        action_box = QWidget()
        action_layout = QVBoxLayout(action_box)
        action_layout.setContentsMargins(0, 0, 0, 0)
        action_layout.setSpacing(6)
        action_layout.addWidget(self.action_check)
        action_layout.addWidget(self.action_edit)
        self.action_note = QLabel("Not with asyncio tasks: asyncio.Barrier has no action.")
        self.action_note.setObjectName("muted")
        self.action_note.setWordWrap(True)
        self.action_note.hide()
        action_layout.addWidget(self.action_note)

        self.slots: dict[str, ErrorSlot] = {
            "name": ErrorSlot(self.name_edit),
            "backend": ErrorSlot(backend_box, self.backend_combo),
            "description": ErrorSlot(self.description_edit),
            "parties": ErrorSlot(_row(self.parties_spin), self.parties_spin),
            "processes": ErrorSlot(_row(self.processes_spin, self.same_check), self.processes_spin),
            "stages": ErrorSlot(_row(self.stages_spin), self.stages_spin),
            "timeout": ErrorSlot(_row(self.timeout_spin, self.no_timeout_check), self.timeout_spin),
            "start_method": ErrorSlot(self.start_method_combo),
            "workload": ErrorSlot(self.workload_combo),
            "seed": ErrorSlot(self.seed_edit),
            "party": ErrorSlot(self.party_editor, self.party_editor.view),
            "action": ErrorSlot(action_box, self.action_edit),
        }
        self._lay_out()

    def _lay_out(self) -> None:
        """One grid for the whole form, so every label and control column lines up; each
        slot's error label gets the grid row under its control (empty rows take no space)."""
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 8, 16, 16)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        s = self.slots

        def add(label: str | None, widget: QWidget, error: QLabel | None = None) -> None:
            row = grid.rowCount()
            if label is None:
                grid.addWidget(widget, row, 0, 1, 2)
            else:
                text = QLabel(label)
                text.setBuddy(widget)
                top = widget in (s["description"].content, s["backend"].content)
                align = Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter
                text.setContentsMargins(0, 6 if top else 0, 0, 0)
                grid.addWidget(text, row, 0, Qt.AlignmentFlag.AlignLeft | align)
                grid.addWidget(widget, row, 1)
            if error is not None:
                grid.addWidget(
                    error, row + 1, 0 if label is None else 1, 1, 2 if label is None else 1
                )

        def field(label: str | None, key: str) -> None:
            add(label, s[key].content, s[key].error_label)

        add(None, _heading("Preset"))
        add(None, self.preset_combo)
        add(None, self.preset_description)
        add(None, self.edited_note)
        add(None, _heading("Scenario"))
        field("Name", "name")
        field("Description", "description")
        add(None, _heading("Barrier"))
        field("Backend", "backend")
        for label, key in (("Parties", "parties"), ("Processes", "processes")):
            field(label, key)
        for label, key in (("Stages", "stages"), ("Timeout", "timeout")):
            field(label, key)
        add(None, _heading("Run"))
        field("Start method", "start_method")
        field("Workload", "workload")
        field("Seed", "seed")
        add("Speed", _row(self.speed_spin))
        add(None, _heading("Parties (one row per process)"))
        add(None, s["party"].error_label)  # above the table: in view when the table is long
        add(None, s["party"].content)
        add(None, _heading("Action"))
        field(None, "action")
        grid.setRowStretch(grid.rowCount(), 1)
