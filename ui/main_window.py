"""The main window: article list | reader | event panel in splitters, menus, undo, jobs, layout."""
from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter,
    QStatusBar, QVBoxLayout, QWidget,
)

from ui.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, Settings

# Cold start: the window shows before the workspace opens, so nothing here may import storage
# (SQLModel/SQLAlchemy cost more than PySide6 itself); the panels come in attach(). The shell
# also keeps clear of PySide6's `Qt` namespace: building it costs ~20 ms, a sixth of a bare
# PySide6 window's start, so Qt is imported where it is used, after the window shows.
if TYPE_CHECKING:
    from storage.repository import ArticleBundle, Repository
    from ui.article_list import ArticleListPanel
    from ui.change_poller import ChangePoller
    from ui.job_controller import JobController
    from ui.status_bar import StatusBar
    from ui.status_actions import StatusActions
    from ui.undo import WorkspaceSignals

log = logging.getLogger(__name__)
# While suggestions run, the open article is re-read at most this often to show new highlights.
SUGGEST_REFRESH_MS = 1000
MIN_WIDTHS = (280, 420, 480)  # list, reader, event panel


def _panel_class(module: str, name: str) -> Any:
    """A panel class from another module, or None while it is missing or broken (logged)."""
    try:
        return getattr(importlib.import_module(module), name)
    except Exception:  # the window must open even when one panel cannot
        log.exception("panel %s.%s unavailable", module, name)
        return None


class _Placeholder(QLabel):
    def __init__(self, text: str) -> None:
        from PySide6.QtCore import Qt

        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("placeholder")
        self.setWordWrap(True)


def load_codebook(name: str, repo: Any) -> Any:
    """The coder's codebook (by name, then the default); None (logged) when none loads.
    Plain Python: the background opener calls it too."""
    try:
        from coding.codebook import default_codebook, find_codebook

        return find_codebook(name, None, repo) or default_codebook()
    except Exception:
        log.exception("codebook could not be loaded")
        return None


class _Opening(QWidget):
    """A panel's place while the workspace opens: a quiet line of text, centred by stretches."""

    def __init__(self, text: str) -> None:
        super().__init__()
        label = QLabel(text, self)
        label.setObjectName("placeholder")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)


