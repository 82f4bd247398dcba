"""The party table widget: the table view plus "Add party" / "Remove party" buttons.

Why the table sizes itself to its rows (up to a limit): inside the editor's scroll area a
three-party scenario should not leave a tall empty box, while a crowd of 32 scrolls inside the
table instead of pushing the action settings off screen.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.scenario import MAX_PROCESSES, MAX_WORK, PartySpec
from gui.editor.party_table import BY_STAGE, NAME, WORK_MAX, WORK_MIN, AnyIndex, PartyTableModel

VISIBLE_ROWS = 8


class WorkDelegate(QStyledItemDelegate):
    """Edits work seconds in a spin box bounded like the validator (0 … MAX_WORK)."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        spin = QDoubleSpinBox(parent)
        spin.setRange(0.0, MAX_WORK)
        spin.setDecimals(3)
        spin.setSingleStep(0.1)
        spin.setFrame(False)
        return spin

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if not isinstance(editor, QDoubleSpinBox):
            return
        old = float(index.data(Qt.ItemDataRole.EditRole))
        if editor.value() != round(old, editor.decimals()):  # unedited: keep the exact value
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class PartyEditor(QWidget):
    """Edits the [[party]] tables; `rows_changed(n)` fires when rows are added or removed."""

    rows_changed = Signal(int)
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PartyTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self._delegate = WorkDelegate(self.view)
        for column in (WORK_MIN, WORK_MAX):
            self.view.setItemDelegateForColumn(column, self._delegate)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(BY_STAGE, QHeaderView.ResizeMode.Interactive)
        for column in (WORK_MIN, WORK_MAX):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)

        self.add_button = QPushButton("+  Add party")
        self.add_button.setToolTip("Add a process (and its row) after the selected one.")
        self.remove_button = QPushButton("−  Remove party")
        self.remove_button.setToolTip("Remove the selected process (or the last one).")
        self.add_button.clicked.connect(self.add_party)
        self.remove_button.clicked.connect(self.remove_party)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

        self.model.row_edited.connect(lambda _row: self.edited.emit())
        self.model.modelReset.connect(self._rows_settled)
        self.model.rowsInserted.connect(self._rows_settled)
        self.model.rowsRemoved.connect(self._rows_settled)
        self._rows_settled()

    def set_parties(
        self, parties: tuple[PartySpec, ...], extras: list[dict[str, object]] | None = None
    ) -> None:
        self.model.set_parties(parties, extras)

    def row_count(self) -> int:
        return self.model.rowCount()

    def set_row_count(self, count: int) -> None:
        self.model.resize(count)

    def add_party(self) -> None:
        if self.row_count() >= MAX_PROCESSES:
            return
        current = self.view.currentIndex()
        position = current.row() + 1 if current.isValid() else self.row_count()
        self.model.insert_default(position)
        self.view.selectRow(position)
        self.rows_changed.emit(self.row_count())

    def remove_party(self) -> None:
        if self.row_count() <= 1:
            return
        current = self.view.currentIndex()
        position = current.row() if current.isValid() else self.row_count() - 1
        self.model.remove(position)
        self.rows_changed.emit(self.row_count())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._rows_settled()

    def _rows_settled(self) -> None:
        """Fit the height to the rows and keep the buttons honest about what they can do.

        Per-stage text is usually empty or short, so its column gets a sample's width and
        the name column all the rest (long names are what people want to read).
        """
        sample = self.view.fontMetrics().horizontalAdvance("0.5-1.5, 1.0")
        self.view.horizontalHeader().resizeSection(BY_STAGE, sample + 16)
        rows = self.row_count()
        self.add_button.setEnabled(rows < MAX_PROCESSES)
        self.remove_button.setEnabled(rows > 1)
        row_height = self.view.verticalHeader().defaultSectionSize()
        visible = max(1, min(rows, VISIBLE_ROWS))
        frame = self.view.frameWidth() * 2
        header = self.view.horizontalHeader().sizeHint().height()
        self.view.setFixedHeight(header + visible * row_height + frame + 2)
