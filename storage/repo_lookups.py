"""Workspace lists beside the articles: coders, codebooks, actors, the place cache, learned patterns."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from sqlalchemy import Engine, delete
from sqlmodel import col, select

from storage.db import read_session, write_session
from storage.models import Actor, Article, Coder, Codebook, Event, LearnedPattern, Place


class LookupsMixin:
    """The repository's operations on the small lookup tables (mixed into Repository)."""

    engine: Engine

    def ensure_coder(self, name: str) -> None:
        with write_session(self.engine) as s:
            if not s.exec(select(Coder).where(Coder.name == name)).first():
                s.add(Coder(name=name))

    def coders(self) -> list[str]:
        """Everyone who coded here: the coder list and the coders named on events."""
        with read_session(self.engine) as s:
            named = set(s.exec(select(Coder.name)).all())
            on_events = {c for c in s.exec(select(Event.coder).distinct()).all() if c}
        return sorted(named | on_events)

    def save_codebook(self, name: str, version: str, definition: dict[str, Any]) -> None:
        with write_session(self.engine) as s:
            row = s.exec(select(Codebook).where(Codebook.name == name, Codebook.version == version)).first()
            if row is None:
                s.add(Codebook(name=name, version=version, definition=definition))
            else:
                row.definition = definition
                s.add(row)

    def set_articles_codebook(self, article_ids: Sequence[int], name: Optional[str]) -> int:
        """New events of these articles use codebook `name` (kept in the article's meta under
        "codebook"; None: the workspace's codebook again). Returns how many articles changed."""
        changed = 0
        with write_session(self.engine) as s:
            for i in range(0, len(article_ids), 500):
                for article in s.exec(select(Article).where(col(Article.id).in_(list(article_ids[i:i + 500])))).all():
                    meta = dict(article.meta or {})
                    if meta.get("codebook") == name or (name is None and "codebook" not in meta):
                        continue
                    if name is None:
                        meta.pop("codebook", None)
                    else:
                        meta["codebook"] = name
                    article.meta = meta  # a new dict: the JSON column sees the change
                    s.add(article)
                    changed += 1
        return changed

    def codebooks(self) -> list[Codebook]:
        with read_session(self.engine) as s:
            return list(s.exec(select(Codebook).order_by(Codebook.name, Codebook.version)).all())

    def actors(self) -> list[Actor]:
        with read_session(self.engine) as s:
            return list(s.exec(select(Actor).order_by(Actor.name)).all())

    def upsert_actor(self, name: str, inter_code: Optional[int] = None, aliases: Sequence[str] = ()) -> Actor:
        with write_session(self.engine) as s:
            actor = s.exec(select(Actor).where(Actor.name == name)).first()
            if actor is None:
                actor = Actor(name=name, inter_code=inter_code, aliases=list(aliases))
            else:
                if inter_code is not None:
                    actor.inter_code = inter_code
                if aliases:
                    actor.aliases = sorted(set(actor.aliases) | set(aliases))
            s.add(actor)
            s.flush()
            s.refresh(actor)
        return actor

    def cached_place(self, query: str, country_hint: str = "") -> Optional[Place]:
        with read_session(self.engine) as s:
            return s.exec(select(Place).where(Place.query == query, Place.country_hint == country_hint)).first()

    def cache_place(self, place: Place) -> None:
        with write_session(self.engine) as s:
            s.exec(delete(Place).where(col(Place.query) == place.query,  # type: ignore[call-overload]
                                       col(Place.country_hint) == place.country_hint))
            s.add(Place(**place.model_dump(exclude={"id"})))

    def patterns(self, polarity: Optional[str] = None) -> list[LearnedPattern]:
        stmt = select(LearnedPattern).order_by(col(LearnedPattern.id))
        if polarity:
            stmt = stmt.where(LearnedPattern.polarity == polarity)
        with read_session(self.engine) as s:
            return list(s.exec(stmt).all())

    def learn(self, text_: str, label: str, polarity: str = "accept", context: str = "",
              coder: Optional[str] = None) -> None:
        """Record (or count again) something a coder taught."""
        with write_session(self.engine) as s:
            row = s.exec(select(LearnedPattern).where(
                LearnedPattern.text == text_, LearnedPattern.label == label,
                LearnedPattern.polarity == polarity, LearnedPattern.context == context)).first()
            if row is None:
                s.add(LearnedPattern(text=text_, label=label, polarity=polarity, context=context, coder=coder))
            else:
                row.hits += 1
                s.add(row)

    def unlearn(self, text_: str, label: str, polarity: str = "accept", context: str = "") -> None:
        with write_session(self.engine) as s:
            s.exec(delete(LearnedPattern).where(  # type: ignore[call-overload]
                col(LearnedPattern.text) == text_, col(LearnedPattern.label) == label,
                col(LearnedPattern.polarity) == polarity, col(LearnedPattern.context) == context))

    def unlearn_once(self, text_: str, label: str, polarity: str = "accept", context: str = "") -> None:
        """Take back one learn() (undo): count down, drop the row at zero."""
        with write_session(self.engine) as s:
            row = s.exec(select(LearnedPattern).where(
                LearnedPattern.text == text_, LearnedPattern.label == label,
                LearnedPattern.polarity == polarity, LearnedPattern.context == context)).first()
            if row is None:
                return
            if row.hits > 1:
                row.hits -= 1
                s.add(row)
            else:
                s.delete(row)
