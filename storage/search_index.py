"""The index behind the article list's search box (titles and sources, substring, any case).

SQLite: an FTS5 table with the trigram tokenizer (migration 0006), one row an article (its
rowid the article's id). New articles are added in bulk after each import batch (a per-row
trigger would cost the import a tenth of its rate, and the workspace runs no triggers: see
storage.db) by `catch_up`, which indexes every article above the last indexed id, so an article
written by any other path is indexed at the next import, and until then found by a scan of the
few articles above that id. Chronicler never deletes an article nor edits a title or source; an
entry another program left stale is a candidate the LIKE below drops. PostgreSQL: pg_trgm GIN indexes on
title and source serve ILIKE directly (when the server has the extension; else a scan).

The index only finds candidates: the list's filter still applies its LIKE to them, so what a
search matches is the same with or without the index."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

TABLE = "article_search"
# A trigram index cannot look up fewer than three characters: such a search scans (they match
# many titles anyway, and the list's in-order scan stops after a page of them).
MIN_CHARS = 3
# Above this many candidates the list walks its index in order and stops after a page (2,000
# rows: at 1,000,000 articles the walk reads at most 100,000 entries for them), faster than
# sorting every match; at or below it the candidates are read by id and sorted.
RARE_LIMIT = 20_000

CREATE_TABLE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, source, tokenize='trigram')"
_LAST_INDEXED = f"SELECT rowid FROM {TABLE} ORDER BY rowid DESC LIMIT 1"
CATCH_UP = (f"INSERT INTO {TABLE} (rowid, title, source) SELECT id, title, source FROM article "
            f"WHERE id > coalesce(({_LAST_INDEXED}), 0)")
_COUNT_INDEXED = f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? LIMIT ?)"
_COUNT_UNINDEXED = "SELECT count(*) FROM (SELECT id FROM article WHERE id > ? LIMIT ?)"
# The candidates' ids: the index's matches, and the articles stored since the last import by a
# path that does not index (a merge, another program): few, above the last indexed id.
CANDIDATES = (f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :phrase "
              "UNION ALL SELECT id FROM article WHERE id > :last")


@dataclass(frozen=True)
class RareSearch:
    """A search the index narrows to a few candidates: CANDIDATES' parameters."""

    phrase: str
    last: int


def like_pattern(search: str) -> str:
    """The LIKE pattern of a substring search: % _ and \\ are the coder's characters, not wildcards."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(search: str) -> str:
    """The search as one FTS5 string: any character literal, a quote doubled."""
    return '"' + search.replace('"', '""') + '"'


def has_index(cursor: Any) -> bool:
    """The workspace has the search table (a SQLite driver cursor or connection)."""
    return cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() \
        is not None


def catch_up(cursor: Any) -> None:
    """Index the articles above the last indexed id, inside the caller's write transaction
    (a SQLite driver cursor or connection). One INSERT ... SELECT: the titles never pass
    through Python."""
    cursor.execute(CATCH_UP)


def rare_search(cursor: Any, search: str, limit: int = RARE_LIMIT) -> Optional[RareSearch]:
    """The search when the index narrows it to at most `limit` candidates (every article whose
    title or source contains it, maybe a few more the caller's LIKE leaves out); None when there
    are more or the index cannot say (fewer than MIN_CHARS characters)."""
    if len(search) < MIN_CHARS:
        return None
    row = cursor.execute(_LAST_INDEXED).fetchone()
    last = int(row[0]) if row else 0
    phrase = _phrase(search)
    (indexed,) = cursor.execute(_COUNT_INDEXED, (phrase, limit + 1)).fetchone()
    if indexed > limit:
        return None
    (unindexed,) = cursor.execute(_COUNT_UNINDEXED, (last, limit + 1 - indexed)).fetchone()
    return RareSearch(phrase, last) if indexed + unindexed <= limit else None


__all__ = ["CANDIDATES", "CATCH_UP", "CREATE_TABLE", "MIN_CHARS", "RARE_LIMIT", "TABLE", "RareSearch", "catch_up",
           "has_index", "like_pattern", "rare_search"]
