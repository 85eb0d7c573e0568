"""The event panel: the article's events (add, duplicate, delete) and the form of the selected
one. The logic is coding.event_editor.EventEditor; this panel shows it, forwards the coder's
keys and clicks to it and pushes the edits it returns onto the shared undo stack."""
from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QUndoStack
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QSplitter, QStackedWidget,
                               QToolButton, QVBoxLayout, QWidget)

from coding.codebook import Codebook
from coding.event_editor import EventEditor
from storage.event_edits import EventEdit
from storage.models import EntitySpan
from storage.repository import ArticleBundle, EventWithEvidence, Repository
from ui.actions import make_action
from ui.events.commands import EventEditCommand
from ui.events.field_input import FieldInput
from ui.events.form import EventForm
from ui.events.place_lookups import PlaceLookups
from ui.undo import EVENTS, TEXT, Change, WorkspaceSignals

SpanProvider = Callable[[], Optional[EntitySpan]]

# Typed text is saved after this much idle time (or at once when focus, event or article
# change, before undo/redo and on close): saving and reloading on every keystroke made fast
# typists lose characters, and a reload must never touch the field being typed in.
TYPING_IDLE_MS = 350


class EventPanel(FieldInput, QWidget):
    """Lists the events of the article and edits the selected one; every edit is a command on
    the shared undo stack, committed to the workspace at once."""

    evidenceRequested = Signal(int, int)  # start, end of the focused field's evidence
    eventsChanged = Signal(int)  # article id
    statusMessage = Signal(str, int)  # text, milliseconds (0: until replaced)

    # A place highlight with several plausible places opens the picker (the best guess is
    # preselected: Enter keeps it). Off in headless hosts that cannot answer a dialog.
    pick_when_ambiguous = True

    def __init__(self, repo: Repository, undo_stack: QUndoStack, signals: WorkspaceSignals,
                 coder: Optional[str], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.repo, self.undo_stack, self.signals = repo, undo_stack, signals
        self.editor = EventEditor(repo, coder, ids=signals.ids)
        self._forms: dict[str, EventForm] = {}
        self._saved_codebooks: set[str] = set()
        self._span_provider: Optional[SpanProvider] = None
        self._small_pt = 9.0
        self._shown_key: tuple[Any, ...] = ()
        self._shown_lines: list[Any] = []  # the event list's rows as last built
        self._flushing_quietly = False
        self._typing_timer = QTimer(self, singleShot=True, interval=TYPING_IDLE_MS, timeout=self.flush_edits)
        # Place lookups (gazetteer, workspace place cache) run there, never on the GUI thread.
        self.lookups = PlaceLookups(self._where, self)
        self.lookups.statusMessage.connect(self.statusMessage)
        self._build()
        self._make_actions()
        signals.changed.connect(self._changed)
        signals.previewed.connect(self._previewed)
        signals.add_fresh_read(self._fresh_events)
        self._update_actions()
        self.lookups.build_index_if_missing()

    # ---- what the rest of the window reads -------------------------------------------------
    @property
    def bundle(self) -> Optional[ArticleBundle]:
        return self.editor.bundle

    @property
    def current(self) -> Optional[EventWithEvidence]:
        return self.editor.current

    @property
    def codebook(self) -> Optional[Codebook]:
        return self.editor.codebook

    def set_coder(self, coder: str) -> None:
        self.editor.coder = coder

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
        for key in ("add", "duplicate", "delete"):
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
        self.go_to_field_action = action("Go to field…", "Ctrl+J", self.go_to_field,
                                         "Jump to a field of the event by typing part of its name")
        for key, act, short in (("add", self.add_action, "+ Add"), ("duplicate", self.duplicate_action, "Duplicate"),
                                ("delete", self.delete_action, "Delete")):
            act.setIconText(short)  # the button's text; menus show the full text
            self._buttons[key].setDefaultAction(act)

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The panel's actions with their shortcuts, for menus and the F1 cheat sheet."""
        return [self.add_action, self.duplicate_action, self.delete_action, self.next_field_action,
                self.previous_field_action, self.go_to_field_action, self.use_highlight_action,
                self.pick_place_action, self.actor_list_action]

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
        has_event = self.current is not None
        self.add_action.setEnabled(self.bundle is not None)
        for act in (self.duplicate_action, self.delete_action, self.next_field_action, self.previous_field_action,
                    self.go_to_field_action, self.use_highlight_action, self.pick_place_action):
            act.setEnabled(has_event)

    # ---- article and events ----------------------------------------------------------------
    def _record_codebook(self, codebook: Codebook) -> None:
        """The codebook's definition into the workspace (for exports and the other coders), queued
        ahead of any event that names it: opening an article never waits for another's lock."""
        self.signals.in_order(lambda: self.repo.save_codebook(codebook.name, codebook.version, codebook.to_definition()),
                              f"recording codebook {codebook.name} {codebook.version}",
                              lambda: self._saved_codebooks.discard(codebook.key))  # tried again later

    def set_article(self, bundle: Optional[ArticleBundle], codebook: Optional[Codebook] = None) -> None:
        """Show an article's events; new events use `codebook` (recorded in the workspace)."""
        self.flush_edits()  # typed text belongs to the article on screen until now
        editor = self.editor
        codebook_changed = codebook is not None and (editor.codebook is None or codebook.key != editor.codebook.key)
        if codebook is not None:
            editor.codebook = codebook
            if codebook.key not in self._saved_codebooks:
                self._saved_codebooks.add(codebook.key)
                self._record_codebook(codebook)
        keep = editor.current.event.id if editor.current is not None else None
        same_article = editor.set_article(bundle)
        if not same_article:
            self._show_actor_names()
        self._fill_list(select=keep if same_article else None, force=not same_article or codebook_changed)

    def _changed(self, change: Change) -> None:
        """An edit hit the database: reload this article's events (not its text or spans)."""
        if self.bundle is None or change.article_id != self.bundle.article.id or not change.touches(EVENTS, TEXT):
            return
        if self._flushing_quietly:  # saved while the coder changes event: reload after that
            QTimer.singleShot(0, lambda: self._changed(change))
            return
        before = self._events_key()
        # Blind double coding: another coder's events on this article stay hidden. Read by the
        # writer after the write when it could (_fresh_events), else here.
        events = change.fresh.get("events")
        self.editor.set_events(events if events is not None
                               else self.repo.visible_events(change.article_id, self.editor.coder))
        self._fill_list(select=self.current.event.id if self.current else None, force=False)
        if self._events_key() != before:
            self.eventsChanged.emit(change.article_id)

    def _fresh_events(self, article_id: int, parts: frozenset[str]) -> Optional[tuple[str, Callable[[], Any]]]:
        """_changed's read, for the writer to do right after a write to the article shown."""
        if self.bundle is None or article_id != self.bundle.article.id or parts.isdisjoint((EVENTS, TEXT)):
            return None
        repo, coder = self.repo, self.editor.coder
        return "events", lambda: repo.visible_events(article_id, coder)

    def _previewed(self, command: Any, forward: bool) -> None:
        """An event edit is on its way to the workspace: the form shows it now (see _changed),
        with the notes the editor set while making it. A new event is listed and selected under its
        temporary key; undoing it takes it away."""
        if not isinstance(command, EventEditCommand):
            return
        edit = getattr(command, "forward" if forward else "backward", None)
        if command.key is not None and (self.editor.show_added(edit) if forward else
                                        self.editor.hide_event(command.key)):
            self._fill_list(select=command.key if forward else self.selected_event_id(), force=False)
            return
        if self.editor.preview(edit):
            form = self.current_form()
            if form is not None:
                form.set_values(self.editor.values)
        self._refresh_form_details()

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
        rows = self.editor.rows()
        lines = [(row.event_id, row.line, row.problems) for row in rows]
        if not force and lines == self._shown_lines and select == self.selected_event_id():
            self._show_selected()  # a saved edit the list already shows: only the form follows
            return
        self._shown_lines = lines
        self.list.blockSignals(True)
        self.list.clear()
        row_to_select = 0 if rows else -1
        for i, row in enumerate(rows):
            item = QListWidgetItem(row.line)
            item.setData(Qt.ItemDataRole.UserRole, row.event_id)
            item.setToolTip(row.line)
            if row.problems:
                item.setForeground(QBrush(QColor("#8a6100")))
                item.setToolTip(row.line + "\n\nTo fix:\n" + "\n".join(f"{k}: {'; '.join(v)}"
                                                                       for k, v in row.problems.items()))
            self.list.addItem(item)
            if row.event_id == select or self.editor.ids.same(row.event_id, select):
                row_to_select = i
        self.list.setCurrentRow(row_to_select)
        self.list.blockSignals(False)
        self.title.setText(f"<b>Events</b> ({len(rows)})" if self.bundle else "<b>Events</b>")
        self._show_selected()

    def selected_event_id(self) -> Optional[int]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_event(self, event_id: Optional[int]) -> None:
        """Select an event by its id (or a new event's temporary key, before or after it is stored)."""
        for i in range(self.list.count()):
            if self.editor.ids.same(self.list.item(i).data(Qt.ItemDataRole.UserRole), event_id):
                self.list.setCurrentRow(i)
                return

    def prepare_form(self, book: Optional[Codebook]) -> None:
        """Build the form of `book` now, hidden, so the first event of it shows at once."""
        if book is not None:
            self._form_for(book)

    def _form_for(self, book: Codebook) -> EventForm:
        form = self._forms.get(book.key)
        if form is None:
            form = EventForm(book, self.stack)
            form.set_small_size(self._small_pt)
            self._connect_form(form)
            self._forms[book.key] = form
            self.stack.addWidget(form)
        return form

    def _connect_form(self, form: EventForm) -> None:
        form.fieldEdited.connect(self._field_edited)
        form.resolveRequested.connect(self._resolve_text)
        form.pickRequested.connect(lambda _name: self.pick_place())
        form.addActorRequested.connect(lambda name, text: self._push(self.editor.add_actor(name, text)))
        form.fieldFocused.connect(self._field_focused)
        form.fieldLeft.connect(lambda _name: self.flush_edits())
        form.evidenceClicked.connect(self._show_evidence)
        form.evidenceCleared.connect(lambda name: self._push(self.editor.forget_evidence(name)))
        form.set_actors(self.editor.actor_names)

    def _show_selected(self) -> None:
        event_id = self.selected_event_id()
        pending = self.editor.pending
        if pending is not None and pending.event_id != event_id:
            self.flush_edits(quiet=True)  # into the event it was typed for, before switching
        previous_form = self.stack.currentWidget()
        changed_event = self.editor.select(event_id)
        item = self.current
        book = self.editor.codebook_of(item) if item else self.codebook
        if item is None or book is None:
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
        self.stack.setCurrentWidget(form)
        self.codebook_label.setText(f"Codebook: {book.title} ({book.name} {book.version}) · event {item.event.uid[:8]}"
                                    + (f" · coder {item.event.coder}" if item.event.coder else ""))
        form.set_published(self.editor.published())
        form.set_values(self.editor.values, force=changed_event or previous_form is not form)
        self._refresh_form_details(form)
        if changed_event and self.editor.active:
            form.set_active_field(self.editor.active)
        self._update_actions()

    def current_form(self) -> Optional[EventForm]:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, EventForm) else None

    def _refresh_form_details(self, form: Optional[EventForm] = None) -> None:
        """Evidence marks, notes (resolved place, date precision) and validation messages."""
        form = form or self.current_form()
        if form is None or self.current is None:
            return
        form.set_evidence(self.editor.evidence_texts())
        for name, note in self.editor.field_notes().items():
            form.set_note(name, note)
        form.set_problems(self.editor.problems(), self.editor.values)

    # ---- edits -----------------------------------------------------------------------------
    def _push(self, edit: Optional[EventEdit], merge: bool = False) -> Optional[EventEditCommand]:
        """One undo step on the shared stack (applied at once). Text typed just before is saved
        first as its own step."""
        if not merge:
            self.flush_edits()
        if edit is None:
            self._refresh_form_details()  # notes the editor set (why nothing was filled)
            return None
        command = EventEditCommand(self.repo, self.signals, edit)
        self.undo_stack.push(command)
        return command

    def add_event(self) -> Optional[int]:
        """A new event, shown and selected at once (its insert is queued like every edit).
        Returns its id, or its temporary key while the insert waits (select_event takes both;
        signals.ids.canonical gives the id once it is stored)."""
        self.flush_edits()
        command = self._push(self.editor.new_event())
        if command is None:
            return None
        self.select_event(command.event_id)
        form = self.current_form()
        if form is not None:
            form.focus_field(form.first_field())
        return command.event_id

    def duplicate_event(self) -> Optional[int]:
        self.flush_edits()  # the copy includes what was just typed
        command = self._push(self.editor.duplicate())
        if command is None:
            return None
        self.select_event(command.event_id)
        return command.event_id

    def delete_event(self) -> None:
        self.flush_edits()  # saved first, so undoing the delete brings it back too
        row = self.list.currentRow()
        if self._push(self.editor.delete()) is not None and self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))

    # ---- what the form shows besides values ------------------------------------------------
    def refresh_actors(self) -> None:
        self.editor.refresh_actors()
        self._show_actor_names()

    def _show_actor_names(self) -> None:
        for form in self._forms.values():
            form.set_actors(self.editor.actor_names)

    def _article_countries(self) -> list[str]:
        return self.editor.article_countries()


__all__ = ["EventPanel", "TYPING_IDLE_MS"]
