"""The workspace's actor list: names with their inter codes and aliases, to check and correct."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coding.actors import INTER_LABELS, guess_inter_code
from storage.repository import Repository

NO_CODE = "—"


class ActorListDialog(QDialog):
    """Each change is saved at once (the actor list is workspace data, outside undo)."""

    def __init__(self, repo: Repository, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Actor list")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Actors named in this workspace. Choosing an actor in an event fills its "
                                "inter code from here; aliases are other names for the same actor."))
        top = QHBoxLayout()
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("filter")
        self.filter.textChanged.connect(self._apply_filter)
        top.addWidget(self.filter, 1)
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText("new actor name")
        self.new_name.returnPressed.connect(self._add)
        top.addWidget(self.new_name, 1)
        add = QPushButton("Add", self)
        add.clicked.connect(self._add)
        top.addWidget(add)
        layout.addLayout(top)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Name", "Inter code", "Aliases (separated by ;)"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._alias_edited)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 480)
        self.reload()

    def reload(self) -> None:
        self.table.blockSignals(True)
        actors = self.repo.actors()
        self.table.setRowCount(len(actors))
        for row, actor in enumerate(actors):
            name = QTableWidgetItem(actor.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, name)
            combo = QComboBox(self.table)
            combo.addItem(NO_CODE, None)
            for code, label in INTER_LABELS.items():
                combo.addItem(f"{code} - {label}", code)
            combo.setCurrentIndex(max(combo.findData(actor.inter_code), 0) if actor.inter_code else 0)
            combo.activated.connect(lambda _i, n=actor.name, c=combo: self._code_chosen(n, c.currentData()))
            self.table.setCellWidget(row, 1, combo)
            self.table.setItem(row, 2, QTableWidgetItem("; ".join(actor.aliases or [])))
        self.table.blockSignals(False)
        self._apply_filter(self.filter.text())

    def _code_chosen(self, name: str, code: Optional[int]) -> None:
        if code is not None:
            self.repo.upsert_actor(name, code)

    def _alias_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 2:
            return
        name = self.table.item(item.row(), 0).text()
        aliases = [a.strip() for a in item.text().split(";") if a.strip()]
        self.repo.upsert_actor(name, None, aliases)

    def _add(self) -> None:
        name = " ".join(self.new_name.text().split())
        if not name:
            return
        self.repo.upsert_actor(name, guess_inter_code(name))
        self.new_name.clear()
        self.reload()

    def _apply_filter(self, text: str) -> None:
        key = text.strip().casefold()
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c).text().casefold() for c in (0, 2)]
            self.table.setRowHidden(row, bool(key) and not any(key in c for c in cells))
