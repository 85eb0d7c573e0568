"""Suggesting highlights for a workspace's articles (the command line's and the GUI's suggest)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from coding.suggest import DEFAULT_MODEL, ModelNotFound
from services.errors import UserError
from services.suggest_parallel import suggest_workspace
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


@dataclass
class SuggestOutcome:
    articles: int = 0
    spans: int = 0
    model: str = ""
    nothing_to_do: bool = False
    cancelled: bool = False
    cut: int = 0  # articles suggested for their first MAX_SUGGEST_CHARS characters only

    def describe(self) -> str:
        return f"suggested {self.spans} spans in {self.articles} articles ({self.model})"


def articles_to_suggest(repo: Repository, article_ids: Optional[Sequence[int]] = None,
                        redo: bool = False) -> list[int]:
    """The given articles (None: all of them) less those that have spans already, unless redo."""
    if article_ids is None:
        return repo.article_ids() if redo else repo.articles_without_spans()
    if redo:
        return list(article_ids)
    todo = set(repo.articles_without_spans())
    return [i for i in article_ids if i in todo]


def suggest(repo: Repository, model: Optional[str] = None, article_ids: Optional[Sequence[int]] = None,
            first: Optional[int] = None, redo: bool = False, progress: ProgressFn = no_progress,
            cancelled: CancelFn = never_cancel) -> SuggestOutcome:
    """Suggest highlights for the articles that have none (or the given ones; all with redo).
    `first` (the article on screen) is done before the others so the coder sees it soonest.
    spaCy is only loaded when there is work or a model was named (so a wrong name is told even
    when there is nothing to do). Raises UserError for a pipeline that is not installed."""
    ids = articles_to_suggest(repo, article_ids, redo)
    if first is not None and first in ids:
        ids.remove(first)
        ids.insert(0, first)
    if not ids and not model:
        return SuggestOutcome(model=DEFAULT_MODEL, nothing_to_do=True)
    try:
        # redo=True: the ids are chosen above already; on every core when there are enough
        result = suggest_workspace(repo, model_name=model or None, article_ids=ids, redo=True,
                                   progress=progress, cancelled=cancelled,
                                   first_alone=first is not None and bool(ids) and ids[0] == first)
    except ModelNotFound as exc:
        raise UserError(str(exc)) from exc
    return SuggestOutcome(articles=result.articles, spans=result.spans, model=result.model,
                          nothing_to_do=not ids, cancelled=result.cancelled, cut=result.cut)


__all__ = ["SuggestOutcome", "suggest", "articles_to_suggest"]
