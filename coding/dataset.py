"""Readying an event's values for a dataset row: derived fields filled, problems listed (exports)."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from coding.codebook import Codebook, compute_derived, default_codebook, find_codebook
from coding.validation import problem_lines, validate_event


def _codebook_for(values: Mapping[str, Any], repo: Any = None) -> Optional[Codebook]:
    """The event's codebook when the values name it (codebook_name/codebook_version), else the
    default; None when the named one is neither a file nor kept in the workspace."""
    name = values.get("codebook_name")
    if not name:
        return default_codebook()
    return find_codebook(str(name), values.get("codebook_version") or None, repo)


def prepare_row(values: Mapping[str, Any], article: Any, codebook: Optional[Codebook] = None,
                repo: Any = None) -> tuple[dict[str, Any], list[str]]:
    """(values with every derived field computed, ["field: message", ...] problems).

    `article` is the event's Article (its `published` date bounds the event date) or None.
    The codebook is `codebook`, else the one the values name (codebook_name/codebook_version,
    as the exporters pass them), else the default. Derived fields are recomputed, so a stale
    stored year/interaction is corrected in the row rather than reported."""
    book = codebook or _codebook_for(values, repo)
    if book is None:
        label = f"{values.get('codebook_name')} {values.get('codebook_version') or ''}".strip()
        return dict(values), [f"codebook: '{label}' is not available here, so this event was not checked."]
    row = compute_derived(book, values)
    published = getattr(article, "published", None) if article is not None else None
    return row, problem_lines(validate_event(book, row, published, check_derived=False))


def event_hook(codebook: Optional[Codebook] = None,
               repo: Any = None) -> Callable[[dict[str, Any], Any], tuple[dict[str, Any], list[str]]]:
    """prepare_row as the exporters' event_hook(values, article), bound to a codebook or to a
    workspace (whose events may use several codebooks; each is looked up once)."""
    books: dict[tuple[Any, Any], Optional[Codebook]] = {}

    def hook(values: dict[str, Any], article: Any) -> tuple[dict[str, Any], list[str]]:
        book = codebook
        if book is None:
            key = (values.get("codebook_name"), values.get("codebook_version"))
            if key not in books:
                books[key] = _codebook_for(values, repo)
            book = books[key]
            if book is None:
                return prepare_row(values, article, None, repo)
        return prepare_row(values, article, book, repo)
    return hook
