"""What the event form knows of the workspace beyond the event: the actor list with its inter
codes, and the countries an article is about (which decide ambiguous place names)."""
from __future__ import annotations

from typing import Any, Optional

from coding.codebook import Codebook
from storage.models import SpanState
from storage.repo_types import ArticleBundle
from storage.repository import Repository


class ActorList:
    """The workspace's actors by name and alias, re-read when the coder may have added one."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.names: list[str] = []
        self.codes: dict[str, Optional[int]] = {}  # actor_key(name or alias) -> inter code
        self.added: set[str] = set()  # joined while the form was open: their code is a guess
        self._read = False

    def refresh(self) -> None:
        from coding.actors import actor_key

        actors = self.repo.actors()
        names = [a.name for a in actors]
        if self._read:
            self.added.update(set(names) - set(self.names))
        self._read = True
        self.names = names
        self.codes = {actor_key(n): actor.inter_code for actor in actors for n in [actor.name, *(actor.aliases or [])]}

    def code_of(self, name: Any) -> Optional[int]:
        from coding.actors import actor_key

        return self.codes.get(actor_key(str(name or "")))

    def remember_code(self, name: str, code: int) -> None:
        """The coder chose the inter code of an actor the list has no code for (or only our
        guess): the list keeps it, so the next event with that actor gets it at once."""
        from coding.actors import actor_key, find_actor

        listed = find_actor(self.repo, name)
        if listed is not None and (listed.inter_code is None or listed.name in self.added) \
                and listed.inter_code != code:
            self.repo.upsert_actor(listed.name, code)
            self.codes[actor_key(listed.name)] = code


class ArticleCountries:
    """The countries of an article's place highlights (computed once per article and set of
    highlights), then of its coded events."""

    KEPT = 256  # articles remembered; the oldest is computed again if the coder goes back

    def __init__(self) -> None:
        self._by_article: dict[int, list[str]] = {}

    def forget(self, article_id: int) -> None:
        self._by_article.pop(article_id, None)

    def of(self, bundle: ArticleBundle, book: Codebook) -> list[str]:
        from coding.places import article_countries

        aid = int(bundle.article.id)  # type: ignore[arg-type]
        if aid not in self._by_article:
            text = bundle.article.text
            places = [text[s.start:s.end] for s in bundle.spans
                      if s.state != SpanState.REJECTED.value and book.role_of_label(s.label) == "place"]
            self._by_article[aid] = article_countries(places)
            if len(self._by_article) > self.KEPT:  # a long session visits thousands of articles
                del self._by_article[next(iter(self._by_article))]
        known = self._by_article[aid]
        coded = [str(e.event.country) for e in bundle.events if e.event.country]
        return [*known, *[c for c in coded if c not in known]]


__all__ = ["ActorList", "ArticleCountries"]
