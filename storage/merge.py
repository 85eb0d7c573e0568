"""Copying one workspace into another (coders who worked offline, each in their own file):
articles matched by their text key, events by uid, everything kept with its coder, nothing
added twice, and an event edited on both sides kept as a conflict, never dropped."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, cast

from sqlmodel import Session, col, select

from storage.db import read_session, write_session
from storage.models import (
    Actor,
    Adjudication,
    Article,
    Assignment,
    Codebook,
    Coder,
    EntitySpan,
    Event,
    Evidence,
    LearnedPattern,
    MergedEvent,
    Setting,
    SpanState,
)
from storage.repo_types import event_fields
from storage.search_index import catch_up
from storage.search_index import has_index as has_search_index
from storage.teams import rollup_status

CONFLICTS_KEY = "merge_conflicts"
_EVENT_SKIP = {"id", "article_id"}


@dataclass
class Conflict:
    """An event edited both here and in the source since they last met: this workspace keeps
    its version; the source's is kept beside it (workspace setting 'merge_conflicts')."""

    uid: str
    article_id: int
    source: str
    fields: dict[str, tuple[Any, Any]]  # field -> (here, there)

    def to_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "article_id": self.article_id, "source": self.source,
                "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in self.fields.items()}}


@dataclass
class MergeCounts:
    """What merging one source added or changed."""

    source: str
    articles_added: int = 0
    articles_matched: int = 0
    events_added: int = 0
    events_updated: int = 0
    spans_added: int = 0
    spans_updated: int = 0
    assignments_added: int = 0
    patterns_added: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def added_anything(self) -> bool:
        return bool(self.articles_added or self.events_added or self.events_updated or self.spans_added
                    or self.spans_updated or self.assignments_added or self.patterns_added)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


@dataclass
class Snapshot:
    """Everything of a source workspace a merge copies, read in one session."""

    articles: list[Article]
    spans: list[EntitySpan]
    events: list[Event]
    evidence: dict[int, list[Evidence]]
    assignments: list[Assignment]
    adjudications: list[Adjudication]
    patterns: list[LearnedPattern]
    coders: list[str]
    codebooks: list[Codebook]
    actors: list[Actor]


def read_snapshot(engine: Any) -> Snapshot:
    with read_session(engine) as s:
        evidence: dict[int, list[Evidence]] = {}
        for ev in s.exec(select(Evidence)).all():
            evidence.setdefault(ev.event_id, []).append(ev)
        return Snapshot(
            articles=list(s.exec(select(Article).order_by(col(Article.id))).all()),
            spans=list(s.exec(select(EntitySpan).order_by(col(EntitySpan.id))).all()),
            events=list(s.exec(select(Event).order_by(col(Event.id))).all()),
            evidence=evidence,
            assignments=list(s.exec(select(Assignment)).all()),
            adjudications=list(s.exec(select(Adjudication)).all()),
            patterns=list(s.exec(select(LearnedPattern)).all()),
            coders=list(s.exec(select(Coder.name)).all()),
            codebooks=list(s.exec(select(Codebook)).all()),
            actors=list(s.exec(select(Actor)).all()),
        )


def merge_snapshot(target: Any, snap: Snapshot, source: str) -> MergeCounts:
    """Copy a source snapshot into the target repository in one transaction (all or nothing)."""
    counts = MergeCounts(source)
    with write_session(target.engine) as s:
        ids = _merge_articles(s, snap, counts)
        _merge_spans(s, snap, ids, counts)
        _merge_events(s, snap, ids, counts)
        _merge_lists(s, snap, ids, counts)
        if counts.conflicts:
            _keep_conflicts(s, counts.conflicts, snap)
    return counts


def _merge_articles(s: Session, snap: Snapshot, counts: MergeCounts) -> dict[int, int]:
    """Source article id -> target article id; the text key (Article.sha256) matches them."""
    keys = [a.sha256 for a in snap.articles]
    have: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        rows = s.exec(select(Article.sha256, Article.id).where(col(Article.sha256).in_(keys[i:i + 500]))).all()
        have.update(cast("Sequence[tuple[str, int]]", rows))  # a stored article's id is never None
    ids: dict[int, int] = {}
    for art in snap.articles:
        if art.sha256 in have:
            ids[art.id] = have[art.sha256]  # type: ignore[index]
            counts.articles_matched += 1
            continue
        copy = Article(**art.model_dump(exclude={"id"}))
        copy.text_length = len(copy.text)  # a workspace from before migration 0006 has none
        s.add(copy)
        s.flush()
        ids[art.id] = have[art.sha256] = int(copy.id)  # type: ignore[index,arg-type]
        counts.articles_added += 1
    if counts.articles_added and s.get_bind().dialect.name == "sqlite":
        cursor = s.connection().connection.driver_connection
        if has_search_index(cursor):
            catch_up(cursor)  # the new titles into the list's search index
    return ids


