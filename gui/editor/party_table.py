"""The party table of the scenario editor: one row per process (name, work range, per-stage).

Why a model of plain rows rather than PartySpec objects: while editing, a row may be invalid
(empty name, min > max, unreadable per-stage text).  The rows hold what the user typed; the
panel turns them into a dict and lets the one scenario validator judge it, then marks the
offending cells here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from engine.scenario import DEFAULT_WORK, PartySpec, WorkTime
from gui.style.palette import BROKEN_COLOUR

NAME, WORK_MIN, WORK_MAX, BY_STAGE = range(4)
HEADERS = ("Name", "Min (s)", "Max (s)", "Per stage")
HEADER_TIPS = (
    "The party's name, shown on its lane.",
    "Shortest work time per stage, in seconds.",
    "Longest work time per stage (equal to min: always the same time).",
    'Optional, one work time per stage: numbers or lo-hi ranges, e.g. "1.0, 0.5-1.5".',
)
OVERRIDES_HELP = 'write numbers or lo-hi ranges separated by commas, e.g. "1.0, 0.5-1.5"'

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ENTRY = re.compile(rf"^({_NUMBER})\s*s?\s*(?:(?:-|–|\.\.)\s*({_NUMBER})\s*s?)?$")
AnyIndex = QModelIndex | QPersistentModelIndex


def format_seconds(value: float) -> str:
    """Shortest exact spelling (repr), so text → float → text loses nothing."""
    return repr(float(value))


def display_seconds(value: float) -> str:
    """Short, tidy spelling for a table cell: "2.0", "0.25", "0.3333"."""
    text = f"{value:.4g}"
    return text if any(ch in text for ch in ".e") else f"{text}.0"


def format_overrides(by_stage: tuple[WorkTime, ...] | None) -> str:
    if by_stage is None:
        return ""
    parts = (
        format_seconds(w.lo) if w.fixed else f"{format_seconds(w.lo)}-{format_seconds(w.hi)}"
        for w in by_stage
    )
    return ", ".join(parts)


def parse_overrides(text: str) -> list[list[float]] | None:
    """ "1.0, 0.5-1.5" → [[1.0, 1.0], [0.5, 1.5]]; blank → None; ValueError names a bad entry.

    Lenient on purpose: spaces, an "s" unit, "–" or ".." for ranges are all accepted.  Range
    order (min > max) is left to the validator, which words it like a file error would.
    """
    if not text.strip():
        return None
    out: list[list[float]] = []
    for entry in (part.strip() for part in text.split(",")):
        match = _ENTRY.match(entry)
        if match is None:
            shown = f'"{entry}"' if entry else "an empty entry"
            raise ValueError(f"cannot read {shown}: {OVERRIDES_HELP}")
        lo = float(match.group(1))
        hi = float(match.group(2)) if match.group(2) is not None else lo
        out.append([lo, hi])
    return out


@dataclass
class PartyRow:
    """One row as typed; `extra` holds [[party]] keys the table does not show (e.g. a fault),
    so they stay with this party when other rows are added or removed."""

    name: str
    lo: float
    hi: float
    by_stage: str = ""
    extra: dict[str, object] = field(default_factory=dict)


class PartyTableModel(QAbstractTableModel):
    """Rows of PartyRow plus the cells currently marked as invalid."""

    row_edited = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PartyRow] = []
        self._errors: dict[tuple[int, int], str] = {}

    # ----- content ------------------------------------------------------------------------
    def rows(self) -> list[PartyRow]:
        return list(self._rows)

    def set_parties(
        self, parties: tuple[PartySpec, ...], extras: list[dict[str, object]] | None = None
    ) -> None:
        more = extras if extras is not None and len(extras) == len(parties) else None
        self.beginResetModel()
        self._rows = [
            PartyRow(
                p.name,
                p.work.lo,
                p.work.hi,
                format_overrides(p.work_by_stage),
                dict(more[i]) if more is not None else {},
            )
            for i, p in enumerate(parties)
        ]
        self._errors.clear()
        self.endResetModel()

    def _default_row(self, taken: set[str]) -> PartyRow:
        """ "Party N" with the smallest N (from the row count up) that is not taken."""
        number = len(self._rows) + 1
        while f"Party {number}" in taken:
            number += 1
        return PartyRow(f"Party {number}", DEFAULT_WORK.lo, DEFAULT_WORK.hi)

    def insert_default(self, position: int) -> None:
        position = max(0, min(position, len(self._rows)))
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, self._default_row({r.name.strip() for r in self._rows}))
        self._errors.clear()  # indices shift; the panel re-validates on demand
        self.endInsertRows()

    def remove(self, position: int) -> None:
        if 0 <= position < len(self._rows):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self._errors.clear()
            self.endRemoveRows()

    def resize(self, count: int) -> None:
        """Grow with default rows or shrink from the end until there are `count` rows."""
        while len(self._rows) < count:
            self.insert_default(len(self._rows))
        while len(self._rows) > count:
            self.remove(len(self._rows) - 1)

    # ----- errors -------------------------------------------------------------------------
    def mark_error(self, row: int, columns: tuple[int, ...], message: str) -> None:
        for column in columns:
            self._errors[(row, column)] = message
            cell = self.index(row, column)
            self.dataChanged.emit(cell, cell)

    def clear_errors(self) -> None:
        if self._errors:
            self._errors.clear()
            self._emit_all()

    def error_cells(self) -> dict[tuple[int, int], str]:
        return dict(self._errors)

    def _emit_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, BY_STAGE))

    # ----- QAbstractTableModel ------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        error = self._errors.get((index.row(), column))
        unused = column in (WORK_MIN, WORK_MAX) and bool(row.by_stage.strip())
        if unused and role == Qt.ItemDataRole.DisplayRole:
            return "—"  # the per-stage times apply: Min/Max are not used for this party
        if unused and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#8A8F98")
        if unused and role == Qt.ItemDataRole.ToolTipRole and error is None:
            return "Not used: this party's per-stage times apply (clear them to use Min/Max)."
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = (row.name, row.lo, row.hi, row.by_stage)[column]
            if role == Qt.ItemDataRole.DisplayRole and isinstance(value, float):
                return display_seconds(value)
            return value
        if role == Qt.ItemDataRole.BackgroundRole and error is not None:
            colour = QColor(BROKEN_COLOUR)
            colour.setAlpha(70)
            return colour
        if role == Qt.ItemDataRole.ToolTipRole:
            if error is not None:
                return error
            if column == BY_STAGE and row.by_stage.strip():
                return f"{row.by_stage}\n{HEADER_TIPS[column]}"
            hidden = ", ".join(f"{k} = {v}" for k, v in row.extra.items())
            return f"{HEADER_TIPS[column]}\n(also: {hidden})" if hidden else HEADER_TIPS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (WORK_MIN, WORK_MAX):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, column = self._rows[index.row()], index.column()
        if column in (WORK_MIN, WORK_MAX):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            setattr(row, "lo" if column == WORK_MIN else "hi", float(value))
        elif column == NAME:
            row.name = str(value)
        else:
            row.by_stage = str(value)
        for key in [k for k in self._errors if k[0] == index.row()]:
            del self._errors[key]  # this row changed: its old complaint may no longer apply
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), BY_STAGE))
        self.row_edited.emit(index.row())
        return True
