"""Keeps the window's panels on one article and in step with edits, suggestions and other programs."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from storage.models import SpanState
from ui.undo import EVENTS, EVERYTHING, STATUS, TEXT, Change, WorkspaceSignals

# After the first paint and the first article are on screen, and before a coder's first actor.
LEMMA_WARM_UP_MS = 2500
# The event form of the codebook new events will use is built this long after the first
# article shows (70-110 ms of widgets, on the GUI thread as widgets must be): at a quiet
# moment after the first highlights (1.4 s on a first start), not at the first event.
FORM_WARM_UP_MS = 1500

if TYPE_CHECKING:
    from storage.repository import ArticleBundle, Repository
    from ui.articles.list_panel import ArticleListPanel
    from ui.articles.status_actions import StatusActions
    from ui.events.panel import EventPanel
    from ui.jobs.controller import JobController
    from ui.reader.panel import ReaderPanel
    from ui.window.status_bar import StatusBar

# While suggestions run, the open article is re-read at most this often to show new highlights.
SUGGEST_REFRESH_MS = 1000
# A reload asked for while one was read (or while the coder's typing was unsaved) follows this much later.
RELOAD_AGAIN_MS = 400
log = logging.getLogger(__name__)


@dataclass
class Parts:
    """The window's parts the sync keeps in step (built by the main window)."""

    list_panel: ArticleListPanel
    reader: ReaderPanel
    event_panel: EventPanel
    status_actions: StatusActions
    status: StatusBar
    jobs: JobController


