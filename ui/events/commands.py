"""The undo stack's host for event edits: a QUndoCommand that applies a storage.event_edits value
and keeps its inverse, merging consecutive typing in one field into one step."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from PySide6.QtGui import QUndoCommand

from storage.event_edits import EventEdit, SetFields, apply_edit
from storage.repository import Repository
from ui.undo import EVENTS, EditCommand, WorkspaceSignals

# Consecutive typing in one field becomes one undo step (QUndoCommand.id/mergeWith).
SET_FIELD_ID = 0x5E7F1E1D


class EventEditCommand(EditCommand):
    """Applies `edit` on redo and its inverse on undo; each application returns the value that
    takes it back, so redo after undo restores the very same event row (same id and uid)."""

    touches = frozenset({EVENTS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, edit: EventEdit) -> None:
        super().__init__(repo, signals, edit.article_id, edit.text)
        self.forward: EventEdit = edit
        self.backward: Optional[EventEdit] = None

    @property
    def event_id(self) -> Optional[int]:
        """The event this step made or changed (known once it has been applied)."""
        for edit in (self.backward, self.forward):
            event_id = getattr(edit, "event_id", None)
            if event_id is not None:
                return int(event_id)
        return None

    def apply(self) -> None:
        self.backward = apply_edit(self.repo, self.forward)
        if getattr(self.forward, "expected_version", None) is not None:
            # Checked once, against what the coder saw; a redo after undo is the coder's own step.
            self.forward = replace(self.forward, expected_version=None)  # type: ignore[type-var]

    def revert(self) -> None:
        if self.backward is not None:
            self.forward = apply_edit(self.repo, self.backward)

    def id(self) -> int:
        merging = isinstance(self.forward, SetFields) and self.forward.merge_key is not None
        return SET_FIELD_ID if merging else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        mine, theirs = self.forward, getattr(other, "forward", None)
        if not (isinstance(mine, SetFields) and isinstance(theirs, SetFields)) or theirs.merge_key is None \
                or theirs.merge_key != mine.merge_key:
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


__all__ = ["EventEditCommand", "SET_FIELD_ID"]
