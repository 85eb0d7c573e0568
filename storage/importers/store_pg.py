"""Bulk import into a PostgreSQL workspace: one INSERT ... SELECT FROM unnest(...) per batch,
duplicates skipped by the unique text key (ON CONFLICT DO NOTHING), new ids from RETURNING."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional, Sequence

from storage.importers.records import ArticleRecord
from storage.models import utcnow
from storage.repo_types import normalized_sha256
from storage.textkey import fast_key

# One array parameter per column: the whole batch travels in a single statement. Ids are taken
# from the sequence first, in the records' order (so ids follow the file, as on SQLite), while
# the rows go in sorted by key, so concurrent importers of overlapping data lock keys in one order.
_INSERT_ARTICLES = (
    "INSERT INTO article (id, title, text, source, url, published, language, sha256, status, imported_at, meta) "
    "SELECT * FROM unnest(%s::integer[], %s::text[], %s::text[], %s::text[], %s::text[], %s::date[], %s::text[], "
    "%s::text[], %s::text[], %s::timestamp[], %s::json[]) "
    "ON CONFLICT (sha256) DO NOTHING RETURNING sha256, id"
)
_TAKE_IDS = "SELECT nextval(pg_get_serial_sequence('article', 'id')) FROM generate_series(1, %s)"
_INSERT_SPAN = ('INSERT INTO entityspan (article_id, start, "end", label, origin, state, coder, model_name, '
                "model_version, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def naive_utc(value: dt.datetime) -> dt.datetime:
    """As the timestamp columns hold it (naive UTC), the same value SQLite's rows hold."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _key(text: str) -> str:
    fast = fast_key(text)
    return fast[0] if fast is not None else normalized_sha256(text)


class PgArticleWriter:
    """ArticleWriter's counterpart for a server workspace (same add() and result)."""

    def __init__(self, session: Any) -> None:
        self._conn = session.connection()

    def add(self, records: Sequence[ArticleRecord]):  # type: ignore[no-untyped-def]
        from storage.importers.store import StoreResult, _store_children

        result = StoreResult(ids=[None] * len(records))
        if not records:
            return result
        digests = [_key(r.text) for r in records]
        stamp = naive_utc(utcnow())
        first: dict[str, int] = {}  # key -> index of its first record in the batch
        for i, digest in enumerate(digests):
            if digest in first:
                result.duplicates += 1
            else:
                first[digest] = i
        taken = [row[0] for row in self._conn.exec_driver_sql(_TAKE_IDS, (len(first),)).all()]
        new_id_of = dict(zip(sorted(first.values()), sorted(taken)))
        order = sorted(first.items())
        columns: list[list[Any]] = [[] for _ in range(11)]
        for digest, i in order:
            rec = records[i]
            values = (new_id_of[i], rec.title, rec.text, rec.source, rec.url, rec.published, rec.language, digest, rec.status,
                      naive_utc(rec.imported_at) if rec.imported_at else stamp,
                      json.dumps(rec.meta) if rec.meta else "{}")
            for column, value in zip(columns, values):
                column.append(value)
        id_of: dict[str, int] = dict(self._conn.exec_driver_sql(_INSERT_ARTICLES, tuple(columns)).all())
        fresh: list[int] = []
        for digest, i in order:
            new_id: Optional[int] = id_of.get(digest)
            if new_id is None:
                result.duplicates += 1  # already in the workspace
            else:
                result.ids[i] = new_id
                fresh.append(i)
        fresh.sort()
        children = [(result.ids[i], records[i]) for i in fresh if records[i].spans or records[i].events]
        if children:
            _store_children(self._conn, None, children, utcnow())  # type: ignore[arg-type]
        return result
