"""The operations the app needs on a workspace, each one short transaction committed at once."""
from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import Engine, Integer, func, or_
from sqlalchemy import column as sa_column
from sqlalchemy import text as sa_text
from sqlalchemy import exists as sa_exists
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.article_pages import DISTINCT_SOURCES
from storage.concurrency import with_retries
from storage.db import get_engine, is_server, read_session, write_session
from storage.dburl import is_url, mask_url
from storage.models import (
    Article,
    ArticleStatus,
    Assignment,
    EntitySpan,
    Event,
    Evidence,
    utcnow,
)
from storage.presence import PresenceMixin
from storage.repo_lookups import LookupsMixin
from storage.repo_stats import StatsMixin
from storage.repo_suggestions import SuggestionsMixin
from storage.repo_versions import OwnVersionsMixin, next_version
from storage.search_index import CANDIDATES, RareSearch, like_pattern, rare_search
from storage.search_index import has_index as has_search_index
from storage.teams import TeamsMixin
from storage.repo_types import (  # re-exported: callers import these from here
    AddResult,
    ArticleBundle,
    ArticleFilter,
    ArticleIn,
    ArticleRow,
    EventWithEvidence,
    event_fields,
    set_event_field,
)
from storage.textkey import normalized_sha256  # re-exported too

# _filtered's default: ask the search index itself.
_LOOK_UP: Any = object()


def _text(value: Any) -> str:
    if value is None or value.__class__ is str:
        return value or ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _events_with_evidence(s: Any, article_id: int) -> list[EventWithEvidence]:
    """An article's events in creation order, each with its evidence by field (one session)."""
    events = list(s.exec(select(Event).where(Event.article_id == article_id).order_by(col(Event.id))).all())
    ev_ids = [e.id for e in events]
    evidence: dict[int, dict[str, Evidence]] = {i: {} for i in ev_ids}  # type: ignore[misc]
    if ev_ids:
        for ev in s.exec(select(Evidence).where(col(Evidence.event_id).in_(ev_ids))).all():
            evidence[ev.event_id][ev.field] = ev
    return [EventWithEvidence(e, evidence[e.id]) for e in events]  # type: ignore[index]


def _locked(s: Any, model: Any, row_id: int) -> Any:
    """The row, locked until the commit on PostgreSQL (SQLite's writers already hold the lock)."""
    # FOR NO KEY UPDATE (key_share): a coder adding an event to the article (a foreign key check) does not wait.
    return s.exec(select(model).where(model.id == row_id).with_for_update(key_share=True)).first()


def _put_evidence(s: Any, event_id: int, field_name: str, start: Optional[int],
                  end: Optional[int]) -> Optional[tuple[int, int]]:
    """Set (or clear, with None) a field's evidence inside a write session; the previous span."""
    current = s.exec(select(Evidence).where(Evidence.event_id == event_id, Evidence.field == field_name)).first()
    previous = (current.start, current.end) if current else None
    if start is None or end is None:
        if current:
            s.delete(current)
    elif current:
        current.start, current.end = start, end
        s.add(current)
    else:
        s.add(Evidence(event_id=event_id, field=field_name, start=start, end=end))
    return previous