class MainWindow(QMainWindow):
    """Holds the workspace, the single undo stack, the signals and the three panels.

    With a repo the window is complete when constructed (tests, tools). With repo=None it is a
    shell that shows at once (empty panels, "Opening workspace…"); attach(repo) then builds the
    panels, menus and jobs when the workspace has been opened off the GUI thread (ui.app)."""

    # Built by attach(): absent while the workspace is still opening.
    signals: WorkspaceSignals
    list_panel: ArticleListPanel
    jobs: JobController
    status_actions: StatusActions
    status: StatusBar
    changes: ChangePoller  # other programs' edits

    def __init__(self, repo: Optional[Repository], coder: str, settings: Settings,
                 parent: Optional[QWidget] = None, start_jobs: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.repo: Optional[Repository] = None
        self.coder, self.settings = coder, settings
        self._start_jobs = start_jobs
        self.undo_stack = QUndoStack(self)
        self.bundle: Optional[ArticleBundle] = None
        self.codebook: Any = None
        self.opening: Any = None  # the TaskRunner opening the workspace (ui.app.start_opening)
        self.setWindowTitle("Opening workspace… — Chronicler")
        self.setStatusBar(QStatusBar(self))  # the jobs' status bar comes with the workspace

        self.splitter = QSplitter(parent=self)  # horizontal; positional would make PySide6 load Qt (overloads)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        # Fixed minimum widths: the splitter then keeps the coder's sizes when the event form
        # appears or goes (its size hint changes with the article).
        for i, min_width in enumerate(MIN_WIDTHS):
            shell = _Opening("Opening workspace…" if i == 1 else "")
            shell.setMinimumWidth(min_width)
            self.splitter.addWidget(shell)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.setCentralWidget(self.splitter)

        self._make_menus()
        self.apply_font_size(settings.font_size)
        self.restore_layout()
        if repo is not None:
            self.attach(repo)

    def attach(self, repo: Repository, codebook: Any = None) -> None:
        """The workspace is open: build the panels, jobs and menus on it and show its articles.
        `codebook`: already loaded (by the background opener), else loaded here."""
        from PySide6.QtCore import Qt

        from ui.article_list import ArticleListPanel
        from ui.job_controller import JobController
        from ui.status_actions import StatusActions
        from ui.status_bar import StatusBar
        from ui.undo import WorkspaceSignals

        QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
        self.repo = repo
        self._update_title()
        self.signals = WorkspaceSignals(self)
        self.codebook = codebook if codebook is not None else load_codebook(self.settings.codebook_name, repo)

        self.list_panel = ArticleListPanel(repo, self)
        self.reader = self._make_panel("ui.reader_panel", "ReaderPanel", "The reader could not be loaded.")
        self.event_panel = self._make_panel("ui.event_panel", "EventPanel", "The event panel could not be loaded.")
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.jobs = JobController(self, repo, self.settings, self.signals, self.status, self.current_article_id)
        self.jobs.suggest_after_import = self._start_jobs
        self.status_actions = StatusActions(repo, self.undo_stack, self.signals, self.current_article_id,
                                            self.list_panel.go_next_uncoded, self)

        sizes = self.splitter.sizes()
        for i, (w, min_width) in enumerate(zip((self.list_panel, self.reader, self.event_panel), MIN_WIDTHS)):
            w.setMinimumWidth(min_width)
            old = self.splitter.replaceWidget(i, w)
            if old is not None:
                old.deleteLater()
        self.splitter.setSizes(sizes)  # the coder's layout, restored on the shell already
        self.setAcceptDrops(True)

        self._build_menus()
        self._wire()
        self._counts_timer = QTimer(self, singleShot=True, interval=400, timeout=self.update_counts)
        self._suggest_refresh = QTimer(self, singleShot=True, interval=SUGGEST_REFRESH_MS,
                                       timeout=self._refresh_open_article_spans)
        self._apply_panel_fonts(self.settings.font_size)
        self.update_counts()
        self.status_actions.set_enabled(False)
        from ui.change_poller import ChangePoller

        self.changes = ChangePoller(repo.path, self._typing_unsaved, self.reload_from_workspace, self,
                                    engine=repo.engine)
        if self._start_jobs:
            # After the window shows: first article on screen, then suggestions for the rest.
            QTimer.singleShot(0, self._after_show)

    def is_attached(self) -> bool:
        """The workspace is open and the panels are built (False while it is still opening)."""
        return self.repo is not None

    # ---- construction ---------------------------------------------------------------------
    def _update_title(self) -> None:
        assert self.repo is not None
        self.setWindowTitle(f"{self.repo.path.name} — {self.coder} — Chronicler")

    def _make_panel(self, module: str, name: str, missing: str) -> QWidget:
        cls = _panel_class(module, name)
        if cls is None:
            return _Placeholder(missing)
        return cls(self.repo, self.undo_stack, self.signals, self.coder, self)

    def _panel_actions(self, panel: QWidget) -> list[QAction]:
        actions = getattr(panel, "actions", None)
        return list(actions()) if callable(actions) and not isinstance(panel, _Placeholder) else []

    def _action(self, text: str, keys: str | list[str] = "", slot: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        seqs = [keys] if isinstance(keys, str) else keys
        action.setShortcuts([QKeySequence(k) for k in seqs if k])
        if tip:
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def _make_menus(self) -> None:
        """The menu bar as it looks while the workspace opens: the menus, Quit only."""
        bar = self.menuBar()
        titles = ("&File", "&Edit", "&Article", "E&ntities", "E&vents", "&View", "&Help")
        self.menus: list[QMenu] = [bar.addMenu(title) for title in titles]
        self._quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.menus[0].addAction(self._quit_action)
        for menu in self.menus[1:]:
            menu.setEnabled(False)

    def _build_menus(self) -> None:
        file_menu, edit_menu, article_menu, entities_menu, events_menu, view_menu, help_menu = self.menus
        for menu in self.menus:
            menu.setEnabled(True)
        file_menu.insertActions(self._quit_action, [
            self._action("&Import files…", "Ctrl+I", self.jobs.ask_import_files,
                         "Import articles (text, HTML, CSV, JSONL, Excel); you can also drop files on the window"),
            self._action("Import &folder…", "Ctrl+Shift+I", self.jobs.ask_import_folder),
            self._action("&Export dataset…", "Ctrl+Shift+X", self.jobs.ask_export,
                         "Export events to Excel, CSV or JSON lines")])
        file_menu.insertSeparator(self._quit_action)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # Text still being typed is saved first, so undo takes back what the coder just typed.
        self.undo_action.triggered.disconnect()
        self.undo_action.triggered.connect(lambda: self._flush_then(self.undo_stack.undo))
        self.redo_action.triggered.disconnect()
        self.redo_action.triggered.connect(lambda: self._flush_then(self.undo_stack.redo))
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions(self.list_panel.actions()[1:])
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("Coder &name…", "", self.change_coder_name))
        edit_menu.addAction(self._action("Suggestion &model…", "", self.change_model))

        article_menu.addAction(self.list_panel.next_uncoded_action)
        article_menu.addSeparator()
        article_menu.addActions(self.status_actions.actions())
        article_menu.addSeparator()
        article_menu.addAction(self._action("Suggest highlights for articles without them", "",
                                            lambda: self.jobs.start_suggest(None)))

        entities_menu.addActions(self._panel_actions(self.reader))
        events_menu.addActions(self._panel_actions(self.event_panel))

        view_menu.addAction(self._action("Focus the article list", "Ctrl+1", lambda: self.focus_panel(0)))
        view_menu.addAction(self._action("Focus the reader", "Ctrl+2", lambda: self.focus_panel(1)))
        view_menu.addAction(self._action("Focus the event form", "Ctrl+3", lambda: self.focus_panel(2)))
        view_menu.addSeparator()
        view_menu.addAction(self._action("Larger text", ["Ctrl++", "Ctrl+="], lambda: self.change_font_size(+1)))
        view_menu.addAction(self._action("Smaller text", "Ctrl+-", lambda: self.change_font_size(-1)))
        view_menu.addAction(self._action("Normal text size", "Ctrl+0", lambda: self.apply_font_size(11, save=True)))

        help_menu.addAction(self._action("Keyboard &cheat sheet", "F1", self.show_cheatsheet))
        help_menu.addAction(self._action("&About Chronicler", "", self.show_about))

    def flush_edits(self) -> None:
        """Save text typed in the event form and not saved yet."""
        flush = getattr(getattr(self, "event_panel", None), "flush_edits", None)
        if callable(flush):
            flush()

    def _flush_then(self, step: Any) -> None:
        self.flush_edits()
        step()

    def _wire(self) -> None:
        self.list_panel.articleSelected.connect(self.open_article)
        self.list_panel.articleActivated.connect(lambda _aid: self.focus_panel(1))
        self.signals.articleChanged.connect(self._article_changed)
        self.signals.articlesChanged.connect(self._articles_changed)
        self.signals.writeFailed.connect(self._write_failed)
        self._undo_index = self.undo_stack.index()
        self.undo_stack.indexChanged.connect(self._undo_moved)
        self.jobs.suggestProgress.connect(self._suggest_progress)
        if hasattr(self.reader, "highlightActivated"):
            self.reader.highlightActivated.connect(self._highlight_activated)
        if hasattr(self.event_panel, "evidenceRequested") and hasattr(self.reader, "show_evidence"):
            self.event_panel.evidenceRequested.connect(self.reader.show_evidence)
        if hasattr(self.event_panel, "set_span_provider") and hasattr(self.reader, "current_span"):
            self.event_panel.set_span_provider(self.reader.current_span)  # Ctrl+U

    def _after_show(self) -> None:
        first = self._first_article()
        if self.list_panel.current_article_id() is None and first is not None:
            self.list_panel.go_next_uncoded() or self.list_panel.select_article(first)
        self.jobs.start_suggest(None)

    def _first_article(self) -> Optional[int]:
        ids = self.list_panel.model.ids()
        return ids[0] if ids else None

    # ---- articles -------------------------------------------------------------------------
    def current_article_id(self) -> Optional[int]:
        return self.bundle.article.id if self.bundle is not None else None

    def open_article(self, article_id: int) -> None:
        """Show an article in the reader and the event panel (a short DB read)."""
        self.flush_edits()  # before the article's status changes on opening another
        bundle = self.repo.get_bundle(article_id)
        self.bundle = bundle
        self._show_bundle(bundle)
        self.status_actions.set_enabled(bundle is not None)
        self.status_actions.article_opened(article_id, bundle.article.status if bundle else None)

    def _show_bundle(self, bundle: Optional[ArticleBundle]) -> None:
        if hasattr(self.reader, "set_article"):
            self.reader.set_article(bundle)
        if hasattr(self.event_panel, "set_article"):
            self.event_panel.set_article(bundle, self.codebook)

    def _write_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Edit not saved", message)

    def _article_changed(self, article_id: int) -> None:
        """An edit hit the DB. The reader and event panel listen to the same signal and refresh
        themselves in place (keeping the coder's field and highlight); here: list row, counts."""
        self.list_panel.refresh_article(article_id)
        self._counts_timer.start()

    def _articles_changed(self) -> None:
        self.list_panel.reload()
        aid = self.current_article_id()
        if aid is not None:
            self.signals.articleChanged.emit(aid)  # its spans may have come from the suggester
        elif self.list_panel.model.rowCount():
            self.list_panel.go_next_uncoded()
        self._counts_timer.start()

    def _undo_moved(self, index: int) -> None:
        """Undo/redo of an edit made in another article brings that article back on screen."""
        previous, self._undo_index = self._undo_index, index
        cmd = self.undo_stack.command(index if index < previous else index - 1)
        target = getattr(cmd, "article_id", None) if cmd is not None else None
        if target is not None and target != self.current_article_id():
            self.list_panel.select_article(int(target))

    def _highlight_activated(self, span: Any) -> None:
        if self.bundle is None or not hasattr(self.event_panel, "has_active_field"):
            return
        if self.event_panel.has_active_field():
            text = self.bundle.article.text[span.start:span.end]
            if not self.event_panel.fill_active_field(span, text):
                self.status.showMessage("That highlight does not fit the active field", 4000)
        else:
            self.status.showMessage("Click a field of the event form first (or add an event: Ctrl+Shift+E)", 5000)

    def _suggest_progress(self) -> None:
        # The bundle shown is the one opened; only "had no spans yet" matters here.
        if self.bundle is not None and not self.bundle.spans and not self._suggest_refresh.isActive():
            self._suggest_refresh.start()

    def _refresh_open_article_spans(self) -> None:
        """Suggestions arrived for the article on screen: show them without waiting for the end."""
        aid = self.current_article_id()
        if aid is not None and self.bundle is not None and not self.bundle.spans:
            spans = self.repo.spans(aid)
            if spans:
                self.bundle.spans = spans
                self.signals.articleChanged.emit(aid)  # written by the suggest process: tell the panels

    def update_counts(self) -> None:
        assert self.repo is not None
        self.status.set_counts(self.repo.stats())

    # ---- other programs' edits ------------------------------------------------------------
    def _typing_unsaved(self) -> bool:
        pending = getattr(self.event_panel, "has_pending_edit", None)
        return bool(pending()) if callable(pending) else False

    def reload_from_workspace(self) -> None:
        """The workspace changed under us: the list (same article selected, same scroll) and the
        open article's text, highlights and events. This window's own commits also make the
        watch fire, so everything here leaves an unchanged screen alone."""
        assert self.repo is not None
        self.list_panel.refresh_all()
        aid = self.current_article_id()
        if aid is not None:
            fresh = self.repo.get_bundle(aid)
            if fresh is None:  # deleted by the other program
                self.bundle = None
                self._show_bundle(None)
                self.status_actions.set_enabled(False)
            else:
                self.bundle = fresh
                self.signals.articleChanged.emit(aid)  # the panels re-read it in place
        self._counts_timer.start()

    # ---- view -----------------------------------------------------------------------------
    def focus_panel(self, which: int) -> None:
        if not self.is_attached():
            return
        panel = (self.list_panel.view, self.reader, self.event_panel)[which]
        focus = getattr(panel, "focus_main", None)
        if callable(focus):
            focus()
        else:
            from PySide6.QtCore import Qt

            panel.setFocus(Qt.FocusReason.ShortcutFocusReason)

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
            self._apply_panel_fonts(size)
        if save:
            self.settings.font_size = size

    def _apply_panel_fonts(self, size: int) -> None:
        for panel in (self.reader, self.event_panel):
            setter = getattr(panel, "set_font_size", None)
            if callable(setter):
                setter(size)
        self.list_panel.update_row_height()

    def show_cheatsheet(self) -> None:
        from ui.cheatsheet import CheatSheetDialog

        CheatSheetDialog(self.menus, parent=self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Chronicler",
                          "Chronicler: articles in, highlighted entities suggested, events coded "
                          f"against a codebook, datasets out.\n\nWorkspace: {self.repo.path}\nCoder: {self.coder}")

    def change_coder_name(self) -> None:
        from ui.dialogs import CoderNameDialog

        dialog = CoderNameDialog(self.coder, first_run=False, parent=self)
        if dialog.exec() and dialog.value():
            self.coder = self.settings.coder_name = dialog.value()
            self.repo.ensure_coder(self.coder)
            self._update_title()
            for panel in (self.reader, self.event_panel):
                if hasattr(panel, "coder"):
                    panel.coder = self.coder
            self.status.showMessage(f"Coding as {self.coder}", 5000)

    def change_model(self) -> None:
        name, ok = QInputDialog.getText(self, "Suggestion model",
                                        "spaCy pipeline for suggestions (empty: the default):",
                                        text=self.settings.model_name)
        if ok:
            self.settings.model_name = name

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
            self.changes.close()
            self.jobs.cancel_all(wait_ms=3000)
        super().closeEvent(event)


__all__ = ["MainWindow"]
