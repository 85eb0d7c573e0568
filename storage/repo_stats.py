"""Counting what a workspace holds: the status bar's cheap counts and the full stats."""
from __future__ import annotations

from typing import Any, Callable, Optional

from sqlalchemy import Engine, func, text
from sqlmodel import col, select

from storage.db import read_session, write_session
from storage.models import Article, ArticleStatus, Assignment, EntitySpan, Event, LearnedPattern, SpanState


class StatsMixin:
    """Counts (mixed into Repository)."""

    engine: Engine
    coders: Callable[[], list[str]]  # LookupsMixin's

    def progress_counts(self, coder: Optional[str] = None) -> dict[str, Any]:
        """Articles by status and the number of events: what the status bar shows after each
        edit. Cheap (indexed counts), unlike stats(), which also counts every span. `coder`:
        their own articles by their own status, and their own events (team coding)."""
        with read_session(self.engine) as s:
            if coder:
                by_status = dict(s.exec(select(Assignment.status, func.count(col(Assignment.id)))
                                        .where(Assignment.coder == coder).group_by(Assignment.status)).all())
                n_events = int(s.exec(select(func.count(col(Event.id))).where(Event.coder == coder)).one())
            else:
                by_status = dict(s.exec(select(Article.status, func.count(col(Article.id))).group_by(Article.status)).all())
                n_events = int(s.exec(select(func.count(col(Event.id)))).one())
        return {
            "articles": {"total": sum(by_status.values()), **{k.value: by_status.get(k.value, 0) for k in ArticleStatus}},
            "events": n_events,
        }

    def stats(self) -> dict[str, Any]:
        with read_session(self.engine) as s:
            by_state = dict(s.exec(select(EntitySpan.state, func.count(col(EntitySpan.id))).group_by(EntitySpan.state)).all())
            n_patterns = int(s.exec(select(func.count(col(LearnedPattern.id)))).one())
        counts = self.progress_counts()
        coders = self.coders()
        return {
            "articles": counts["articles"],
            "spans": {"total": sum(by_state.values()), **{k.value: by_state.get(k.value, 0) for k in SpanState}},
            "events": counts["events"],
            "coders": coders,
            "patterns": n_patterns,
        }

    def touch(self) -> None:
        """A cheap write to see whether the workspace can be written at all."""
        with write_session(self.engine) as s:
            s.exec(text("SELECT 1"))  # type: ignore[call-overload]

