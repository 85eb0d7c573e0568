"""Keys for rows a window shows before they are stored: a new event or highlight gets a temporary
(negative) key at once, edits that name it are queued with that key, and the writer swaps in the
row's id when the insert has run. Writes run in order, so every later write finds it resolved."""
from __future__ import annotations

import threading
from typing import Optional


class NotStored(LookupError):
    """An edit names a row whose insert failed (or was dropped after an earlier failure)."""


class PendingIds:
    """Temporary keys and the ids they became. `new` and `given_up` run on the GUI thread,
    `stored` and `resolve` on the writer's; `canonical` and `waiting` anywhere. One entry per
    row added in this window (two ints): kept, since undo and redo may name the key again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = -1
        self._ids: dict[int, int] = {}
        self._waiting: set[int] = set()

    def new(self) -> int:
        """A key no stored row has (row ids are positive)."""
        with self._lock:
            key, self._next = self._next, self._next - 1
            self._waiting.add(key)
            return key

    def stored(self, key: Optional[int], row_id: int) -> None:
        """The insert of `key` ran: from now on it means `row_id` (a redo puts back the same row)."""
        if key is None or key >= 0:
            return
        with self._lock:
            self._ids[key] = row_id
            self._waiting.discard(key)

    def given_up(self, key: Optional[int]) -> None:
        """Its insert failed or was never run: the row will not come."""
        if key is None:
            return
        with self._lock:
            self._waiting.discard(key)

    def waiting(self, key: Optional[int]) -> bool:
        """Shown, not stored yet and not given up."""
        with self._lock:
            return key in self._waiting

    def canonical(self, key: Optional[int]) -> Optional[int]:
        """The row's id when known, else the key itself (ids pass through unchanged)."""
        if key is None or key >= 0:
            return key
        with self._lock:
            return self._ids.get(key, key)

    def same(self, a: Optional[int], b: Optional[int]) -> bool:
        """Whether two keys name the same row (a key and the id it became do)."""
        return a == b or (a is not None and b is not None and self.canonical(a) == self.canonical(b))

    def resolve(self, key: int) -> int:
        """The id to write (writer thread, after the insert in order): NotStored if it never came."""
        if key >= 0:
            return key
        with self._lock:
            row_id = self._ids.get(key)
        if row_id is None:
            raise NotStored("it names an event or highlight whose adding was not saved")
        return row_id


__all__ = ["NotStored", "PendingIds"]
