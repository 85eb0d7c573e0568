"""A dialog to choose among the gazetteer's places of one name (Kano, Nigeria or Kano, ...)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("Name", "Kind", "Admin 1", "Country", "Latitude", "Longitude", "Population")


def _row(entry: Any) -> list[str]:
    lat = f"{entry.latitude:.4f}" if entry.latitude is not None else ""
    lon = f"{entry.longitude:.4f}" if entry.longitude is not None else ""
    return [entry.name, entry.kind, entry.admin1 or "", entry.country or entry.country_code, lat, lon,
            f"{entry.population:,}" if entry.population else ""]


class PlacePickerDialog(QDialog):
    """Candidates best first; type to filter, arrows to move, Enter to choose, Esc to keep
    the current choice."""

    def __init__(self, query: str, candidates: Sequence[Any], parent: Optional[QWidget] = None,
                 current: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Which \u201c{query}\u201d?")
        self.candidates = list(candidates)
        layout = QVBoxLayout(self)
        n = len(self.candidates)
        layout.addWidget(QLabel(f"{n} place{'s are' if n != 1 else ' is'} called \u201c{query}\u201d. "
                                "Choose the one the article means:"))
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("filter by country or admin 1")
        self.filter.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter)
        self.table = QTableWidget(len(self.candidates), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for r, entry in enumerate(self.candidates):
            for c, text in enumerate(_row(entry)):
                item = QTableWidgetItem(text)
                if c >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (0, 2, 3):  # the names take the spare width
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        start = self.candidates.index(current) if current in self.candidates else 0
        if self.candidates:
            self.table.selectRow(start)
        self.resize(760, 360)
        self.table.setFocus()

    def _apply_filter(self, text: str) -> None:
        key = text.strip().casefold()
        first_visible = None
        for r, entry in enumerate(self.candidates):
            hidden = bool(key) and not any(key in cell.casefold() for cell in _row(entry)[:4])
            self.table.setRowHidden(r, hidden)
            if not hidden and first_visible is None:
                first_visible = r
        if first_visible is not None:
            self.table.selectRow(first_visible)

    def chosen(self) -> Optional[Any]:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.table.isRowHidden(rows[0].row()):
            return None
        return self.candidates[rows[0].row()]


def pick_place(query: str, candidates: Sequence[Any], parent: Optional[QWidget] = None,
               current: Optional[Any] = None) -> Optional[Any]:
    """Ask the coder; the chosen candidate, or None when cancelled."""
    dialog = PlacePickerDialog(query, candidates, parent, current)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.chosen()
    return None