class WindowSync(QObject):
    """The open article and the slots that keep the panels on it: what an edit, an undo, the
    suggester or another program changed, and the reader's highlight filling the event form.
    Owns the debounce timers, so its slots end with the window."""

    def __init__(self, repo: Repository, codebook: Any, signals: WorkspaceSignals, undo_stack: QUndoStack,
                 parts: Parts, focus_reader: Callable[[], None], update_counts: Callable[[], None],
                 parent: QWidget, viewer: Callable[[], Optional[str]] = lambda: None) -> None:
        super().__init__(parent)
        self.viewer = viewer  # the coder: in blind mode they see only their own work (visible_bundle)
        self.repo, self.codebook, self.signals, self.undo_stack = repo, codebook, signals, undo_stack
        self.parts, self.focus_reader = parts, focus_reader
        self.bundle: Optional[ArticleBundle] = None
        self._books: dict[str, Any] = {}  # batch codebook name -> its Codebook (None: not found)
        # Batch switches queued and not stored yet: article id -> (codebook name, switch number).
        self._switching: dict[int, tuple[Optional[str], int]] = {}
        self._switches = 0
        # A very large article opens as a window of its text (storage.article_window).
        from storage.article_window import LARGE_ARTICLE_CHARS, WINDOW_CHARS

        self.large_article_chars, self.window_chars = LARGE_ARTICLE_CHARS, WINDOW_CHARS
        self._window_of: Optional[int] = None
        self._loader: Any = None  # ui.tasks.TaskRunner, made on the first large article
        self._warmer: Any = None  # ui.tasks.TaskRunner loading the actor lemmatizer
        self.lemma_warm_up = QTimer(self, singleShot=True, interval=LEMMA_WARM_UP_MS, timeout=self.warm_up_lemmas)
        self.form_warm_up = QTimer(self, singleShot=True, interval=FORM_WARM_UP_MS, timeout=self.warm_up_form)
        self.counts_timer = QTimer(self, singleShot=True, interval=400, timeout=update_counts)
        self.suggest_refresh = QTimer(self, singleShot=True, interval=SUGGEST_REFRESH_MS,
                                      timeout=self.refresh_open_article_spans)
        self._undo_index = undo_stack.index()
        self._reloader: Any = None  # ui.tasks.TaskRunner reading another program's changes
        self._reload_again = False
        self.reload_timer = QTimer(self, singleShot=True, interval=RELOAD_AGAIN_MS, timeout=self.reload_from_workspace)
        self._connect()

    def _connect(self) -> None:
        p = self.parts
        p.list_panel.articleSelected.connect(self.open_article)
        p.list_panel.articleActivated.connect(lambda _aid: self.focus_reader())
        self.signals.changed.connect(self.article_changed)
        self.signals.articlesChanged.connect(self.articles_changed)
        self.signals.writeFailed.connect(self.write_failed)
        self.signals.add_fresh_read(self._fresh_row)
        self.undo_stack.indexChanged.connect(self.undo_moved)
        p.jobs.suggestProgress.connect(self.suggest_progress)
        p.reader.highlightActivated.connect(self.highlight_activated)
        p.reader.window_bar.moveRequested.connect(self.move_window)
        p.event_panel.evidenceRequested.connect(p.reader.show_evidence)
        p.event_panel.statusMessage.connect(p.status.showMessage)
        p.event_panel.set_span_provider(p.reader.current_span)  # Ctrl+U
        p.reader.set_digit_handler(self.digit_pressed)

    def current_article_id(self) -> Optional[int]:
        return self.bundle.article.id if self.bundle is not None else None

    def after_show(self) -> None:
        """The first article on screen (the next uncoded one), then suggestions for the rest
        if any article has none (the suggester's process is not started for nothing)."""
        list_panel = self.parts.list_panel
        ids = list_panel.model.loaded_ids()  # the top of the list: a long one is not read whole
        if list_panel.current_article_id() is None and ids:
            list_panel.go_next_uncoded() or list_panel.select_article(ids[0])
        self.parts.jobs.suggest_if_needed()
        self.lemma_warm_up.start()
        self.form_warm_up.start()

    def stop_timers(self) -> None:
        """The window closes: nothing scheduled here may read the workspace afterwards."""
        for timer in (self.counts_timer, self.suggest_refresh, self.lemma_warm_up, self.form_warm_up,
                      self.reload_timer):
            timer.stop()

    def warm_up_form(self) -> None:
        self.parts.event_panel.prepare_form(self.codebook_for(self.bundle))

    def warm_up_lemmas(self) -> None:
        """The actor field's inter-code guess lemmatizes with spaCy (coding/actor_inter.py):
        loaded here in the background a moment after the first paint, not on the GUI thread at
        the first actor filled (about a second frozen)."""
        from coding.actor_inter import warm_up
        from ui.tasks import TaskRunner

        if self._warmer is None:
            self._warmer = TaskRunner(self)
            self._warmer.run(warm_up, lambda _loaded: None, lambda _error: None)  # a missing model: plain words

    # ---- the open article -----------------------------------------------------------------
    def open_article(self, article_id: int) -> None:
        """Show an article in the reader and the event panel (a short DB read). A very large
        one is read a window at a time, off the GUI thread (open_window)."""
        self.parts.event_panel.flush_edits()  # before the article's status changes on opening another
        from storage.article_window import article_length

        length = article_length(self.repo, article_id)
        if length > self.large_article_chars:
            self.open_window(article_id, 0, length)
            return
        bundle = self.repo.visible_bundle(article_id, self.viewer())
        self.bundle = bundle
        self._window_of = None
        self.parts.reader.set_window(None)
        self.parts.event_panel.setEnabled(True)
        self.show_bundle(bundle)
        self.parts.status_actions.set_enabled(bundle is not None)

    def open_window(self, article_id: int, start: int, length: int = 0) -> None:
        """Read `window_chars` characters of a very large article from `start` in a worker (the
        whole text never becomes one Python string), then show them read-only with the bar that
        moves the window; the event panel shows the events, greyed."""
        from storage.article_window import read_window
        from ui.tasks import TaskRunner

        if self._loader is None:
            self._loader = TaskRunner(self)
        reader, panel = self.parts.reader, self.parts.event_panel
        self._window_of = article_id
        if length:
            reader.window_bar.show_opening(length)
        size = self.window_chars

        def shown(result: Any) -> None:
            if self._window_of != article_id or result is None:
                return  # another article was opened meanwhile
            bundle, window = result
            self.bundle = bundle
            reader.set_window(window)
            panel.setEnabled(False)
            self.show_bundle(bundle)
            reader.set_window(window)
            self.parts.status_actions.set_enabled(True)

        def failed(error: BaseException) -> None:
            self.parts.status.showMessage(f"The article could not be read: {error}", 10000)

        self._loader.run(lambda: read_window(self.repo, article_id, start, size, self.viewer()), shown, failed)

    def move_window(self, step: int) -> None:
        """The window bar's Earlier / Later: the part before or after, overlapping a tenth."""
        window = self.parts.reader.text_window
        if window is None or self._window_of is None:
            return
        self.open_window(self._window_of, max(0, window.start + step * (window.size - window.size // 10)))

    def show_bundle(self, bundle: Optional[ArticleBundle]) -> None:
        self.parts.reader.set_article(bundle)
        self.parts.event_panel.set_article(bundle, self.codebook_for(bundle))

    def codebook_for(self, bundle: Optional[ArticleBundle]) -> Any:
        """The codebook new events of the article get: its batch's (a switch for some articles),
        else the workspace's. Looked up once per name: opening an article reads no files."""
        from coding.codebook import article_codebook_name, find_codebook

        name = article_codebook_name(bundle.article) if bundle is not None else None
        if bundle is not None and bundle.article.id in self._switching:
            name = self._switching[bundle.article.id][0]  # the switch the writer has not stored yet
        if name is None or (self.codebook is not None and name == self.codebook.name):
            return self.codebook
        if name not in self._books:
            self._books[name] = find_codebook(name, None, self.repo)
        return self._books[name] or self.codebook

    def switch_batch(self, ids: list[int], name: Optional[str]) -> Callable[[], None]:
        """A batch's codebook switch the writer will store: new events of these articles use it
        at once. Returns what to call once it is stored or refused (the open article is read
        again then, with what is stored)."""
        self._switches += 1
        number, batch = self._switches, set(ids)
        for article_id in ids:
            self._switching[article_id] = (name, number)
        self.set_codebook(self.codebook)

        def settled() -> None:
            for article_id in ids:
                if self._switching.get(article_id, (None, 0))[1] == number:
                    del self._switching[article_id]
            if self.bundle is not None and self.bundle.article.id in batch:
                self.set_codebook(self.codebook)  # read again: its bundle was read before the mark

        return settled

    def set_codebook(self, codebook: Any, reload: bool = True) -> None:
        """The workspace's codebook changed (or a batch's): the form follows at once."""
        self.codebook = codebook
        self._books.clear()
        if reload and self.bundle is not None:
            self.open_article(int(self.bundle.article.id))  # type: ignore[arg-type]

    def highlight_activated(self, span: Any) -> None:
        """The coder used a highlight in the reader: it fills the event's field of its kind (or
        the active one), and a suggested highlight used as evidence is accepted in the same step."""
        panel, status, reader = self.parts.event_panel, self.parts.status, self.parts.reader
        if self.bundle is None:
            return
        if panel.current is None:
            status.showMessage("Add an event first (Ctrl+Shift+E); then Space fills its fields from the highlights",
                               5000)
            return
        accept = (lambda: reader.accept_span(span)) if span.state == SpanState.SUGGESTED.value else None
        outcome = panel.fill_from_highlight(span, also=accept, report=lambda done: self._tell_fill(span, done))
        if outcome.pending:  # a place: looked up in the background, told again when it is filled
            status.showMessage(f"{panel.editor.label(outcome.field or '')}: {outcome.note}", 0)
        else:
            self._tell_fill(span, outcome)

    def _tell_fill(self, span: Any, outcome: Any) -> None:
        status, panel = self.parts.status, self.parts.event_panel
        if outcome.edit is None:
            status.showMessage(outcome.note or "That highlight does not fit a field of this event", 6000)
        else:
            status.showMessage(f"{panel.editor.label(outcome.field or '')}: \u201c{self._snippet(span)}\u201d"
                               + (f" \u2014 {outcome.note}" if outcome.note else ""), 5000)

    def _snippet(self, span: Any) -> str:
        text = self.bundle.article.text[span.start:span.end] if self.bundle is not None else ""
        text = " ".join(text.split())
        return text if len(text) <= 40 else text[:39] + "\u2026"

    def digit_pressed(self, number: int) -> bool:
        """A digit in the reader picks the n-th choice while a choice field of the event is
        active (else the reader adds a highlight of the n-th label from the selection)."""
        panel = self.parts.event_panel
        return panel.choice_field_active() and panel.choose_by_number(number)

    # ---- this window's edits and jobs -----------------------------------------------------
    def write_failed(self, message: str) -> None:
        QMessageBox.warning(self.parent(), "Edit not saved", message)  # type: ignore[arg-type]

    def article_changed(self, change: Change) -> None:
        """An edit hit the DB. The reader and event panel listen to the same signal and refresh
        what the change touched, in place; here: the list row and the counts, which show the
        title, status and events (a highlight decision changes neither)."""
        if change.touches(TEXT, STATUS, EVENTS):
            self.parts.list_panel.refresh_article(change.article_id, change.fresh.get("list_row"))
            self.counts_timer.start()

    def _fresh_row(self, article_id: int, parts: frozenset[str]) -> Optional[tuple[str, Callable[[], Any]]]:
        """article_changed's read of the list row, for the writer to do right after the write."""
        if parts.isdisjoint((TEXT, STATUS, EVENTS)):
            return None
        read = self.parts.list_panel.model.row_reader(article_id)
        return ("list_row", read) if read is not None else None

    def articles_changed(self) -> None:
        list_panel = self.parts.list_panel
        list_panel.reload()
        aid = self.current_article_id()
        if aid is not None:
            self.signals.changed.emit(Change(aid))  # its spans may have come from the suggester
        elif list_panel.model.rowCount():
            list_panel.go_next_uncoded()
        self.counts_timer.start()

    def undo_moved(self, index: int) -> None:
        """Undo/redo of an edit made in another article brings that article back on screen."""
        previous, self._undo_index = self._undo_index, index
        if self.signals.dropping:  # failed edits leaving the stack: not the coder's undo
            return
        try:
            cmd = self.undo_stack.command(index if index < previous else index - 1)
        except RuntimeError:  # the stack is being destroyed with the window (clearing emits indexChanged)
            return
        target = getattr(cmd, "article_id", None) if cmd is not None else None
        if target is not None and target != self.current_article_id():
            self.parts.list_panel.select_article(int(target))

    def suggest_progress(self) -> None:
        # The bundle shown is the one opened; only "had no spans yet" matters here.
        if self.bundle is not None and not self.bundle.spans and not self.suggest_refresh.isActive():
            self.suggest_refresh.start()

    def refresh_open_article_spans(self) -> None:
        """Suggestions arrived for the article on screen: show them without waiting for the end."""
        aid = self.current_article_id()
        if aid is not None and aid == self._window_of:
            return  # a window of a very large article: its offsets are its own (moving it re-reads)
        if aid is not None and self.bundle is not None and not self.bundle.spans:
            spans = self.repo.visible_spans(aid, self.viewer())
            if spans:
                self.bundle.spans = spans
                self.signals.changed.emit(Change(aid))  # written by the suggest process: tell the panels

    # ---- other programs' edits ------------------------------------------------------------
    def typing_unsaved(self) -> bool:
        """Typed text not saved yet, or edits still on their way: a reload now would show the
        workspace without them for a moment."""
        writer = self.signals.writer
        return self.parts.event_panel.has_pending_edit() or (writer is not None and writer.pending() > 0)

    def reload_from_workspace(self) -> None:
        """The workspace changed under us: the list (same article selected, same scroll) and the
        open article's text, highlights and events. Read on a worker (an import commits tens of
        thousands of rows: reading them here froze the window for a third of a second), shown
        when read, and only where the screen differs: this window's own commits also make the
        watch fire. One reload at a time; one asked for meanwhile follows it."""
        from ui.tasks import TaskRunner

        if self._reloader is None:
            self._reloader = TaskRunner(self)
        if self._reloader.pending():
            self._reload_again = True
            return
        self._reload_again = False
        list_read = self.parts.list_panel.refresh_reader()
        aid = self.current_article_id()
        window = self.parts.reader.text_window
        windowed = aid is not None and aid == self._window_of and window is not None
        repo, viewer = self.repo, self.viewer()
        panel_reads = self.signals.reads_for(aid, EVERYTHING) if aid is not None and not windowed else None

        def read() -> tuple[Any, ...]:
            listing = list_read()
            if aid is None or windowed:
                return listing, None, None
            return listing, repo.visible_bundle(aid, viewer), (panel_reads() if panel_reads is not None else None)

        def failed(error: BaseException) -> None:
            log.warning("reloading after another program's edit failed: %s", error)
            self._reloaded()

        self._reloader.run(read, lambda result: self._show_reloaded(aid, windowed, *result), failed)

    def _show_reloaded(self, aid: Optional[int], windowed: bool, listing: Any, fresh: Any,
                       readings: Optional[dict[str, Any]]) -> None:
        self.parts.list_panel.apply_refresh(listing)
        window = self.parts.reader.text_window
        if aid is None or aid != self.current_article_id():
            pass  # another article was opened meanwhile: it was read as it opened
        elif windowed and window is not None:
            self.open_window(aid, window.start)  # the same part, read again off the GUI thread
        elif self.typing_unsaved():  # typed meanwhile: the article is reloaded once it is saved
            self._reload_again = True
        elif fresh is None:  # deleted by the other program
            self.bundle = None
            self.show_bundle(None)
            self.parts.status_actions.set_enabled(False)
        elif self.bundle is None or _shown_key(fresh) != _shown_key(self.bundle):
            self.bundle = fresh
            self.signals.changed.emit(Change(aid, fresh=readings or {}))  # the panels show it in place
        self._reloaded()

    def _reloaded(self) -> None:
        self.counts_timer.start()
        if self._reload_again:
            self.reload_timer.start()


def _shown_key(bundle: ArticleBundle) -> tuple[Any, ...]:
    """What the panels show of an article: another program's change to any of it differs here."""
    a = bundle.article
    return ((a.id, a.status, a.title, a.published, a.source, getattr(a, "version", None), a.text),
            [(s.id, s.start, s.end, s.label, s.state, getattr(s, "version", None)) for s in bundle.spans],
            [(e.event.id, e.event.updated_at, tuple(sorted((k, v.start, v.end) for k, v in e.evidence.items())))
             for e in bundle.events])


__all__ = ["Parts", "SUGGEST_REFRESH_MS", "WindowSync"]
