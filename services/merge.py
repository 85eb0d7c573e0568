"""`merge SRC...`: other workspaces (coders who worked offline) copied into this one."""
from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from storage.db import WorkspaceError
from storage.merge import MergeCounts, merge_snapshot, read_snapshot
from storage.dburl import mask_url
from storage.progress import Cancelled
from storage.repository import Repository


class MergeError(Exception):
    """A source that cannot be merged, named with the reason (nothing of it was merged)."""


@dataclass
class MergeResult:
    sources: list[MergeCounts] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def one(c: MergeCounts) -> dict[str, Any]:
            return {"source": c.source, "articles": {"added": c.articles_added, "matched": c.articles_matched},
                    "events": {"added": c.events_added, "updated": c.events_updated},
                    "spans": {"added": c.spans_added, "updated": c.spans_updated}, "assignments": c.assignments_added, "patterns": c.patterns_added,
                    "conflicts": [x.to_json() for x in c.conflicts]}
        return {"sources": [one(c) for c in self.sources],
                "conflicts": sum(len(c.conflicts) for c in self.sources)}

    def describe(self) -> str:
        lines = []
        for c in self.sources:
            lines.append(f"{c.source}: {c.articles_added} articles added ({c.articles_matched} already here), "
                         f"{c.events_added} events added, {c.events_updated} updated, {c.spans_added} spans added, "
                         f"{c.spans_updated} updated, "
                         f"{c.assignments_added} assignments, {c.patterns_added} learned patterns"
                         + ("" if c.added_anything else " (nothing new)"))
            for x in c.conflicts:
                fields = ", ".join(x.fields)
                lines.append(f"  conflict: event {x.uid} (article {x.article_id}) was edited in both; this "
                             f"workspace keeps its version, the source's is kept with the merge conflicts "
                             f"(fields: {fields})")
        return "\n".join(lines)


def _copy_of(source: Path, folder: Path) -> Path:
    """A consistent copy of the source (SQLite's backup: sees its -wal too) so that opening
    it, which may migrate an older workspace, never writes the source itself."""
    target = folder / "source.sqlite"
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise MergeError(f"{source}: not a Chronicler workspace ({exc})") from exc
    return target


def _server_snapshot(repo: Repository, url: str) -> Any:
    """A server workspace read as it is (only reads; its own clients keep writing)."""
    from storage.db import dispose_engine
    from storage.dburl import BadWorkspaceURL, parse_server_url

    try:
        parse_server_url(url)
    except BadWorkspaceURL as exc:
        raise MergeError(str(exc)) from exc
    if url == repo.target:
        raise MergeError(f"{mask_url(url)}: is this workspace itself")
    try:
        other = Repository(url)
    except WorkspaceError as exc:
        raise MergeError(f"{mask_url(url)}: {exc.problem}") from exc
    try:
        return read_snapshot(other.engine)
    finally:
        other.close()
        dispose_engine(url)


def merge_one(repo: Repository, source: str) -> MergeCounts:
    if "://" in source:
        return merge_snapshot(repo, _server_snapshot(repo, source), mask_url(source))
    path = Path(source).expanduser()
    if not path.is_file():
        raise MergeError(f"{source}: no such workspace file")
    if path.resolve() == repo.path:
        raise MergeError(f"{source}: is this workspace itself")
    with tempfile.TemporaryDirectory(prefix="chronicler-merge-") as folder:
        copy = _copy_of(path.resolve(), Path(folder))
        try:
            other = Repository(copy)
        except WorkspaceError as exc:
            raise MergeError(f"{source}: {exc.problem}") from exc
        try:
            snapshot = read_snapshot(other.engine)
        finally:
            other.close()
    return merge_snapshot(repo, snapshot, str(source))


def merge_workspaces(repo: Repository, sources: Sequence[str],
                     progress: Optional[Callable[[int, int, str], None]] = None,
                     cancelled: Optional[Callable[[], bool]] = None) -> MergeResult:
    """Merge each source in turn, each in one transaction; a bad source stops the run with
    its reason (sources merged before it stay merged, as the message says). `progress`
    (done, total, source) before each source; `cancelled` stops between sources."""
    result = MergeResult()
    for n_done, source in enumerate(sources):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(n_done, len(sources), f"merging {mask_url(source) if '://' in source else source}")
        try:
            result.sources.append(merge_one(repo, source))
        except MergeError as exc:
            if result.sources:
                done = ", ".join(c.source for c in result.sources)
                raise MergeError(f"{exc} (already merged: {done})") from exc
            raise
    if progress is not None:
        progress(len(sources), len(sources), "merged")
    return result
