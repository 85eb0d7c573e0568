"""File > Open workspace…: a workspace file or a team's server database (a URL), opened in a new
window. The password of a server is asked here and handed to the new window's environment; it is
never stored in the settings nor shown on a command line."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QWidget)

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Launch:
    """How to start the new window: the command and the environment entries it needs."""

    program: str
    args: list[str]
    env: dict[str, str]


def check_target(text: str) -> tuple[Optional[str], str]:
    """(the workspace to open, "") or (None, why not): an existing file, or a server URL."""
    from storage.dburl import BadWorkspaceURL, is_url, parse_server_url, url_without_password

    text = text.strip()
    if not text:
        return None, "Type a workspace file or a postgresql:// URL."
    if is_url(text):
        try:
            parse_server_url(text)
        except BadWorkspaceURL as exc:
            return None, str(exc)
        return url_without_password(text), ""
    path = Path(text).expanduser()
    if not path.is_file():
        return None, f"{path}: no workspace file there"
    return str(path), ""


def launch_for(target: str, password: str = "") -> Launch:
    """The command opening `target` in a new Chronicler window; a password goes in PGPASSWORD."""
    env = {"PGPASSWORD": password} if password else {}
    return Launch(sys.executable, [str(ROOT / "main.py"), "--db", target], env)


def start(launch: Launch) -> bool:
    from PySide6.QtCore import QProcess, QProcessEnvironment

    process = QProcess()
    process.setProgram(launch.program)
    process.setArguments(launch.args)
    process.setWorkingDirectory(str(ROOT))
    if launch.env:
        environment = QProcessEnvironment.systemEnvironment()
        for key, value in launch.env.items():
            environment.insert(key, value)
        process.setProcessEnvironment(environment)
    ok, _pid = process.startDetached()
    return bool(ok)


class OpenWorkspaceDialog(QDialog):
    """A file (Choose…) or a server URL with its password; recent ones offered (no passwords)."""

    def __init__(self, recent: Sequence[str] = (), parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("openWorkspaceDialog")
        self.setWindowTitle("Open workspace")
        self.where = QComboBox(self)
        self.where.setEditable(True)
        self.where.addItems(list(recent))
        self.where.setCurrentText(recent[0] if recent else "")
        self.where.lineEdit().setPlaceholderText("a .sqlite file, or postgresql://user@host:port/dbname")
        browse = QPushButton("Choose file…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.where, 1)
        row.addWidget(browse)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("for a server workspace (not stored)")
        self.problem = QLabel("", self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        form = QFormLayout(self)
        form.addRow("Workspace:", row)
        form.addRow("Password:", self.password)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a workspace file", "",
                                              "Chronicler workspaces (*.sqlite);;All files (*)")
        if path:
            self.where.setCurrentText(path)

    def accept(self) -> None:
        target, problem = check_target(self.where.currentText())
        if target is None:
            self.problem.setText(problem)
            return
        self.target = target
        super().accept()


__all__ = ["Launch", "OpenWorkspaceDialog", "check_target", "launch_for", "start"]
