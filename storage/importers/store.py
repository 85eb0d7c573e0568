"""Writing imported articles with their spans, events and evidence, whole articles per
transaction, skipping texts the workspace already holds (normalized sha256)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from sqlalchemy import insert, select
from sqlmodel import col
from sqlmodel import select as model_select

from storage.db import write_session
from storage.models import (
    Actor,
    Adjudication,
    Assignment,
    Coder,
    Codebook,
    Event,
    Evidence,
    LearnedPattern,
    new_uid,
    utcnow,
)
from storage.repository import Repository
from storage.importers.records import ArticleRecord
from storage.search_index import catch_up
from storage.search_index import has_index as has_search_index
from storage.plain_lines import article_row, db_datetime
from storage.textkey import key_and_value, normalized_sha256

_EVENTS = Event.__table__  # type: ignore[attr-defined]
_EVIDENCE = Evidence.__table__  # type: ignore[attr-defined]
# Keep each IN (...) list well under SQLite's bound-variable limit.
_CHUNK = 900
_ARTICLE_COLUMNS = ("title", "text", "source", "url", "published", "language", "sha256", "status",
                    "imported_at", "meta", "text_length")
# The text may come as the UTF-8 bytes the duplicate key was computed from: CAST stores them as
# the same TEXT value binding the str would (the database encoding is UTF-8), without encoding
# every article a second time.
_INSERT_ARTICLE = (f"INSERT INTO article ({', '.join(_ARTICLE_COLUMNS)}) "
                   "VALUES (?, CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_NEW_ARTICLE = _INSERT_ARTICLE.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
# Largest id before a batch under which new ids are certain to be max(id) + 1 each.
_SEQUENTIAL_IDS_BELOW = 2**62


_INSERT_SPAN = ("INSERT INTO entityspan (article_id, start, \"end\", label, origin, state, coder, model_name, "
                "model_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


@dataclass
class StoreResult:
    """Per record, the new article id, or None when its text was already there."""

    ids: list[Optional[int]] = field(default_factory=list)
    duplicates: int = 0

    @property
    def added(self) -> list[int]:
        return [i for i in self.ids if i is not None]


def _chunks(items: Sequence[Any], size: int = _CHUNK):  # type: ignore[no-untyped-def]
    for i in range(0, len(items), size):
        yield items[i: i + size]


def store_records(repo: Repository, records: Sequence[ArticleRecord]) -> StoreResult:
    """Insert a batch atomically: every new article together with its spans, events and
    evidence, or nothing. Duplicates (in the workspace or earlier in the batch) are skipped
    with their spans and events."""
    if not records:
        return StoreResult()
    with write_session(repo.engine) as s:
        return article_writer(s).add(records)


def article_writer(session: Any) -> "ArticleWriter":
    """The bulk writer that suits the session's engine (SQLite's driver fast path, or
    PostgreSQL's one statement a batch)."""
    if session.get_bind().dialect.name == "postgresql":
        from storage.importers.store_pg import PgArticleWriter

        return PgArticleWriter(session)  # type: ignore[return-value]
    return ArticleWriter(session)


