"""The common line of a JSONL article file (text fields only: no meta, spans or events) read,
checked and turned into the article table's row with the standard library and msgspec alone, so
the import's reading process (storage.import_reader) starts in milliseconds. The in-process
reader (storage.interchange) reads the same lines through the same functions."""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any, Callable, Iterator, NamedTuple, Optional

from storage.textkey import key_and_value

# storage.models.ArticleStatus's values (that module needs the ORM); a test keeps them equal.
STATUSES = frozenset({"new", "in_progress", "coded", "skipped", "flagged"})
NEW = "new"

# A line of a byte stream: ended by \n, \r\n or a lone \r, as a text stream with newline="" ends it.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d.%m.%Y", "%d-%m-%Y",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%d %B, %Y", "%A, %d %B %Y", "%A, %B %d, %Y", "%a, %d %b %Y", "%b. %d, %Y",
)


def bounded_lines(stream: Any, limit: int) -> Iterator[Any]:
    """The stream's lines (bytes or text), None in place of a line longer than `limit`."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) > limit and not line.endswith(newline):
            while True:  # the rest of that line, read in bounded pieces and dropped
                more = stream.readline(1 << 20)
                if not more or more.endswith(newline):
                    break
            yield None
        else:
            yield line


def logical_lines(physical: bytes) -> Any:
    """A line read up to "\\n" split at lone "\\r"s too (old Mac files), as text mode reads it."""
    return _LINE.findall(physical) if b"\r" in physical else (physical,)


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
    from email.utils import parsedate_to_datetime  # 7 ms to import: only for what is left

    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


class PlainArticle(NamedTuple):
    """An article from a plain line, checked as storage.interchange.record_from_json checks it."""

    text: str
    title: str
    source: str
    url: str
    published: Optional[dt.date]
    language: str
    status: str
    meta: dict[str, Any]


@lru_cache(maxsize=1)
def plain_decoder() -> Callable[[bytes], Any]:
    """msgspec's decoder of a plain line (imported on first use); it refuses any other shape."""
    import msgspec

    class PlainLine(msgspec.Struct, forbid_unknown_fields=True):
        """The common article line: text fields only (no meta, spans, events, extra columns)."""

        text: str
        title: str = ""
        source: str = ""
        url: str = ""
        published: Optional[str] = None
        language: str = ""
        status: str = ""
        id: Any = None  # the exporting workspace's; not kept

    return msgspec.json.Decoder(PlainLine).decode


def plain_article(line: Any) -> Optional[PlainArticle]:
    """A decoded plain line as an article, or None when it has a problem (the general reader
    words it)."""
    text, status = line.text, line.status or NEW
    if not text or text.isspace() or status not in STATUSES:
        return None
    published, meta = line.published, {}
    date = None
    if published:  # storage.importers.records.apply_published for a str
        date = parse_date(published)
        if date is None:
            meta["published_raw"] = published
    return PlainArticle(text, line.title, line.source, line.url, date, line.language or "en", status, meta)


def db_datetime(value: dt.datetime) -> str:
    """A datetime as SQLAlchemy's SQLite DateTime type stores it (naive UTC, microseconds)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def article_row(article: Any, digest: Optional[str], text_value: Any, imported_at: str) -> tuple[Any, ...]:
    """The article table's row (storage.importers.store's column order) of an article (a
    PlainArticle or an ArticleRecord without its own import time) and its duplicate key (None:
    key_rows computes it from the text in the row)."""
    published, meta = article.published, article.meta
    return (article.title, text_value, article.source, article.url, published.isoformat() if published else None,
            article.language, digest, article.status, imported_at, json.dumps(meta) if meta else "{}",
            len(article.text))


def key_rows(rows: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], int]:
    """article_row rows made without their key (the text as str): keyed, the text bound as
    for a UTF-8 database, and the batch's repeats of a text dropped (how many: the second)."""
    seen: set[str] = set()
    keyed: list[tuple[Any, ...]] = []
    for row in rows:
        digest, value = key_and_value(row[1])
        if digest in seen:
            continue
        seen.add(digest)
        keyed.append((row[0], value, row[2], row[3], row[4], row[5], digest, row[7], row[8], row[9], row[10]))
    return keyed, len(rows) - len(keyed)
