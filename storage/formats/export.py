"""Writing a workspace's accepted spans in another tool's format: articles read in chunks, the
file (or folder) written beside the target and renamed into place only when complete."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

from sqlmodel import col, select

from storage.db import read_session
from storage.formats.common import ArticleOut, FormatProblem, SpanOut
from storage.models import Article, EntitySpan, SpanState
from storage.progress import CancelFn, Cancelled, ProgressFn, never_cancel, no_progress

CHUNK = 200
FOLDER_FORMATS = ("brat", "xmi")
# writer(articles, target): a file path, or for FOLDER_FORMATS an empty folder.
Writer = Callable[[Iterator[ArticleOut], Path], None]


@dataclass
class ToolExport:
    path: Path
    fmt: str
    articles: int = 0
    spans: int = 0

    def describe(self) -> str:
        return (f"exported {self.spans} spans in {self.articles} articles to {self.path.name} "
                f"({self.fmt})")


def _spanned_article_ids(repo: Any) -> list[int]:
    with read_session(repo.engine) as s:
        stmt = (select(EntitySpan.article_id).where(EntitySpan.state == SpanState.ACCEPTED.value)
                .distinct().order_by(col(EntitySpan.article_id)))
        return list(s.exec(stmt).all())


def iter_articles(repo: Any, progress: ProgressFn = no_progress,
                  cancelled: CancelFn = never_cancel) -> Iterator[ArticleOut]:
    """Every article with accepted spans, with those spans (sorted), a chunk at a time."""
    ids = _spanned_article_ids(repo)
    for i in range(0, len(ids), CHUNK):
        if cancelled():
            raise Cancelled("export cancelled; nothing written")
        part = ids[i: i + CHUNK]
        with read_session(repo.engine) as s:
            articles = {a.id: a for a in s.exec(select(Article).where(col(Article.id).in_(part))).all()}
            spans: dict[int, list[SpanOut]] = {}
            stmt = (select(EntitySpan).where(col(EntitySpan.article_id).in_(part),
                                             EntitySpan.state == SpanState.ACCEPTED.value)
                    .order_by(col(EntitySpan.article_id), col(EntitySpan.start), col(EntitySpan.end), col(EntitySpan.label)))
            for sp in s.exec(stmt).all():
                spans.setdefault(sp.article_id, []).append(SpanOut(sp.start, sp.end, sp.label))
        for aid in part:
            a = articles.get(aid)
            if a is None:
                continue
            yield ArticleOut(aid, a.title, a.text, a.source, a.url,
                             a.published.isoformat() if a.published else None, spans.get(aid, []))
        progress(min(i + CHUNK, len(ids)), len(ids), f"{min(i + CHUNK, len(ids))} articles")


def _storage_writer(fmt: str) -> Writer:
    from storage.formats import brat, doccano, labelstudio, prodigy, xmi

    if fmt in FOLDER_FORMATS:
        return brat.write if fmt == "brat" else xmi.write  # type: ignore[return-value]
    stream = {"doccano": doccano.write, "prodigy": prodigy.write, "labelstudio": labelstudio.write}[fmt]

    def write(articles: Iterator[ArticleOut], target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as fh:
            stream(articles, fh)

    return write


def export_tool(repo: Any, out: Path, fmt: str, writers: Optional[Mapping[str, Writer]] = None,
                progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> ToolExport:
    """Write the accepted spans as `fmt` to `out` (a folder for brat and xmi: new or empty)."""
    if writers and fmt in writers:
        writer = writers[fmt]
    elif fmt == "spacy":
        raise FormatProblem("a spaCy DocBin needs spaCy to be written: export it with `python main.py export`")
    else:
        writer = _storage_writer(fmt)
    folder = fmt in FOLDER_FORMATS
    if folder and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FormatProblem(f"{out}: {fmt} writes a folder of files: give a new or empty folder")
    if not out.parent.is_dir():
        raise FormatProblem(f"{out}: the folder {out.parent} does not exist")
    summary = ToolExport(out, fmt)

    def counted() -> Iterator[ArticleOut]:
        for art in iter_articles(repo, progress, cancelled):
            summary.articles += 1
            summary.spans += len(art.spans)
            yield art

    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        if folder:
            tmp.mkdir()
        writer(counted(), tmp)
        if cancelled():
            raise Cancelled(f"export to {out.name} cancelled; nothing written")
        if folder and out.exists():
            out.rmdir()  # empty (checked above): the finished folder takes its place
        os.replace(tmp, out)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
    return summary
