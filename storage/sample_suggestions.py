"""The sample articles' suggestions, made once and shipped (resources/samples/suggestions.json), so
a new user's first article shows its highlights at once instead of after the suggester has
started and loaded spaCy (half a minute on a busy machine).

The file names the pipeline and the version that made it; a new workspace takes its spans only
when that very pipeline is the one suggesting here and is installed at that version. Otherwise
the articles stay without spans and the suggester does them as it does any article. Written by
`python -m services.sample_suggestions` (make sample-suggestions) whenever the samples, the
default pipeline or the suggester change. No spaCy here: the installed version is read from the
pipeline package's meta.json."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import func, insert
from sqlalchemy import select as sa_select
from sqlmodel import col

from storage.db import read_session, write_session
from storage.models import Article, EntitySpan, SpanState, utcnow
from storage.repository import Repository

SUGGESTIONS_FILE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "suggestions.json"
FORMAT = 1


def installed_version(model: str) -> Optional[str]:
    """The version of an installed spaCy pipeline package (its meta.json), None when it is not
    installed as a package (or names a pipeline trained on a workspace)."""
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        version = meta.get("version") if isinstance(meta, dict) else None
        return str(version) if version else None
    return None


def read_shipped(path: Path = SUGGESTIONS_FILE) -> Optional[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("articles"), dict):
        return None
    return data


def usable(data: dict[str, Any], model: Optional[str]) -> bool:
    """The file was made by the pipeline that suggests here (`model`; None: the default, which
    the file names), installed at the same version."""
    made_by = str(data.get("model") or "")
    if not made_by or (model and model != made_by):
        return False
    return installed_version(made_by) == str(data.get("version") or "")


def _article_keys(repo: Repository, ids: list[int]) -> list[tuple[int, str, int]]:
    """(id, duplicate key, length of the text in code points) of these articles."""
    found: list[tuple[int, str, int]] = []
    with read_session(repo.engine) as s:
        for i in range(0, len(ids), 900):
            stmt = sa_select(col(Article.id), col(Article.sha256), func.length(col(Article.text))).where(
                col(Article.id).in_(ids[i:i + 900]))
            found.extend((int(a), str(k), int(n or 0)) for a, k, n in s.connection().execute(stmt).all())
    return found


def load_shipped_suggestions(repo: Repository, model: Optional[str] = None,
                             path: Path = SUGGESTIONS_FILE) -> int:
    """Give the workspace's articles without spans the shipped suggestions of the same text (by
    its duplicate key), when they fit this installation (see usable); how many spans were added."""
    data = read_shipped(path)
    if data is None or not usable(data, model):
        return 0
    name, version = str(data["model"]), str(data["version"])
    wanted: dict[str, list[Any]] = data["articles"]
    todo = set(repo.articles_without_spans())
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for article_id, key, length in _article_keys(repo, sorted(todo)):
        for item in wanted.get(key, ()):
            start, end, label, origin = item
            if 0 <= start < end <= length:
                rows.append(dict(article_id=article_id, start=start, end=end, label=label, origin=origin,
                                 state=SpanState.SUGGESTED.value, model_name=name, model_version=version,
                                 created_at=now, updated_at=now))
    if rows:
        # Core rows, not EntitySpan objects: validating 500 model objects takes half a second.
        with write_session(repo.engine) as s:
            s.connection().execute(insert(EntitySpan.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def write_shipped_suggestions(repo: Repository, out: Path, model: str, version: str) -> int:
    """The machine suggestions of the workspace's articles, keyed by text, stamped with the
    pipeline that made them; how many articles the file holds."""
    articles: dict[str, list[list[Any]]] = {}
    for article_id, key, _length in _article_keys(repo, repo.article_ids()):
        articles[key] = [[s.start, s.end, s.label, s.origin] for s in
                         sorted(repo.spans(article_id), key=lambda s: (s.start, s.end))
                         if s.state == SpanState.SUGGESTED.value and s.origin != "coder"]
    # One article a line: a change of the suggester reads as a short diff.
    head = json.dumps({"format": FORMAT, "model": model, "version": version})[:-1]
    lines = [f"{json.dumps(key)}: {json.dumps(spans, ensure_ascii=False)}" for key, spans in sorted(articles.items())]
    out.write_text(head + ', "articles": {\n' + ",\n".join(lines) + "\n}}\n", encoding="utf-8")
    return len(articles)


__all__ = ["SUGGESTIONS_FILE", "installed_version", "load_shipped_suggestions", "write_shipped_suggestions"]
