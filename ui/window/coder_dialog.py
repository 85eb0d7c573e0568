"""The coder's name: asked at first start and from Edit > Coder name."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout,
    QLabel, QLineEdit, QVBoxLayout, QWidget,
)


class CoderNameDialog(QDialog):
    """Asked once, on first start: the name stamped on every span and event the coder makes."""

    def __init__(self, current: str = "", first_run: bool = True, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("coderNameDialog")
        self.setWindowTitle("Welcome to Chronicler" if first_run else "Coder name")
        intro = QLabel(
            "Your name (or initials) is stored with every highlight and event you code, so a "
            "team can tell whose work is whose and measure agreement. Cancel uses your login name "
            "until you set one in Edit \u203a Coder name." if first_run else
            "The name stored with the highlights and events you code from now on.", self)
        intro.setWordWrap(True)
        self.name = QLineEdit(current, self)
        self.name.setObjectName("coderName")
        self.name.setPlaceholderText("e.g. Ana Silva")
        self.name.setMaxLength(80)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._update_ok)
        form = QFormLayout()
        form.addRow("Your name:", self.name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.value()))

    def value(self) -> str:
        return " ".join(self.name.text().split())


__all__ = ["CoderNameDialog"]
