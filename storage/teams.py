"""Team coding in the workspace: assignments and each coder's own status, blind-mode
visibility, adjudication and gold events (DESIGN section 10). Mixed into Repository."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence, cast

from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.db import read_session, write_session
from storage.models import (
    Adjudication,
    Article,
    ArticleStatus,
    Assignment,
    EntitySpan,
    Event,
    Evidence,
    Setting,
    SpanOrigin,
    SpanState,
    utcnow,
)
from storage.repo_types import ArticleBundle, ArticleRow, EventWithEvidence, set_event_field

BLIND_MODE = "blind_mode"
OPEN_STATUSES = (ArticleStatus.NEW.value, ArticleStatus.IN_PROGRESS.value)


@dataclass
class GoldSource:
    """A coder's event a gold event was made from (None when it was deleted since)."""

    uid: str
    event: Optional[Event]


def rollup_status(statuses: Sequence[str]) -> str:
    """The article's overall status from its coders' own: the same when they agree; flagged
    when one flagged it; in progress once anyone started; else new."""
    if not statuses:
        return ArticleStatus.NEW.value
    if len(set(statuses)) == 1:
        return statuses[0]
    if ArticleStatus.FLAGGED.value in statuses:
        return ArticleStatus.FLAGGED.value
    if any(s in (ArticleStatus.IN_PROGRESS.value, ArticleStatus.CODED.value) for s in statuses):
        return ArticleStatus.IN_PROGRESS.value
    return ArticleStatus.NEW.value


