"""The event form's logic without Qt: the article's events (with those added and not stored yet),
the event shown with its typed values, the active field, what the form says about each field, and
the edits made on it. What highlights, digits and typing do is in coding.event_input, the place
picker in coding.event_places; EventEditor offers both as its own methods (one object to talk to).

Every edit comes out as a plain value (storage.event_edits) for the GUI's undo stack to apply;
the editor never writes events itself. It does read the workspace (actors, places) and, as the
form always has, adds a new actor to the actor list when the coder names one."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional

from coding.codebook import Codebook, find_codebook, validate_event
from coding.event_context import ActorList, ArticleCountries
from coding.event_fill import Fill, event_line, field_notes, new_event_values, storable, typed_values, with_follow_ups
from coding.event_input import EventInput, FillOutcome
from coding.event_memory import EventMemory
from coding.event_places import EventPlaces
from storage.event_edits import AddEvent, DeleteEvent, SetFields, duplicate_of
from storage.pending_ids import PendingIds
from storage.models import new_uid
from storage.repo_types import ArticleBundle, EventWithEvidence, event_fields
from storage.repository import Repository


@dataclass
class PendingEdit:
    """Text typed into a field and not saved yet, with the event it belongs to."""

    article_id: int
    event_id: int
    field: str
    value: Any


@dataclass
class EventRow:
    """One line of the event list."""

    event_id: int
    line: str
    problems: dict[str, list[str]]


class EventEditor:
    """The state of the event form for one article: its events, the selected one with its typed
    values, the active field, notes from the last fills, and the typing not saved yet."""

    def __init__(self, repo: Repository, coder: Optional[str],
                 find_book: Callable[[str, str], Optional[Codebook]] | None = None,
                 ids: Optional[PendingIds] = None) -> None:
        self.repo, self.coder = repo, coder
        # A new event is shown (and edited) under a temporary key until the writer stored it.
        self.ids = ids or PendingIds()
        self._unstored: dict[int, EventWithEvidence] = {}  # key -> the event as shown
        self._find_book = find_book or (lambda name, version: find_codebook(name, version, repo))
        self.codebook: Optional[Codebook] = None  # for new events
        self.bundle: Optional[ArticleBundle] = None
        self.current: Optional[EventWithEvidence] = None
        self.values: dict[str, Any] = {}
        self.active: Optional[str] = None
        self.active_filled = False  # a highlight filled the active field since the coder went there
        self.focus_visit = 0  # a new visit to a field starts a new undo step for typing
        self.pending: Optional[PendingEdit] = None
        self.actors = ActorList(repo)
        self.countries = ArticleCountries()
        self.memory = EventMemory()  # notes, place candidates and inter guesses per event and field
        self._books: dict[tuple[str, str], Optional[Codebook]] = {}
        self.inputs = EventInput(self)
        self.places = EventPlaces(self)

    # ---- what is shown ---------------------------------------------------------------------
    def set_article(self, bundle: Optional[ArticleBundle]) -> bool:
        """Another article (or the same one re-read); True when it is the same article."""
        same = bundle is not None and self.bundle is not None and bundle.article.id == self.bundle.article.id
        if bundle is not None and (not same or len(bundle.spans) != len(self.bundle.spans)):  # type: ignore[union-attr]
            self.countries.forget(int(bundle.article.id))  # type: ignore[arg-type]  # new place highlights
        unstored = self._still_unstored(int(bundle.article.id), bundle.events) if bundle is not None else []  # type: ignore[arg-type]
        if bundle is not None and unstored:  # read before their inserts ran: still shown
            bundle = ArticleBundle(bundle.article, bundle.spans, [*bundle.events, *unstored])
        self.bundle = bundle
        if not same:
            self.refresh_actors()
        return same

    def set_events(self, events: list[EventWithEvidence]) -> None:
        """The article's events as the workspace now holds them (after an edit): the event shown
        is the fresh row too, so the next edit names the version now stored. An event added and
        not stored yet stays; one stored since is shown under its id from now on."""
        if self.bundle is not None:
            events = list(events) + self._still_unstored(int(self.bundle.article.id), events)  # type: ignore[arg-type]
            self.bundle = ArticleBundle(self.bundle.article, self.bundle.spans, events)
            if self.current is not None:
                self.select(self.ids.canonical(self.current.event.id))

    def show_added(self, edit: Any) -> bool:
        """Show an event being added (an AddEvent with its key) before it is stored, so the coder
        fills it at once. True when it is on screen now."""
        if not isinstance(edit, AddEvent) or edit.key is None or self.bundle is None \
                or edit.article_id != self.bundle.article.id or not self.ids.waiting(edit.key):
            return False
        from storage.models import Event, Evidence
        from storage.repo_types import set_event_field

        event = Event(id=edit.key, article_id=edit.article_id, coder=edit.coder, codebook_name=edit.codebook_name,
                      codebook_version=edit.codebook_version)
        if edit.uid:
            event.uid = edit.uid
        for name, value in edit.values.items():
            set_event_field(event, name, value)
        evidence = {name: Evidence(event_id=edit.key, field=name, start=start, end=end)
                    for name, (start, end) in edit.evidence.items()}
        item = EventWithEvidence(event, evidence)
        self._unstored[edit.key] = item
        others = [e for e in self.bundle.events if e.event.id != edit.key]
        self.bundle = ArticleBundle(self.bundle.article, self.bundle.spans, [*others, item])
        return True

    def hide_event(self, key: Optional[int]) -> bool:
        """An add being undone: its event leaves the list now (the write follows)."""
        self._unstored.pop(key, None)  # type: ignore[arg-type]
        if self.bundle is None or key is None:
            return False
        kept = [e for e in self.bundle.events if not self.ids.same(e.event.id, key)]
        if len(kept) == len(self.bundle.events):
            return False
        self.bundle = ArticleBundle(self.bundle.article, self.bundle.spans, kept)
        if self.current is not None and self.ids.same(self.current.event.id, key):
            self.select(None)
        return True

    def _still_unstored(self, article_id: int, read: list[EventWithEvidence]) -> list[EventWithEvidence]:
        """The events added that `read` (the article's events as just read) lacks and whose
        insert the window has not heard of yet. Those stored take their ids (notes, candidates
        and typing follow); those whose insert failed are forgotten."""
        present = {e.event.id for e in read}
        kept = []
        for key, item in list(self._unstored.items()):
            row_id = self.ids.canonical(key)
            if row_id in present or not self.ids.waiting(key):
                del self._unstored[key]
                self._rekey(key, row_id if row_id != key else None)
            elif item.event.article_id == article_id:
                kept.append(item)
        return kept

    def _rekey(self, key: int, row_id: Optional[int]) -> None:
        self.memory.rekey(key, row_id)
        if self.pending is not None and self.pending.event_id == key:
            if row_id is None:  # typed into an event that was never stored: nothing to save it to
                self.pending = None
            else:
                self.pending.event_id = row_id

    def preview(self, edit: Any) -> bool:
        """Show an edit of the selected event before it is stored (the window writes it off the
        GUI thread): the next key works on the values the coder sees, and the re-read after the
        write replaces this copy. True when the selected event changed."""
        item = self.current
        if not isinstance(edit, SetFields) or item is None or not self.ids.same(item.event.id, edit.event_id):
            return False
        from storage.models import Evidence
        from storage.repo_types import set_event_field

        for name, value in edit.values.items():
            set_event_field(item.event, name, value)
        if edit.set_evidence:
            if edit.evidence is None:
                item.evidence.pop(edit.field, None)
            else:
                item.evidence[edit.field] = Evidence(event_id=edit.event_id, field=edit.field,
                                                     start=edit.evidence[0], end=edit.evidence[1])
        self.select(item.event.id)
        return True

    def select(self, event_id: Optional[int]) -> bool:
        """Show an event of the article (None: no event); True when a different event is now shown."""
        events = self.bundle.events if self.bundle else []
        item = next((e for e in events if e.event.id == event_id), None)
        if item is None and event_id is not None:  # a new event's key after it was stored, or the reverse
            item = next((e for e in events if self.ids.same(e.event.id, event_id)), None)
        changed = (item is None) != (self.current is None) or (
            item is not None and self.current is not None and not self.ids.same(item.event.id, self.current.event.id))
        self.current = item
        book = self.codebook_of(item) if item else None
        self.values = typed_values(book, event_fields(item.event)) if item and book else {}
        if item is not None and item.event.id is not None:
            self.memory.visit(int(item.event.id))
        return changed

    def codebook_of(self, item: EventWithEvidence) -> Optional[Codebook]:
        """The codebook an event was coded with (the loaded one when it is the same)."""
        book = self.codebook
        key = (item.event.codebook_name, item.event.codebook_version)
        if book is not None and key == (book.name, book.version):
            return book
        if key not in self._books:
            self._books[key] = self._find_book(*key)
        return self._books[key] or book

    def book(self) -> Codebook:
        """The codebook of the event shown (or the one new events get)."""
        book = self.codebook_of(self.current) if self.current is not None else self.codebook
        assert book is not None
        return book

    def published(self) -> Optional[dt.date]:
        return self.bundle.article.published if self.bundle else None

    def label(self, name: str) -> str:
        spec = self.book().field(name)
        return spec.label if spec else name

    def rows(self) -> list[EventRow]:
        """The event list: a line per event and what is left to fix in it."""
        rows = []
        for i, item in enumerate(self.bundle.events if self.bundle else []):
            values = event_fields(item.event)
            book = self.codebook_of(item)
            typed = typed_values(book, values) if book else values
            problems = validate_event(book, typed, self.published()) if book else {}
            line = event_line(book, typed) if book else item.event.uid[:8]
            rows.append(EventRow(int(item.event.id), f"{i + 1}. {line}", problems))  # type: ignore[arg-type]
        return rows

    def evidence_texts(self) -> dict[str, str]:
        if self.current is None or self.bundle is None:
            return {}
        text = self.bundle.article.text
        return {k: text[e.start:e.end] for k, e in self.current.evidence.items()}

    def evidence_span(self, name: str) -> Optional[tuple[int, int]]:
        if self.current is not None and name in self.current.evidence:
            ev = self.current.evidence[name]
            return ev.start, ev.end
        return None

    def field_notes(self) -> dict[str, str]:
        """Per field: the resolved place line, the date's precision, the note of the last fill."""
        if self.current is None:
            return {}
        return field_notes(self.book(), self.values, self.memory.notes_of(self.current.event.id), self.published())

    def problems(self) -> dict[str, list[str]]:
        """What is left to fix, counting text typed and not saved yet (a message must not stay
        under a field the coder has just made valid)."""
        if self.current is None:
            return {}
        values = dict(self.values)
        if self.pending is not None and self.pending.event_id == self.current.event.id:
            values[self.pending.field] = self.pending.value
        return validate_event(self.book(), values, self.published())

    def set_note(self, name: str, note: str) -> None:
        if self.current is not None:
            self.memory.notes[(self.current.event.id, name)] = note  # type: ignore[index]

    # ---- the active field ------------------------------------------------------------------
    def focus(self, name: str) -> None:
        """The coder went to a field: highlights fill it, typing there is a new undo step."""
        self.active = name
        self.active_filled = False
        self.focus_visit += 1

    # ---- edits -----------------------------------------------------------------------------
    def change(self, name: str, changes: dict[str, Any], text: str, evidence: Optional[tuple[int, int]] = None,
               merge: bool = False, clear_evidence: bool = False) -> Optional[SetFields]:
        """One undo step: `changes` with what follows from them, and the field's evidence."""
        if self.current is None or self.bundle is None:
            return None
        full = with_follow_ups(self.book(), self.values, changes, self.actors.codes)
        merge_key = (self.current.event.id, name, self.focus_visit) if merge else None
        return SetFields(self.bundle.article.id, self.current.event.id, name, storable(full), text,  # type: ignore[arg-type]
                         evidence=evidence, set_evidence=evidence is not None or clear_evidence, merge_key=merge_key,
                         expected_version=self.current.event.version)

    def type_text(self, name: str, value: Any) -> None:
        """Typing: kept pending until the coder pauses or leaves the field."""
        assert self.bundle is not None and self.current is not None
        self.pending = PendingEdit(int(self.bundle.article.id), int(self.current.event.id), name, value)  # type: ignore[arg-type]

    def pending_is(self, name: str) -> bool:
        return (self.pending is not None and self.current is not None
                and (self.pending.event_id, self.pending.field) == (self.current.event.id, name))

    def take_pending(self) -> Optional[SetFields]:
        """The typed text not saved yet as an edit (merging with the field's earlier typing)."""
        pending, self.pending = self.pending, None
        if pending is None:
            return None
        if self.current is not None and self.current.event.id == pending.event_id:
            return self.edited(pending.field, pending.value, merge=True)
        # The event is no longer on screen (should not happen): still never lose the text.
        return SetFields(pending.article_id, pending.event_id, pending.field, storable({pending.field: pending.value}),
                         f"Edit {pending.field}")

    def forget_evidence(self, name: str) -> Optional[SetFields]:
        """Drop a field's evidence span; its value stays."""
        if self.current is None or name not in self.current.evidence:
            return None
        return self.change(name, {}, f"Forget evidence of {self.label(name)}", clear_evidence=True)

    def new_event(self) -> Optional[AddEvent]:
        if self.bundle is None or self.codebook is None:
            return None
        book = self.codebook
        values = with_follow_ups(book, {}, new_event_values(book, self.bundle.article))
        return AddEvent(int(self.bundle.article.id), storable(values), self.coder, book.name, book.version,  # type: ignore[arg-type]
                        key=self.ids.new(), uid=new_uid())

    def duplicate(self) -> Optional[AddEvent]:
        if self.current is None:
            return None
        return replace(duplicate_of(self.current, self.coder, self.ids.new()), uid=new_uid())

    def delete(self) -> Optional[DeleteEvent]:
        if self.current is None or self.bundle is None:
            return None
        return DeleteEvent(int(self.bundle.article.id), int(self.current.event.id),  # type: ignore[arg-type]
                           expected_version=self.current.event.version)

    # ---- context from the workspace --------------------------------------------------------
    def refresh_actors(self) -> None:
        self.actors.refresh()

    @property
    def actor_names(self) -> list[str]:
        return self.actors.names

    # ---- highlights, digits and typing (coding.event_input; each documented there) ----------
    def target_for(self, label: str) -> Optional[str]:
        return self.inputs.target_for(label)

    def fill_highlight(self, start: int, end: int, label: str) -> FillOutcome:
        return self.inputs.fill_highlight(start, end, label)

    def no_target(self, label: str) -> FillOutcome:
        return self.inputs.no_target(label)

    def filled_from_highlight(self, target: str, outcome: FillOutcome, start: int, end: int,
                              label: str) -> FillOutcome:
        return self.inputs.filled_from_highlight(target, outcome, start, end, label)

    def fill_active(self, start: int, end: int) -> FillOutcome:
        return self.inputs.fill_active(start, end)

    def fill(self, name: str, text: str, evidence: Optional[tuple[int, int]] = None) -> FillOutcome:
        return self.inputs.fill(name, text, evidence)

    def lookup_job(self, name: str, text: str) -> Callable[[], Fill]:
        return self.inputs.lookup_job(name, text)

    def fill_with(self, name: str, result: Fill, evidence: Optional[tuple[int, int]] = None) -> FillOutcome:
        return self.inputs.fill_with(name, result, evidence)

    def choose_by_number(self, number: int) -> Optional[SetFields]:
        return self.inputs.choose_by_number(number)

    def edited(self, name: str, value: Any, merge: bool) -> Optional[SetFields]:
        return self.inputs.edited(name, value, merge)

    def add_actor(self, name: str, text: str) -> Optional[SetFields]:
        return self.inputs.add_actor(name, text)

    # ---- places (coding.event_places; each documented there) -------------------------------
    def is_place_field(self, name: Optional[str]) -> bool:
        return self.places.is_place_field(name)

    def place_field(self) -> Optional[str]:
        return self.places.place_field()

    def place_choices(self, name: str) -> tuple[str, list[Any], Optional[Any]]:
        return self.places.place_choices(name)

    def known_candidates(self, name: str) -> Optional[list[Any]]:
        return self.places.known_candidates(name)

    def candidates_job(self, name: str) -> Callable[[], list[Any]]:
        return self.places.candidates_job(name)

    def place_choices_from(self, name: str, candidates: list[Any]) -> tuple[str, list[Any], Optional[Any]]:
        return self.places.place_choices_from(name, candidates)

    def choose_place(self, name: str, query: str, entry: Any, candidates: list[Any]) -> Optional[SetFields]:
        return self.places.choose_place(name, query, entry, candidates)

    def choose_job(self, query: str, entry: Any) -> Callable[[], Any]:
        return self.places.choose_job(query, entry)

    def chose_place(self, name: str, entry: Any, candidates: list[Any], result: Any) -> Optional[SetFields]:
        return self.places.chose_place(name, entry, candidates, result)

    def event_country(self) -> Optional[str]:
        return self.places.event_country()

    def article_countries(self) -> list[str]:
        return self.places.article_countries()


__all__ = ["EventEditor", "EventRow", "PendingEdit"]