def _span_key(sp: EntitySpan) -> tuple[Any, ...]:
    """Which span this is: a coder's by range and coder (its label and state are their
    decision, which may change); a machine suggestion by range, label and origin."""
    if sp.coder is not None:
        return (sp.start, sp.end, sp.coder)
    return (sp.start, sp.end, sp.label, sp.origin)


def _merge_spans(s: Session, snap: Snapshot, ids: dict[int, int], counts: MergeCounts) -> None:
    by_article: dict[int, list[EntitySpan]] = {}
    for sp in snap.spans:
        by_article.setdefault(ids[sp.article_id], []).append(sp)
    for article_id, spans in by_article.items():
        here = {_span_key(h): h for h in s.exec(select(EntitySpan).where(EntitySpan.article_id == article_id)).all()}
        for sp in spans:
            mine = here.get(_span_key(sp))
            if mine is not None:
                if sp.updated_at > mine.updated_at:  # the coder decided again since: the later decision
                    mine.label, mine.state, mine.origin, mine.updated_at = sp.label, sp.state, sp.origin, sp.updated_at
                    s.add(mine)
                    counts.spans_updated += 1
                continue
            # A coder's decision on a suggestion both files hold is that suggestion, decided.
            plain = None
            if sp.coder is not None:
                plain = here.get((sp.start, sp.end, sp.label, sp.origin))
                if plain is not None and plain.state != SpanState.SUGGESTED.value:
                    plain = None
            if plain is not None:
                del here[_span_key(plain)]
                plain.state, plain.coder, plain.updated_at = sp.state, sp.coder, sp.updated_at
                s.add(plain)
                here[_span_key(plain)] = plain
                counts.spans_updated += 1
            else:
                copy = EntitySpan(**sp.model_dump(exclude={"id", "article_id"}), article_id=article_id)
                s.add(copy)
                here[_span_key(copy)] = copy
                counts.spans_added += 1


def _values(event: Event, evidence: list[Evidence]) -> dict[str, Any]:
    out = dict(event_fields(event))
    out.update(gold=event.gold, sources=list(event.sources or []), coder=event.coder,
               codebook=(event.codebook_name, event.codebook_version))
    out["evidence"] = sorted((e.field, e.start, e.end) for e in evidence)
    return out


def _merge_events(s: Session, snap: Snapshot, ids: dict[int, int], counts: MergeCounts) -> None:
    uids = [e.uid for e in snap.events]
    here: dict[str, Event] = {}
    for i in range(0, len(uids), 500):
        here.update((e.uid, e) for e in s.exec(select(Event).where(Event.uid.in_(uids[i:i + 500]))).all())  # type: ignore[attr-defined]
    for ev in snap.events:
        theirs = snap.evidence.get(ev.id, [])  # type: ignore[arg-type]
        mine = here.get(ev.uid)
        if mine is None:
            copy = Event(**ev.model_dump(exclude=_EVENT_SKIP), article_id=ids[ev.article_id])
            s.add(copy)
            s.flush()
            _copy_evidence(s, copy.id, theirs)  # type: ignore[arg-type]
            _remember(s, ev.uid, ev.updated_at)
            counts.events_added += 1
            continue
        ours_ev = list(s.exec(select(Evidence).where(Evidence.event_id == mine.id)).all())
        a, b = _values(mine, ours_ev), _values(ev, theirs)
        if a == b:
            continue
        base = s.get(MergedEvent, ev.uid)
        unchanged_here = base is not None and mine.updated_at == base.updated_at
        unchanged_there = (base is not None and ev.updated_at <= base.updated_at) or (
            base is None and ev.updated_at <= ev.created_at)
        if unchanged_there:
            continue  # only this workspace edited it since: its version stands
        if unchanged_here or (base is None and mine.updated_at <= mine.created_at):
            for key, value in ev.model_dump(exclude=_EVENT_SKIP | {"uid"}).items():
                setattr(mine, key, value)
            s.add(mine)
            for old in ours_ev:
                s.delete(old)
            s.flush()
            _copy_evidence(s, mine.id, theirs)  # type: ignore[arg-type]
            _remember(s, ev.uid, ev.updated_at)
            counts.events_updated += 1
            continue
        diff = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
        counts.conflicts.append(Conflict(ev.uid, mine.article_id, counts.source, diff))