class TeamsMixin:
    """Assignments, per-coder status, blind mode and gold events (mixed into Repository)."""

    engine: Engine

    # ---- settings -------------------------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        with read_session(self.engine) as s:
            row = s.get(Setting, key)
        return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> Any:
        """Returns the previous value (for undo)."""
        with write_session(self.engine) as s:
            row = s.get(Setting, key)
            previous = None if row is None else row.value
            if row is None:
                row = Setting(key=key, value=value)
            else:
                row.value = value
            s.add(row)
        return previous

    @property
    def blind_mode(self) -> bool:
        return bool(self.setting(BLIND_MODE, False))

    def set_blind_mode(self, on: bool) -> bool:
        return bool(self.set_setting(BLIND_MODE, bool(on)))

    # ---- assignments ----------------------------------------------------------------------
    def assign(self, pairs: Iterable[tuple[int, str]]) -> int:
        """Assign articles to coders ((article_id, coder) pairs); pairs already there are
        left as they are. Returns how many were added."""
        wanted = list(dict.fromkeys((int(a), str(c)) for a, c in pairs))
        if not wanted:
            return 0
        added = 0
        with write_session(self.engine) as s:
            ids = sorted({a for a, _ in wanted})
            have: set[tuple[int, str]] = set()
            for i in range(0, len(ids), 500):
                have.update(s.exec(select(Assignment.article_id, Assignment.coder)
                                   .where(col(Assignment.article_id).in_(ids[i:i + 500]))).all())
            for article_id, coder in wanted:
                if (article_id, coder) not in have:
                    s.add(Assignment(article_id=article_id, coder=coder))
                    added += 1
        return added

    def unassign(self, article_id: int, coder: str) -> Optional[Assignment]:
        """Remove one assignment; returns it (for undo) or None when there was none."""
        with write_session(self.engine) as s:
            row = s.exec(select(Assignment).where(Assignment.article_id == article_id,
                                                  Assignment.coder == coder)).first()
            if row is not None:
                s.delete(row)
        return row

    def assignments(self, article_id: Optional[int] = None, coder: Optional[str] = None) -> list[Assignment]:
        stmt = select(Assignment).order_by(col(Assignment.article_id), col(Assignment.coder))
        if article_id is not None:
            stmt = stmt.where(Assignment.article_id == article_id)
        if coder is not None:
            stmt = stmt.where(Assignment.coder == coder)
        with read_session(self.engine) as s:
            return list(s.exec(stmt).all())

    def article_coders(self, article_id: int) -> list[str]:
        return [a.coder for a in self.assignments(article_id=article_id)]

    def has_assignments(self, coder: Optional[str] = None) -> bool:
        """Whether `coder` (None: anyone) has an article assigned (one indexed row read)."""
        stmt = select(Assignment.id)
        if coder is not None:
            stmt = stmt.where(Assignment.coder == coder)
        with read_session(self.engine) as s:
            return s.exec(stmt.limit(1)).first() is not None

    def unassigned_article_ids(self) -> list[int]:
        with read_session(self.engine) as s:
            taken = select(Assignment.article_id).distinct()
            # a stored row's id is never None (Optional only before the insert)
            return cast("list[int]", list(s.exec(select(Article.id).where(col(Article.id).not_in(taken))
                                                .order_by(col(Article.id))).all()))

    @staticmethod
    def _unstarted() -> Any:
        """Assigned articles none of whose coders has started them (every coder's own status
        new, no events, no span decision of anyone's): the lead may spread these again."""
        started = (select(Assignment.article_id)
                   .where(col(Assignment.status) != ArticleStatus.NEW.value).distinct())
        coded = select(Event.article_id).where(col(Event.coder).is_not(None)).distinct()
        decided = select(EntitySpan.article_id).where(col(EntitySpan.coder).is_not(None)).distinct()
        return (select(Assignment.article_id).distinct()
                .where(col(Assignment.article_id).not_in(started), col(Assignment.article_id).not_in(coded),
                       col(Assignment.article_id).not_in(decided)))

    def unstarted_article_ids(self) -> list[int]:
        """See _unstarted."""
        with read_session(self.engine) as s:
            return list(s.exec(self._unstarted().order_by(col(Assignment.article_id))).all())

    def started_counts(self) -> dict[str, int]:
        """Coder -> assigned articles begun (not _unstarted): what a re-spread leaves them."""
        with read_session(self.engine) as s:
            rows = s.exec(select(Assignment.coder, func.count(col(Assignment.id)))
                          .where(col(Assignment.article_id).not_in(self._unstarted()))
                          .group_by(Assignment.coder)).all()
        return {c: int(n) for c, n in rows}

    def clear_assignments(self, article_ids: Sequence[int]) -> int:
        """Remove every assignment of these articles (before spreading them again); their
        overall status goes back to new. Returns how many assignments were removed."""
        removed = 0
        ids = sorted(set(int(i) for i in article_ids))
        with write_session(self.engine) as s:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for row in s.exec(select(Assignment).where(col(Assignment.article_id).in_(chunk))).all():
                    s.delete(row)
                    removed += 1
        return removed

    def assignment_counts(self) -> dict[str, int]:
        """Coder -> number of articles assigned."""
        with read_session(self.engine) as s:
            rows = s.exec(select(Assignment.coder, func.count(col(Assignment.id))).group_by(Assignment.coder)).all()
        return {c: int(n) for c, n in rows}

    def double_coded_ids(self) -> list[int]:
        """Articles assigned to two coders or more."""
        with read_session(self.engine) as s:
            return list(s.exec(select(Assignment.article_id).group_by(col(Assignment.article_id))
                               .having(func.count(col(Assignment.id)) >= 2).order_by(col(Assignment.article_id))).all())

    # ---- a coder's articles and status ----------------------------------------------------
    def coder_article_ids(self, coder: str, statuses: Sequence[str] = ()) -> list[int]:
        """The coder's assigned articles in list order (newest publication first, then id),
        filtered by the coder's own status."""
        stmt = (select(Article.id).join(Assignment, col(Assignment.article_id) == col(Article.id))
                .where(Assignment.coder == coder)
                .order_by(col(Article.published).desc().nulls_last(), col(Article.id)))
        if statuses:
            stmt = stmt.where(col(Assignment.status).in_(list(statuses)))
        with read_session(self.engine) as s:
            return cast("list[int]", list(s.exec(stmt).all()))  # stored ids are never None

    def coder_article_rows(self, coder: str, ids: Sequence[int]) -> list[ArticleRow]:
        """List rows for the coder: their own status and their own number of events."""
        if not ids:
            return []
        n_events = (select(Event.article_id, func.count(col(Event.id)).label("n"))
                    .where(col(Event.article_id).in_(list(ids)), Event.coder == coder)
                    .group_by(col(Event.article_id)).subquery())
        # sqlmodel.select is typed for at most four columns (any number work)
        stmt = (select(Article.id, Article.title, Article.published, Article.source, Assignment.status,  # type: ignore[call-overload]
                       func.coalesce(n_events.c.n, 0))
                .join(Assignment, (col(Assignment.article_id) == col(Article.id)) & (Assignment.coder == coder))
                .outerjoin(n_events, n_events.c.article_id == Article.id)
                .where(col(Article.id).in_(list(ids))))
        with read_session(self.engine) as s:
            found = {r[0]: ArticleRow(*r) for r in s.exec(stmt).all()}
        return [found[i] for i in ids if i in found]

    def coder_articles(self, coder: str, statuses: Sequence[str] = ()) -> list[ArticleRow]:
        return self.coder_article_rows(coder, self.coder_article_ids(coder, statuses))

    def next_for_coder(self, coder: str, after_id: Optional[int] = None,
                       statuses: Sequence[str] = OPEN_STATUSES) -> Optional[int]:
        """The coder's next article still to code (by their own status), after `after_id`
        in list order, wrapping round; None when none is left."""
        ids = self.coder_article_ids(coder, statuses)
        if not ids:
            return None
        if after_id in ids:
            i = ids.index(after_id)
            nxt = ids[(i + 1) % len(ids)]
            return None if nxt == after_id else nxt
        return ids[0]

    def coder_status(self, article_id: int, coder: str) -> Optional[str]:
        """The coder's own status for the article; None when it is not assigned to them."""
        with read_session(self.engine) as s:
            return s.exec(select(Assignment.status).where(Assignment.article_id == article_id,
                                                          Assignment.coder == coder)).first()

    def set_coder_status(self, article_id: int, coder: str, status: str) -> Optional[str]:
        """Set the coder's own status (assigning the article to them if it was not) and the
        article's overall status from all its coders'. Returns the previous own status (None
        when it was not assigned: undo then unassigns)."""
        ArticleStatus(status)  # raises on an unknown status
        with write_session(self.engine) as s:
            article = s.get(Article, article_id)
            if article is None:
                raise KeyError(article_id)
            rows = list(s.exec(select(Assignment).where(Assignment.article_id == article_id)).all())
            mine = next((r for r in rows if r.coder == coder), None)
            previous = None if mine is None else mine.status
            if mine is None:
                mine = Assignment(article_id=article_id, coder=coder)
                rows.append(mine)
            mine.status, mine.updated_at = status, utcnow()
            s.add(mine)
            article.status = rollup_status([r.status for r in rows])
            s.add(article)
        return previous

    # ---- blind mode -----------------------------------------------------------------------
    def is_adjudicated(self, article_id: int) -> bool:
        with read_session(self.engine) as s:
            return s.get(Adjudication, article_id) is not None

    def mark_adjudicated(self, article_id: int, adjudicator: Optional[str] = None) -> bool:
        """Returns whether it was already adjudicated (for undo)."""
        with write_session(self.engine) as s:
            if s.get(Adjudication, article_id) is not None:
                return True
            s.add(Adjudication(article_id=article_id, adjudicator=adjudicator))
        return False

    def unmark_adjudicated(self, article_id: int) -> None:
        with write_session(self.engine) as s:
            row = s.get(Adjudication, article_id)
            if row is not None:
                s.delete(row)

    def hides_others(self, article_id: int, viewer: Optional[str]) -> bool:
        """Blind mode on, the article double-coded, the viewer one of its coders, and not yet
        adjudicated. Someone not coding the article (a lead, an adjudicator) sees it all."""
        if not viewer or not self.blind_mode:
            return False
        with read_session(self.engine) as s:
            coders = set(s.exec(select(Assignment.coder).where(Assignment.article_id == article_id)).all())
            return len(coders) >= 2 and viewer in coders and s.get(Adjudication, article_id) is None

    def coder_view(self, article_id: int, coder: str) -> tuple[Optional[str], bool]:
        """In one read: the coder's own status of the article (None when it is not assigned to
        them) and whether blind mode hides other coders' work there from them (hides_others).
        An article nobody is assigned costs one query: the reader asks at every switch."""
        with self.engine.connect() as c:  # no ORM session: a third of the time
            rows = c.execute(select(Assignment.coder, Assignment.status)
                             .where(Assignment.article_id == article_id)).all()
            own = next((status for who, status in rows if who == coder), None)
            if own is None or len({who for who, _ in rows}) < 2:
                return own, False
            blind = c.execute(select(Setting.value).where(Setting.key == BLIND_MODE)).scalar()
            adjudicated = c.execute(select(Adjudication.article_id)
                                    .where(Adjudication.article_id == article_id)).first()
            return own, bool(blind) and adjudicated is None

    def visible_bundle(self, article_id: int, viewer: Optional[str]) -> Optional[ArticleBundle]:
        """The article as `viewer` may see it: in blind mode on a double-coded article not yet
        adjudicated, other coders' events are left out, their spans of their own making too,
        and their decisions on machine suggestions are shown as the plain suggestion."""
        bundle = self.get_bundle(article_id)  # type: ignore[attr-defined]
        if bundle is None or not self.hides_others(article_id, viewer):
            return bundle
        events = [e for e in bundle.events if e.event.coder == viewer]
        return ArticleBundle(bundle.article, blind_spans(bundle.spans, viewer), events)  # type: ignore[arg-type]

    def visible_spans(self, article_id: int, viewer: Optional[str]) -> list[EntitySpan]:
        """The article's spans as `viewer` may see them (the reader's re-read after an edit)."""
        spans: list[EntitySpan] = self.spans(article_id)  # type: ignore[attr-defined]
        return blind_spans(spans, viewer) if viewer and self.hides_others(article_id, viewer) else spans

    def visible_events(self, article_id: int, viewer: Optional[str]) -> list[EventWithEvidence]:
        """The article's events as `viewer` may see them (the event panel's re-read)."""
        events: list[EventWithEvidence] = self.article_events(article_id)  # type: ignore[attr-defined]
        if viewer and self.hides_others(article_id, viewer):
            return [e for e in events if e.event.coder == viewer]
        return events

    def decide_span(self, span_id: int, coder: str, **changes: Any) -> tuple[int, dict[str, Any]]:
        """A coder's decision (state, label...) on a span. Where blind mode hides others'
        decisions and the span is another coder's, the decision goes on a copy of the coder's
        own, so neither overwrites the other. Returns (the span id changed, previous values);
        previous values of a new copy are empty (undo deletes the copy)."""
        with read_session(self.engine) as s:
            span = s.get(EntitySpan, span_id)
        if span is None:
            raise KeyError(span_id)
        if span.coder in (None, coder) or not self.hides_others(span.article_id, coder):
            previous = self.update_span(span_id, coder=coder, **changes)  # type: ignore[attr-defined]
            return span_id, previous
        with write_session(self.engine) as s:
            copy = EntitySpan(**span.model_dump(exclude={"id", "created_at", "updated_at"}))
            copy.coder = coder
            copy.state = SpanState.SUGGESTED.value
            for key, value in changes.items():
                setattr(copy, key, value)
            s.add(copy)
            s.flush()
            new_id = int(copy.id)  # type: ignore[arg-type]
        return new_id, {}

    # ---- gold events ----------------------------------------------------------------------
    def create_gold_event(self, article_id: int, values: dict[str, Any], sources: Sequence[str],
                          adjudicator: Optional[str] = None,
                          evidence: Optional[dict[str, tuple[int, int]]] = None,
                          codebook_name: str = "acled", codebook_version: str = "1") -> Event:
        """The adjudicated event: its values, the uids of the coders' events it came from
        (on this article), its evidence; the article counts as adjudicated from then on."""
        uids = list(dict.fromkeys(sources))
        with write_session(self.engine) as s:
            found = {e.uid: e for e in s.exec(select(Event).where(col(Event.uid).in_(uids))).all()}
            missing = [u for u in uids if u not in found]
            if missing:
                raise ValueError(f"source events not found: {', '.join(missing)}")
            elsewhere = [u for u in uids if found[u].article_id != article_id]
            if elsewhere:
                raise ValueError(f"source events of another article: {', '.join(elsewhere)}")
            event = Event(article_id=article_id, coder=adjudicator, gold=True, sources=uids,
                          codebook_name=codebook_name, codebook_version=codebook_version)
            for key, value in values.items():
                set_event_field(event, key, value)
            s.add(event)
            s.flush()
            for field_name, (start, end) in (evidence or {}).items():
                s.add(Evidence(event_id=event.id, field=field_name, start=start, end=end))  # type: ignore[arg-type]
            if s.get(Adjudication, article_id) is None:
                s.add(Adjudication(article_id=article_id, adjudicator=adjudicator))
            s.flush()
            s.refresh(event)
        return event

    def gold_events(self, article_id: Optional[int] = None) -> list[EventWithEvidence]:
        stmt = select(Event).where(col(Event.gold).is_(True)).order_by(col(Event.id))
        if article_id is not None:
            stmt = stmt.where(Event.article_id == article_id)
        with read_session(self.engine) as s:
            events = list(s.exec(stmt).all())
            ids = [e.id for e in events]
            evidence: dict[int, dict[str, Evidence]] = {i: {} for i in ids}  # type: ignore[misc]
            if ids:
                for ev in s.exec(select(Evidence).where(col(Evidence.event_id).in_(ids))).all():
                    evidence[ev.event_id][ev.field] = ev
        return [EventWithEvidence(e, evidence[e.id]) for e in events]  # type: ignore[index]

    def gold_sources(self, event: Event) -> list[GoldSource]:
        """The source events of a gold event, in the order recorded."""
        uids = list(event.sources or [])
        with read_session(self.engine) as s:
            found = {e.uid: e for e in s.exec(select(Event).where(col(Event.uid).in_(uids))).all()} if uids else {}
        return [GoldSource(u, found.get(u)) for u in uids]


def blind_spans(spans: Sequence[EntitySpan], viewer: str) -> list[EntitySpan]:
    """Spans as `viewer` sees them in blind mode (see TeamsMixin.visible_bundle)."""
    own = {(sp.start, sp.end) for sp in spans if sp.coder == viewer}
    out: list[EntitySpan] = []
    for sp in spans:
        if sp.coder in (None, viewer):
            out.append(sp)
        elif sp.origin != SpanOrigin.CODER.value and (sp.start, sp.end) not in own:
            # Another coder's decision on a suggestion: the suggestion stays, the decision not.
            shown = EntitySpan(**sp.model_dump())
            shown.state, shown.coder = SpanState.SUGGESTED.value, None
            out.append(shown)
    return out
