"""Bulk import into a PostgreSQL workspace: the texts a batch holds that are not stored yet are
COPYed straight into the article table. Should another importer store one of them meanwhile (the
unique text key refuses the COPY), the batch goes the careful way instead: COPY into a temporary
staging table, then one INSERT ... SELECT ... ON CONFLICT DO NOTHING returning the new ids."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Sequence

from storage.importers.records import ArticleRecord
from storage.models import utcnow
from storage.textkey import normalized_sha256

_COLUMNS = "id, title, text, source, url, published, language, sha256, status, imported_at, meta, text_length"
# The staging table lives as long as the pooled connection; its rows are deleted after each batch
# and its storage emptied at each commit (no relfilenode churn as with TRUNCATE).
_STAGE = ("CREATE TEMP TABLE IF NOT EXISTS chronicler_import_stage (id integer, title text, text text, "
          "source text, url text, published date, language text, sha256 text, status text, "
          "imported_at timestamp, meta json, text_length integer) ON COMMIT DELETE ROWS")
# Binary COPY: no escaping of the texts on either side (about a quarter faster than text COPY).
_COPY_STAGE = f"COPY chronicler_import_stage ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_COPY_ARTICLES = f"COPY article ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_COPY_TYPES = ["int4", "text", "text", "text", "text", "date", "text", "text", "text", "timestamp", "json", "int4"]
_STORED = "SELECT sha256 FROM article WHERE sha256 = ANY(%s)"
UNIQUE_VIOLATION = "23505"
# Rows go in sorted by key, so concurrent importers of overlapping data lock keys in one order;
# ids were taken from the sequence beforehand in the records' order, so ids follow the file.
_MOVE = (f"INSERT INTO article ({_COLUMNS}) SELECT {_COLUMNS} FROM chronicler_import_stage ORDER BY sha256 "
         "ON CONFLICT (sha256) DO NOTHING RETURNING sha256, id")
_TAKE_IDS = "SELECT nextval(pg_get_serial_sequence('article', 'id')) FROM generate_series(1, %s)"
_INSERT_SPAN = ('INSERT INTO entityspan (article_id, start, "end", label, origin, state, coder, model_name, '
                "model_version, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def naive_utc(value: dt.datetime) -> dt.datetime:
    """As the timestamp columns hold it (naive UTC), the same value SQLite's rows hold."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


class PgArticleWriter:
    """ArticleWriter's counterpart for a server workspace (same add() and result)."""

    def __init__(self, session: Any) -> None:
        self._conn = session.connection()

    def _copy(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """COPY through the driver (several times faster than any INSERT for long texts)."""
        import psycopg
        from sqlalchemy.exc import DBAPIError

        driver = self._conn.connection.driver_connection
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                copy.set_types(_COPY_TYPES)
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:  # as SQLAlchemy would have wrapped it: the importer reports it
            raise DBAPIError(statement, None, exc, connection_invalidated=driver.closed) from exc

    def _insert(self, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        """Store the rows (sorted by key); the new id of each text stored, by key."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self._conn.begin_nested():  # a refused COPY leaves the transaction usable
                self._copy(_COPY_ARTICLES, rows)
            return {row[7]: row[0] for row in rows}
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
        self._conn.exec_driver_sql(_STAGE)
        self._copy(_COPY_STAGE, rows)
        id_of = dict(self._conn.exec_driver_sql(_MOVE).all())
        self._conn.exec_driver_sql("DELETE FROM chronicler_import_stage")
        return id_of

    def add(self, records: Sequence[ArticleRecord]):  # type: ignore[no-untyped-def]
        from storage.importers.store import StoreResult, _store_children

        result = StoreResult(ids=[None] * len(records))
        if not records:
            return result
        digests = [normalized_sha256(r.text) for r in records]
        stamp = naive_utc(utcnow())
        first: dict[str, int] = {}  # key -> index of its first record in the batch
        for i, digest in enumerate(digests):
            if digest in first:
                result.duplicates += 1
            else:
                first[digest] = i
        stored = {key for (key,) in self._conn.exec_driver_sql(_STORED, (list(first),))}
        result.duplicates += len(stored)
        wanted = {digest: i for digest, i in first.items() if digest not in stored}
        if not wanted:
            return result
        taken = [row[0] for row in self._conn.exec_driver_sql(_TAKE_IDS, (len(wanted),)).all()]
        new_id_of = dict(zip(sorted(wanted.values()), sorted(taken)))
        order = sorted(wanted.items())
        rows = []
        for digest, i in order:
            rec = records[i]
            rows.append((new_id_of[i], rec.title, rec.text, rec.source, rec.url, rec.published, rec.language,
                         digest, rec.status, naive_utc(rec.imported_at) if rec.imported_at else stamp,
                         rec.meta or {}, len(rec.text)))  # the json dumper serializes meta
        id_of = self._insert(rows)
        fresh: list[int] = []
        for digest, i in order:
            new_id: Optional[int] = id_of.get(digest)
            if new_id is None:
                result.duplicates += 1  # stored by another importer meanwhile
            else:
                result.ids[i] = new_id
                fresh.append(i)
        fresh.sort()
        children = [(result.ids[i], records[i]) for i in fresh if records[i].spans or records[i].events]
        if children:
            _store_children(self._conn, None, children, utcnow())  # type: ignore[arg-type]
        return result
