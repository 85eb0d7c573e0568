"""The background jobs the window starts (import, suggest, export): plain functions, no Qt,
run by ui.jobs.runner.TaskRunner so the GUI thread never waits on them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


def import_job(repo: Repository, paths: Sequence[str | Path], progress: ProgressFn = no_progress,
               cancelled: CancelFn = never_cancel) -> Any:
    """Import files and folders; returns the ImportReport (failures named per file)."""
    from storage.importers import import_paths

    return import_paths(repo, [Path(p) for p in paths], progress=progress, cancelled=cancelled)


@dataclass
class SuggestOutcome:
    articles: int = 0
    spans: int = 0
    model: str = ""
    nothing_to_do: bool = False
    cancelled: bool = False


def suggest_job(repo: Repository, model_name: Optional[str] = None, article_ids: Optional[Sequence[int]] = None,
                first: Optional[int] = None, progress: ProgressFn = no_progress,
                cancelled: CancelFn = never_cancel) -> SuggestOutcome:
    """Suggest highlights for the given articles, or for every article that has none yet.
    `first` (the article on screen) is done before the others so the coder sees it soonest.
    spaCy is only loaded when there is something to suggest."""
    ids = list(article_ids) if article_ids is not None else repo.articles_without_spans()
    if not ids:
        return SuggestOutcome(nothing_to_do=True)
    if first is not None and first in ids:
        ids.remove(first)
        ids.insert(0, first)
    from coding.suggest import run_suggestions

    result = run_suggestions(repo, model_name=model_name or None, article_ids=ids,
                             progress=progress, cancelled=cancelled)
    return SuggestOutcome(articles=int(getattr(result, "articles", 0)), spans=int(getattr(result, "spans", 0)),
                          model=str(getattr(result, "model", "")),
                          cancelled=bool(getattr(result, "cancelled", False)))


def export_job(repo: Repository, out_path: str | Path, fmt: str, statuses: Sequence[str] = (),
               filters: Optional[dict[str, Any]] = None,
               progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> Any:
    """Export the dataset; each event row gets its derived fields and problems from coding/.
    `filters` holds the other ExportOptions filters (coders, date_from, date_to, codebook)."""
    from coding.dataset import event_hook
    from storage.exporters import ExportOptions, export_dataset

    options = ExportOptions(statuses=tuple(statuses), event_hook=event_hook(repo=repo), **(filters or {}))
    return export_dataset(repo, Path(out_path), fmt, options, progress=progress, cancelled=cancelled)


__all__ = ["import_job", "suggest_job", "export_job", "SuggestOutcome"]
