"""Keeps the main window's panels on one article and in step with edits, suggestions and other programs."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from storage.repository import ArticleBundle
    from ui.window.main_window import MainWindow

# While suggestions run, the open article is re-read at most this often to show new highlights.
SUGGEST_REFRESH_MS = 1000


class WindowSync(QObject):
    """The attached window's slots: which article is open, what an edit, an undo, the suggester or
    another program changed, and the reader's highlight filling the event form. Built by attach;
    owns the debounce timers, so its slots end with the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.win = window
        self.counts_timer = QTimer(self, singleShot=True, interval=400, timeout=window.update_counts)
        self.suggest_refresh = QTimer(self, singleShot=True, interval=SUGGEST_REFRESH_MS,
                                      timeout=self.refresh_open_article_spans)
        self._connect()

    def _connect(self) -> None:
        w = self.win
        w.list_panel.articleSelected.connect(w.open_article)
        w.list_panel.articleActivated.connect(lambda _aid: w.focus_panel(1))
        w.signals.articleChanged.connect(self.article_changed)
        w.signals.articlesChanged.connect(self.articles_changed)
        w.signals.writeFailed.connect(self.write_failed)
        self._undo_index = w.undo_stack.index()
        w.undo_stack.indexChanged.connect(self.undo_moved)
        w.jobs.suggestProgress.connect(self.suggest_progress)
        if hasattr(w.reader, "highlightActivated"):
            w.reader.highlightActivated.connect(self.highlight_activated)
        if hasattr(w.event_panel, "evidenceRequested") and hasattr(w.reader, "show_evidence"):
            w.event_panel.evidenceRequested.connect(w.reader.show_evidence)
        if hasattr(w.event_panel, "set_span_provider") and hasattr(w.reader, "current_span"):
            w.event_panel.set_span_provider(w.reader.current_span)  # Ctrl+U

    def after_show(self) -> None:
        """The first article on screen (the next uncoded one), then suggestions for the rest."""
        w = self.win
        ids = w.list_panel.model.ids()
        first = ids[0] if ids else None
        if w.list_panel.current_article_id() is None and first is not None:
            w.list_panel.go_next_uncoded() or w.list_panel.select_article(first)
        w.jobs.start_suggest(None)

    # ---- the open article -----------------------------------------------------------------
    def open_article(self, article_id: int) -> None:
        """Show an article in the reader and the event panel (a short DB read)."""
        w = self.win
        w.flush_edits()  # before the article's status changes on opening another
        bundle = w.repo.get_bundle(article_id)
        w.bundle = bundle
        self.show_bundle(bundle)
        w.status_actions.set_enabled(bundle is not None)
        w.status_actions.article_opened(article_id, bundle.article.status if bundle else None)

    def show_bundle(self, bundle: Optional[ArticleBundle]) -> None:
        w = self.win
        if hasattr(w.reader, "set_article"):
            w.reader.set_article(bundle)
        if hasattr(w.event_panel, "set_article"):
            w.event_panel.set_article(bundle, w.codebook)

    def highlight_activated(self, span: Any) -> None:
        """The coder used a highlight in the reader: it fills the event form's active field."""
        w = self.win
        if w.bundle is None or not hasattr(w.event_panel, "has_active_field"):
            return
        if w.event_panel.has_active_field():
            text = w.bundle.article.text[span.start:span.end]
            if not w.event_panel.fill_active_field(span, text):
                w.status.showMessage("That highlight does not fit the active field", 4000)
        else:
            w.status.showMessage("Click a field of the event form first (or add an event: Ctrl+Shift+E)", 5000)

    # ---- this window's edits and jobs -----------------------------------------------------
    def write_failed(self, message: str) -> None:
        QMessageBox.warning(self.win, "Edit not saved", message)

    def article_changed(self, article_id: int) -> None:
        """An edit hit the DB. The reader and event panel listen to the same signal and refresh
        themselves in place (keeping the coder's field and highlight); here: list row, counts."""
        self.win.list_panel.refresh_article(article_id)
        self.counts_timer.start()

    def articles_changed(self) -> None:
        w = self.win
        w.list_panel.reload()
        aid = w.current_article_id()
        if aid is not None:
            w.signals.articleChanged.emit(aid)  # its spans may have come from the suggester
        elif w.list_panel.model.rowCount():
            w.list_panel.go_next_uncoded()
        self.counts_timer.start()

    def undo_moved(self, index: int) -> None:
        """Undo/redo of an edit made in another article brings that article back on screen."""
        w = self.win
        previous, self._undo_index = self._undo_index, index
        try:
            cmd = w.undo_stack.command(index if index < previous else index - 1)
        except RuntimeError:  # the stack is being destroyed with the window (clearing emits indexChanged)
            return
        target = getattr(cmd, "article_id", None) if cmd is not None else None
        if target is not None and target != w.current_article_id():
            w.list_panel.select_article(int(target))

    def suggest_progress(self) -> None:
        # The bundle shown is the one opened; only "had no spans yet" matters here.
        bundle = self.win.bundle
        if bundle is not None and not bundle.spans and not self.suggest_refresh.isActive():
            self.suggest_refresh.start()

    def refresh_open_article_spans(self) -> None:
        """Suggestions arrived for the article on screen: show them without waiting for the end."""
        w = self.win
        aid = w.current_article_id()
        if aid is not None and w.bundle is not None and not w.bundle.spans:
            spans = w.repo.spans(aid)
            if spans:
                w.bundle.spans = spans
                w.signals.articleChanged.emit(aid)  # written by the suggest process: tell the panels

    # ---- other programs' edits ------------------------------------------------------------
    def typing_unsaved(self) -> bool:
        pending = getattr(self.win.event_panel, "has_pending_edit", None)
        return bool(pending()) if callable(pending) else False

    def reload_from_workspace(self) -> None:
        """The workspace changed under us: the list (same article selected, same scroll) and the
        open article's text, highlights and events. This window's own commits also make the
        watch fire, so everything here leaves an unchanged screen alone."""
        w = self.win
        assert w.repo is not None
        w.list_panel.refresh_all()
        aid = w.current_article_id()
        if aid is not None:
            fresh = w.repo.get_bundle(aid)
            if fresh is None:  # deleted by the other program
                w.bundle = None
                self.show_bundle(None)
                w.status_actions.set_enabled(False)
            else:
                w.bundle = fresh
                w.signals.articleChanged.emit(aid)  # the panels re-read it in place
        self.counts_timer.start()


__all__ = ["SUGGEST_REFRESH_MS", "WindowSync"]
