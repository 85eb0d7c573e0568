"""The event panel: the article's events (add, duplicate, delete) and the form of the selected one."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coding.codebook import Codebook, find_codebook, validate_event
from storage.models import EntitySpan
from storage.repository import ArticleBundle, EventWithEvidence, Repository, event_fields
from ui.actions import make_action
from ui.events.commands import AddEventCommand, DeleteEventCommand, DuplicateEventCommand, SetFieldCommand
from ui.events.editing import EventEditing
from ui.events.fill import event_line, new_event_values, storable, typed_values, with_follow_ups
from ui.events.form import EventForm
from ui.undo import WorkspaceSignals

SpanProvider = Callable[[], Optional[EntitySpan]]


class EventPanel(QWidget, EventEditing):
    """Lists the events of the article and edits the selected one; every edit is a command on
    the shared undo stack, committed to the workspace at once."""

    evidenceRequested = Signal(int, int)  # start, end of the focused field's evidence
    eventsChanged = Signal(int)  # article id

    def __init__(self, repo: Repository, undo_stack: QUndoStack, signals: WorkspaceSignals,
                 coder: Optional[str], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.repo, self.undo_stack, self.signals, self.coder = repo, undo_stack, signals, coder
        self.bundle: Optional[ArticleBundle] = None
        self.codebook: Optional[Codebook] = None
        self.current: Optional[EventWithEvidence] = None
        self.values: dict[str, Any] = {}
        self._forms: dict[str, EventForm] = {}
        self._saved_codebooks: set[str] = set()
        self._other_codebooks: dict[tuple[str, str], Optional[Codebook]] = {}
        self._span_provider: Optional[SpanProvider] = None
        self._small_pt = 9.0
        self._shown_key: tuple[Any, ...] = ()
        self._codebook_changed = False
        self._init_editing()
        self._build()
        self._make_actions()
        signals.articleChanged.connect(self._article_changed)
        self._update_actions()

    # ---- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        header = QHBoxLayout()
        self.title = QLabel("<b>Events</b>")
        header.addWidget(self.title)
        header.addStretch(1)
        self._buttons: dict[str, QToolButton] = {}
        for key, text in (("add", "Add"), ("duplicate", "Duplicate"), ("delete", "Delete")):
            button = QToolButton(self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._buttons[key] = button
            header.addWidget(button)
        layout.addLayout(header)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.list = QListWidget(self.splitter)
        self.list.setAlternatingRowColors(True)
        # A long event line is cut with "…" (its row tooltip has it all), never scrolled sideways.
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._show_selected())
        form_box = QWidget(self.splitter)
        box = QVBoxLayout(form_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.codebook_label = QLabel(form_box)
        self.codebook_label.setStyleSheet("color: #555; font-size: 11px;")
        self.codebook_label.setWordWrap(True)  # a long codebook title and coder name: no clipping
        box.addWidget(self.codebook_label)
        self.stack = QStackedWidget(form_box)
        self.placeholder = QLabel("No article open.", self.stack)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #666;")
        self.stack.addWidget(self.placeholder)
        box.addWidget(self.stack, 1)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(form_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([110, 600])
        layout.addWidget(self.splitter, 1)

    def _make_actions(self) -> None:
        def action(text: str, keys: str, slot: Callable[[], Any], tip: str,
                   context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
            act = make_action(self, text, keys, slot, tip, context)
            self.addAction(act)
            return act

        self.add_action = action("Add event", "Ctrl+Shift+E", self.add_event, "Add an event to this article")
        self.duplicate_action = action("Duplicate event", "Ctrl+Shift+D", self.duplicate_event,
                                       "Copy the selected event (for a second event in the same article)")
        self.delete_action = action("Delete event", "Ctrl+Shift+Delete", self.delete_event, "Delete the selected event")
        self.next_field_action = action("Next field", "Alt+Down", lambda: self.step_field(1), "Next event field")
        self.previous_field_action = action("Previous field", "Alt+Up", lambda: self.step_field(-1),
                                            "Previous event field")
        self.use_highlight_action = action("Use highlight for field", "Ctrl+U", self.use_current_highlight,
                                           "Fill the active field from the reader's current highlight")
        self.pick_place_action = action("Pick place…", "F4", self.pick_place, "Choose among places of this name",
                                        Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.actor_list_action = action("Actor list…", "Ctrl+Shift+L", self.show_actor_list,
                                        "See and correct the workspace's actors and their inter codes")
        for key, act, short in (("add", self.add_action, "+ Add"), ("duplicate", self.duplicate_action, "Duplicate"),
                                ("delete", self.delete_action, "Delete")):
            act.setIconText(short)  # the button's text; menus show the full text
            self._buttons[key].setDefaultAction(act)

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The panel's actions with their shortcuts, for menus and the F1 cheat sheet."""
        return [self.add_action, self.duplicate_action, self.delete_action, self.next_field_action,
                self.previous_field_action, self.use_highlight_action, self.pick_place_action,
                self.actor_list_action]

    def show_actor_list(self) -> None:
        from ui.events.actor_list import ActorListDialog

        ActorListDialog(self.repo, self).exec()
        self.refresh_actors()

    def set_font_size(self, size: int) -> None:
        """The main window's font size changed: notes and messages stay a little smaller."""
        self._small_pt = max(7.0, size - 2.0)
        for form in self._forms.values():
            form.set_small_size(self._small_pt)

    def set_span_provider(self, provider: Optional[SpanProvider]) -> None:
        """Where Ctrl+U finds the current highlight (the reader's current_span)."""
        self._span_provider = provider

    def _update_actions(self) -> None:
        has_article = self.bundle is not None
        has_event = self.current is not None
        self.add_action.setEnabled(has_article)
        self.duplicate_action.setEnabled(has_event)
        self.delete_action.setEnabled(has_event)
        for act in (self.next_field_action, self.previous_field_action, self.use_highlight_action,
                    self.pick_place_action):
            act.setEnabled(has_event)

    # ---- article and events ----------------------------------------------------------------
    def set_article(self, bundle: Optional[ArticleBundle], codebook: Optional[Codebook] = None) -> None:
        """Show an article's events; new events use `codebook` (recorded in the workspace)."""
        self.flush_edits()  # typed text belongs to the article on screen until now
        self._codebook_changed = codebook is not None and (self.codebook is None or codebook.key != self.codebook.key)
        if codebook is not None:
            self.codebook = codebook
            if codebook.key not in self._saved_codebooks:
                self.repo.save_codebook(codebook.name, codebook.version, codebook.to_definition())
                self._saved_codebooks.add(codebook.key)
        same_article = bundle is not None and self.bundle is not None and bundle.article.id == self.bundle.article.id
        keep = self.current.event.id if self.current and same_article else None
        if bundle is not None and (not same_article or len(bundle.spans) != len(self.bundle.spans)):  # type: ignore[union-attr]
            self._countries.pop(bundle.article.id, None)  # new place highlights: new context
        self.bundle = bundle
        if not same_article:
            self.refresh_actors()
        self._fill_list(select=keep, force=not same_article or self._codebook_changed)

    def _article_changed(self, article_id: int) -> None:
        """An edit hit the database: reload this article's events (not its text or spans)."""
        if self.bundle is None or article_id != self.bundle.article.id:
            return
        if self._flushing_quietly:  # saved while the coder changes event: reload after that
            QTimer.singleShot(0, lambda: self._article_changed(article_id))
            return
        before = self._events_key()
        self.bundle = ArticleBundle(self.bundle.article, self.bundle.spans, self.repo.article_events(article_id))
        self._fill_list(select=self.current.event.id if self.current else None, force=False)
        if self._events_key() != before:
            self.eventsChanged.emit(article_id)

    def _events_key(self) -> tuple[Any, ...]:
        """What the list and form show, to skip rebuilding them when nothing changed."""
        if self.bundle is None:
            return ()
        return (self.bundle.article.id, *[(e.event.id, e.event.updated_at,
                                           tuple(sorted((k, v.start, v.end) for k, v in e.evidence.items())))
                                          for e in self.bundle.events])

    def _fill_list(self, select: Optional[int] = None, force: bool = True) -> None:
        """Rebuild the event list (quietly) and show the selected event."""
        key = (self._events_key(), self.codebook.key if self.codebook else None)
        if not force and key == self._shown_key:
            return
        self._shown_key = key
        events = self.bundle.events if self.bundle else []
        self.list.blockSignals(True)
        self.list.clear()
        row_to_select = 0 if events else -1
        for i, item in enumerate(events):
            values = event_fields(item.event)
            book = self._codebook_of(item)
            typed = typed_values(book, values) if book else values
            problems = validate_event(book, typed, self._published()) if book else {}
            row = QListWidgetItem(f"{i + 1}. {event_line(book, typed) if book else item.event.uid[:8]}")
            row.setData(Qt.ItemDataRole.UserRole, item.event.id)
            row.setToolTip(row.text())
            if problems:
                row.setForeground(QBrush(QColor("#8a6100")))
                row.setToolTip(row.text() + "\n\nTo fix:\n" + "\n".join(f"{k}: {'; '.join(v)}" for k, v in problems.items()))
            self.list.addItem(row)
            if item.event.id == select:
                row_to_select = i
        self.list.setCurrentRow(row_to_select)
        self.list.blockSignals(False)
        self.title.setText(f"<b>Events</b> ({len(events)})" if self.bundle else "<b>Events</b>")
        self._show_selected()

    def selected_event_id(self) -> Optional[int]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_event(self, event_id: Optional[int]) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == event_id:
                self.list.setCurrentRow(i)
                return

    def _codebook_of(self, item: EventWithEvidence) -> Optional[Codebook]:
        """The codebook an event was coded with (the loaded one when it is the same)."""
        book = self.codebook
        key = (item.event.codebook_name, item.event.codebook_version)
        if book is not None and key == (book.name, book.version):
            return book
        if key not in self._other_codebooks:
            self._other_codebooks[key] = find_codebook(key[0], key[1], self.repo)
        return self._other_codebooks[key] or book

    def _form_for(self, book: Codebook) -> EventForm:
        form = self._forms.get(book.key)
        if form is None:
            form = EventForm(book, self.stack)
            form.set_small_size(self._small_pt)
            self._connect_form(form)
            self._forms[book.key] = form
            self.stack.addWidget(form)
        return form

    def _show_selected(self) -> None:
        event_id = self.selected_event_id()
        if self._pending is not None and self._pending.event_id != event_id:
            self.flush_edits(quiet=True)  # into the event it was typed for, before switching
        item = next((e for e in self.bundle.events if e.event.id == event_id), None) if self.bundle else None
        changed_event = (item is None) != (self.current is None) or (
            item is not None and self.current is not None and item.event.id != self.current.event.id)
        self.current = item
        book = self._codebook_of(item) if item else self.codebook
        if item is None or book is None:
            self.values = {}
            if self.bundle is None:
                self.placeholder.setText("No article open.")
            else:
                self.placeholder.setText("No event yet.\nCtrl+Shift+E adds one; then fill its fields "
                                         "from the highlights (Space or Ctrl+U).")
            self.stack.setCurrentWidget(self.placeholder)
            self.codebook_label.setText(f"Codebook: {book.title} ({book.name} {book.version})" if book else "")
            self._update_actions()
            return
        form = self._form_for(book)
        previous_form = self.stack.currentWidget()
        self.stack.setCurrentWidget(form)
        self.codebook_label.setText(f"Codebook: {book.title} ({book.name} {book.version}) · event {item.event.uid[:8]}"
                                    + (f" · coder {item.event.coder}" if item.event.coder else ""))
        self.values = typed_values(book, event_fields(item.event))
        form.set_published(self._published())
        form.set_values(self.values, force=changed_event or previous_form is not form)
        self._refresh_form_details(form, book)
        if changed_event and self.active_field_name():
            form.set_active_field(self.active_field_name())
        self._update_actions()

    def _published(self) -> Optional[dt.date]:
        return self.bundle.article.published if self.bundle else None

    def current_form(self) -> Optional[EventForm]:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, EventForm) else None

    # ---- add, duplicate, delete ------------------------------------------------------------
    def add_event(self) -> Optional[int]:
        self.flush_edits()
        if self.bundle is None or self.codebook is None:
            return None
        book = self.codebook
        values = with_follow_ups(book, {}, new_event_values(book, self.bundle.article))
        command = AddEventCommand(self.repo, self.signals, self.bundle.article.id, storable(values),
                                  self.coder, book.name, book.version)
        self.undo_stack.push(command)
        self.select_event(command.event_id)
        form = self.current_form()
        if form is not None:
            form.focus_field(form.first_field())
        return command.event_id

    def duplicate_event(self) -> Optional[int]:
        self.flush_edits()  # the copy includes what was just typed
        if self.current is None:
            return None
        command = DuplicateEventCommand(self.repo, self.signals, self.current, self.coder)
        self.undo_stack.push(command)
        self.select_event(command.event_id)
        return command.event_id

    def delete_event(self) -> None:
        self.flush_edits()  # saved first, so undoing the delete brings it back too
        if self.current is None or self.bundle is None:
            return
        row = self.list.currentRow()
        self.undo_stack.push(DeleteEventCommand(self.repo, self.signals, self.bundle.article.id, self.current.event.id))
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))

    def push_changes(self, field_name: str, changes: dict[str, Any], text: str,
                     evidence: Optional[tuple[int, int]] = None, merge: bool = False,
                     clear_evidence: bool = False) -> None:
        """One undo step: the changes (with what follows from them) and the field's evidence."""
        if not merge:
            self.flush_edits()  # text typed just before is its own step, saved first
        if self.current is None or self.bundle is None:
            return
        book = self._codebook_of(self.current) or self.codebook
        assert book is not None
        full = with_follow_ups(book, self.values, changes, self.actor_codes)
        merge_key = (self.current.event.id, field_name, self._focus_visit) if merge else None
        self.undo_stack.push(SetFieldCommand(self.repo, self.signals, self.bundle.article.id, self.current.event.id,
                                             field_name, storable(full), text, evidence=evidence,
                                             set_evidence=clear_evidence, merge_key=merge_key))
