"""The undo stack's host for event edits: a QUndoCommand that applies a storage.event_edits value
and keeps its inverse, merging consecutive typing in one field into one step."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from PySide6.QtGui import QUndoCommand

from storage.event_edits import AddEvent, EventEdit, SetFields, apply_edit
from storage.repository import Repository
from ui.undo import EVENTS, EditCommand, WorkspaceSignals

# Consecutive typing in one field becomes one undo step (QUndoCommand.id/mergeWith).
SET_FIELD_ID = 0x5E7F1E1D


class EventEditCommand(EditCommand):
    """Applies `edit` on redo and its inverse on undo; each application returns the value that
    takes it back, so redo after undo restores the very same event row (same id and uid).

    Adding an event never waits for its insert: the event is shown under a temporary key
    (`key`, storage.pending_ids) that edits queued meanwhile name; the writer turns it into the
    row's id in order, and a failed insert makes those edits fail with it (reported)."""

    touches = frozenset({EVENTS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, edit: EventEdit) -> None:
        super().__init__(repo, signals, edit.article_id, edit.text)
        self.forward: EventEdit = edit
        self.backward: Optional[EventEdit] = None
        self.key: Optional[int] = edit.key if isinstance(edit, AddEvent) else None

    @property
    def event_id(self) -> Optional[int]:
        """The event this step made or changed: for an add, its id once stored and its temporary
        key until then (both select it on screen)."""
        if self.key is not None:
            return self.signals.ids.canonical(self.key)
        for edit in (self.backward, self.forward):
            event_id = getattr(edit, "event_id", None)
            if event_id is not None:
                return int(event_id)
        return None

    def apply(self) -> None:
        self.backward = apply_edit(self.repo, self.forward, self.signals.ids)
        if getattr(self.forward, "expected_version", None) is not None:
            # Checked once, against what the coder saw; a redo after undo is the coder's own step.
            self.forward = replace(self.forward, expected_version=None)  # type: ignore[type-var]

    def revert(self) -> None:
        if self.backward is not None:
            self.forward = apply_edit(self.repo, self.backward, self.signals.ids)

    def written(self, ok: bool) -> None:
        super().written(ok)
        if self.key is not None:
            self.signals.ids.heard(self.key)  # the event list may now drop what it showed under the key

    def id(self) -> int:
        merging = isinstance(self.forward, SetFields) and self.forward.merge_key is not None
        return SET_FIELD_ID if merging else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        mine, theirs = self.forward, getattr(other, "forward", None)
        if not (isinstance(mine, SetFields) and isinstance(theirs, SetFields)) or theirs.merge_key is None \
                or not self._same_merge_key(mine.merge_key, theirs.merge_key):
            return False
        if other.isObsolete():  # its save failed: nothing of it may join a saved step
            return False
        assert isinstance(other, EventEditCommand)
        # Its write may still be queued (and fail: it then reports to this command, which goes).
        self.take_over(other)

        def merge() -> None:
            # After `other` has been applied (the writer's order); the values before us win in
            # the merged inverse.
            if isinstance(self.backward, SetFields) and isinstance(other.backward, SetFields):
                self.backward = other.backward.undone_by(self.backward)
            assert isinstance(self.forward, SetFields)
            self.forward = self.forward.merged(theirs)

        self.signals.in_order(merge)
        return True

    def _same_merge_key(self, mine: Optional[tuple[object, ...]], theirs: tuple[object, ...]) -> bool:
        """Typing in a new event's field before and after its insert ran is still one step."""
        if mine is None or mine[1:] != theirs[1:]:
            return False
        return mine[0] == theirs[0] or self.signals.ids.same(mine[0], theirs[0])  # type: ignore[arg-type]


__all__ = ["EventEditCommand", "SET_FIELD_ID"]
