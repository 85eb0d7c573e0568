"""Event edits as plain values: applying one writes it to the workspace and returns its inverse.

Undo lives here, in plain values, not in Qt (Orange3's pattern): the GUI's undo stack only keeps the value to
apply next in each direction. Every value names the article it touches so the window can tell
the panels what changed."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from storage.pending_ids import PendingIds
from storage.repo_types import EventWithEvidence, event_fields
from storage.repository import Repository

Span = tuple[int, int]


@dataclass(frozen=True)
class SetFields:
    """Set some fields of an event (the one the coder acted on plus what follows from it) and,
    when `set_evidence`, that field's evidence span (None clears it). `merge_key`: typing in one
    field during one visit; consecutive edits with the same key are one undo step."""

    article_id: int
    event_id: int
    field: str
    values: dict[str, Any]
    text: str
    evidence: Optional[Span] = None
    set_evidence: bool = False
    merge_key: Optional[tuple[Any, ...]] = None
    # The event's version the coder saw: another coder's edit since then refuses this one
    # (storage.concurrency.Conflict) instead of overwriting it. None: no check (undo, redo).
    expected_version: Optional[int] = None

    def merged(self, later: "SetFields") -> "SetFields":
        """This step followed by `later` (same field, same visit) as one step."""
        return replace(self, values={**self.values, **later.values},
                       evidence=later.evidence if later.set_evidence else self.evidence,
                       set_evidence=self.set_evidence or later.set_evidence)

    def undone_by(self, earlier_inverse: "SetFields") -> "SetFields":
        """The inverse of a merged step: the values before the first edit win."""
        return replace(self, values={**self.values, **earlier_inverse.values},
                       evidence=earlier_inverse.evidence if earlier_inverse.set_evidence else self.evidence,
                       set_evidence=self.set_evidence or earlier_inverse.set_evidence)


@dataclass(frozen=True)
class AddEvent:
    """A new event with its values and evidence (a duplicate carries the source's evidence)."""

    article_id: int
    values: dict[str, Any]
    coder: Optional[str]
    codebook_name: str
    codebook_version: str
    text: str = "Add event"
    evidence: dict[str, Span] = field(default_factory=dict)
    # The event's temporary key on screen (PendingIds) until the insert has run; edits made
    # meanwhile name it, and apply_edit writes them to the row the insert made.
    key: Optional[int] = None
    uid: Optional[str] = None  # the new row's uid (shown before it is stored); None: a fresh one


@dataclass(frozen=True)
class DeleteEvent:
    article_id: int
    event_id: int
    text: str = "Delete event"
    expected_version: Optional[int] = None


@dataclass(frozen=True)
class RestoreEvent:
    """Put back a deleted event as it was: the same row id and uid, so later steps that name
    the event keep working after undo and redo."""

    article_id: int
    saved: EventWithEvidence
    text: str = "Restore event"

    @property
    def event_id(self) -> int:
        return int(self.saved.event.id)  # type: ignore[arg-type]


EventEdit = Union[SetFields, AddEvent, DeleteEvent, RestoreEvent]


def apply_edit(repo: Repository, edit: EventEdit, ids: Optional[PendingIds] = None) -> EventEdit:
    """Write `edit` to the workspace (each call commits at once) and return its inverse. With
    `ids`, an edit naming a new event by its temporary key writes to the row it became."""
    # Each edit is one transaction: a kill stores it whole or not at all.
    if ids is not None and isinstance(edit, (SetFields, DeleteEvent)) and edit.event_id < 0:
        edit = replace(edit, event_id=ids.resolve(edit.event_id))  # type: ignore[type-var]
    if isinstance(edit, SetFields):
        evidence = (edit.field, edit.evidence) if edit.set_evidence else None
        previous, previous_span = repo.update_event_with_evidence(edit.event_id, edit.values,
                                                                  edit.expected_version, evidence)
        return replace(edit, values=previous, evidence=previous_span, expected_version=None)
    if isinstance(edit, AddEvent):
        event = repo.add_event(edit.article_id, edit.values, coder=edit.coder, codebook_name=edit.codebook_name,
                               codebook_version=edit.codebook_version, uid=edit.uid, evidence=dict(edit.evidence))
        assert event.id is not None
        if ids is not None:
            ids.stored(edit.key, event.id)
        return DeleteEvent(edit.article_id, event.id, edit.text)
    if isinstance(edit, DeleteEvent):
        saved = repo.delete_event(edit.event_id, expected_version=edit.expected_version)
        if saved is None:
            raise KeyError(f"event {edit.event_id} is gone (deleted by another window?)")
        return RestoreEvent(edit.article_id, saved, edit.text)
    if isinstance(edit, RestoreEvent):
        repo.restore_event(edit.saved)
        return DeleteEvent(edit.article_id, edit.event_id, edit.text)
    raise TypeError(f"not an event edit: {edit!r}")


def duplicate_of(source: EventWithEvidence, coder: Optional[str], key: Optional[int] = None) -> AddEvent:
    """A copy of an event (values and evidence, a new uid) for a second event in the article."""
    event = source.event
    return AddEvent(event.article_id, event_fields(event), coder or event.coder, event.codebook_name,
                    event.codebook_version, "Duplicate event",
                    {name: (ev.start, ev.end) for name, ev in source.evidence.items()}, key)


__all__ = ["AddEvent", "DeleteEvent", "EventEdit", "RestoreEvent", "SetFields", "apply_edit", "duplicate_of"]
