"""Writing imported articles with their spans, events and evidence in one transaction a batch,
skipping texts the workspace already holds (normalized sha256)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from sqlalchemy import insert, select
from sqlmodel import select as model_select

from storage.db import write_session
from storage.models import (
    Actor,
    Coder,
    Codebook,
    Event,
    Evidence,
    LearnedPattern,
    new_uid,
    utcnow,
)
from storage.repository import Repository, normalized_sha256
from storage.importers.records import ArticleRecord

_EVENTS = Event.__table__  # type: ignore[attr-defined]
_EVIDENCE = Evidence.__table__  # type: ignore[attr-defined]
# Keep each IN (...) list well under SQLite's bound-variable limit.
_CHUNK = 900
_ARTICLE_COLUMNS = ("title", "text", "source", "url", "published", "language", "sha256", "status",
                    "imported_at", "meta")
_INSERT_ARTICLE = (f"INSERT INTO article ({', '.join(_ARTICLE_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))})")


_INSERT_SPAN = ("INSERT INTO entityspan (article_id, start, \"end\", label, origin, state, coder, model_name, "
                "model_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _db_datetime(value: dt.datetime) -> str:
    """A datetime as SQLAlchemy's SQLite DateTime type stores it (naive UTC, microseconds)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


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
    result = StoreResult(ids=[None] * len(records))
    if not records:
        return result
    digests = [normalized_sha256(r.text) for r in records]
    now = utcnow()
    with write_session(repo.engine) as s:
        conn = s.connection()
        # The hot path goes straight to the driver (values in SQLAlchemy's SQLite storage
        # format): Core's per-row processing costs more than the insert itself.
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        existing: set[str] = set()
        for part in _chunks(list(set(digests))):
            marks = ",".join("?" * len(part))
            existing.update(d for (d,) in cursor.execute(f"SELECT sha256 FROM article WHERE sha256 IN ({marks})", part))
        rows: list[tuple[Any, ...]] = []
        fresh: list[int] = []  # record indexes being inserted
        stamp = _db_datetime(now)
        for i, (rec, digest) in enumerate(zip(records, digests)):
            if digest in existing:
                result.duplicates += 1
                continue
            existing.add(digest)
            fresh.append(i)
            rows.append((rec.title, rec.text, rec.source, rec.url,
                         rec.published.isoformat() if rec.published else None, rec.language, digest,
                         rec.status, _db_datetime(rec.imported_at) if rec.imported_at else stamp,
                         json.dumps(rec.meta or {})))
        if not rows:
            return result
        cursor.executemany(_INSERT_ARTICLE, rows)
        id_of: dict[str, int] = {}
        fresh_digests = [digests[i] for i in fresh]
        for part in _chunks(fresh_digests):
            marks = ",".join("?" * len(part))
            id_of.update(cursor.execute(f"SELECT sha256, id FROM article WHERE sha256 IN ({marks})", part))
        for i in fresh:
            result.ids[i] = id_of[digests[i]]
        _store_children(conn, cursor, [(result.ids[i], records[i]) for i in fresh], now)  # type: ignore[misc]
    return result


def _store_children(conn, cursor, items: list[tuple[int, ArticleRecord]], now) -> None:  # type: ignore[no-untyped-def]
    stamp = _db_datetime(now)
    spans = [
        (aid, sp.start, sp.end, sp.label, sp.origin, sp.state, sp.coder, sp.model_name, sp.model_version,
         _db_datetime(sp.created_at) if sp.created_at else stamp,
         _db_datetime(sp.updated_at or sp.created_at) if (sp.updated_at or sp.created_at) else stamp)
        for aid, rec in items for sp in rec.spans
    ]
    if spans:
        cursor.executemany(_INSERT_SPAN, spans)
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
                   created_at=ev.created_at or now, updated_at=ev.updated_at or ev.created_at or now)
        event_id = conn.execute(insert(_EVENTS), row).inserted_primary_key[0]
        if ev.evidence:
            conn.execute(insert(_EVIDENCE), [dict(event_id=event_id, field=e.field, start=e.start, end=e.end)
                                              for e in ev.evidence])


def _ensure_coders(conn, names: set[str]) -> None:  # type: ignore[no-untyped-def]
    if not names:
        return
    known = set(conn.execute(select(Coder.name).where(Coder.name.in_(sorted(names)))).scalars())  # type: ignore[attr-defined]
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
            exists = conn.execute(select(Codebook.id).where(Codebook.name == payload["name"],  # type: ignore[arg-type]
                                                            Codebook.version == payload["version"])).first()  # type: ignore[arg-type]
            if exists is None:
                s.add(Codebook(name=payload["name"], version=payload["version"], definition=payload["definition"]))
            return 1
        if kind == "actors":
            items = payload["actors"]
            for a in items:
                row = s.exec(model_select(Actor).where(Actor.name == a["name"])).first()
                if row is None:
                    s.add(Actor(**a))
            return len(items)
        if kind == "coders":
            _ensure_coders(conn, set(payload["coders"]))
            return len(payload["coders"])
    raise ValueError(kind)
