"""Undoable event edits: add, duplicate, delete an event and set its fields (with evidence)."""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtGui import QUndoCommand

from storage.repository import EventWithEvidence, Repository, event_fields
from ui.undo import EditCommand, WorkspaceSignals

# Consecutive typing in one field becomes one undo step (QUndoCommand.id/mergeWith).
SET_FIELD_ID = 0x5E7F1E1D

Span = tuple[int, int]


class _CreateEventCommand(EditCommand):
    """Creates an event the first time; redo after undo restores the very same row (same id and
    uid), so later commands that name the event keep working."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, text: str,
                 values: dict[str, Any], coder: Optional[str], codebook_name: str,
                 codebook_version: str, evidence: Optional[dict[str, Span]] = None) -> None:
        super().__init__(repo, signals, article_id, text)
        self.values = dict(values)
        self.coder = coder
        self.codebook_name = codebook_name
        self.codebook_version = codebook_version
        self.evidence = dict(evidence or {})
        self.event_id: Optional[int] = None
        self._saved: Optional[EventWithEvidence] = None

    def apply(self) -> None:
        if self._saved is not None:
            self.repo.restore_event(self._saved)
            return
        event = self.repo.add_event(self.article_id, self.values, coder=self.coder,
                                    codebook_name=self.codebook_name,
                                    codebook_version=self.codebook_version)
        self.event_id = event.id
        for field_name, (start, end) in self.evidence.items():
            self.repo.set_evidence(event.id, field_name, start, end)  # type: ignore[arg-type]

    def revert(self) -> None:
        if self.event_id is not None:
            self._saved = self.repo.delete_event(self.event_id)


class AddEventCommand(_CreateEventCommand):
    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int,
                 values: dict[str, Any], coder: Optional[str], codebook_name: str,
                 codebook_version: str) -> None:
        super().__init__(repo, signals, article_id, "Add event", values, coder, codebook_name,
                         codebook_version)


class DuplicateEventCommand(_CreateEventCommand):
    """A copy of an event (values and evidence, with a new uid) for a second event in the article."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, source: EventWithEvidence,
                 coder: Optional[str]) -> None:
        event = source.event
        evidence = {name: (ev.start, ev.end) for name, ev in source.evidence.items()}
        super().__init__(repo, signals, event.article_id, "Duplicate event", event_fields(event),
                         coder or event.coder, event.codebook_name, event.codebook_version, evidence)


class DeleteEventCommand(EditCommand):
    """Delete an event; undo puts back the same row with its evidence."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, event_id: int) -> None:
        super().__init__(repo, signals, article_id, "Delete event")
        self.event_id = event_id
        self._saved: Optional[EventWithEvidence] = None

    def apply(self) -> None:
        self._saved = self.repo.delete_event(self.event_id)

    def revert(self) -> None:
        if self._saved is not None:
            self.repo.restore_event(self._saved)


class SetFieldCommand(EditCommand):
    """Set one field (plus the fields that follow from it: an actor's inter code, a place's
    admin1 and coordinates, derived values) and, optionally, the field's evidence span.
    Typing commands with the same merge key (event, field, focus visit) merge into one step."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, event_id: int,
                 field_name: str, values: dict[str, Any], text: str,
                 evidence: Optional[Span] = None, set_evidence: bool = False,
                 merge_key: Optional[tuple[Any, ...]] = None) -> None:
        super().__init__(repo, signals, article_id, text)
        self.event_id = event_id
        self.field_name = field_name
        self.values = dict(values)
        self.evidence = evidence
        self.set_evidence = set_evidence or evidence is not None
        self.merge_key = merge_key
        self.previous: dict[str, Any] = {}
        self.previous_evidence: Optional[Span] = None

    def apply(self) -> None:
        previous = self.repo.update_event(self.event_id, self.values)
        # After a merge `previous` already holds the state before the first keystroke.
        for key, value in previous.items():
            self.previous.setdefault(key, value)
        if self.set_evidence:
            start, end = self.evidence if self.evidence else (None, None)
            self.previous_evidence = self.repo.set_evidence(self.event_id, self.field_name, start, end)

    def revert(self) -> None:
        self.repo.update_event(self.event_id, self.previous)
        if self.set_evidence:
            start, end = self.previous_evidence if self.previous_evidence else (None, None)
            self.repo.set_evidence(self.event_id, self.field_name, start, end)

    def id(self) -> int:
        return SET_FIELD_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFieldCommand) or other.merge_key is None or other.merge_key != self.merge_key:
            return False
        if other.isObsolete():  # its save failed: nothing of it may join a saved step
            return False
        # `other` has been applied already; its previous values of keys we did not touch are
        # the state before us too.
        for key, value in other.previous.items():
            self.previous.setdefault(key, value)
        self.values.update(other.values)
        return True


__all__ = ["AddEventCommand", "DeleteEventCommand", "DuplicateEventCommand", "SetFieldCommand"]
