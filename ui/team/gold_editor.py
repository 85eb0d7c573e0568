"""The gold cell's editor: the codebook's choices for a choice field, a line of text otherwise."""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Index = QModelIndex | QPersistentModelIndex


class GoldDelegate(QStyledItemDelegate):
    """Edits the gold column of a VersionFieldsModel (its specs give each field's type)."""

    def __init__(self, fields: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.fields = fields  # the VersionFieldsModel: names and specs

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        spec = self.fields.specs.get(self.fields.names[index.row()])
        if spec is not None and spec.type == "choice" and spec.choices:
            combo = QComboBox(parent)
            combo.setObjectName("goldChoice")
            combo.addItem("—", "")
            for choice in spec.choices:
                label = spec.labels.get(choice)
                combo.addItem(f"{choice} ({label})" if label and label != str(choice) else str(choice), str(choice))
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName("goldText")
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(text), 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


__all__ = ["GoldDelegate"]
