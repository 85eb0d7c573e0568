"""What an importer produces before it is stored: an article with its spans, events, evidence;
plus the lenient date parsing and title helpers the formats share."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Optional

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


_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d.%m.%Y", "%d-%m-%Y",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%d %B, %Y", "%A, %d %B %Y", "%A, %B %d, %Y", "%a, %d %b %Y", "%b. %d, %Y",
)


@lru_cache(maxsize=4096)
def parse_date(raw: str) -> Optional[dt.date]:
    """A publication date from the usual ways of writing one (ISO dates and datetimes,
    RFC 2822, '16 August 2024', 'Aug 16, 2024', '16.08.2024', '08/16/2024'); None if unsure."""
    value = " ".join(str(raw).split()).strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if m:
        a, b, year = (int(x) for x in m.groups())
        # Slashes are ambiguous: month first (US wire style) unless that cannot be a date.
        for month, day in ((a, b), (b, a)):
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


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