@with_retries
class Repository(OwnVersionsMixin, PresenceMixin, StatsMixin, LookupsMixin, TeamsMixin, SuggestionsMixin):
    """A workspace (a file, or a database on a PostgreSQL server) and what can be done with it.
    Safe to share between threads. Edits of articles' status, spans and events take the version
    the caller read (`expected_version`): a row changed since raises Conflict, never overwritten.
    Each public method is re-run after a lost connection or a deadlock (storage.concurrency)."""

    def __init__(self, path: str | Path) -> None:
        if is_url(path):
            # `path` is None for a server workspace: nothing of it lives in a folder here.
            self.path: Optional[Path] = None
            self.target: str | Path = str(path)
            self.location = mask_url(str(path))
        else:
            self.path = Path(path).expanduser().resolve()
            self.target = self.path
            self.location = str(self.path)
        self.engine: Engine = get_engine(self.target)
        self.is_server = is_server(self.engine)
        # Named on every edit (updated_by) and in conflicts; the app sets it to the coder's name.
        self.coder: Optional[str] = None

    # ---- articles -------------------------------------------------------------------------
    def add_articles(self, batch: Iterable[ArticleIn]) -> AddResult:
        """Insert a batch in one transaction; texts already present (by normalized sha256)
        are counted as duplicates, also within the batch. The importers' writer does it: one
        way for an article to enter a workspace."""
        # Imported here: the importers build on this module.
        from storage.importers.records import ArticleRecord
        from storage.importers.store import store_records

        records = [item if isinstance(item, ArticleRecord)
                   else ArticleRecord(**{f.name: getattr(item, f.name) for f in fields(ArticleIn)})
                   for item in batch]
        stored = store_records(self, records)
        return AddResult(added_ids=stored.added, duplicates=stored.duplicates)

    def add_article(self, item: ArticleIn) -> Optional[int]:
        res = self.add_articles([item])
        return res.added_ids[0] if res.added_ids else None

    def _search_ids(self, flt: Optional[ArticleFilter]) -> Optional[RareSearch]:
        """A title search the search index narrows to a few articles; None when the filter
        reads the titles instead (no search, a common or short one, a body search, a server:
        PostgreSQL's ILIKE finds its trigram indexes itself)."""
        if flt is None or not flt.search or flt.search_body or self.is_server:
            return None
        with self.engine.connect() as conn:
            cursor = conn.connection.driver_connection
            if not hasattr(self, "_search_index"):
                self._search_index = has_search_index(cursor)
            return rare_search(cursor, flt.search) if self._search_index else None

    def _walks_list_index(self, flt: Optional[ArticleFilter], search_ids: Optional[RareSearch]) -> bool:
        """Walking the list index in order (and stopping after a page) beats the status index
        plus a sort; a rare search's few matches are read by id and sorted instead."""
        return (flt is not None and bool(flt.statuses or flt.search or flt.source) and search_ids is None
                and self._has_list_index())

    def _filtered(self, stmt, flt: Optional[ArticleFilter], search_ids: Any = _LOOK_UP):  # type: ignore[no-untyped-def]
        """The statement with the filter's conditions. search_ids: what _search_ids gave, when
        the caller asked already."""
        if flt is None:
            return stmt
        if flt.coder:
            stmt = stmt.join(Assignment, (col(Assignment.article_id) == col(Article.id))
                             & (col(Assignment.coder) == flt.coder))
            if flt.statuses:
                stmt = stmt.where(col(Assignment.status).in_(list(flt.statuses)))
        elif flt.statuses:
            stmt = stmt.where(col(Article.status).in_(list(flt.statuses)))
        if flt.source:
            stmt = stmt.where(Article.source == flt.source)
        if flt.search:
            if search_ids is _LOOK_UP:
                search_ids = self._search_ids(flt)
            if search_ids is not None:  # the index's candidates; the LIKE below decides
                candidates = sa_text(CANDIDATES).bindparams(phrase=search_ids.phrase, last=search_ids.last)
                stmt = stmt.where(col(Article.id).in_(candidates.columns(sa_column("rowid", Integer))))
            pattern = like_pattern(flt.search)
            # LIKE: SQLite's is already case-insensitive (ASCII, like its lower()), and ilike's
            # lower() on every row would make the list filter twice as slow; PostgreSQL's LIKE
            # is case-sensitive, its ILIKE native.
            cols = [col(Article.title), col(Article.source)] + ([col(Article.text)] if flt.search_body else [])
            conds = [c.ilike(pattern, escape="\\") if self.is_server else c.like(pattern, escape="\\")
                     for c in cols]
            stmt = stmt.where(or_(*conds))
        return stmt

    def count_articles(self, flt: Optional[ArticleFilter] = None) -> int:
        with read_session(self.engine) as s:
            return int(s.exec(self._filtered(select(func.count(col(Article.id))), flt)).one())

    def article_ids(self, flt: Optional[ArticleFilter] = None) -> list[int]:
        """Ids in list order (newest publication first, then id) for a lazy list model."""
        if flt is not None and flt.coder and self._large_share(flt.coder, flt.statuses):
            # A coder's own list that is a large share of the articles: SQLite walks the list
            # index in order and checks each article for the coder's assignment (40,000 of
            # 100,000: ~90 ms, against ~200 ms joining from the assignments and sorting them);
            # a smaller share joins from their assignments and sorts those rows (20,000 "to
            # code" of 100,000: ~110 ms against ~250 ms). SQLite has no statistics to choose.
            mine = (col(Assignment.article_id) == col(Article.id)) & (col(Assignment.coder) == flt.coder)
            if flt.statuses:
                mine = mine & col(Assignment.status).in_(list(flt.statuses))
            stmt = self._filtered(select(Article.id), replace(flt, coder="", statuses=())).where(
                sa_exists().where(mine))
        else:
            search_ids = self._search_ids(flt)
            stmt = self._filtered(select(Article.id), flt, search_ids)
        stmt = stmt.order_by(col(Article.published).desc().nulls_last(), col(Article.id))
        if flt is not None and not flt.coder and self._walks_list_index(replace(flt, source=""), search_ids):
            # Walking the list index in order beats the status index plus a sort (100k rows).
            stmt = stmt.with_hint(Article, "INDEXED BY ix_article_list", "sqlite")
        # Rows straight from the driver cursor: ORM rows cost ~4x more for 100,000 ids.
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(stmt).cursor.fetchall()]

    def _large_share(self, coder: str, statuses: Sequence[str] = ()) -> bool:
        """The coder's own list is worth walking the whole list for: a fifth of the articles
        or more, or half with an own-status filter (each article then costs the assignment's
        row too). One count on their assignment index and the last article id."""
        mine = sa_select(func.count()).select_from(Assignment).where(col(Assignment.coder) == coder)
        if statuses:
            mine = mine.where(col(Assignment.status).in_(list(statuses)))
        with self.engine.connect() as conn:
            n_mine = conn.execute(mine).scalar() or 0
            last = conn.execute(sa_select(func.max(col(Article.id)))).scalar() or 0
        return n_mine * (2 if statuses else 5) >= last > 0

    def _has_list_index(self) -> bool:
        if self.is_server:
            return False  # the hint is SQLite's; PostgreSQL's planner picks its indexes
        if not hasattr(self, "_list_index"):
            with self.engine.connect() as conn:
                self._list_index = bool(conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE type='index' AND name='ix_article_list'").first())
        return self._list_index

    def article_rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """Rows for the given ids, in the order given."""
        if not ids:
            return []
        n_events = (
            select(Event.article_id, func.count(col(Event.id)).label("n"))
            .where(col(Event.article_id).in_(list(ids)))
            .group_by(col(Event.article_id))
            .subquery()
        )
        stmt = (
            # SQLAlchemy's select: SQLModel's is typed for at most four columns
            sa_select(col(Article.id), col(Article.title), col(Article.published), col(Article.source),
                      col(Article.status), func.coalesce(n_events.c.n, 0))
            .outerjoin(n_events, n_events.c.article_id == Article.id)
            .where(col(Article.id).in_(list(ids)))
        )
        with read_session(self.engine) as s:
            # A damaged row (a BLOB or a number where text belongs) still lists as text.
            found = {r[0]: ArticleRow(r[0], _text(r[1]), r[2], _text(r[3]), _text(r[4]), int(r[5] or 0))
                     for r in s.connection().execute(stmt).all()}
        return [found[i] for i in ids if i in found]

    def list_articles(self, flt: Optional[ArticleFilter] = None, offset: int = 0, limit: int = 100) -> list[ArticleRow]:
        ids = self.article_ids(flt)[offset: offset + limit]
        return self.article_rows(ids)

    def sources(self) -> list[str]:
        with self.engine.connect() as conn:  # one index seek per source (storage.article_pages)
            return [x for (x,) in conn.exec_driver_sql(DISTINCT_SOURCES).all() if x]

    def get_article(self, article_id: int) -> Optional[Article]:
        with read_session(self.engine) as s:
            return s.get(Article, article_id)

    def get_bundle(self, article_id: int) -> Optional[ArticleBundle]:
        """An article with its spans and its events (each with its evidence)."""
        with read_session(self.engine) as s:
            article = s.get(Article, article_id)
            if article is None:
                return None
            spans = list(s.exec(select(EntitySpan).where(EntitySpan.article_id == article_id)
                                .order_by(col(EntitySpan.start), col(EntitySpan.end))).all())
            events = _events_with_evidence(s, article_id)
        return ArticleBundle(article, spans, events)

    def article_events(self, article_id: int) -> list[EventWithEvidence]:
        """Just the article's events with their evidence (cheaper than get_bundle while typing)."""
        with read_session(self.engine) as s:
            return _events_with_evidence(s, article_id)

    def set_status(self, article_id: int, status: str, expected_version: Optional[int] = None) -> str:
        """Returns the previous status (for undo)."""
        ArticleStatus(status)  # raises on an unknown status
        with write_session(self.engine) as s:
            article = _locked(s, Article, article_id)
            if article is None:
                raise KeyError(article_id)
            versions = next_version(article, "article", expected_version, self.coder, self._own("article", article_id))
            previous = article.status
            article.status = status
            s.add(article)
        self._stored_own("article", article_id, versions)
        return previous

    def next_article_id(self, after_id: Optional[int] = None, statuses: Sequence[str] = ("new", "in_progress")) -> Optional[int]:
        ids = self.article_ids(ArticleFilter(statuses=statuses))
        if not ids:
            return None
        if after_id in ids:
            i = ids.index(after_id)
            return ids[i + 1] if i + 1 < len(ids) else ids[0] if ids[0] != after_id else None
        return ids[0]

    # ---- spans ----------------------------------------------------------------------------
    def spans(self, article_id: int) -> list[EntitySpan]:
        with read_session(self.engine) as s:
            return list(s.exec(select(EntitySpan).where(EntitySpan.article_id == article_id)
                               .order_by(col(EntitySpan.start), col(EntitySpan.end))).all())

    def add_span(self, span: EntitySpan) -> EntitySpan:
        with write_session(self.engine) as s:
            span.id = None if span.id is None else span.id
            s.add(span)
            s.flush()
            s.refresh(span)
        return span

    def add_spans(self, spans: Sequence[EntitySpan]) -> int:
        if not spans:
            return 0
        with write_session(self.engine) as s:
            s.add_all(list(spans))
        return len(spans)

    def update_span(self, span_id: int, expected_version: Optional[int] = None, **changes: Any) -> dict[str, Any]:
        """Apply changes; returns the previous values of the changed attributes (for undo)."""
        with write_session(self.engine) as s:
            span = _locked(s, EntitySpan, span_id)
            if span is None:
                raise KeyError(span_id)
            versions = next_version(span, "span", expected_version, self.coder, self._own("span", span_id))
            previous = {k: getattr(span, k) for k in changes}
            for k, v in changes.items():
                setattr(span, k, v)
            span.updated_at = utcnow()
            s.add(span)
        self._stored_own("span", span_id, versions)
        return previous

    def delete_span(self, span_id: int, expected_version: Optional[int] = None) -> Optional[EntitySpan]:
        """Delete and return the deleted row (so undo can put it back with the same id)."""
        with write_session(self.engine) as s:
            span = _locked(s, EntitySpan, span_id)
            if span is None:
                return None
            versions = next_version(span, "span", expected_version, self.coder, self._own("span", span_id))
            s.delete(span)
        # Undo puts the row back at this version: the coder's edits queued on it since stay theirs.
        self._stored_own("span", span_id, versions)
        return span

    def restore_span(self, span: EntitySpan) -> EntitySpan:
        data = span.model_dump()
        with write_session(self.engine) as s:
            restored = EntitySpan(**data)
            s.add(restored)
        return restored

    def articles_without_spans(self) -> list[int]:
        with read_session(self.engine) as s:
            has = select(col(EntitySpan.article_id)).distinct()
            found = s.exec(select(col(Article.id)).where(col(Article.id).not_in(has)).order_by(col(Article.id))).all()
            return [i for i in found if i is not None]  # ids are never null; the column type says Optional

    def has_articles_without_spans(self) -> bool:
        """Whether the suggester has work (articles_without_spans is not empty), asked without
        listing them: the first article without spans ends the walk (ix_entityspan_article)."""
        spanned = sa_exists().where(col(EntitySpan.article_id) == col(Article.id))
        with self.engine.connect() as conn:
            return conn.execute(sa_select(col(Article.id)).where(~spanned).limit(1)).first() is not None

    # ---- events and evidence --------------------------------------------------------------
    def add_event(self, article_id: int, values: dict[str, Any], coder: Optional[str] = None,
                  codebook_name: str = "acled", codebook_version: str = "1",
                  uid: Optional[str] = None, evidence: Optional[dict[str, tuple[int, int]]] = None) -> Event:
        """A new event; with `evidence` (field -> span) in the same transaction: a kill never
        leaves the event without the evidence it was made with."""
        event = Event(article_id=article_id, coder=coder, codebook_name=codebook_name,
                      codebook_version=codebook_version, updated_by=coder or self.coder)
        if uid:
            event.uid = uid
        for k, v in values.items():
            set_event_field(event, k, v)
        with write_session(self.engine) as s:
            s.add(event)
            s.flush()
            s.refresh(event)
            for name, (start, end) in (evidence or {}).items():
                _put_evidence(s, int(event.id), name, start, end)  # type: ignore[arg-type]
        return event

    def get_event(self, event_id: int) -> Optional[Event]:
        with read_session(self.engine) as s:
            return s.get(Event, event_id)

    def find_event_by_uid(self, uid: str) -> Optional[Event]:
        with read_session(self.engine) as s:
            return s.exec(select(Event).where(Event.uid == uid)).first()

    def update_event(self, event_id: int, values: dict[str, Any],
                     expected_version: Optional[int] = None) -> dict[str, Any]:
        """Set fields; returns their previous values (for undo). With the version read, an event
        changed since raises Conflict; the event's version is then expected_version + 1."""
        return self.update_event_with_evidence(event_id, values, expected_version)[0]

    def update_event_with_evidence(self, event_id: int, values: dict[str, Any], expected_version: Optional[int] = None,
                                   evidence: Optional[tuple[str, Optional[tuple[int, int]]]] = None
                                   ) -> tuple[dict[str, Any], Optional[tuple[int, int]]]:
        """update_event, and with `evidence` (field, span or None to clear) that field's evidence
        in the same transaction (one edit is stored whole or not at all). Returns the previous
        values and the previous evidence span."""
        with write_session(self.engine) as s:
            event = _locked(s, Event, event_id)
            if event is None:
                raise KeyError(event_id)
            versions = next_version(event, "event", expected_version, self.coder, self._own("event", event_id))
            current = event_fields(event)
            previous = {k: current.get(k) for k in values}
            for k, v in values.items():
                set_event_field(event, k, v)
            event.updated_at = utcnow()
            s.add(event)
            previous_span = None
            if evidence is not None:
                name, span = evidence
                previous_span = _put_evidence(s, event_id, name, *(span if span else (None, None)))
        self._stored_own("event", event_id, versions)
        return previous, previous_span

    def delete_event(self, event_id: int, expected_version: Optional[int] = None) -> Optional[EventWithEvidence]:
        """Delete an event with its evidence; returns both so undo can restore them."""
        with write_session(self.engine) as s:
            event = _locked(s, Event, event_id)
            if event is None:
                return None
            versions = next_version(event, "event", expected_version, self.coder, self._own("event", event_id))
            evidence = {e.field: e for e in s.exec(select(Evidence).where(Evidence.event_id == event_id)).all()}
            s.delete(event)
        # Undo puts the row back at this version: the coder's edits queued on it since stay theirs.
        self._stored_own("event", event_id, versions)
        return EventWithEvidence(event, evidence)

    def restore_event(self, saved: EventWithEvidence) -> Event:
        with write_session(self.engine) as s:
            event = Event(**saved.event.model_dump())
            s.add(event)
            s.flush()
            for ev in saved.evidence.values():
                s.add(Evidence(**ev.model_dump()))
        return event

    def set_evidence(self, event_id: int, field_name: str, start: Optional[int], end: Optional[int]) -> Optional[tuple[int, int]]:
        """Set (or clear, with None) a field's evidence span; returns the previous one."""
        with write_session(self.engine) as s:
            return _put_evidence(s, event_id, field_name, start, end)

    def events(self, article_ids: Optional[Sequence[int]] = None) -> list[Event]:
        stmt = select(Event).order_by(col(Event.id))
        if article_ids is not None:
            stmt = stmt.where(col(Event.article_id).in_(list(article_ids)))
        with read_session(self.engine) as s:
            return list(s.exec(stmt).all())

    def close(self) -> None:
        from storage.db import dispose_engine

        dispose_engine(self.target)


__all__ = [
    "AddResult", "ArticleBundle", "ArticleFilter", "ArticleIn", "ArticleRow", "EventWithEvidence",
    "Repository", "event_fields", "normalized_sha256", "set_event_field",
]
