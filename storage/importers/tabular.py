"""CSV files, one article a row: a header names the columns title/text/source/url/published
(any case; other columns go to the article's meta); the text column is required."""
from __future__ import annotations

import csv
import sys
from typing import IO, Iterator, Union

from storage.importers.decode import MAX_FILE_BYTES, FileProblem
from storage.importers.records import ArticleRecord, apply_published
from storage.interchange import RecordProblem

KNOWN_COLUMNS = ("title", "text", "source", "url", "published")
# Aliases seen in real exports (newspaper scrapers, Factiva/LexisNexis dumps).
_ALIASES = {"body": "text", "content": "text", "article": "text", "headline": "title", "link": "url",
            "date": "published", "publication_date": "published", "pub_date": "published"}
_DELIMITERS = (",", ";", "\t", "|")

# One cell may hold a whole long article: raise the csv module's 128 KB default.
csv.field_size_limit(min(sys.maxsize, MAX_FILE_BYTES))


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().strip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in KNOWN_COLUMNS and name not in found:
            found[name] = i
    for i, name in enumerate(names):
        alias = _ALIASES.get(name)
        if alias and alias not in found:
            found[alias] = i
    return found


def _pick_delimiter(first_line: str) -> str:
    """The delimiter that makes the header name a text column, else the most frequent one."""
    for delim in _DELIMITERS:
        header = next(csv.reader([first_line], delimiter=delim), [])
        if "text" in _columns(header):
            return delim
    return max(_DELIMITERS, key=first_line.count)


Row = Union[ArticleRecord, RecordProblem]


def iter_csv(stream: IO[str]) -> Iterator[tuple[int, Row]]:
    """(line number where the row starts, article or problem) for each data row. Raises
    FileProblem when the header has no text column. Streams row by row."""
    first, line_base = stream.readline(), 1
    while first and not first.strip():
        first, line_base = stream.readline(), line_base + 1
    if not first:
        raise FileProblem("empty file")
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's hint line ("sep=;") names the delimiter; the header follows it.
        delim = first.strip()[4]
        first, line_base = stream.readline(), line_base + 1
    else:
        delim = _pick_delimiter(first)
    header = next(csv.reader([first], delimiter=delim), [])
    cols = _columns(header)
    if "text" not in cols:
        shown = ", ".join(h.strip() for h in header if h.strip())[:200] or "nothing"
        raise FileProblem(f"no 'text' column in the header (found: {shown})")
    others = [(i, h.strip()) for i, h in enumerate(header) if i not in cols.values() and h.strip()]
    reader = csv.reader(stream, delimiter=delim, strict=True)
    while True:
        start = line_base + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The strict reader resumes at the next line, so later rows still import.
            yield start, RecordProblem(f"malformed CSV ({exc})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield start, RecordProblem(f"{len(row)} cells but the header has {len(header)}")
            continue
        cell = dict(zip(range(len(row)), row))
        text = cell.get(cols["text"], "")
        if not text or text.isspace():
            yield start, RecordProblem("empty text")
            continue
        rec = ArticleRecord(text=text, title=cell.get(cols.get("title", -1), "").strip(),
                            source=cell.get(cols.get("source", -1), "").strip(),
                            url=cell.get(cols.get("url", -1), "").strip())
        rec.meta = {name: cell[i] for i, name in others if cell.get(i, "") != ""}
        apply_published(rec, cell.get(cols.get("published", -1), "").strip())
        yield start, rec
