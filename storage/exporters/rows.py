"""Which events an export holds (filters) and their rows, streamed from the workspace in chunks."""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from sqlalchemy import String, and_, case, func, literal, not_, select, true, type_coerce

from storage.db import read_session
from storage.models import CORE_EVENT_FIELDS, Article, Event, Evidence
from storage.values import lenient, to_date, to_int, to_number

# Rows per query: small enough that a chunk's rows, records and cells stay a few MB.
CHUNK = 500
_EV = Event.__table__.c
_ART = Article.__table__.c


class ExportError(ValueError):
    """A problem with the export request the user must hear about (bad filter value...)."""


def parse_day(value: Any, what: str) -> Optional[dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ExportError(f"{what} '{value}' is not a date (use YYYY-MM-DD)") from None


@dataclass
class EventFilter:
    statuses: Sequence[str] = ()
    coders: Sequence[str] = ()
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    codebook: str = ""
    gold_only: bool = False  # only adjudicated (gold) events

    @property
    def on_events(self) -> bool:
        """True when events (not only articles) are filtered."""
        return bool(self.coders or self.date_from or self.date_to or self.codebook or self.gold_only)

    def clauses(self) -> list[Any]:
        out: list[Any] = []
        if self.statuses:
            out.append(_ART.status.in_(list(self.statuses)))
        if self.coders:
            out.append(_EV.coder.in_(list(self.coders)))
        if self.date_from:
            out.append(_EV.event_date >= self.date_from)
        if self.date_to:
            out.append(_EV.event_date <= self.date_to)
        if self.codebook:
            out.append(_EV.codebook_name == self.codebook)
        if self.gold_only:
            out.append(_EV.gold.is_(True))
        return out

    def where(self) -> Any:
        c = self.clauses()
        return and_(*c) if c else true()


_JOIN = Event.__table__.join(Article.__table__, _ART.id == _EV.article_id)


def count_events(engine: Any, flt: EventFilter) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_JOIN).where(flt.where())).scalar() or 0)


def event_codebooks(engine: Any, flt: EventFilter) -> list[tuple[str, str]]:
    """(name, version) of the selected events, in order of first use."""
    stmt = (select(_EV.codebook_name, _EV.codebook_version).select_from(_JOIN).where(flt.where())
            .group_by(_EV.codebook_name, _EV.codebook_version).order_by(func.min(_EV.id)))
    with engine.connect() as conn:
        return [(str(a), str(b)) for a, b in conn.execute(stmt).all()]


def extra_keys(engine: Any, flt: EventFilter) -> list[str]:
    if engine.dialect.name == "postgresql":  # a json column there only ever holds valid JSON
        keys = func.json_each(_EV.extra).table_valued("key")
        stmt = select(keys.c.key).select_from(_JOIN.join(keys, true())).where(flt.where()).distinct()
        with engine.connect() as conn:
            return sorted(str(k) for k in conn.execute(stmt).scalars().all())
    # SQLite's json_each fails the whole query on one value that is not a JSON object (a
    # hand-edited workspace, NaN written by an old version): those few are read in Python.
    valid = and_(func.json_valid(_EV.extra) == 1, func.json_type(_EV.extra) == "object")
    safe = case((valid, _EV.extra), else_=literal("{}"))
    keys = func.json_each(safe).table_valued("key")
    stmt = select(keys.c.key).select_from(_JOIN.join(keys, true())).where(flt.where()).distinct()
    odd = select(type_coerce(_EV.extra, String)).select_from(_JOIN).where(flt.where(), not_(valid))
    with engine.connect() as conn:
        found = {str(k) for k in conn.execute(stmt).scalars().all()}
        for text in conn.execute(odd).scalars():
            found.update(str(k) for k in extra_values(text))
    return sorted(found)


def extra_values(text: Any) -> dict[str, Any]:
    """An event's extra fields from their stored JSON text: {} for anything but an object,
    NaN and infinities as empty (no export format can hold them)."""
    if not text or text == "{}":
        return {}
    try:
        value = json.loads(text, parse_constant=lambda _c: None)
    except (ValueError, TypeError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def event_article_ids(engine: Any, flt: EventFilter) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(_EV.article_id).select_from(_JOIN).where(flt.where()).distinct()).scalars())


def evidence_fields(engine: Any, flt: EventFilter) -> list[str]:
    ev = Evidence.__table__.c
    stmt = (select(ev.field).select_from(_JOIN.join(Evidence.__table__, ev.event_id == _EV.id))
            .where(flt.where()).distinct())
    with engine.connect() as conn:
        return sorted(str(k) for k in conn.execute(stmt).scalars().all())


