"""Prodigy JSONL: `{"text": ..., "spans": [{"start", "end", "label"}], "answer": "accept"}`.
Prodigy is Python: offsets are code points. Rejected and ignored answers are skipped."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Optional, TextIO

from storage.formats.common import (
    ArticleOut, FormatProblem, ToolRead, article_record, imported_span, int_offset, json_lines,
)
from storage.formats.offsets import CODE_POINTS, locate_span

OFFSETS = CODE_POINTS


def looks_like(obj: dict[str, Any]) -> bool:
    spans = obj.get("spans")
    return "text" in obj and (
        "answer" in obj or "_input_hash" in obj or "_task_hash" in obj
        or (isinstance(spans, list) and any(isinstance(s, dict) and "token_start" in s for s in spans)))


def read(path: Path) -> ToolRead:
    return read_records(json_lines(path))


def read_records(items: Iterable[tuple[int, dict[str, Any]]]) -> ToolRead:
    """The records of a JSON-lines file (or of a JSON list), numbered as lines."""
    out = ToolRead()
    skipped = 0
    for number, obj in items:
        where = f"line {number}"
        if obj.get("answer", "accept") != "accept":
            skipped += 1  # a rejected or ignored answer says nothing about the spans
            continue
        text = obj.get("text")
        if not isinstance(text, str):
            raise FormatProblem(f"{where}: no \"text\"")
        spans = []
        for item in obj.get("spans") or []:
            if not isinstance(item, dict):
                raise FormatProblem(f"{where}: a span is not an object")
            s, e = int_offset(item.get("start"), where), int_offset(item.get("end"), where)
            expected = item.get("text") if isinstance(item.get("text"), str) else None
            found = locate_span(text, s, e, expected, (OFFSETS,))
            if found is None:
                raise FormatProblem(f"{where}: span {s}-{e} ({item.get('label')}) does not fit the text")
            spans.append(imported_span(found[0], found[1], item.get("label"), coder=_coder(obj)))
        meta = given if isinstance(given := obj.get("meta"), dict) else {}
        title = named if isinstance(named := meta.get("title"), str) else ""
        out.records.append(article_record(text, "prodigy", where, spans, title=title))
    if skipped:
        out.notes.append(f"{skipped} rejected or ignored answers skipped")
    return out


def _coder(obj: dict[str, Any]) -> Optional[str]:
    name = obj.get("_annotator_id")
    return name if isinstance(name, str) and name else None


def _hash(*parts: str) -> int:
    # Prodigy's hashes are signed 32-bit integers; any stable one serves for de-duplication.
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little", signed=True)


def write(articles: Iterable[ArticleOut], out: TextIO) -> None:
    for art in articles:
        spans = [{"start": s.start, "end": s.end, "label": s.label, "text": art.text[s.start:s.end]}
                 for s in art.spans]
        input_hash = _hash(art.text)
        task = {"text": art.text, "meta": {"title": art.title, "chronicler_id": art.id},
                "_input_hash": input_hash,
                "_task_hash": _hash(art.text, json.dumps([[s["start"], s["end"], s["label"]] for s in spans])),
                "spans": spans, "answer": "accept"}
        out.write(json.dumps(task, ensure_ascii=False) + "\n")
