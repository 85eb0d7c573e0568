"""The main window: the composition of list | reader | event panel, menus, undo, jobs and layout."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QStatusBar, QWidget

from ui.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, Settings
from ui.window.shell import MENU_TITLES, build_splitter, load_codebook, make_shell_menus, put_panels

log = logging.getLogger(__name__)

# Cold start: the window shows before the workspace opens, so nothing here (nor in the shell
# modules ui.window.shell / ui.window.menus) may import storage (SQLModel/SQLAlchemy cost more
# than PySide6 itself); the panels come in attach(). The shell also keeps clear of PySide6's `Qt`
# namespace: building it costs ~20 ms, a sixth of a bare PySide6 window's start, so Qt is
# imported where it is used, after the window shows; so are the classes only a later event or
# dialog needs (each costs its wrapper and enums on first import), and the full menus.
if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QMenu

    from storage.repository import ArticleBundle, Repository
    from ui.articles.list_panel import ArticleListPanel
    from ui.articles.status_actions import StatusActions
    from ui.events.panel import EventPanel
    from ui.jobs.controller import JobController
    from ui.reader.panel import ReaderPanel
    from ui.undo import WorkspaceSignals
    from ui.window.change_poller import ChangePoller
    from ui.window.status_bar import StatusBar
    from ui.window.sync import WindowSync
    from ui.window.team import TeamActions
    from ui.writer import DatabaseWriter


class MainWindow(QMainWindow):
    """Holds the workspace, the single undo stack, the signals and the three panels; it builds
    every part and hands each the collaborators it needs.

    With a repo the window is complete when constructed (tests, tools). With repo=None it is a
    shell that shows at once (empty panels, "Opening workspace…"); attach(repo) then builds the
    panels, menus and jobs when the workspace has been opened off the GUI thread (ui.app)."""

    # Built by attach(): absent while the workspace is still opening.
    signals: WorkspaceSignals
    list_panel: ArticleListPanel
    reader: ReaderPanel
    event_panel: EventPanel
    jobs: JobController
    status_actions: StatusActions
    status: StatusBar
    changes: ChangePoller  # other programs' edits
    writer: DatabaseWriter  # the one thread that writes this window's edits
    sync: WindowSync
    team: TeamActions  # the Team menu's windows and dialogs, File > Merge workspaces
    undo_action: QAction
    redo_action: QAction

    def __init__(self, repo: Optional[Repository], coder: str, settings: Settings,
                 parent: Optional[QWidget] = None, start_jobs: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.repo: Optional[Repository] = None
        self.coder, self.settings = coder, settings
        self._start_jobs = start_jobs
        self._attached = False
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(1000)  # ui.undo.UNDO_LIMIT (not imported here: cold start)
        self.codebook: Any = None
        self.opening: Any = None  # the Job opening the workspace (ui.app.start_opening)
        self.setWindowTitle("Opening workspace… — Chronicler")
        self.setStatusBar(QStatusBar(self))  # the jobs' status bar comes with the workspace
        self.splitter = build_splitter(self)
        self.setCentralWidget(self.splitter)
        self.shell_menus = make_shell_menus(self.menuBar(), self, self.close)
        self.menus: list[QMenu] = self.shell_menus.menus
        self.quit_action: QAction = self.shell_menus.quit_action
        self.apply_font_size(settings.font_size)
        self.restore_layout()
        if repo is not None:
            self.attach(repo)

    def attach(self, repo: Repository, codebook: Any = None) -> None:
        """The workspace is open: build the panels, jobs and menus on it and show its articles.
        `codebook`: already loaded (by the background opener), else loaded here."""
        from PySide6.QtCore import Qt, QTimer

        from ui.articles.list_panel import ArticleListPanel
        from ui.articles.status_actions import StatusActions
        from ui.events.panel import EventPanel
        from ui.jobs.controller import JobController
        from ui.reader.panel import ReaderPanel
        from ui.undo import WorkspaceSignals
        from ui.writer import DatabaseWriter
        from ui.window.change_poller import ChangePoller
        from ui.window.menus import MenuParts, build_menus
        from ui.window.status_bar import StatusBar
        from ui.window.sync import Parts, WindowSync
        from ui.window.team import TeamActions

        QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
        self.repo = repo
        self.update_title()
        # Every edit is written by this one writer, off the GUI thread, in the order made.
        self.writer = DatabaseWriter(self)
        self.signals = WorkspaceSignals(self, self.writer, self.undo_stack)
        self.codebook = codebook if codebook is not None else load_codebook(self.settings.codebook_name, repo)
        self.list_panel = ArticleListPanel(repo, self, coder=self.coder)
        self.reader = ReaderPanel(repo, self.undo_stack, self.signals, self.coder, self)
        self.event_panel = EventPanel(repo, self.undo_stack, self.signals, self.coder, self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.status.watch_writer(self.writer)
        self.jobs = JobController(self, repo, self.settings, self.signals, self.status, self.current_article_id)
        self.jobs.suggest_after_import = self._start_jobs
        self.status_actions = StatusActions(repo, self.undo_stack, self.signals, self.current_article_id,
                                            self.list_panel.go_next_uncoded, self, coder=lambda: self.coder)
        put_panels(self.splitter, (self.list_panel, self.reader, self.event_panel))
        self.setAcceptDrops(True)
        self.team = TeamActions(self)
        self.undo_action, self.redo_action = build_menus(self.shell_menus, self, MenuParts(
            jobs=self.jobs, list_actions=[self.list_panel.next_uncoded_action, *self.list_panel.actions()[1:]],
            status_actions=self.status_actions.actions(), reader_actions=self.reader.actions(),
            event_actions=self.event_panel.actions(), undo_stack=self.undo_stack, flush_edits=self.flush_edits,
            focus_panel=self.focus_panel, change_font_size=self.change_font_size,
            reset_font_size=lambda: self.apply_font_size(11, save=True), show_cheatsheet=self.show_cheatsheet,
            show_about=self.show_about, change_coder_name=self.change_coder_name, change_model=self.change_model,
            open_workspace=self.open_workspace, change_codebook=self.change_codebook,
            show_agreement=lambda: self.team.show_report(), show_adjudication=lambda: self.team.show_adjudication(),
            merge_workspaces=self.team.merge, team_actions=self.team.actions()))
        self.team.watch_menu(self.menus[MENU_TITLES.index("&Team")])
        self.sync = WindowSync(repo, self.codebook, self.signals, self.undo_stack,
                               Parts(self.list_panel, self.reader, self.event_panel, self.status_actions,
                                     self.status, self.jobs),
                               focus_reader=lambda: self.focus_panel(1), update_counts=lambda: self.update_counts(True), parent=self,
                               viewer=lambda: self.coder)
        self.apply_panel_fonts(self.settings.font_size)
        self.update_counts()
        self.status_actions.set_enabled(False)
        self.changes = ChangePoller(repo.target, self.sync.typing_unsaved, self.reload_from_workspace, self,
                                    engine=repo.engine)
        self._attached = True
        from ui.window.heap import settle_heap

        settle_heap()  # the window's objects are made: full collections stop walking them
        if repo.path is None:  # a server workspace: say who else is working on it, and when it is lost
            from storage.concurrency import on_retry

            self.signals.retrying.connect(
                lambda why: self.status.showMessage(f"Connection to the workspace lost ({why})…", 8000))
            on_retry(self.signals.retrying.emit)  # from any thread: the signal brings it here
            from storage.presence import HEARTBEAT_SECONDS

            self.presence = QTimer(self, interval=HEARTBEAT_SECONDS * 1000, timeout=self.beat)
            self.presence.start()
            QTimer.singleShot(0, self.beat)
        if self._start_jobs:
            # After the window shows: first article on screen, then suggestions for the rest.
            QTimer.singleShot(0, self.sync.after_show)

    def shutdown_half_built(self) -> None:
        """attach() failed midway (ui.app.attach_whole): stop what it had started (the change
        poller, the heartbeat, jobs, place lookups, the writer) so that closing this window leaves nothing
        running; the window is never shown half-built to a coder."""
        self._attached = False
        self.hide()
        for name in ("changes", "presence"):
            part = getattr(self, name, None)
            stop = getattr(part, "close", None) or getattr(part, "stop", None)
            if stop is not None:
                stop()
        jobs = getattr(self, "jobs", None)
        if jobs is not None and hasattr(jobs, "cancel_all"):
            jobs.cancel_all(wait_ms=3000)
        panel = getattr(self, "event_panel", None)
        if panel is not None and hasattr(panel, "shutdown"):
            panel.shutdown()
        writer = getattr(self, "writer", None)
        if writer is not None:
            writer.stop()  # nothing was edited in a window never shown: its thread just ends

    def is_attached(self) -> bool:
        """The workspace is open and the panels are built (False while it is still opening)."""
        return self._attached

    def update_title(self) -> None:
        assert self.repo is not None
        self.setWindowTitle(f"{self.repo.path.name if self.repo.path else self.repo.location} — {self.coder} — Chronicler")

    def flush_edits(self) -> None:
        """Save text typed in the event form and not saved yet."""
        if self.is_attached():
            self.event_panel.flush_edits()

    # ---- articles (ui.window.sync) --------------------------------------------------------
    @property
    def bundle(self) -> Optional[ArticleBundle]:
        """The article on screen with its spans and events."""
        return self.sync.bundle if self.is_attached() else None

    def current_article_id(self) -> Optional[int]:
        return self.sync.current_article_id() if self.is_attached() else None

    def open_article(self, article_id: int) -> None:
        """Show an article in the reader and the event panel (a short DB read)."""
        self.sync.open_article(article_id)

    def open_workspace(self) -> None:
        """File > Open workspace…: another workspace (a file or a server URL) in a new window."""
        from ui.window.open_dialog import OpenWorkspaceDialog, launch_for, start

        dialog = OpenWorkspaceDialog(self.settings.recent_workspaces, self)
        if not dialog.exec():
            return
        self.settings.remember_workspace(dialog.target)  # no password: url_without_password
        if not start(launch_for(dialog.target, dialog.password.text())):
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "Open workspace", f"Could not start a window for {dialog.target}.")
            return
        self.status.showMessage(f"Opening {dialog.target} in a new window…", 8000)

    def beat(self) -> None:
        """This coder is here; the status bar names the others seen lately (a short query)."""
        assert self.repo is not None
        try:
            self.repo.heartbeat(self.coder)
            self.status.set_colleagues([c.coder for c in self.repo.who_else()])
        except Exception:  # a dropped connection: the edits say so; presence is not worth a box
            log.warning("presence heartbeat failed", exc_info=True)

    def update_counts(self, background: bool = False) -> None:
        """`background`: read off the GUI thread (after edits and imports), shown when read."""
        repo = self.repo
        assert repo is not None
        if not self.is_attached():
            return  # closed meanwhile
        coder = self.list_panel.own_list_coder() or None  # a coder's own list: their own progress
        if background:
            self.status.count_later(lambda: repo.progress_counts(coder), own=bool(coder))
        else:
            self.status.set_counts(repo.progress_counts(coder), own=bool(coder))

    def reload_from_workspace(self) -> None:
        """The workspace changed under us (another program): the list and the open article."""
        self.sync.reload_from_workspace()

    # ---- view -----------------------------------------------------------------------------
    def focus_panel(self, which: int) -> None:
        if not self.is_attached():
            return
        if which == 0:
            from PySide6.QtCore import Qt

            self.list_panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            (self.reader, self.event_panel)[which - 1].focus_main()

    def change_font_size(self, step: int) -> None:
        self.apply_font_size(self.settings.font_size + step, save=True)

    def apply_font_size(self, size: int, save: bool = False) -> None:
        size = max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            font = app.font()
            font.setPointSize(size)
            app.setFont(font)
        if self.is_attached():
            self.apply_panel_fonts(size)
        if save:
            self.settings.font_size = size

    def apply_panel_fonts(self, size: int) -> None:
        self.reader.set_font_size(size)
        self.event_panel.set_font_size(size)
        self.list_panel.update_row_height()

    # ---- dialogs the menus open -----------------------------------------------------------
    def show_cheatsheet(self) -> None:
        from ui.window.cheatsheet import CheatSheetDialog

        CheatSheetDialog(self.menus, parent=self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "About Chronicler",
                          "Chronicler: articles in, highlighted entities suggested, events coded "
                          f"against a codebook, datasets out.\n\nWorkspace: {self.repo.location}\nCoder: {self.coder}")

    def change_coder_name(self) -> None:
        from ui.window.coder_dialog import CoderNameDialog

        dialog = CoderNameDialog(self.coder, first_run=False, parent=self)
        if dialog.exec() and dialog.value():
            self.coder = self.settings.coder_name = dialog.value()
            self.repo.ensure_coder(self.coder)
            self.update_title()
            self.reader.set_coder(self.coder)
            self.event_panel.set_coder(self.coder)
            self.list_panel.set_coder(self.coder)  # their own list, when they have one
            if self.current_article_id() is not None:  # blind mode: what they may see of it
                self.open_article(self.current_article_id())  # type: ignore[arg-type]
            self.status.showMessage(f"Coding as {self.coder}", 5000)

    def change_model(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "Suggestion model",
                                        "spaCy pipeline for suggestions (empty: the default):",
                                        text=self.settings.model_name)
        if ok:
            self.settings.model_name = name

    def change_codebook(self) -> None:
        from coding.codebook import available_codebooks
        from ui.events.codebook_dialog import CodebookDialog

        problems: list[Any] = []
        books = available_codebooks(problems)
        bundle = self.sync.bundle
        dialog = CodebookDialog(books, self.sync.codebook_for(bundle), len(self.list_panel.model.ids()),
                                (bundle.article.title or f"article {bundle.article.id}") if bundle else None,
                                [str(p) for p in problems], self)
        choice = dialog.choice() if dialog.exec() else None
        if choice is not None:
            self.switch_codebook(choice)

    def switch_codebook(self, choice: Any) -> None:
        """New events use the chosen codebook: everywhere (the coder's setting) or on a batch of
        articles (kept in the workspace); the form follows; coded events keep theirs."""
        self.flush_edits()
        book = choice.codebook
        ids: list[int] = []
        if choice.scope == "workspace":
            where = "the workspace"
        else:
            ids = list(self.list_panel.model.ids()) if choice.scope == "listed" else \
                [self.sync.bundle.article.id] if self.sync.bundle is not None else []
            where = f"{len(ids)} article{'s' if len(ids) != 1 else ''}"
        # Said first: a refused batch write says so after it.
        self.status.showMessage(f"New events in {where} use {book.title} ({book.name} {book.version})", 6000)
        if choice.scope == "workspace":
            self.settings.codebook_name = book.name
            self.codebook = book
            self.sync.set_codebook(self.codebook)
        else:
            self._switch_batch_codebook(ids, book, where)

    def _switch_batch_codebook(self, ids: list[int], book: Any, where: str) -> None:
        """Shown at once; the writer stores the batch's mark in order with the edits, and a
        refusal puts the form back to what is stored and says so."""
        # The workspace's own codebook needs no mark: the batch follows it again.
        name = None if book.name == self.codebook.name else book.name
        settled = self.sync.switch_batch(ids, name)

        def refused() -> None:
            settled()
            self.status.showMessage(f"The codebook of {where} could not be switched: the workspace refused "
                                    "the write (the log says why)", 10000)

        repo = self.repo
        self.signals.in_order(lambda: repo.set_articles_codebook(ids, name), f"switching the codebook of {where}",
                              refused, settled)

    # ---- layout, drops, closing -----------------------------------------------------------
    def restore_layout(self) -> None:
        geometry, state, split = (self.settings.layout(k) for k in ("geometry", "state", "splitter"))
        if geometry is None or not self.restoreGeometry(geometry):
            # First run: most of the screen (the coder lives here all day), centred.
            avail = self.screen().availableGeometry()
            width, height = min(1680, int(avail.width() * 0.94)), min(1050, int(avail.height() * 0.94))
            self.resize(width, height)
            self.move(avail.left() + (avail.width() - width) // 2, avail.top() + (avail.height() - height) // 2)
        if state is not None:
            self.restoreState(state)
        if split is None or not self.splitter.restoreState(split):
            width = self.width()
            self.splitter.setSizes([int(width * 0.25), int(width * 0.42), int(width * 0.33)])

    def save_layout(self) -> None:
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("state", self.saveState())
        self.settings.set_layout("splitter", self.splitter.saveState())
        self.settings.sync()

    @staticmethod
    def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and Path(u.toLocalFile()).exists()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.is_attached() and self.dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self.dropped_paths(event) if self.is_attached() else []
        if paths:
            event.acceptProposedAction()
            self.jobs.start_import(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Every edit is committed already (typed text now); jobs stop at their next batch boundary.
        self.save_layout()
        if self.opening is not None and self.opening.is_running():
            self.opening.wait(60)  # a migration or the sample import in flight: let it end cleanly
        if self.is_attached():
            self.flush_edits()
            if not self.wait_for_writes():
                event.ignore()  # the coder chose to keep waiting for the workspace
                return
            self.changes.close()
            if self.repo is not None and self.repo.path is None:
                from storage.concurrency import remove_retry_listener

                remove_retry_listener(self.signals.retrying.emit)
                try:
                    self.repo.leave()
                except Exception:
                    log.warning("could not say goodbye to the server", exc_info=True)
            self.jobs.cancel_all(wait_ms=3000)
            self.event_panel.shutdown()  # a place lookup (or the index build) in flight stops
            self.writer.stop()
            # Closed: no timer of the window reads the workspace any more (a server may be
            # gone by the time a pending count or refresh would fire).
            self.sync.stop_timers()
            presence = getattr(self, "presence", None)
            if presence is not None:
                presence.stop()
            self._attached = False
        super().closeEvent(event)

    def wait_for_writes(self) -> bool:
        """Closing: the edits still on their way are written first (the status bar says so).
        If the workspace does not answer within QUIT_WAIT_S (a server gone, a file locked by
        another program), the coder chooses: keep waiting, or close and lose those edits."""
        from ui.window.quitting import wait_for_writes

        return wait_for_writes(self, self.writer, self.status, self.repo.location if self.repo else "")


# load_codebook: ui.app's background opener imports it from here.
__all__ = ["MainWindow", "load_codebook"]
