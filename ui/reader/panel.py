"""The reader panel: article header, label legend and highlighted text, with the entity keys
(walk, accept, reject, relabel, delete, restore, add from a selection, use)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QPalette, QUndoStack
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from storage.models import Article, EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleBundle, Repository
from ui.actions import make_action
from ui.reader.find_bar import FindBar, find_highlight
from ui.reader.label_menu import ask_new_label, choose_label, swatch
from ui.reader.legend import STANDARD_LABELS, LegendBar, human_name
from ui.reader.view import ReaderView, span_fields
from ui.undo import (AddSpanCommand, DeleteSpanCommand, RelabelSpanCommand, SetSpanStateCommand,
                     SPANS, STATUS, TEXT, Change, WorkspaceSignals)

_STATUS_NAMES = {"new": "new", "in_progress": "in progress", "coded": "coded",
                 "skipped": "skipped", "flagged": "flagged for review"}


def _coder_name(coder: Any) -> Optional[str]:
    if coder is None or isinstance(coder, str):
        return coder or None
    return getattr(coder, "name", None) or str(coder)


def _reading_order(span: EntitySpan) -> tuple[int, int, int]:
    start, end, span_id, _, _ = span_fields(span)
    return start, end, span_id or 0


class ReaderPanel(QWidget):
    """Shows one article (ArticleBundle) and edits its spans through undo commands."""

    highlightActivated = Signal(object)  # EntitySpan clicked or "used" by key

    def __init__(self, repo: Repository, undo_stack: QUndoStack, signals: WorkspaceSignals,
                 coder: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.undo_stack = undo_stack
        self.signals = signals
        self.coder = _coder_name(coder)
        self._article: Optional[Article] = None
        self._spans: list[EntitySpan] = []
        self._digit_handler: Optional[Callable[[int], bool]] = None
        # Team coding: the coder's own status of the article (None: not assigned to them) and
        # whether blind mode hides another coder's work here; read with the article.
        self._own_status: Optional[str] = None
        self._blind = False

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a title is data, never markup
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = QLabel(self)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted
        self.legend = LegendBar(self)
        self.view = ReaderView(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFocusProxy(self.view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.legend)
        from ui.reader.window_bar import WindowBar

        self.window_bar = WindowBar(self)  # a very large article: which part is shown
        self._window: Any = None
        layout.addWidget(self.window_bar)
        layout.addWidget(self.view, 1)
        self.find_bar = FindBar(self)
        layout.addWidget(self.find_bar)
        self.find_bar.findRequested.connect(self.go_to_words)
        self.find_bar.closed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))

        self._actions: list[QAction] = []
        self._make_actions()
        self.legend.visibilityChanged.connect(lambda *_: self._redraw())
        self.view.spanClicked.connect(self._clicked)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.signals.changed.connect(self._changed)
        self.signals.previewed.connect(self._previewed)
        self.signals.add_fresh_read(self._fresh_read)
        self._undo_index = undo_stack.index()
        undo_stack.indexChanged.connect(self._undo_moved)
        self.set_article(None)

    # ---- API ----------------------------------------------------------------------------
    def set_article(self, bundle: Optional[ArticleBundle]) -> None:
        """Show an article; the same article again only refreshes its spans (scroll, current
        highlight and selection stay)."""
        if bundle is None:
            self._article, self._spans = None, []
            self.title.setText("No article open")
            self.meta.setText("Pick an article in the list (Ctrl+1), or Ctrl+Shift+N for the next uncoded one.")
            self.view.set_text("")
            self.legend.set_counts({})
            self._update_enabled()
            return
        same = (self._article is not None and self._article.id == bundle.article.id
                and self._article.text == bundle.article.text and self._window is None)
        self._article = bundle.article
        self._read_team()
        self._spans = sorted(bundle.spans, key=_reading_order)
        self.title.setText(bundle.article.title or "(untitled)")
        self._redraw(keep_current=same, new_text=None if same else bundle.article.text)
        if not same:
            self.view.verticalScrollBar().setValue(0)

    @property
    def text_window(self) -> Any:
        """The window of a very large article shown (storage.article_window.TextWindow), or None."""
        return self._window

    def set_window(self, window: Any) -> None:
        """The bundle shown is a window of a very large article (storage.article_window), its
        offsets the window's own: shown read-only, with the bar that moves it. None: ordinary."""
        self._window = window
        self.window_bar.show_window(window)
        self._update_enabled()

    def set_coder(self, coder: str) -> None:
        """Span decisions from now on are this coder's."""
        self.coder = _coder_name(coder)

    def current_span(self) -> Optional[EntitySpan]:
        cid = self.view.current_id()
        return next((s for s in self._spans if s.id == cid), None)

    def show_evidence(self, start: int, end: int) -> None:
        """Mark and scroll to the code points start..end of the article (a field's evidence)."""
        if self._article is None or not (0 <= start <= end <= len(self._article.text)):
            return
        self.view.show_range(start, end)

    def actions(self) -> list[QAction]:  # noqa: D401 - Qt name on purpose
        """The reader's actions, each with its shortcut (for menus and the cheat sheet)."""
        return list(self._actions)

    def set_font_size(self, points: int) -> None:
        """The article reads a little larger than the rest of the window."""
        font = QFont(self.view.font())
        font.setPointSizeF(points * 1.1)
        self.view.setFont(font)

    def focus_main(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def article_id(self) -> Optional[int]:
        return self._article.id if self._article else None

    # ---- drawing -------------------------------------------------------------------------
    def _visible(self) -> list[EntitySpan]:
        hidden = self.legend.hidden_labels()
        return [s for s in self._spans if s.label not in hidden]

    def _redraw(self, keep_current: bool = True, new_text: Optional[str] = None) -> None:
        """Counts, legend, highlights and the line under the title; with `new_text` the view
        shows that text with the highlights in one go."""
        current = self.current_span() if keep_current else None
        counts: dict[str, int] = {}
        rejected = SpanState.REJECTED.value
        todo = 0
        suggested = SpanState.SUGGESTED.value
        for s in self._spans:
            _, _, _, label, state = span_fields(s)
            counts[label] = counts.get(label, 0) + (state != rejected)
            todo += state == suggested
        self.legend.set_counts(counts)
        hidden = self.legend.hidden_labels()
        current_id = current.id if current is not None and current.label not in hidden else None
        if new_text is None:
            self.view.set_spans(self._spans, hidden, current_id)
        else:
            self.view.show_article(new_text, self._spans, hidden, current_id)
        self._update_meta(todo)
        self._update_enabled()

    def _update_meta(self, todo: int) -> None:
        a = self._article
        if a is None:
            return
        status = self._own_status or a.status
        parts = [a.published.isoformat() if a.published else "no date", a.source or "no source",
                 _STATUS_NAMES.get(status, status)]
        parts.append(f"{len(self._spans)} highlights" + (f", {todo} to review" if todo else ""))
        if self._blind:
            parts.append("blind: the other coder's work is hidden")
        self.meta.setText("  \u00b7  ".join(parts))

    def _read_team(self, fresh: Optional[tuple[Any, ...]] = None) -> None:
        aid = self._article.id if self._article is not None else None
        if aid is None or not self.coder:
            self._own_status, self._blind = None, False
            return
        if fresh is not None:  # read by the writer after the write (_fresh_read)
            self._own_status, self._blind = fresh[1], fresh[2]
            return
        self._own_status, self._blind = self.repo.coder_view(aid, self.coder)

    def _update_enabled(self) -> None:
        has_article = self._article is not None
        walking = (getattr(self, "act_next", None), getattr(self, "act_prev", None))
        for action in self._actions:  # a window is read-only: walking its highlights only
            action.setEnabled(has_article and (self._window is None or action in walking))

    # ---- reacting to the database --------------------------------------------------------
    def _changed(self, change: Change) -> None:
        """Only what touched this article's text or highlights re-reads and redraws it."""
        article_id = change.article_id
        if self._article is None or article_id != self._article.id:
            return
        read = change.fresh.get("reader")  # what the writer read after the write, if it did
        if not change.touches(TEXT, SPANS):
            if change.touches(STATUS):  # the status in the line under the title
                fresh_article = read[0] if read is not None else self.repo.get_article(article_id)
                if fresh_article is not None:
                    self._article = fresh_article
                    self._read_team(read)
                    self._update_meta(sum(s.state == SpanState.SUGGESTED.value for s in self._spans))
            return
        if self._window is not None:  # never the whole text of a very large article
            return
        if read is None or read[3] is None:
            read = None
        fresh = read[0] if read is not None else self.repo.get_article(article_id)
        if fresh is None:  # the article itself is gone
            self.set_article(None)
            return
        same_text = fresh.text == self._article.text
        self._article = fresh
        self._read_team(read)
        # Blind mode hides others' decisions.
        spans = read[3] if read is not None else self.repo.visible_spans(article_id, self.coder)
        if same_text and _drawn(spans) == _drawn(self._spans):
            # What the preview already shows (the coder's own edit): the rows are taken for their
            # versions and ids, the highlights are not drawn again.
            self._spans = spans
            self._update_meta(sum(s.state == SpanState.SUGGESTED.value for s in spans))
            return
        self._spans = spans
        self._redraw()

    def _fresh_read(self, article_id: int, parts: frozenset[str]) -> Optional[tuple[str, Callable[[], Any]]]:
        """What _changed reads for a change of this article, for the writer to read right after
        the write (off the GUI thread): the article, the coder's own status, blind mode and the
        spans (for a status change too: a later reading replaces an earlier one whole)."""
        if self._article is None or article_id != self._article.id or self._window is not None:
            return None
        if parts.isdisjoint((TEXT, SPANS, STATUS)):
            return None
        repo, coder = self.repo, self.coder

        def read() -> tuple[Any, ...]:
            article = repo.get_article(article_id)
            own, blind = repo.coder_view(article_id, coder) if coder and article is not None else (None, False)
            return article, own, blind, repo.visible_spans(article_id, coder)
        return "reader", read

    def _previewed(self, command: Any, forward: bool) -> None:
        """A span edit is on its way to the workspace: show its result now (the Change re-reads
        what was stored once it is written)."""
        preview = getattr(command, "preview", None)
        span = getattr(command, "span", None)
        if preview is None or span is None or self._article is None or span.article_id != self._article.id:
            return
        shown = preview(forward)
        mine = next((s for s in self._spans if s.id == span.id), None)
        if shown is None or mine is None:
            return
        if shown.get("gone"):
            self._spans = [s for s in self._spans if s is not mine]
        else:
            for name, value in shown.items():
                setattr(mine, name, value)
        self._redraw()

    def _undo_moved(self, index: int) -> None:
        """After undo or redo of a span edit, the span it touched becomes the current one,
        so the coder sees what changed back."""
        previous, self._undo_index = self._undo_index, index
        if self.signals.dropping:  # failed edits leaving the stack: not the coder's undo
            return
        try:
            cmd = self.undo_stack.command(index if index < previous else index - 1)
        except RuntimeError:  # the stack is being destroyed (clearing emits indexChanged)
            return
        while cmd is not None and cmd.childCount():  # a macro: its last step
            cmd = cmd.child(cmd.childCount() - 1)
        span = getattr(cmd, "span", None)
        if isinstance(span, EntitySpan) and span.id in {s.id for s in self._visible()}:
            self._set_current(span)

    # ---- actions -------------------------------------------------------------------------
    def _action(self, text: str, keys: list[str], slot: Callable[[], None], tip: str = "",
                context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QAction:
        action = make_action(self, text, keys, slot, tip or text, context)
        self.addAction(action)
        self._actions.append(action)
        return action

    def _make_actions(self) -> None:
        self.act_next = self._action("Next highlight", ["Right", "J"], self.next_highlight)
        self.act_prev = self._action("Previous highlight", ["Left", "K"], self.previous_highlight)
        self._action("Next highlight (anywhere)", ["Alt+Right"], self.next_highlight,
                     context=Qt.ShortcutContext.WindowShortcut)
        self._action("Previous highlight (anywhere)", ["Alt+Left"], self.previous_highlight,
                     context=Qt.ShortcutContext.WindowShortcut)
        self.act_accept = self._action("Accept highlight, go to the next", ["A"], self.accept_current)
        self.act_reject = self._action("Reject highlight, go to the next", ["R"], self.reject_current)
        self.act_relabel = self._action("Relabel highlight...", ["L"], self.relabel_current)
        self.act_delete = self._action("Delete highlight", ["Delete"], self.delete_current)
        self.act_restore = self._action("Restore rejected highlight", ["U"], self.restore_current)
        self.act_find = self._action("Go to the highlight at some words…", ["/"], self.find_bar.open)
        self.act_use = self._action("Use highlight for the event (its field, or the active one)", ["Space", "Return"],
                                    self.use_current)
        for n, label in enumerate(STANDARD_LABELS, start=1):
            self._action(f"Add {human_name(label)} from selection", [str(n)],
                         lambda *_, n=n: self.add_from_selection_key(n))

    # ---- navigation ----------------------------------------------------------------------
    def go_to_words(self, query: str) -> None:
        """The find bar's Enter: the highlight at the next place the text says `query`."""
        if self._article is None:
            return
        current = self.current_span()
        after = current.end if current is not None else self.view.offsets.to_cp(self.view.textCursor().position())
        span = find_highlight(self._article.text, self._visible(), query, after)
        if span is None:
            self.find_bar.say("no highlight there")
            return
        self.find_bar.hide()
        self._set_current(span)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_current(self, span: Optional[EntitySpan]) -> None:
        self.view.set_current(span.id if span else None)

    def next_highlight(self) -> None:
        self._step(+1)

    def previous_highlight(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        spans = self._visible()
        if not spans:
            return
        cur = self.current_span()
        if cur is None:
            # Start from the caret: the first highlight at/after it (or before it, going back).
            cp = self.view.offsets.to_cp(self.view.textCursor().position())
            after = [s for s in spans if s.start >= cp] if direction > 0 else [s for s in spans if s.start < cp]
            target = (after[0] if direction > 0 else after[-1]) if after else (spans[0] if direction > 0 else spans[-1])
        else:
            ids = [s.id for s in spans]
            i = ids.index(cur.id)  # the current one is always visible
            j = i + direction
            if not 0 <= j < len(spans):
                self._hint("Last highlight." if direction > 0 else "First highlight.")
                return
            target = spans[j]
        self._set_current(target)

    def _following(self, span: EntitySpan) -> Optional[EntitySpan]:
        spans = self._visible()
        key = (span.start, span.end, span.id or 0)
        return next((s for s in spans if (s.start, s.end, s.id or 0) > key), None)

    # ---- edits ---------------------------------------------------------------------------
    def _need_current(self) -> Optional[EntitySpan]:
        span = self.current_span()
        if span is None:
            self._hint("No current highlight: Right/J moves to the next one.")
        return span

    def _push_and_advance(self, command: Any, span: EntitySpan, advance: bool = True) -> None:
        """Run an edit on the current span, then move on to the next highlight (or stay)."""
        target = self._following(span) if advance else span
        self.undo_stack.push(command)  # redo() writes the DB; the Change reloads this panel
        ids = {s.id for s in self._spans}
        if target is not None and target.id in ids:
            self._set_current(target)
        elif span.id in ids:
            self._set_current(span)

    def _text(self) -> Optional[str]:
        return self._article.text if self._article else None

    def accept_current(self) -> None:
        self._decide(SpanState.ACCEPTED.value)

    def reject_current(self) -> None:
        self._decide(SpanState.REJECTED.value)

    def _decide(self, state: str) -> None:
        """Accept or reject the current highlight and move on (already so: just move on)."""
        span = self._need_current()
        if span is None:
            return
        if span.state == state:
            self._set_current(self._following(span) or span)
            return
        self._push_and_advance(SetSpanStateCommand(self.repo, self.signals, span, state, self.coder,
                                                   self._text()), span)

    def restore_current(self) -> None:
        span = self._need_current()
        if span is None:
            return
        if span.state != SpanState.REJECTED.value:
            self._hint("Only a rejected highlight can be restored.")
            return
        # A coder's own span comes back accepted; a machine suggestion comes back to review.
        state = SpanState.ACCEPTED.value if span.origin == SpanOrigin.CODER.value else SpanState.SUGGESTED.value
        self._push_and_advance(SetSpanStateCommand(self.repo, self.signals, span, state, self.coder,
                                                   self._text()), span, advance=False)

    def delete_current(self) -> None:
        span = self._need_current()
        if span is None:
            return
        self._push_and_advance(DeleteSpanCommand(self.repo, self.signals, span, self.coder, self._text()), span)

    def relabel_current(self) -> None:
        span = self._need_current()
        if span is None:
            return
        rects = self.view.range_rects(*self.view.offsets.range_to_qt(span.start, span.end))
        anchor = self.view.viewport().mapToGlobal(rects[0].bottomLeft().toPoint() if rects else QPoint(0, 0))
        label = choose_label(self, f"Relabel \u201c{self._snippet(span)}\u201d as", self.legend.labels,
                             span.label, anchor, self._actions)
        if label and label != span.label:
            self.relabel(span, label)

    def relabel(self, span: EntitySpan, label: str) -> None:
        self._push_and_advance(RelabelSpanCommand(self.repo, self.signals, span, label, self.coder,
                                                  self._text()), span)

    def accept_span(self, span: EntitySpan) -> None:
        """Accept a highlight without moving on (it was just used as evidence)."""
        self.undo_stack.push(SetSpanStateCommand(self.repo, self.signals, span, SpanState.ACCEPTED.value,
                                                 self.coder, self._text()))

    def set_digit_handler(self, handler: Optional[Callable[[int], bool]]) -> None:
        """Who gets a digit first (the event form while a choice field is active); a digit it
        does not take adds a highlight of the n-th label from the selection."""
        self._digit_handler = handler

    def use_current(self) -> None:
        span = self._need_current()
        if span is not None:
            self.highlightActivated.emit(span)

    def add_from_selection_key(self, number: int) -> None:
        if self._digit_handler is not None and self._digit_handler(number):
            return
        labels = self.legend.labels or list(STANDARD_LABELS)
        if 1 <= number <= min(9, len(labels)):
            self.add_from_selection(labels[number - 1])

    def add_from_selection(self, label: str) -> Optional[EntitySpan]:
        """Make the selected text a span of `label`. The selection is widened to whole
        characters and trimmed of white space. The same range as an existing span relabels or
        accepts that span; machine suggestions the new span overlaps are replaced by it (the
        coder is fixing their boundaries); spans a coder accepted stay (nesting is allowed)."""
        if self._article is None:
            return None
        rng = self.view.selected_range()
        if rng is None:
            self._hint("Select some text first, then press the label's number.")
            return None
        start, end = rng
        same = next((s for s in self._spans if s.start == start and s.end == end), None)
        if same is not None:
            if same.label != label:
                self._push_and_advance(RelabelSpanCommand(self.repo, self.signals, same, label, self.coder,
                                                          self._text()), same, advance=False)
            elif same.state != SpanState.ACCEPTED.value:
                self._push_and_advance(SetSpanStateCommand(self.repo, self.signals, same, SpanState.ACCEPTED.value,
                                                           self.coder, self._text()), same, advance=False)
            self._set_current(same)
            return same
        replaced = [s for s in self._spans if s.start < end and start < s.end
                    and s.state == SpanState.SUGGESTED.value]
        add = AddSpanCommand(self.repo, self.signals, self._article.id, start, end, label,  # type: ignore[arg-type]
                             self.coder, self._text())
        if replaced:
            self.undo_stack.beginMacro(f"Add {label} (replacing {len(replaced)} suggestion(s))")
            for s in replaced:
                self.undo_stack.push(DeleteSpanCommand(self.repo, self.signals, s, self.coder, self._text()))
            self.undo_stack.push(add)
            self.undo_stack.endMacro()
        else:
            self.undo_stack.push(add)
        add.wait_written()  # the new highlight's id (to make it the current one)
        self._set_current(add.span)
        return add.span

    # ---- mouse ---------------------------------------------------------------------------
    def _clicked(self, span: EntitySpan) -> None:
        if self._window is None:  # a window's offsets are its own: never written to an event
            self.highlightActivated.emit(span)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.view.createStandardContextMenu(pos)
        span = self.view.span_at_point(pos)
        if span is not None:
            self.view.set_current(span.id, reveal=False)
            menu.addSeparator()
            for action in (self.act_use, self.act_accept, self.act_reject, self.act_relabel,
                           self.act_restore, self.act_delete):
                menu.addAction(action)
        if self.view.selected_range() is not None:
            add_menu = menu.addMenu("Add span as")
            for label in self.legend.labels:
                add_menu.addAction(swatch(label), human_name(label), lambda *_, l=label: self.add_from_selection(l))
            add_menu.addAction("Other label...", self._add_other_label)
        menu.exec(self.view.viewport().mapToGlobal(pos))  # its entries are the reader's actions
        menu.deleteLater()

    def _add_other_label(self) -> None:
        label = ask_new_label(self)
        if label:
            self.add_from_selection(label)

    # ---- helpers -------------------------------------------------------------------------
    def _snippet(self, span: EntitySpan) -> str:
        text = self._article.text[span.start:span.end] if self._article else ""
        text = " ".join(text.split())
        return text if len(text) <= 30 else text[:27] + "..."

    def _hint(self, message: str) -> None:
        """A short note at the caret (the reader has no status bar of its own)."""
        rect = self.view.cursorRect()
        QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), message, self.view)


def _drawn(spans: list[EntitySpan]) -> list[tuple[Any, ...]]:
    """What the view draws of the highlights (their order is the drawing's too)."""
    return [(s.id, s.start, s.end, s.label, s.state) for s in spans]


__all__ = ["ReaderPanel"]
