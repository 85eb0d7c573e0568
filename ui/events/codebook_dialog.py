"""Switching codebook: which one new events use, for the whole workspace or a batch of articles."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QRadioButton, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

SCOPES = ("workspace", "listed", "article")


@dataclass
class CodebookChoice:
    """The coder's answer: the codebook and where it applies ("workspace", "listed", "article")."""

    codebook: Any
    scope: str


class CodebookDialog(QDialog):
    """The available codebooks (the current one selected) and the scope of the switch. Events
    already coded keep the codebook they were coded with; only new events follow."""

    def __init__(self, books: Sequence[Any], current: Any, listed: int, article_title: Optional[str],
                 problems: Sequence[str] = (), parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Codebook")
        self.books = list(books)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("New events are coded with:", self))
        self.list = QListWidget(self)
        for book in self.books:
            item = QListWidgetItem(f"{book.title}  ({book.name} {book.version}, {len(book.fields)} fields)", self.list)
            item.setData(Qt.ItemDataRole.UserRole, book.key)
            if current is not None and book.key == current.key:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.books:
            self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        self.scope_buttons = QButtonGroup(self)
        texts = {"workspace": "for the whole workspace (every article without a codebook of its own)",
                 "listed": f"for the {listed} article{'s' if listed != 1 else ''} the list shows now (its filter)",
                 "article": f"for this article only ({article_title})" if article_title else "for this article only"}
        for i, scope in enumerate(SCOPES):
            button = QRadioButton(texts[scope], self)
            button.setEnabled(scope == "workspace" or (scope == "listed" and listed > 0)
                              or (scope == "article" and article_title is not None))
            self.scope_buttons.addButton(button, i)
            layout.addWidget(button)
        self.scope_buttons.button(0).setChecked(True)
        note = QLabel("Events already coded keep the codebook (and version) they were coded with.", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        for problem in problems:  # a broken codebook file: say which and why, offer the rest
            warn = QLabel(problem, self)
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #a33;")
            layout.addWidget(warn)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_scope(self, scope: str) -> None:
        self.scope_buttons.button(SCOPES.index(scope)).setChecked(True)

    def choice(self) -> Optional[CodebookChoice]:
        row = self.list.currentRow()
        if row < 0:
            return None
        return CodebookChoice(self.books[row], SCOPES[self.scope_buttons.checkedId()])


__all__ = ["CodebookChoice", "CodebookDialog", "SCOPES"]
