"""What the other tools' readers and writers share: the article shapes going in and out, the
one-line problem, bounded reading of JSON files, and span records as imported."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from storage.importers.decode import MAX_FILE_BYTES
from storage.importers.records import ArticleRecord, SpanRecord, first_line_title


class FormatProblem(Exception):
    """Why a tool's file cannot be imported or written, in one line (the caller names the file)."""


@dataclass
class ToolRead:
    """The articles of one tool file, whole, and notes on what was left out or changed."""

    records: list[ArticleRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class SpanOut:
    start: int
    end: int
    label: str


@dataclass
class ArticleOut:
    """An article as the tool exports write it: its text exactly, and its accepted spans."""

    id: int
    title: str
    text: str
    source: str = ""
    url: str = ""
    published: Optional[str] = None
    spans: list[SpanOut] = field(default_factory=list)


def imported_span(start: int, end: int, label: Any, coder: Optional[str] = None, state: str = "accepted",
                  origin: str = "coder", model_name: Optional[str] = None) -> SpanRecord:
    return SpanRecord(start=start, end=end, label=clean_label(label), state=state, origin=origin, coder=coder,
                      model_name=model_name)


def clean_label(label: Any) -> str:
    if not isinstance(label, str) or not label.strip():
        raise FormatProblem(f"a span has no label ({label!r})")
    return label.strip()[:100]


def article_record(text: Any, tool: str, where: str, spans: list[SpanRecord], title: str = "",
                   meta: Optional[dict[str, Any]] = None) -> ArticleRecord:
    """An imported article; spans outside the text or empty make the whole file fail."""
    if not isinstance(text, str) or not text.strip():
        raise FormatProblem(f"{where}: no text")
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise FormatProblem(f"{where}: span {span.start}-{span.end} ({span.label}) lies outside the text")
    unique: dict[tuple[int, int, str], SpanRecord] = {}
    for span in spans:  # the same span twice (two annotators, two label sets) is one span
        unique.setdefault((span.start, span.end, span.label), span)
    return ArticleRecord(text=text, title=(title or first_line_title(text))[:300],
                         meta={"tool": tool, **(meta or {})}, spans=list(unique.values()))


def check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FormatProblem(f"cannot read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise FormatProblem(f"too large ({size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)")


def read_utf8(path: Path) -> str:
    """A tool's file as UTF-8 text (all these tools write UTF-8), newlines untranslated."""
    check_size(path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise FormatProblem(f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise FormatProblem(f"cannot read ({exc.strerror or exc})") from None


def load_json(path: Path) -> Any:
    text = read_utf8(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatProblem(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise FormatProblem("JSON nested too deeply") from None


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-empty line; a bad line fails the file."""
    text = read_utf8(path)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatProblem(f"line {number}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise FormatProblem(f"line {number}: JSON nested too deeply") from None
        if not isinstance(obj, dict):
            raise FormatProblem(f"line {number}: not a JSON object")
        yield number, obj


def first_json_line(path: Path, limit: int = 1 << 20) -> Optional[dict[str, Any]]:
    """The first non-empty line of a JSON-lines file as an object (for detection), or None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(limit)
    except OSError:
        return None
    for raw in head.splitlines():
        if raw.strip():
            try:
                obj = json.loads(raw.decode("utf-8-sig"))
            except (ValueError, RecursionError):
                return None
            return obj if isinstance(obj, dict) else None
    return None


def int_offset(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatProblem(f"{where}: offset {value!r} is not a whole number")
    return value