class ArticleWriter:
    """Adds batches of records inside one open write transaction (a write_session); the caller
    commits by leaving the session. An import keeps a transaction open over several batches:
    each commit of a workspace is an fsync, while a batch's records are let go once written."""

    def __init__(self, session: Any) -> None:
        self._conn = session.connection()
        # The hot path goes straight to the driver (values in SQLAlchemy's SQLite storage
        # format): Core's per-row processing costs more than the insert itself.
        self._cursor = self._conn.connection.driver_connection.cursor()
        # Text passed as UTF-8 bytes only reads back the same in a UTF-8 database (the default).
        self._utf8 = self._cursor.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
        self._max_id: Optional[int] = None
        self._search_index = has_search_index(self._cursor)

    def add(self, records: Sequence[ArticleRecord]) -> StoreResult:
        """Insert the new articles of a batch with all they carry; duplicates (in the workspace or
        earlier in the batch) are skipped with their spans and events."""
        result = StoreResult(ids=[None] * len(records))
        if not records:
            return result
        if self._utf8:
            keyed = [key_and_value(r.text) for r in records]
        else:
            keyed = [(normalized_sha256(r.text), r.text) for r in records]
        now = utcnow()
        stamp = db_datetime(now)
        seen: set[str] = set()
        rows: list[tuple[Any, ...]] = []
        fresh: list[int] = []  # record indexes being inserted
        for i, (rec, (digest, value)) in enumerate(zip(records, keyed)):
            if digest in seen:
                result.duplicates += 1
                continue
            seen.add(digest)
            fresh.append(i)
            imported_at = rec.imported_at
            rows.append(article_row(rec, digest, value, db_datetime(imported_at) if imported_at else stamp))
        kept = []
        for i, new_id in zip(fresh, self._insert(rows)):
            if new_id is None:
                result.duplicates += 1
            else:
                result.ids[i] = new_id
                kept.append(i)
        children = [(result.ids[i], records[i]) for i in kept
                    if records[i].spans or records[i].events or records[i].assignments
                    or records[i].adjudicated_by is not None]
        if children:
            _store_children(self._conn, self._cursor, children, now)  # type: ignore[arg-type]
        return result

    def add_rows(self, rows: list[tuple[Any, ...]], duplicates: int = 0) -> StoreResult:
        """Insert article rows made elsewhere (storage.import_reader: _ARTICLE_COLUMNS' order,
        distinct keys, the text bound as for a UTF-8 database); `duplicates` were dropped before
        they came. Plain articles only: nothing rides with them."""
        if not self._utf8:
            rows = [row if type(row[1]) is str else (row[0], row[1].decode("utf-8"), *row[2:]) for row in rows]
        ids = self._insert(rows)
        added: list[Optional[int]] = [i for i in ids if i is not None]
        return StoreResult(ids=added, duplicates=duplicates + len(ids) - len(added))

    def _insert(self, rows: list[tuple[Any, ...]]) -> list[Optional[int]]:
        """Insert rows of distinct keys; per row its new id, or None where the workspace held
        the text already. The batch's titles go into the search index."""
        if not rows:
            return []
        cursor = self._cursor
        # The largest id after the last batch of this transaction is still the largest.
        if self._max_id is None:
            self._max_id = cursor.execute("SELECT max(id) FROM article").fetchone()[0] or 0
        before = self._max_id
        ids: list[Optional[int]]
        # Below the top of the id range SQLite gives each new row max(id) + 1, so the new rows
        # are the ones above `before`: the unique key can skip the texts already stored
        # (INSERT OR IGNORE) without looking them up first.
        if before < _SEQUENTIAL_IDS_BELOW:
            cursor.executemany(_INSERT_NEW_ARTICLE, rows)
            inserted = cursor.rowcount  # summed over the rows; a skipped one adds 0
            (after,) = cursor.execute("SELECT max(id) FROM article").fetchone()
            self._max_id = after
            if inserted == len(rows) and after - before == inserted:
                ids = list(range(before + 1, after + 1))
            else:  # some texts were already stored (every column has a value: only sha256 can refuse)
                id_of = dict(cursor.execute("SELECT sha256, id FROM article WHERE id > ?", (before,)))
                ids = [id_of.get(row[6]) for row in rows]
        else:  # ids near the top of the range (SQLite then picks unused ones at random): by key
            digests = [row[6] for row in rows]
            existing: set[str] = set()
            for part in _chunks(digests):
                marks = ",".join("?" * len(part))
                found = cursor.execute(f"SELECT sha256 FROM article WHERE sha256 IN ({marks})", part)
                existing.update(d for (d,) in found)
            cursor.executemany(_INSERT_ARTICLE, [row for row in rows if row[6] not in existing])
            self._max_id = None
            id_of = {}
            for part in _chunks([d for d in digests if d not in existing]):
                marks = ",".join("?" * len(part))
                id_of.update(cursor.execute(f"SELECT sha256, id FROM article WHERE sha256 IN ({marks})", part))
            ids = [id_of.get(d) for d in digests]
        if self._search_index:
            catch_up(cursor)  # the batch's titles into the search index, in one statement
        return ids


