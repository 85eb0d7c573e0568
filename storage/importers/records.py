"""What an importer produces before it is stored: an article with its spans, events, evidence;
plus the lenient date parsing and title helpers the formats share."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from storage.plain_lines import parse_date
from storage.repository import ArticleIn


@dataclass
class SpanRecord:
    start: int
    end: int
    label: str
    state: str = "suggested"
    origin: str = "model"
    coder: Optional[str] = None
    model_name: Optional[str] = None
    model_version: Optional[str] = None
    created_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None


@dataclass
class EvidenceRecord:
    field: str
    start: int
    end: int


@dataclass
class EventRecord:
    # Core codebook columns (already typed) and the other codebook fields (JSON values).
    core: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    uid: Optional[str] = None
    coder: Optional[str] = None
    codebook_name: str = "acled"
    codebook_version: str = "1"
    created_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None
    evidence: list[EvidenceRecord] = field(default_factory=list)
    gold: bool = False  # an adjudicated event, made from the events whose uids are in sources
    sources: list[str] = field(default_factory=list)


@dataclass
class ArticleRecord(ArticleIn):
    """An article with what it carries (the interchange file's spans and events)."""

    imported_at: Optional[dt.datetime] = None
    spans: list[SpanRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    assignments: list[tuple[str, str]] = field(default_factory=list)  # (coder, that coder's status)
    adjudicated_by: Optional[str] = None  # set (maybe "") when the article was adjudicated


def apply_published(record: ArticleRecord, raw: Any) -> None:
    """Set the date when it parses; otherwise keep the raw value in meta['published_raw']."""
    if raw is None or raw == "":
        return
    if isinstance(raw, dt.date):
        record.published = raw if not isinstance(raw, dt.datetime) else raw.date()
        return
    parsed = parse_date(str(raw))
    if parsed is None:
        record.meta["published_raw"] = str(raw)
    else:
        record.published = parsed


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")


def first_line_title(text: str, markdown: bool = False, limit: int = 300) -> str:
    """The first non-empty line, without markdown '#' marks, cut to a sane length."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                line = m.group(1)
        return line[:limit]
    return ""
