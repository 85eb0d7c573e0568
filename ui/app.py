"""Starting the app: QApplication, style, the coder's name on first run, the workspace, the window."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QAbstractEventDispatcher, QCoreApplication, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ui.settings import APPLICATION, ORGANIZATION, Settings

# Cold start: what only a first run or a failure needs (the coder-name dialog, message boxes)
# is imported where it is used; each PySide6 class costs its wrapper and enums on first import.
if TYPE_CHECKING:
    from storage.db import WorkspaceError
    from storage.repository import Repository
    from ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLE_SHEET = RESOURCES / "style.qss"
# The workspace opens this long after show() at the latest, even if the window is never exposed.
FIRST_PAINT_WAIT_MS = 1000
# How long quitting waits for thread jobs still running (short reads: a count, a check).
JOBS_AT_QUIT_S = 5.0


def make_application(argv: Optional[list[str]] = None) -> QApplication:
    """The QApplication with names (for QSettings), the Fusion style and our style sheet."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    # Fusion: the same look on every platform; the sheet only refines it. Asked for on the
    # command line Qt reads, not with setStyle(): that returns the style to Python, and wrapping
    # a QStyle builds its twenty enums (800 members), a tenth of a bare window's start.
    if not isinstance(app, QApplication):
        app = QApplication([*(argv if argv is not None else sys.argv[:1]), "-style", "Fusion"])
    elif app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setApplicationDisplayName("Chronicler")
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


def ensure_coder_name(settings: Settings, parent: Optional[QWidget] = None) -> str:
    """The coder's name, asked for once (first run) and remembered at once (a killed app keeps
    it). Cancel does not quit: the computer's login name stands in until the coder sets one in
    Edit > Coder name, so every decision still says who made it."""
    if settings.coder_name:
        return settings.coder_name
    dialog = sys.modules[__name__].CoderNameDialog("", first_run=True, parent=parent)  # see __getattr__
    if dialog.exec() and dialog.value():
        settings.coder_name = dialog.value()
    else:
        settings.coder_name = login_name()
    return settings.coder_name


def __getattr__(name: str) -> Any:
    """ui.app.CoderNameDialog, imported on first use: only a first run shows it (tests stand
    their own in for it)."""
    if name == "CoderNameDialog":
        from ui.window.coder_dialog import CoderNameDialog

        return CoderNameDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser() or "coder"
    except (KeyError, OSError):  # no login name in a container
        return "coder"


def open_workspace_or_explain(db: Optional[str], parent: Optional[QWidget] = None):  # type: ignore[no-untyped-def]
    """The Repository, or None after telling the user why not (offering the latest backup)."""
    from storage.db import WorkspaceError
    from storage.workspace import open_workspace

    try:
        return open_workspace(db)
    except WorkspaceError as exc:
        return explain_workspace_error(exc, db, parent)


