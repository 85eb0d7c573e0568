"""Codebooks as data: where they are found, the default one, and the public API in one import.

A codebook is a JSON file (resources/codebooks/, or the user's data folder/codebooks); its format
is read in coding.codebook_reader, its shapes are in coding.schema, derived-field rules in
coding.derived and event checks in coding.validation."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from coding import derived
from coding.codebook_reader import codebook_from_definition, load_codebook
from coding.schema import (DEFAULT_ROLES, FIELD_TYPES, STANDARD_ROLES, VALUE_TYPES, Codebook, CodebookError,
                           FieldSpec)

__all__ = ["Codebook", "CodebookError", "FieldSpec", "FIELD_TYPES", "VALUE_TYPES", "STANDARD_ROLES",
           "DEFAULT_ROLES", "CODEBOOK_DIR", "DEFAULT_CODEBOOK", "load_codebook", "codebook_from_definition",
           "codebook_dirs", "available_codebooks", "article_codebook_name", "ARTICLE_CODEBOOK_KEY",
           "default_codebook", "find_codebook", "compute_derived", "validate_event"]

log = logging.getLogger(__name__)

CODEBOOK_DIR = Path(__file__).resolve().parent.parent / "resources" / "codebooks"
DEFAULT_CODEBOOK = "acled"


# ---- finding codebooks ----------------------------------------------------------------------
def codebook_dirs() -> list[Path]:
    """Where codebooks are looked for: the app's own, then the user's (data folder/codebooks)."""
    dirs = [CODEBOOK_DIR]
    try:
        from storage.workspace import data_dir

        dirs.append(Path(data_dir()) / "codebooks")
    except Exception:  # a missing data folder must not hide the built-in codebooks
        log.debug("no user codebook folder", exc_info=True)
    return dirs


def available_codebooks(errors: Optional[list[CodebookError]] = None) -> list[Codebook]:
    """Every readable codebook, the default first. Broken files are skipped and, when `errors`
    is given, appended to it so the caller can tell the user which file is wrong and why."""
    books: dict[str, Codebook] = {}
    for folder in codebook_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                book = load_codebook(path)
            except CodebookError as exc:
                log.warning("%s", exc)
                if errors is not None:
                    errors.append(exc)
                continue
            books.setdefault(book.key, book)
    return sorted(books.values(), key=lambda b: (b.name != DEFAULT_CODEBOOK, b.name, b.version))


@lru_cache(maxsize=1)
def default_codebook() -> Codebook:
    """The ACLED-style codebook shipped with the app (DESIGN section 4)."""
    return load_codebook(CODEBOOK_DIR / f"{DEFAULT_CODEBOOK}.json")


def find_codebook(name: str, version: Optional[str] = None, repo: Any = None) -> Optional[Codebook]:
    """The codebook an event was coded with: from the codebook folders, else as kept in the
    workspace (`repo.codebooks()`), so old events still validate after a file is gone."""
    if name == DEFAULT_CODEBOOK and (version is None or version == default_codebook().version):
        return default_codebook()
    for book in available_codebooks():
        if book.name == name and (version is None or book.version == str(version)):
            return book
    if repo is not None:
        for row in reversed(repo.codebooks()):
            if row.name == name and (version is None or row.version == str(version)):
                try:
                    return codebook_from_definition(row.definition, source=f"workspace codebook {row.name} {row.version}")
                except CodebookError:
                    log.warning("workspace codebook %s %s is broken", row.name, row.version)
    return None


# The key of an article's meta that names the codebook its new events use (a batch switched).
ARTICLE_CODEBOOK_KEY = "codebook"


def article_codebook_name(article: Any) -> Optional[str]:
    """The codebook name a batch switch gave this article, or None (the workspace's)."""
    meta = getattr(article, "meta", None) or {}
    name = meta.get(ARTICLE_CODEBOOK_KEY) if isinstance(meta, dict) else None
    return str(name) if isinstance(name, str) and name.strip() else None


# Re-exported so callers need one import: the rules and checks live in their own modules.
def compute_derived(codebook: Codebook, values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every derived field (re)computed from its rule."""
    return derived.compute_derived(codebook, values)


def validate_event(codebook: Codebook, values: Mapping[str, Any], published: Any = None) -> dict[str, list[str]]:
    """Field name -> plain-language problems; empty when the event is valid."""
    from coding.validation import validate_event as _validate

    return _validate(codebook, values, published)
