"""Keys for rows a window shows before they are stored: a new event or highlight gets a temporary
(negative) key at once, edits that name it are queued with that key, and the writer swaps in the
row's id when the insert has run. Writes run in order, so every later write finds it resolved."""
from __future__ import annotations

import threading
from typing import Optional


class NotStored(LookupError):
    """An edit names a row whose insert failed (or was dropped after an earlier failure)."""


class PendingIds:
    """Temporary keys and the ids they became. `new` and `heard` run on the GUI thread, `stored`
    and `resolve` on the writer's; the rest anywhere. One entry per row added in this window (a
    few ints): kept, since undo and redo may name the key again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = -1
        self._ids: dict[int, int] = {}
        self._keys: dict[int, int] = {}  # row id -> the key it was added under
        self._waiting: set[int] = set()  # the GUI has not heard how their inserts went

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
            self._keys[row_id] = key

    def heard(self, key: Optional[int]) -> None:
        """The GUI heard how the insert went: stored (a read from now on has the row) or failed
        or dropped (the row will not come)."""
        if key is None:
            return
        with self._lock:
            self._waiting.discard(key)

    def waiting(self, key: Optional[int]) -> bool:
        """Shown, and the GUI has not heard of its insert yet: a read may still lack the row."""
        with self._lock:
            return key in self._waiting

    def canonical(self, key: Optional[int]) -> Optional[int]:
        """The row's id when known, else the key itself (ids pass through unchanged)."""
        if key is None or key >= 0:
            return key
        with self._lock:
            return self._ids.get(key, key)

    def stable(self, key: Optional[int]) -> Optional[int]:
        """One name for a row before and after its insert (the key it was added under, else its
        id): for what must not change when the id arrives (a lookup's target)."""
        if key is None or key < 0:
            return key
        with self._lock:
            return self._keys.get(key, key)

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