def explain_workspace_error(exc: "WorkspaceError", db: Optional[str],
                            parent: Optional[QWidget] = None) -> Optional["Repository"]:
    """Tell the user why the workspace cannot be opened, offering to open a copy of its latest
    backup: that Repository, or None."""
    from PySide6.QtWidgets import QMessageBox

    from storage.db import WorkspaceError, latest_backup, restored_copy
    from storage.workspace import default_workspace_path, open_workspace

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
    box.setInformativeText(f"A backup exists: {backup.name}\nOpen a copy of it ({path.stem}.restored...)? "
                           "The damaged file and earlier restored copies are left untouched.")
    use = box.addButton("Open the backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is not use:
        return None
    try:
        return open_workspace(restored_copy(backup, path))
    except (OSError, WorkspaceError) as exc2:
        QMessageBox.critical(parent, "The backup cannot be opened either", str(exc2))
        return None


def open_for_window(db: Optional[str], coder: str, codebook_name: str, progress: Any = None,
                    cancelled: Any = None, model: str = "") -> Any:
    """Runs on a worker thread (ui.jobs.job.Job): opens the workspace (importing SQLModel, migrating,
    seeding the samples with the suggestions shipped for `model`), records the coder and loads
    the codebook. Returns (repo, codebook), or the WorkspaceError for the GUI thread to explain."""
    from storage.db import WorkspaceError
    from storage.workspace import open_workspace
    from ui.window.main_window import load_codebook

    try:
        repo = open_workspace(db, model=model or None)
    except WorkspaceError as exc:
        return exc
    try:
        repo.ensure_coder(coder)
        repo.coder = coder  # named on each edit (updated_by) and in other coders' conflicts
        return repo, load_codebook(codebook_name, repo)
    except Exception as exc:  # opened, but its tables hold what we cannot read: the file's problem
        log.error("Reading the workspace %s failed", repo.location, exc_info=True)
        repo.close()
        return damaged_workspace(repo, exc)


def damaged_workspace(repo: "Repository", exc: BaseException) -> "WorkspaceError":
    """A workspace that opened but could not be read or shown: the file and the problem in one
    line (the latest backup offered, as for a file that does not open)."""
    from storage.db import WorkspaceError, workspace_error

    problem = f"opened, but could not be read ({exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    if repo.path is None:
        return WorkspaceError(f"{repo.location}: {problem}", problem=problem)
    return workspace_error(repo.path, problem)


def quit_app(code: int) -> None:
    """End the event loop with this exit code (the workspace could not be opened)."""
    app = QApplication.instance()
    if app is not None:
        app.exit(code)


def start_opening(window: "MainWindow", db: Optional[str]) -> Any:
    """Open the workspace off the GUI thread and attach it to the (already shown) window. If it
    cannot be opened (and the user declines or cannot use a backup) the app exits with code 2."""
    from ui.jobs.job import Job, bug_details

    def give_up() -> None:
        quit_app(2)

    def opened(result: Any) -> None:
        if isinstance(result, tuple):
            repo, codebook = result
        else:
            repo, codebook = explain_workspace_error(result, db, window), None
            if repo is None:
                give_up()
                return
            repo.ensure_coder(window.coder)
        attach_whole(window, repo, codebook, db, give_up)

    def failed(error: BaseException) -> None:  # not a WorkspaceError: a bug, or the disk went away
        from PySide6.QtWidgets import QMessageBox

        log.error("Opening the workspace failed:\n%s", bug_details(error))
        QMessageBox.critical(window, "The workspace cannot be opened", str(error) or error.__class__.__name__)
        give_up()

    runner = Job(open_for_window, db, window.coder, window.settings.codebook_name,
                 name="open workspace", parent=window, model=window.settings.model_name)
    runner.finished.connect(opened)
    runner.failed.connect(failed)
    window.opening = runner
    return runner.start()


def attach_whole(window: "MainWindow", repo: "Repository", codebook: Any, db: Optional[str],
                 give_up: Any, offer_backup: bool = True) -> None:
    """Build the window on the workspace, whole or not at all: if building it fails (a value the
    panels cannot show), the half-built window is closed, the file and the problem are told
    (the backup offered) and a backup the user opens gets a new window."""
    from ui.window.main_window import MainWindow

    try:
        window.attach(repo, codebook)
        return
    except Exception as exc:
        log.error("Building the window on %s failed", repo.location, exc_info=True)
        error = damaged_workspace(repo, exc)
    settings, coder = window.settings, window.coder
    window.shutdown_half_built()
    repo.close()
    if not offer_backup:  # already the backup's copy: no second offer of the same backup
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(window, "The workspace cannot be opened", str(error))
        window.close()
        give_up()
        return
    restored = explain_workspace_error(error, db, window)
    window.close()
    if restored is None:
        give_up()
        return
    restored.ensure_coder(coder)
    fresh = MainWindow(None, coder, settings)
    fresh.show()
    attach_whole(fresh, restored, None, str(restored.location), give_up, offer_backup=False)


def run_app(db: Optional[str] = None) -> int:
    """The GUI entry point: returns the process exit code. The window shows at once (empty,
    "Opening workspace…") and the workspace opens on a worker thread, then fills it."""
    app = make_application()
    settings = Settings()
    base = QFont(app.font())
    base.setPointSize(settings.font_size)
    app.setFont(base)
    coder = ensure_coder_name(settings)
    from ui.window.main_window import MainWindow

    window = MainWindow(None, coder, settings)
    window.show()  # no icons in menus: set by attach() (Qt's enums cost ~20 ms to load)
    after_first_paint(window, lambda: start_opening(window, db))
    code = int(app.exec())
    if "ui.jobs.job" in sys.modules:  # some job ran: none may outlive the application
        from ui.jobs.job import finish_thread_jobs

        finish_thread_jobs(JOBS_AT_QUIT_S)
    return code


def after_first_paint(window: QWidget, then: Callable[[], Any], latest_ms: int = FIRST_PAINT_WAIT_MS) -> None:
    """Run `then` once the window is on screen: the first time the event loop goes idle with
    the window exposed (its first frame painted), or after `latest_ms` if it is never exposed
    (started minimized, on another desktop). The opener's thread imports SQLAlchemy for a few
    hundred milliseconds, holding the GIL the GUI thread needs for every Python call of the
    first paint: started before it, it made the empty window show a fifth later."""
    dispatcher = QAbstractEventDispatcher.instance()
    done: list[bool] = []

    def run() -> None:
        if done:
            return
        done.append(True)
        dispatcher.aboutToBlock.disconnect(idle)
        then()

    def idle() -> None:
        handle = window.windowHandle()
        if not done and handle is not None and handle.isExposed():
            # Not from inside the dispatcher's signal: `then` may show a dialog (a nested loop).
            QTimer.singleShot(0, run)

    dispatcher.aboutToBlock.connect(idle)
    QTimer.singleShot(latest_ms, run)


__all__ = ["run_app", "make_application", "ensure_coder_name", "open_workspace_or_explain",
           "explain_workspace_error", "open_for_window", "start_opening", "after_first_paint"]