@dataclass
class EventRecord:
    """One event as an export row needs it."""

    id: int
    uid: str
    article_id: int
    article_title: str
    article_url: str
    coder: Optional[str]
    codebook_name: str
    codebook_version: str
    values: dict[str, Any]
    evidence: dict[str, str] = field(default_factory=dict)
    gold: bool = False
    sources: list[str] = field(default_factory=list)  # a gold event's source event uids


# extra read as its JSON text: most events have none ("{}"), and skipping the JSON decode
# for them is a measurable part of a 100k-row export.
_EVENT_COLS = [_EV.id, _EV.uid, _EV.article_id, _ART.title, _ART.url, _EV.coder, _EV.codebook_name,
               _EV.codebook_version, type_coerce(_EV.extra, String)] + [getattr(_EV, n) for n in CORE_EVENT_FIELDS] + [
    _EV.gold, type_coerce(_EV.sources, String)]


def iter_events(engine: Any, flt: EventFilter, cancelled: Callable[[], bool],
                chunk: Optional[int] = None) -> Iterator[list[EventRecord]]:
    """Chunks of events in id order (keyset pagination: memory stays flat for any count).
    Evidence text is cut from the article text by SQLite (substr counts code points)."""
    ev = Evidence.__table__.c
    last = 0
    where = flt.where()
    n_core = len(CORE_EVENT_FIELDS)
    chunk = chunk or CHUNK
    while True:
        if cancelled():
            return
        stmt = (select(*_EVENT_COLS).select_from(_JOIN).where(where, _EV.id > last)
                .order_by(_EV.id).limit(chunk))
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
            if not rows:
                return
            records: list[EventRecord] = []
            by_id: dict[int, EventRecord] = {}
            for r in rows:
                values = dict(zip(CORE_EVENT_FIELDS, r[9:9 + n_core]))
                if r[8] and r[8] != "{}":
                    values.update(extra_values(r[8]))
                rec = EventRecord(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], r[7], values,
                                  gold=bool(r[9 + n_core]))
                if rec.gold and r[10 + n_core] and r[10 + n_core] != "[]":
                    rec.sources = [str(u) for u in json.loads(r[10 + n_core])]
                records.append(rec)
                by_id[rec.id] = rec
            first, last = rows[0][0], rows[-1][0]
            del rows  # the records hold what is needed; keep one copy of the chunk alive
            texts = conn.execute(
                select(ev.event_id, ev.field, func.substr(_ART.text, ev.start + 1, ev.end - ev.start))
                .select_from(Evidence.__table__.join(Event.__table__, _EV.id == ev.event_id)
                             .join(Article.__table__, _ART.id == _EV.article_id))
                .where(ev.event_id.between(first, last))
            ).all()
        for event_id, name, text in texts:
            holder = by_id.get(event_id)
            if holder is not None:
                holder.evidence[name] = text or ""
        del texts, by_id
        yield records
        del records


def load_articles(engine: Any, ids: Iterable[int]) -> dict[int, Article]:
    """Article objects for an event hook (published date, text...)."""
    from sqlmodel import col
    from sqlmodel import select as sm_select

    with read_session(engine) as s:
        found = s.exec(sm_select(Article).where(col(Article.id).in_(list(ids)))).all()
        return {a.id: a for a in found if a.id is not None}


def article_ids(engine: Any, flt: EventFilter, with_events: Optional[set[int]] = None) -> Iterator[list[int]]:
    """Chunks of the ids of the articles an export lists: those of the exported events when
    events are filtered, else every article with the chosen statuses (an article coded
    with no event is data too)."""
    if flt.on_events:
        ids = sorted(with_events or ())
        for i in range(0, len(ids), CHUNK):
            yield ids[i:i + CHUNK]
        return
    stmt = select(_ART.id).order_by(_ART.id)
    if flt.statuses:
        stmt = stmt.where(_ART.status.in_(list(flt.statuses)))
    last = 0
    while True:
        with engine.connect() as conn:
            ids = list(conn.execute(stmt.where(_ART.id > last).limit(CHUNK)).scalars().all())
        if not ids:
            return
        last = ids[-1]
        yield ids


# ---- typed values -------------------------------------------------------------------------
# Strict converters (storage.values) raise ValueError (re-import reports it); the lenient ones
# used on export keep a value they cannot convert as it is (the problems column says what is wrong).
as_date, as_int = lenient(to_date), lenient(to_int)
_as_number = lenient(to_number)


def as_number(v: Any) -> Any:
    """A number for export; NaN and infinities (a damaged workspace) are empty: no format holds them."""
    if v.__class__ is float:
        return v if math.isfinite(v) else None
    if isinstance(v, str) and v.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return None
    return _as_number(v)


def as_text(v: Any) -> Any:
    if v is None or v.__class__ is str or isinstance(v, (int, float, dt.date)):
        return v
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


TYPED: dict[str, Callable[[Any], Any]] = {"date": as_date, "integer": as_int, "number": as_number, "text": as_text}
