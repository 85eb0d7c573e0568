"""A coder's own edits still on their way are not someone else's change: the versions each
thread's own edits of a row produced, so an edit naming a version read before them is no conflict."""
from __future__ import annotations

import threading
from typing import Any, Optional

from storage.concurrency import Conflict

# Rows whose latest own edits are remembered (a long session must not grow without bound);
# a row edited again after thousands of others was re-read in between anyway.
OWN_VERSIONS_KEPT = 4096


def next_version(row: Any, kind: str, expected: Optional[int], coder: Optional[str],
                 own: Optional[tuple[int, int]] = None) -> tuple[int, int]:
    """Refuse an edit made from a stale read; otherwise count the edit and say who made it.
    `own`: (first, last) versions of an unbroken run of this thread's own edits of the row;
    a read from inside that run is not stale: only this coder's own edits, still on their way
    when the read was made, came since (the window writes them in order, off the GUI thread).
    Returns (version before, version after)."""
    if expected is not None and row.version != expected:
        if own is None or not (own[0] <= expected < own[1] == row.version):
            raise Conflict(kind, int(row.id), expected, int(row.version), row.updated_by)
    before = int(row.version)
    row.version += 1
    row.updated_by = coder
    return before, int(row.version)


class OwnVersionsMixin:
    """Per thread, (kind, row id) -> (first, last) version of that thread's latest run of edits
    of the row (see next_version), recorded after the commit. Per thread: a window writes from
    its one writer thread, while threads sharing a repository are coders of their own, each
    other's "someone else"."""

    def _own_versions(self) -> dict[tuple[str, int], tuple[int, int]]:
        local = self.__dict__.setdefault("_own_local", threading.local())
        versions = getattr(local, "versions", None)
        if versions is None:
            versions = local.versions = {}
        return versions

    def _own(self, kind: str, row_id: int) -> Optional[tuple[int, int]]:
        return self._own_versions().get((kind, row_id))

    def _stored_own(self, kind: str, row_id: int, versions: tuple[int, int]) -> None:
        own = self._own_versions()
        before, after = versions
        run = own.pop((kind, row_id), None)  # re-inserted last: the oldest go first
        own[(kind, row_id)] = (run[0] if run is not None and run[1] == before else before, after)
        if len(own) > OWN_VERSIONS_KEPT:
            del own[next(iter(own))]


__all__ = ["OWN_VERSIONS_KEPT", "OwnVersionsMixin", "next_version"]