def _copy_evidence(s: Session, event_id: int, evidence: list[Evidence]) -> None:
    for e in evidence:
        s.add(Evidence(event_id=event_id, field=e.field, start=e.start, end=e.end))


def _remember(s: Session, uid: str, updated_at: dt.datetime) -> None:
    row = s.get(MergedEvent, uid)
    if row is None:
        s.add(MergedEvent(uid=uid, updated_at=updated_at))
    else:
        row.updated_at = updated_at
        s.add(row)


def _merge_lists(s: Session, snap: Snapshot, ids: dict[int, int], counts: MergeCounts) -> None:
    """Assignments (the later status wins), adjudications, learned patterns (the higher
    count: merging twice must not count twice), coders, codebooks, actors."""
    touched: set[int] = set()
    for a in snap.assignments:
        article_id = ids[a.article_id]
        row = s.exec(select(Assignment).where(Assignment.article_id == article_id,
                                              Assignment.coder == a.coder)).first()
        if row is None:
            s.add(Assignment(**a.model_dump(exclude={"id", "article_id"}), article_id=article_id))
            counts.assignments_added += 1
            touched.add(article_id)
        elif a.updated_at > row.updated_at:
            row.status, row.updated_at = a.status, a.updated_at
            s.add(row)
            touched.add(article_id)
    s.flush()
    for article_id in touched:
        # The article's overall status follows its coders' own, as set_coder_status keeps it.
        article = s.get(Article, article_id)
        statuses = list(s.exec(select(Assignment.status).where(Assignment.article_id == article_id)).all())
        if article is not None and statuses:
            article.status = rollup_status(statuses)
            s.add(article)
    for adj in snap.adjudications:
        if s.get(Adjudication, ids[adj.article_id]) is None:
            s.add(Adjudication(article_id=ids[adj.article_id], adjudicator=adj.adjudicator,
                               adjudicated_at=adj.adjudicated_at))
    for p in snap.patterns:
        pattern = s.exec(select(LearnedPattern).where(LearnedPattern.text == p.text, LearnedPattern.label == p.label,
                                                      LearnedPattern.polarity == p.polarity,
                                                      LearnedPattern.context == p.context)).first()
        if pattern is None:
            s.add(LearnedPattern(**p.model_dump(exclude={"id"})))
            counts.patterns_added += 1
        elif p.hits > pattern.hits:
            pattern.hits = p.hits
            s.add(pattern)
    known = set(s.exec(select(Coder.name)).all())
    for name in snap.coders:
        if name not in known:
            s.add(Coder(name=name))
    books = set(s.exec(select(Codebook.name, Codebook.version)).all())
    for book in snap.codebooks:
        if (book.name, book.version) not in books:
            s.add(Codebook(**book.model_dump(exclude={"id"})))
    actors = set(s.exec(select(Actor.name)).all())
    for actor in snap.actors:
        if actor.name not in actors:
            s.add(Actor(**actor.model_dump(exclude={"id"})))


def _keep_conflicts(s: Session, conflicts: list[Conflict], snap: Snapshot) -> None:
    """The source's version of each conflicting event, kept in the workspace (once each)."""
    row = s.get(Setting, CONFLICTS_KEY)
    kept: list[dict[str, Any]] = list(row.value or []) if row is not None else []
    seen = {(c.get("uid"), repr(c.get("fields"))) for c in kept}
    for c in conflicts:
        item = c.to_json()
        if (item["uid"], repr(item["fields"])) not in seen:
            kept.append(item)
            seen.add((item["uid"], repr(item["fields"])))
    if row is None:
        s.add(Setting(key=CONFLICTS_KEY, value=kept))
    else:
        row.value = kept
        s.add(row)


def stored_conflicts(repo: Any) -> list[dict[str, Any]]:
    """The conflicts merges kept, for the adjudicator to resolve."""
    value: Optional[list[dict[str, Any]]] = repo.setting(CONFLICTS_KEY, [])
    return list(value or [])
