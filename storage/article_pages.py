"""The article list read a page at a time, in list order (newest publication first, then id), so a
list of a million articles opens and filters by reading its first screenfuls only.

Pages follow each other by key (the last row's publication date and id), not by offset: an
article added or deleted meanwhile does not shift the next page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from storage.models import Article
from storage.repo_types import ArticleFilter


# The workspace's sources with one index seek each ("skip scan"), not a walk over every
# article's index entry: the list's source menu of a million articles in a millisecond.
DISTINCT_SOURCES = ("WITH RECURSIVE s(v) AS (SELECT min(source) FROM article UNION ALL "
                    "SELECT (SELECT min(source) FROM article WHERE source > s.v) FROM s WHERE s.v IS NOT NULL) "
                    "SELECT v FROM s WHERE v IS NOT NULL")


@dataclass(frozen=True)
class ListKey:
    """Where a row stands in list order."""

    published: Optional[dt.date]
    id: int


def _after(key: ListKey) -> Any:
    """Rows after `key` in list order: published descending with the undated last, then id."""
    published, ident = col(Article.published), col(Article.id)
    if key.published is None:
        return and_(published.is_(None), ident > key.id)
    return or_(published < key.published, and_(published == key.published, ident > key.id), published.is_(None))


def _ordered(repo: Any, stmt: Any, flt: Optional[ArticleFilter]) -> Any:
    search_ids = repo._search_ids(flt)
    stmt = repo._filtered(stmt, flt, search_ids).order_by(col(Article.published).desc().nulls_last(), col(Article.id))
    if repo._walks_list_index(flt, search_ids):
        # Walking the list index in order stops after a page; the status index would make
        # SQLite sort every matching row first.
        stmt = stmt.with_hint(Article, "INDEXED BY ix_article_list", "sqlite")
    return stmt


def id_page(repo: Any, flt: Optional[ArticleFilter], after: Optional[ListKey], limit: int) -> list[ListKey]:
    """Up to `limit` rows of the filtered list after `after` (None: from the top)."""
    stmt = select(col(Article.published), col(Article.id))
    if after is not None:
        stmt = stmt.where(_after(after))
    stmt = _ordered(repo, stmt, flt).limit(limit)
    with repo.engine.connect() as conn:
        return [ListKey(published, int(ident)) for published, ident in conn.execute(stmt).all()]


def list_key(repo: Any, flt: Optional[ArticleFilter], article_id: int) -> Optional[ListKey]:
    """The article's place in the filtered list, None when the filter leaves it out."""
    stmt = repo._filtered(select(col(Article.published), col(Article.id)), flt).where(col(Article.id) == article_id)
    with repo.engine.connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else ListKey(row[0], int(row[1]))


def rows_up_to(repo: Any, flt: Optional[ArticleFilter], after: Optional[ListKey], key: ListKey) -> list[ListKey]:
    """Every row after `after` up to and including `key` (to bring a row far down into view)."""
    stmt = select(col(Article.published), col(Article.id)).where(
        or_(col(Article.id) == key.id, ~_after(key)))
    if after is not None:
        stmt = stmt.where(_after(after))
    stmt = _ordered(repo, stmt, flt)
    with repo.engine.connect() as conn:
        return [ListKey(published, int(ident)) for published, ident in conn.execute(stmt).all()]


def count(repo: Any, flt: Optional[ArticleFilter]) -> int:
    with repo.engine.connect() as conn:
        return int(conn.execute(repo._filtered(select(func.count(col(Article.id))), flt)).scalar() or 0)


__all__ = ["DISTINCT_SOURCES", "ListKey", "id_page", "list_key", "rows_up_to", "count"]
