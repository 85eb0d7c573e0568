"""The main window: article list | reader | event panel in splitters, menus, undo, jobs, layout."""
from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QWidget,
)

from storage.repository import ArticleBundle, Repository
from ui.article_list import ArticleListPanel
from ui.cheatsheet import CheatSheetDialog
from ui.dialogs import CoderNameDialog
from ui.job_controller import JobController
from ui.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, Settings
from ui.status_actions import StatusActions
from ui.status_bar import StatusBar
from ui.undo import WorkspaceSignals

log = logging.getLogger(__name__)
# While suggestions run, the open article is re-read at most this often to show new highlights.
SUGGEST_REFRESH_MS = 1000


def _panel_class(module: str, name: str) -> Any:
    """A panel class from another module, or None while it is missing or broken (logged)."""
    try:
        return getattr(importlib.import_module(module), name)
    except Exception:  # the window must open even when one panel cannot
        log.exception("panel %s.%s unavailable", module, name)
        return None


class _Placeholder(QLabel):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("placeholder")
        self.setWordWrap(True)


class MainWindow(QMainWindow):
    """Holds the workspace, the single undo stack, the signals and the three panels."""

    def __init__(self, repo: Repository, coder: str, settings: Settings,
                 parent: Optional[QWidget] = None, start_jobs: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.repo, self.coder, self.settings = repo, coder, settings
        self._update_title()
        self.undo_stack = QUndoStack(self)
        self.signals = WorkspaceSignals(self)
        self.bundle: Optional[ArticleBundle] = None
        self.codebook = self._load_codebook()

        self.list_panel = ArticleListPanel(repo, self)
        self.reader = self._make_panel("ui.reader_panel", "ReaderPanel", "The reader could not be loaded.")
        self.event_panel = self._make_panel("ui.event_panel", "EventPanel", "The event panel could not be loaded.")
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.jobs = JobController(self, repo, settings, self.signals, self.status, self.current_article_id)
        self.jobs.suggest_after_import = start_jobs
        self.status_actions = StatusActions(repo, self.undo_stack, self.signals, self.current_article_id,
                                            self.list_panel.go_next_uncoded, self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        # Fixed minimum widths: the splitter then keeps the coder's sizes when the event form
        # appears or goes (its size hint changes with the article).
        for w, min_width in ((self.list_panel, 280), (self.reader, 420), (self.event_panel, 480)):
            w.setMinimumWidth(min_width)
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.setCentralWidget(self.splitter)
        self.setAcceptDrops(True)

        self._build_menus()
        self._wire()
        self._counts_timer = QTimer(self, singleShot=True, interval=400, timeout=self.update_counts)
        self._suggest_refresh = QTimer(self, singleShot=True, interval=SUGGEST_REFRESH_MS,
                                       timeout=self._refresh_open_article_spans)
        self.apply_font_size(settings.font_size)
        self.restore_layout()
        self.update_counts()
        self.status_actions.set_enabled(False)
        if start_jobs:
            # After the window shows: first article on screen, then suggestions for the rest.
            QTimer.singleShot(0, self._after_show)

    # ---- construction ---------------------------------------------------------------------
    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.repo.path.name} — {self.coder} — Chronicler")

    def _load_codebook(self) -> Any:
        try:
            from coding.codebook import default_codebook, find_codebook

            return find_codebook(self.settings.codebook_name, None, self.repo) or default_codebook()
        except Exception:
            log.exception("codebook could not be loaded")
            return None

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

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Import files…", "Ctrl+I", self.jobs.ask_import_files,
                                         "Import articles (text, HTML, CSV, JSONL, Excel); you can also drop files on the window"))
        file_menu.addAction(self._action("Import &folder…", "Ctrl+Shift+I", self.jobs.ask_import_folder))
        file_menu.addAction(self._action("&Export dataset…", "Ctrl+Shift+X", self.jobs.ask_export,
                                         "Export events to Excel, CSV or JSON lines"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", "Ctrl+Q", self.close))

        edit_menu = bar.addMenu("&Edit")
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

        article_menu = bar.addMenu("&Article")
        article_menu.addAction(self.list_panel.next_uncoded_action)
        article_menu.addSeparator()
        article_menu.addActions(self.status_actions.actions())
        article_menu.addSeparator()
        article_menu.addAction(self._action("Suggest highlights for articles without them", "",
                                            lambda: self.jobs.start_suggest(None)))

        entities_menu = bar.addMenu("E&ntities")
        entities_menu.addActions(self._panel_actions(self.reader))
        events_menu = bar.addMenu("E&vents")
        events_menu.addActions(self._panel_actions(self.event_panel))

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self._action("Focus the article list", "Ctrl+1", lambda: self.focus_panel(0)))
        view_menu.addAction(self._action("Focus the reader", "Ctrl+2", lambda: self.focus_panel(1)))
        view_menu.addAction(self._action("Focus the event form", "Ctrl+3", lambda: self.focus_panel(2)))
        view_menu.addSeparator()
        view_menu.addAction(self._action("Larger text", ["Ctrl++", "Ctrl+="], lambda: self.change_font_size(+1)))
        view_menu.addAction(self._action("Smaller text", "Ctrl+-", lambda: self.change_font_size(-1)))
        view_menu.addAction(self._action("Normal text size", "Ctrl+0", lambda: self.apply_font_size(11, save=True)))

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("Keyboard &cheat sheet", "F1", self.show_cheatsheet))
        help_menu.addAction(self._action("&About Chronicler", "", self.show_about))
        self.menus: list[QMenu] = [file_menu, edit_menu, article_menu, entities_menu, events_menu,
                                   view_menu, help_menu]

    def flush_edits(self) -> None:
        """Save text typed in the event form and not saved yet."""
        flush = getattr(self.event_panel, "flush_edits", None)
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
        self.status.set_counts(self.repo.stats())

    # ---- view -----------------------------------------------------------------------------
    def focus_panel(self, which: int) -> None:
        panel = (self.list_panel.view, self.reader, self.event_panel)[which]
        focus = getattr(panel, "focus_main", None)
        if callable(focus):
            focus()
        else:
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
        for panel in (self.reader, self.event_panel):
            setter = getattr(panel, "set_font_size", None)
            if callable(setter):
                setter(size)
        self.list_panel.update_row_height()
        if save:
            self.settings.font_size = size

    def show_cheatsheet(self) -> None:
        CheatSheetDialog(self.menus, parent=self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Chronicler",
                          "Chronicler: articles in, highlighted entities suggested, events coded "
                          f"against a codebook, datasets out.\n\nWorkspace: {self.repo.path}\nCoder: {self.coder}")

    def change_coder_name(self) -> None:
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
        if self.dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self.dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.jobs.start_import(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Every edit is committed already (typed text now); jobs stop at their next batch boundary.
        self.flush_edits()
        self.save_layout()
        self.jobs.cancel_all(wait_ms=3000)
        super().closeEvent(event)


__all__ = ["MainWindow"]
