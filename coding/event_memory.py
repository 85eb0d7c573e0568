"""What the event form remembers per event and field for a return visit (the notes of the last
fills, the place candidates found, the inter codes it guessed), for the events seen last only."""
from __future__ import annotations

from typing import Any, Optional, TypeVar

V = TypeVar("V")

# Events whose fill notes ("Guessed from …") and place candidates are kept for a return visit.
REMEMBERED_EVENTS = 64


def _rekeyed(table: dict[tuple[int, str], V], key: int, row_id: Optional[int]) -> None:
    """What is remembered per (event, field) under a new event's key moves to its row id."""
    for old in [k for k in table if k[0] == key]:
        value = table.pop(old)
        if row_id is not None:
            table[(row_id, old[1])] = value


class EventMemory:
    """Per (event id, field): the note of the last fill, the place candidates of the last lookup
    and the inter code guessed (kept so a later guess may replace it, the coder's own choice not)."""

    def __init__(self) -> None:
        self.notes: dict[tuple[int, str], str] = {}
        self.candidates: dict[tuple[int, str], list[Any]] = {}
        self.guessed_inter: dict[tuple[int, str], int] = {}  # (event, inter field) -> our guess
        # The events those three remember things for, last visited last: a long session would
        # otherwise keep every event's notes and place candidates it ever showed.
        self._visited: dict[int, None] = {}

    def notes_of(self, event_id: Optional[int]) -> dict[str, str]:
        """The fill notes of one event, by field."""
        return {name: note for (eid, name), note in self.notes.items() if eid == event_id}

    def visit(self, event_id: int) -> None:
        """Keep notes, candidates and guesses for the REMEMBERED_EVENTS events seen last."""
        self._visited.pop(event_id, None)
        self._visited[event_id] = None
        while len(self._visited) > REMEMBERED_EVENTS:
            oldest = next(iter(self._visited))
            del self._visited[oldest]
            self._move(oldest, None)

    def rekey(self, key: int, row_id: Optional[int]) -> None:
        """An event shown under a temporary key was stored as `row_id` (None: it never will be):
        what is remembered for it moves to its id, or is let go."""
        self._move(key, row_id)
        if self._visited.pop(key, 0) is None and row_id is not None:
            self.visit(row_id)

    def _move(self, key: int, row_id: Optional[int]) -> None:
        """Notes, candidates and guesses of event `key` move to `row_id` (None: let go)."""
        _rekeyed(self.notes, key, row_id)
        _rekeyed(self.candidates, key, row_id)
        _rekeyed(self.guessed_inter, key, row_id)


__all__ = ["EventMemory", "REMEMBERED_EVENTS"]
