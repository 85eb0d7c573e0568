"""Starting the app: QApplication, style, the coder's name on first run, the workspace, the window."""
from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.dialogs import CoderNameDialog
from ui.settings import APPLICATION, ORGANIZATION, Settings

log = logging.getLogger(__name__)
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLE_SHEET = RESOURCES / "style.qss"


def make_application(argv: Optional[list[str]] = None) -> QApplication:
    """The QApplication with names (for QSettings), the Fusion style and our style sheet."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName("Chronicler")
    app.setStyle("Fusion")  # the same look on every platform; the sheet only refines it
    icon = RESOURCES / "icons" / "chronicler.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    apply_style(app)
    return app


def apply_style(app: QApplication) -> None:
    try:
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    except OSError:
        log.warning("style sheet %s missing; using the plain style", STYLE_SHEET)


def ensure_coder_name(settings: Settings, parent: Optional[QWidget] = None) -> Optional[str]:
    """The coder's name, asked for once (first run) and remembered; None if the coder cancels."""
    if settings.coder_name:
        return settings.coder_name
    dialog = CoderNameDialog("", first_run=True, parent=parent)
    if not dialog.exec() or not dialog.value():
        return None
    settings.coder_name = dialog.value()
    return settings.coder_name


def open_workspace_or_explain(db: Optional[str], parent: Optional[QWidget] = None):  # type: ignore[no-untyped-def]
    """The Repository, or None after telling the user why not (offering the latest backup)."""
    from storage.db import WorkspaceError, latest_backup
    from storage.workspace import default_workspace_path, open_workspace

    try:
        return open_workspace(db)
    except WorkspaceError as exc:
        path = Path(db).expanduser() if db else default_workspace_path()
        backup = getattr(exc, "backup", None) or latest_backup(path)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("The workspace cannot be opened")
        box.setText(str(exc))
        if backup is None:
            box.setInformativeText("No backup of this workspace was found. Open another file with --db PATH.")
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.exec()
            return None
        restored = path.with_name(f"{path.stem}.restored{path.suffix}")
        box.setInformativeText(f"A backup exists: {backup.name}\nOpen a copy of it ({restored.name})? "
                               "The damaged file is left untouched.")
        use = box.addButton("Open the backup", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is not use:
            return None
        try:
            shutil.copy2(backup, restored)
            return open_workspace(restored)
        except (OSError, WorkspaceError) as exc2:
            QMessageBox.critical(parent, "The backup cannot be opened either", str(exc2))
            return None


def run_app(db: Optional[str] = None) -> int:
    """The GUI entry point: returns the process exit code."""
    app = make_application()
    settings = Settings()
    base = QFont(app.font())
    base.setPointSize(settings.font_size)
    app.setFont(base)
    coder = ensure_coder_name(settings)
    if coder is None:
        return 1
    repo = open_workspace_or_explain(db)
    if repo is None:
        return 2
    repo.ensure_coder(coder)
    from ui.main_window import MainWindow  # after the checks: the first dialog shows sooner

    window = MainWindow(repo, coder, settings)
    window.show()
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
    return int(app.exec())


__all__ = ["run_app", "make_application", "ensure_coder_name", "open_workspace_or_explain"]
