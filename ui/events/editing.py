"""The event panel's editing side: the active field, filling it from a highlight, resolving
dates and places, the place picker, actors, and each field's notes, evidence and messages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import QTimer

from coding.codebook import Codebook, FieldSpec, validate_event
from coding.values import is_empty
from storage.models import EntitySpan, SpanState
from ui.events.fill import Fill, describe_place, fill_from_text, precision_field, storable

if TYPE_CHECKING:
    from ui.events.form import EventForm
    from ui.events.panel import EventPanel

PRECISION_WORDS = {1: "exact day", 2: "week known", 3: "month known"}
# Typed text is saved after this much idle time (or at once when focus, event or article
# change, before undo/redo and on close): saving and reloading on every keystroke made fast
# typists lose characters, and a reload must never touch the field being typed in.
TYPING_IDLE_MS = 350


@dataclass
class PendingEdit:
    """Text typed into a field and not saved yet, with the event it belongs to."""

    article_id: int
    event_id: int
    field: str
    value: Any


class EventEditing:
    """Mixed into EventPanel (which provides repo, bundle, current, values, codebook...)."""

    # A place highlight with several plausible places opens the picker (the best guess is
    # preselected: Enter keeps it). Off in headless hosts that cannot answer a dialog.
    pick_when_ambiguous = True

    def _init_editing(self: "EventPanel") -> None:
        self._active: Optional[str] = None
        self._focus_visit = 0  # a new visit to a field starts a new undo step for typing
        self._notes: dict[tuple[int, str], str] = {}
        self._candidates: dict[tuple[int, str], list[Any]] = {}
        self._countries: dict[int, list[str]] = {}
        self.actor_codes: dict[str, Optional[int]] = {}
        self._actor_names: list[str] = []
        self._pending: Optional[PendingEdit] = None
        self._flushing_quietly = False
        self._guessed_inter: dict[tuple[int, str], int] = {}  # (event, inter field) -> our guess
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(TYPING_IDLE_MS)
        self._typing_timer.timeout.connect(self.flush_edits)

    def _connect_form(self: "EventPanel", form: "EventForm") -> None:
        form.fieldEdited.connect(self._field_edited)
        form.resolveRequested.connect(self._resolve_text)
        form.pickRequested.connect(lambda _name: self.pick_place())
        form.addActorRequested.connect(self._add_actor)
        form.fieldFocused.connect(self._field_focused)
        form.fieldLeft.connect(lambda _name: self.flush_edits())
        form.evidenceClicked.connect(self._show_evidence)
        form.evidenceCleared.connect(self.forget_evidence)
        form.set_actors(self._actor_names)

    # ---- the active field ------------------------------------------------------------------
    def active_field_name(self: "EventPanel") -> Optional[str]:
        return self._active

    def has_active_field(self: "EventPanel") -> bool:
        """A field the coder last focused, on a shown event: highlights will fill it."""
        form = self.current_form()
        return self.current is not None and form is not None and self._active in form.widgets

    def _field_focused(self: "EventPanel", name: str) -> None:
        self._active = name
        self._focus_visit += 1
        self._show_evidence(name)

    def _show_evidence(self: "EventPanel", name: str) -> None:
        if self.current is not None and name in self.current.evidence:
            ev = self.current.evidence[name]
            self.evidenceRequested.emit(ev.start, ev.end)

    def forget_evidence(self: "EventPanel", name: str) -> None:
        """Drop a field's evidence span (undoable); its value stays."""
        if self.current is not None and name in self.current.evidence:
            self.push_changes(name, {}, f"Forget evidence of {self._label(name)}", evidence=None, clear_evidence=True)

    def step_field(self: "EventPanel", step: int) -> None:
        """Alt+Down/Alt+Up: the next/previous field. Inside the form focus moves with it; from
        the reader only the active mark moves, so the coder can keep walking highlights."""
        form = self.current_form()
        if form is None:
            return
        name = form.step_field(step)
        if name is None:
            return
        if form.has_focus_inside():
            form.focus_field(name)
        else:
            form.set_active_field(name)
            self._field_focused(name)

    def focus_main(self: "EventPanel") -> None:
        """Ctrl+3 (main window): into the form."""
        self.focus_form()

    def focus_form(self: "EventPanel") -> None:
        """Ctrl+3: into the form, on the active field (or the first one)."""
        form = self.current_form()
        if form is None:
            self.list.setFocus()
            return
        form.focus_field(self._active if self._active in form.widgets else form.first_field())

    # ---- filling from the text -------------------------------------------------------------
    def use_current_highlight(self: "EventPanel") -> bool:
        """Ctrl+U: the reader's current highlight fills the active field."""
        provider = self._span_provider
        if provider is None:  # not wired explicitly: the main window's reader, if there is one
            provider = getattr(getattr(self.window(), "reader", None), "current_span", None)
        span = provider() if callable(provider) else None
        if span is None or self.bundle is None:
            return False
        return self.fill_active_field(span, self.bundle.article.text[span.start:span.end])

    def fill_active_field(self: "EventPanel", span: EntitySpan, text: str) -> bool:
        """Set the active field from a highlight and keep the highlight as its evidence (one
        undo step). False when there is no active field or the text does not fit it."""
        if not self.has_active_field() or self.current is None:
            return False
        name = self._active
        assert name is not None
        fill = self._fill(name, text)
        if not fill.ok:
            self._set_note(name, fill.note)
            return False
        self._set_note(name, fill.note)
        self.push_changes(name, fill.changes, f"Fill {self._label(name)} from text",
                          evidence=(span.start, span.end))
        if fill.ambiguous and self.pick_when_ambiguous and self.isVisible():
            # After this call returns (the reader's key handling ends first); Esc keeps the guess.
            QTimer.singleShot(0, self.pick_place)
        return True

    def _fill(self: "EventPanel", name: str, text: str) -> Fill:
        book = self._book()
        spec = book.field(name)
        assert spec is not None and self.bundle is not None and self.current is not None
        # Only places need the article's countries (which needs the gazetteer).
        context = tuple(self._article_countries()) if spec.type == "place" else ()
        fill = fill_from_text(book, spec, text, self.values, published=self._published(), repo=self.repo,
                              context_countries=context)
        if spec.type == "place":
            self._candidates[(self.current.event.id, name)] = fill.candidates
        if spec.type == "actor":
            self.refresh_actors()
        return fill

    def _resolve_text(self: "EventPanel", name: str, text: str) -> None:
        """Enter in a date or place field: read the typed text like a highlight (no evidence)."""
        if self.current is None:
            return
        fill = self._fill(name, text)
        self._set_note(name, fill.note)
        if fill.ok:
            self.push_changes(name, fill.changes, f"Resolve {self._label(name)}")

    def _field_edited(self: "EventPanel", name: str, value: Any, typing: bool) -> None:
        """The coder changed a field. Typing is kept pending and saved when the coder pauses
        (one undo step per visit to the field); a choice is saved at once."""
        if self.current is None or self.bundle is None:
            return
        pending = self._pending
        same_field = pending is not None and (pending.event_id, pending.field) == (self.current.event.id, name)
        if typing:
            if pending is not None and not same_field:
                self.flush_edits()
            self._pending = PendingEdit(self.bundle.article.id, self.current.event.id, name, value)
            self._set_pending_field(name)
            self._typing_timer.start()
            return
        if same_field:  # e.g. a completer choice after typing: it replaces the typed text
            self._drop_pending()
        else:
            self.flush_edits()
        self._commit_edit(name, value, merge=same_field)

    def flush_edits(self: "EventPanel", quiet: bool = False) -> None:
        """Save the text being typed now (idle timer, focus leaving the field, another event or
        article, undo/redo, closing). `quiet`: the event list is being changed by the coder;
        the reload this save causes waits until that is done."""
        pending = self._pending
        self._drop_pending()
        if pending is None:
            return
        if self.current is not None and self.current.event.id == pending.event_id:
            self._flushing_quietly = quiet
            try:
                self._commit_edit(pending.field, pending.value, merge=True)
            finally:
                self._flushing_quietly = False
            return
        from ui.events.commands import SetFieldCommand

        # The event is no longer on screen (should not happen): still never lose the text.
        self.undo_stack.push(SetFieldCommand(self.repo, self.signals, pending.article_id, pending.event_id,
                                             pending.field, storable({pending.field: pending.value}),
                                             f"Edit {pending.field}"))

    def has_pending_edit(self: "EventPanel") -> bool:
        return self._pending is not None

    def _drop_pending(self: "EventPanel") -> None:
        self._pending = None
        self._typing_timer.stop()
        self._set_pending_field(None)

    def _set_pending_field(self: "EventPanel", name: Optional[str]) -> None:
        for form in self._forms.values():
            form.pending_field = name

    def _commit_edit(self: "EventPanel", name: str, value: Any, merge: bool) -> None:
        if self.current is not None:  # a note about an earlier fill no longer applies
            self._notes.pop((self.current.event.id, name), None)
            self._guessed_inter.pop((self.current.event.id, name), None)  # the coder chose it
        changes = {name: value}
        spec = self._book().field(name)
        target = precision_field(self._book(), spec) if spec is not None and spec.type == "date" else None
        if target and value is not None and self.values.get(target) is None:
            changes[target] = 1  # a full date typed by hand: the day is known
        if spec is not None and spec.type == "actor":
            self._guess_inter(spec, value, changes)
        self.push_changes(name, changes, f"Edit {self._label(name)}", merge=merge)

    def _guess_inter(self: "EventPanel", spec: FieldSpec, value: Any, changes: dict[str, Any]) -> None:
        """An actor not in the list: its inter code guessed from its name (when the inter field
        is empty or still holds our earlier guess), shown as a note the coder can overrule."""
        from coding.actors import INTER_LABELS, actor_key, guess_inter_code

        inter = spec.inter_field
        book = self._book()
        if not inter or book.field(inter) is None or is_empty(value) or self.current is None:
            return
        if self.actor_codes.get(actor_key(str(value))) is not None:
            return  # a listed actor: its own code follows (with_follow_ups)
        key = (self.current.event.id, inter)
        current = self.values.get(inter)
        if not is_empty(current) and current != self._guessed_inter.get(key):
            return  # the coder's own choice stays
        guess = guess_inter_code(str(value))
        if guess is None or guess == current:
            return
        changes[inter] = guess
        self._guessed_inter[key] = guess
        self._notes[key] = (f"Guessed from \u201c{value}\u201d: {guess} ({INTER_LABELS.get(guess, '')}). "
                            "Change it if wrong.")

    def pick_place(self: "EventPanel") -> None:
        """F4 / Pick…: choose among the places of this name; the choice is remembered."""
        from coding.places import choose_place, resolve_place

        from ui.events.fill import place_changes
        from ui.events.place_picker import pick_place

        book = self._book()
        form = self.current_form()
        if self.current is None or form is None:
            return
        name = self._active if self._active and book.field(self._active) and \
            book.field(self._active).type == "place" else next((f.name for f in book.fields if f.type == "place"), None)
        if name is None or not self.values.get(name):
            return
        query = str(self.values[name])
        context = tuple(self._article_countries())
        candidates = self._candidates.get((self.current.event.id, name)) or \
            resolve_place(query, self.repo, context).candidates
        if not candidates:
            self._set_note(name, f"No place called \u201c{query}\u201d in the gazetteer.")
            return
        current = next((c for c in candidates if c.name == query and c.country == self.values.get("country")), None)
        entry = pick_place(query, candidates, self, current)
        if entry is None:
            return
        result = choose_place(self.repo, query, entry, context)
        self._candidates[(self.current.event.id, name)] = list(candidates)
        self._set_note(name, "Your choice; remembered for this name.")
        self.push_changes(name, place_changes(book, book.field(name), result), f"Pick place {entry.name}")  # type: ignore[arg-type]

    def _add_actor(self: "EventPanel", name: str, text: str) -> None:
        from coding.actors import INTER_LABELS, choose_actor, fill_actor

        if not text.strip():
            return
        choice = choose_actor(self.repo, text, remember=True)
        self.refresh_actors()
        code = choice.inter_code
        if choice.new:
            self._set_note(name, f"Added to the actor list, inter code {code} ({INTER_LABELS.get(code, '')}): "
                                 "a guess, change it if wrong." if code else "Added to the actor list; choose its inter code.")
        self.push_changes(name, fill_actor(self._book(), name, choice), f"Add actor {choice.name}")

    # ---- what the form shows besides values ------------------------------------------------
    def refresh_actors(self: "EventPanel") -> None:
        from coding.actors import actor_key

        actors = self.repo.actors()
        self._actor_names = [a.name for a in actors]
        self.actor_codes = {}
        for actor in actors:
            for n in [actor.name, *(actor.aliases or [])]:
                self.actor_codes[actor_key(n)] = actor.inter_code
        for form in self._forms.values():
            form.set_actors(self._actor_names)

    def _article_countries(self: "EventPanel") -> list[str]:
        """The article's countries (from its place highlights, then its events), for places."""
        from coding.places import article_countries

        if self.bundle is None:
            return []
        aid = self.bundle.article.id
        if aid not in self._countries:
            book = self._book()
            text = self.bundle.article.text
            places = [text[s.start:s.end] for s in self.bundle.spans
                      if s.state != SpanState.REJECTED.value and book.role_of_label(s.label) == "place"]
            self._countries[aid] = article_countries(places)
        coded = [str(e.event.country) for e in self.bundle.events if e.event.country]
        return [*self._countries[aid], *[c for c in coded if c not in self._countries[aid]]]

    def _set_note(self: "EventPanel", name: str, note: str) -> None:
        if self.current is not None:
            self._notes[(self.current.event.id, name)] = note
            form = self.current_form()
            if form is not None:
                self._refresh_form_details(form, self._book())

    def _refresh_form_details(self: "EventPanel", form: "EventForm", book: Codebook) -> None:
        """Evidence marks, notes (resolved place, date precision) and validation messages."""
        if self.current is None or self.bundle is None:
            return
        text = self.bundle.article.text
        form.set_evidence({k: text[e.start:e.end] for k, e in self.current.evidence.items()})
        eid = self.current.event.id
        for spec in book.fields:
            note = self._notes.get((eid, spec.name), "")
            if spec.type == "place" and self.values.get(spec.name):
                resolved = describe_place(spec, self.values)
                note = "\n".join(x for x in (f"\u2192 {resolved}" if resolved else "", note) if x)
            elif spec.type == "date":
                target = precision_field(book, spec)
                precision = self.values.get(target) if target else None
                if self.values.get(spec.name) is not None and precision in PRECISION_WORDS and not note:
                    note = f"time precision {precision}: {PRECISION_WORDS[precision]}"
                if self._published() is None and not self.values.get(spec.name):
                    note = note or "The article has no publication date: relative dates cannot be resolved."
            form.set_note(spec.name, note)
        problems = validate_event(book, self.values, self._published())
        form.set_problems(problems, self.values)

    def _book(self: "EventPanel") -> Codebook:
        book = self._codebook_of(self.current) if self.current is not None else self.codebook
        assert book is not None
        return book

    def _label(self: "EventPanel", name: str) -> str:
        spec = self._book().field(name)
        return spec.label if spec else name