def _store_children(conn, cursor, items: list[tuple[int, ArticleRecord]], now) -> None:  # type: ignore[no-untyped-def]
    """Spans, events and evidence of new articles. `cursor` is SQLite's driver cursor (values in
    SQLAlchemy's SQLite storage format); None on PostgreSQL, where the driver takes datetimes."""
    when: Callable[[dt.datetime], Any]  # naive_utc on PostgreSQL, SQLite's text otherwise
    if cursor is None:
        from storage.importers.store_pg import _INSERT_SPAN as insert_span, naive_utc as when
    else:
        insert_span, when = _INSERT_SPAN, db_datetime
    stamp = when(now)
    spans = [
        (aid, sp.start, sp.end, sp.label, sp.origin, sp.state, sp.coder, sp.model_name, sp.model_version,
         when(sp.created_at) if sp.created_at else stamp,
         when(last) if (last := sp.updated_at or sp.created_at) else stamp)
        for aid, rec in items for sp in rec.spans
    ]
    if spans:
        if cursor is None:
            conn.exec_driver_sql(insert_span, spans)
        else:
            cursor.executemany(insert_span, spans)
    assignments = [dict(article_id=aid, coder=coder, status=status, assigned_at=now, updated_at=now)
                   for aid, rec in items for coder, status in rec.assignments]
    # SQLModel sets __table__ on table classes at runtime but does not declare it in its types
    _insert_ignoring_duplicates(conn, Assignment.__table__, assignments)  # type: ignore[attr-defined]
    adjudicated = [dict(article_id=aid, adjudicator=rec.adjudicated_by or None, adjudicated_at=now)
                   for aid, rec in items if rec.adjudicated_by is not None]
    _insert_ignoring_duplicates(conn, Adjudication.__table__, adjudicated)  # type: ignore[attr-defined]
    events = [(aid, ev) for aid, rec in items for ev in rec.events]
    if not events:
        return
    # A uid already in the workspace (or twice in this batch) belongs to another event:
    # this one gets a fresh uid rather than failing the whole batch.
    wanted = [ev.uid for _, ev in events if ev.uid]
    taken: set[str] = set()
    for part in _chunks(wanted):
        taken.update(conn.execute(select(_EVENTS.c.uid).where(_EVENTS.c.uid.in_(part))).scalars())
    for aid, ev in events:
        uid = ev.uid if ev.uid and ev.uid not in taken else new_uid()
        taken.add(uid)
        row = dict(ev.core, uid=uid, article_id=aid, codebook_name=ev.codebook_name,
                   codebook_version=ev.codebook_version, extra=ev.extra or {}, coder=ev.coder,
                   gold=ev.gold, sources=list(ev.sources),
                   created_at=ev.created_at or now, updated_at=ev.updated_at or ev.created_at or now)
        event_id = conn.execute(insert(_EVENTS), row).inserted_primary_key[0]
        if ev.evidence:
            conn.execute(insert(_EVIDENCE), [dict(event_id=event_id, field=e.field, start=e.start, end=e.end)
                                              for e in ev.evidence])


def _insert_ignoring_duplicates(conn, table, rows: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    """Rows a workspace may hold already (an assignment, an adjudication): kept as they are."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(insert(table).prefix_with("OR IGNORE"), rows)


def _ensure_coders(conn, names: set[str]) -> None:  # type: ignore[no-untyped-def]
    if not names:
        return
    known = set(conn.execute(select(col(Coder.name)).where(col(Coder.name).in_(sorted(names)))).scalars())  # type: ignore[attr-defined]
    for name in sorted(names - known):
        conn.execute(insert(Coder.__table__), dict(name=name, created_at=utcnow()))  # type: ignore[attr-defined]


def store_workspace_record(repo: Repository, kind: str, payload: dict[str, Any]) -> int:
    """Store a non-article record of the interchange file (patterns, codebook, actors, coders);
    returns how many items it held. Existing items are kept (patterns keep the larger count)."""
    with write_session(repo.engine) as s:
        conn = s.connection()
        if kind == "patterns":
            items = payload["patterns"]
            for p in items:
                key = (LearnedPattern.text == p["text"], LearnedPattern.label == p["label"],  # type: ignore[arg-type]
                       LearnedPattern.polarity == p["polarity"], LearnedPattern.context == p["context"])  # type: ignore[arg-type]
                row = s.exec(model_select(LearnedPattern).where(*key)).first()
                if row is None:
                    s.add(LearnedPattern(**p))
                else:
                    row.hits = max(row.hits, p.get("hits", 1))
                    s.add(row)
            return len(items)
        if kind == "codebook":
            exists = conn.execute(select(col(Codebook.id)).where(Codebook.name == payload["name"],  # type: ignore[arg-type]
                                                            Codebook.version == payload["version"])).first()  # type: ignore[arg-type]
            if exists is None:
                s.add(Codebook(name=payload["name"], version=payload["version"], definition=payload["definition"]))
            return 1
        if kind == "actors":
            items = payload["actors"]
            for a in items:
                actor = s.exec(model_select(Actor).where(Actor.name == a["name"])).first()
                if actor is None:
                    s.add(Actor(**a))
            return len(items)
        if kind == "coders":
            _ensure_coders(conn, set(payload["coders"]))
            return len(payload["coders"])
    raise ValueError(kind)
