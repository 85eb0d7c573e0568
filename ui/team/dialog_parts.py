"""What the team dialogs (assign, merge) share: a Close box with the dialog's one action
button, buttons that Enter never presses, and the padded column they are laid out in."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout


def close_and_action(dialog: QDialog, text: str, name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Close plus the dialog's action (Assign, Merge), which runs the job without closing."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    action = buttons.addButton(text, QDialogButtonBox.ButtonRole.ApplyRole)
    action.setObjectName(name)
    return buttons, action


def padded_column(dialog: QDialog) -> QVBoxLayout:
    """The dialog's layout. Enter in a text box adds what is typed there: it must not also press
    a button, which a dialog's default button would (so no button is a default)."""
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(20, 18, 20, 14)
    layout.setSpacing(10)
    return layout
