"""A window of a very large article's text (a few hundred thousand characters of a 100 MB
article), read with SQL substr so the whole text never becomes a Python string: the window's
spans and evidence are shifted to the window's own offsets, for a reader that shows only it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import text as sql
from sqlalchemy.orm import defer
from sqlmodel import col, select

from storage.db import read_session
from storage.models import Article, EntitySpan
from storage.repo_types import ArticleBundle, EventWithEvidence

# An article longer than this opens as a window of it (suggestions stop at the same bound).
LARGE_ARTICLE_CHARS = 2_000_000
WINDOW_CHARS = 100_000


@dataclass(frozen=True)
class TextWindow:
    """Which part of the article a bundle holds: code points [start, start + size) of `total`."""

    start: int
    size: int
    total: int

    @property
    def end(self) -> int:
        return self.start + self.size


# The length stored with the text (migration 0006), read on SQLite from the small index that
# holds it: the column itself comes after the text, reached through all of the text's pages.
# A row written without it (by another program) counts its text.
_SQLITE_LENGTH = sql("SELECT coalesce(text_length, length(text)) FROM article INDEXED BY ix_article_text_length "
                     "WHERE id = :id")
_SERVER_LENGTH = sql("SELECT coalesce(text_length, char_length(text)) FROM article WHERE id = :id")


def _length(s: Any, article_id: int) -> Optional[int]:
    query = _SERVER_LENGTH if s.get_bind().dialect.name == "postgresql" else _SQLITE_LENGTH
    found = s.execute(query, {"id": article_id}).scalar()
    return None if found is None else int(found)


def article_length(repo: Any, article_id: int) -> int:
    """The article's length in code points, without reading its text."""
    with read_session(repo.engine) as s:
        return _length(s, article_id) or 0


def read_window(repo: Any, article_id: int, start: int, size: int = WINDOW_CHARS,
                viewer: Optional[str] = None) -> Optional[tuple[ArticleBundle, TextWindow]]:
    """The article with `size` code points of its text from `start` (moved back to fit), the
    spans wholly inside that window and the events with the evidence inside it, every offset
    made relative to the window, as `viewer` may see them (blind mode hides the other coders'
    work here too). Nothing read here is written back: the bundle is for showing."""
    from storage.teams import blind_spans

    from storage.repository import _events_with_evidence

    with read_session(repo.engine) as s:
        total = _length(s, article_id)
        if total is None:
            return None
        start = max(0, min(int(start), int(total) - size))
        piece = s.execute(sql("SELECT substr(text, :a, :n) FROM article WHERE id = :id"),
                          {"a": start + 1, "n": size, "id": article_id}).scalar() or ""
        article = s.exec(select(Article).options(defer(Article.text))  # type: ignore[arg-type]
                         .where(Article.id == article_id)).one()
        end = start + len(piece)
        spans = list(s.exec(select(EntitySpan).where(EntitySpan.article_id == article_id,
                                                     col(EntitySpan.start) >= start, col(EntitySpan.end) <= end)
                            .order_by(col(EntitySpan.start), col(EntitySpan.end))).all())
        events = _events_with_evidence(s, article_id)
        s.expunge_all()  # detached: the shifted offsets below are never flushed
    if viewer and repo.hides_others(article_id, viewer):
        spans = blind_spans(spans, viewer)
        events = [e for e in events if e.event.coder == viewer]
    window = TextWindow(start, len(piece), int(total))
    article.text = piece
    for span in spans:
        span.start, span.end = span.start - start, span.end - start
    shifted = []
    for item in events:
        kept = {}
        for name, ev in item.evidence.items():
            if start <= ev.start and ev.end <= end:
                ev.start, ev.end = ev.start - start, ev.end - start
                kept[name] = ev
        shifted.append(EventWithEvidence(item.event, kept))
    return ArticleBundle(article, spans, shifted), window


__all__ = ["LARGE_ARTICLE_CHARS", "WINDOW_CHARS", "TextWindow", "article_length", "read_window"]
