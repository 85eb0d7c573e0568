"""Saving machine suggestions: an article's 'suggested' spans swapped for new ones, a batch at a time."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from sqlalchemy import Engine, delete, insert
from sqlalchemy import select as sa_select
from sqlmodel import col

from storage.db import read_session, write_session
from storage.models import Article, EntitySpan, SpanState, utcnow

_SUGGESTED = SpanState.SUGGESTED.value


def _as_text(value: Any) -> str:
    """A text column's value as str: a foreign workspace may hold a blob or a null there."""
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


class SuggestionsMixin:
    """The repository's suggestion writes and the suggester's reads (mixed into Repository)."""

    engine: Engine

    def article_texts(self, article_ids: Sequence[int]) -> list[tuple[int, str]]:
        """(id, text) of these articles in the order given (those that exist), in one query: the
        suggester reads a batch's texts without an ORM object per article."""
        if not article_ids:
            return []
        with read_session(self.engine) as s:
            found = dict(s.execute(sa_select(col(Article.id), col(Article.text))
                                   .where(col(Article.id).in_(list(article_ids)))).all())
        return [(i, _as_text(found[i])) for i in article_ids if i in found]

    def replace_suggestions(self, article_id: int, new_spans: Sequence[EntitySpan]) -> int:
        """Swap this article's machine suggestions (state 'suggested') for new ones, never
        touching spans a coder accepted, rejected or added, nor overlapping them."""
        return self.replace_suggestions_many([(article_id, new_spans)])[0]

    def replace_suggestions_many(self, items: Sequence[tuple[int, Sequence[Any]]]) -> list[int]:
        """replace_suggestions for several articles in one transaction. A span may be an
        EntitySpan or any object with start, end, label, origin, model_name and model_version
        (coding's SpanSuggestion): making an EntitySpan (a validated, instrumented model) per
        span was most of the parallel suggest's saving."""
        return self._replace([(article_id, [
            {"start": sp.start, "end": sp.end, "label": sp.label, "origin": sp.origin,
             "state": getattr(sp, "state", _SUGGESTED), "coder": getattr(sp, "coder", None),
             "model_name": sp.model_name, "model_version": sp.model_version} for sp in new_spans])
            for article_id, new_spans in items])

    def replace_suggested_rows(self, items: Sequence[tuple[int, Sequence[tuple[int, int, str, str]]]],
                               model_name: Optional[str], model_version: Optional[str]) -> list[int]:
        """replace_suggestions_many for spans as plain (start, end, label, origin) tuples, all
        from one model: what the suggester's worker processes send back."""
        return self._replace([(article_id, [
            {"start": start, "end": end, "label": label, "origin": origin, "state": _SUGGESTED, "coder": None,
             "model_name": model_name, "model_version": model_version} for start, end, label, origin in spans])
            for article_id, spans in items])

    def _replace(self, items: Sequence[tuple[int, list[dict[str, Any]]]]) -> list[int]:
        """One transaction of three statements whatever the number of articles (a delete, a read
        of the spans left, an executemany of the new rows): statements per article were most of
        what the parallel suggest's saving process spent."""
        ids = [article_id for article_id, _ in items]
        if not ids:
            return []
        table = EntitySpan.__table__  # type: ignore[attr-defined]
        counts: list[int] = []
        rows: list[dict[str, Any]] = []
        now = utcnow()
        with write_session(self.engine) as s:
            s.execute(delete(table).where(table.c.article_id.in_(ids), table.c.state == _SUGGESTED,
                                          # a coder's own span set back to 'suggested' stays
                                          table.c.origin != "coder"))
            taken: dict[int, list[tuple[int, int]]] = {}
            for article_id, a, b in s.execute(sa_select(table.c.article_id, table.c.start, table.c.end)
                                              .where(table.c.article_id.in_(ids))):
                taken.setdefault(article_id, []).append((a, b))
            for article_id, new_rows in items:
                kept = taken.get(article_id)
                added = 0
                for row in new_rows:
                    if kept and any(row["start"] < b and a < row["end"] for a, b in kept):
                        continue
                    row.update(article_id=article_id, created_at=now, updated_at=now, version=1, updated_by=None)
                    rows.append(row)
                    added += 1
                counts.append(added)
            if rows:
                s.execute(insert(table), rows)
        return counts
