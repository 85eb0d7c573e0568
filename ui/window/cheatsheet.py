"""The F1 cheat sheet: every action of the window's menus with its keys, searchable."""
from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QLineEdit, QMenu,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)


def shortcut_text(action: QAction) -> str:
    keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
    return "  or  ".join(keys)


def clean_text(text: str) -> str:
    """A menu text without its mnemonic ampersands and trailing dots."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip(".…").strip()


def collect_actions(menus: Iterable[QMenu]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every visible action, submenus included, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, title: str) -> None:
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{title} › {clean_text(sub.title())}")
                continue
            rows.append((title, clean_text(action.text()), shortcut_text(action)))

    for menu in menus:
        walk(menu, clean_text(menu.title()))
    return rows


class CheatSheetDialog(QDialog):
    """A table of all actions; typing filters it. Built fresh from the QActions, so it never
    disagrees with the keys that really work."""

    def __init__(self, menus: Iterable[QMenu], extra: Iterable[tuple[str, str, str]] = (),
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("cheatSheet")
        self.setWindowTitle("Keyboard cheat sheet")
        self.rows = collect_actions(menus) + list(extra)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type to find an action or a key")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for r, (menu, text, keys) in enumerate(self.rows):
            for c, value in enumerate((menu, text, keys)):
                item = QTableWidgetItem(value)
                if c == 2:
                    item.setData(Qt.ItemDataRole.FontRole, self._key_font())
                self.table.setItem(r, c, item)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hint = QLabel("Reader keys work while the text has focus (Ctrl+2); Alt+Left/Right move "
                      "between highlights from anywhere.", self)
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self.apply_filter)
        height = parent.height() * 0.85 if parent is not None else 700
        self.resize(760, int(max(520, min(860, height))))

    def _key_font(self):  # type: ignore[no-untyped-def]
        font = self.font()
        font.setBold(True)
        return font

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r, row in enumerate(self.rows):
            self.table.setRowHidden(r, bool(needle) and not any(needle in v.lower() for v in row))

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [row for r, row in enumerate(self.rows) if not self.table.isRowHidden(r)]


__all__ = ["CheatSheetDialog", "collect_actions", "shortcut_text"]
