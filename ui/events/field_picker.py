"""Ctrl+J: a small list of the event's fields with type-ahead, so the coder jumps to one in a
few keys instead of walking the form with Alt+Down."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class FieldPicker(QDialog):
    """Type part of a field's label (or name): the list narrows; Enter takes the first match."""

    def __init__(self, fields: Sequence[tuple[str, str]], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldPicker")
        self.setWindowTitle("Go to field")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("type part of a field name")
        self.list = QListWidget(self)
        for name, label in fields:
            item = QListWidgetItem(f"{label}  ({name})" if label != name else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._narrow)
        self.filter.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.setCurrentRow(0)
        self.filter.setFocus()
        self.resize(320, 360)

    def _narrow(self, text: str) -> None:
        words = text.casefold().split()
        first = -1
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first < 0:
                first = i
        self.list.setCurrentRow(first)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Up/Down move in the list while the cursor stays in the filter.
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = self.list.currentRow() + step
            while 0 <= row < self.list.count() and self.list.item(row).isHidden():
                row += step
            if 0 <= row < self.list.count():
                self.list.setCurrentRow(row)
            return
        super().keyPressEvent(event)

    def chosen(self) -> Optional[str]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None


def pick_field(fields: Sequence[tuple[str, str]], parent: Optional[QWidget] = None) -> Optional[str]:
    dialog = FieldPicker(fields, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


__all__ = ["FieldPicker", "pick_field"]
