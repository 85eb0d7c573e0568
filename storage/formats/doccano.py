"""doccano sequence-labeling JSONL: `{"text": ..., "label": [[start, end, "LABEL"], ...]}` (or the
newer `"entities": [{"start_offset", "end_offset", "label"}]` with `"relations"`). doccano's
browser front end counts offsets in UTF-16 code units, so they are converted both ways."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, TextIO

from storage.formats.common import (
    ArticleOut, FormatProblem, ToolRead, article_record, imported_span, int_offset, json_lines,
)
from storage.formats.offsets import UTF16, OffsetMap, convert_span, to_unit
from storage.importers.records import SpanRecord

OFFSETS = UTF16


def looks_like(obj: dict[str, Any]) -> bool:
    label = obj.get("label")
    entities = obj.get("entities")
    return "text" in obj and (
        (isinstance(label, list) and all(isinstance(x, list) for x in label))
        or (isinstance(entities, list) and all(isinstance(x, dict) and "start_offset" in x for x in entities)))


def _spans(obj: dict[str, Any], text: str, where: str) -> list[SpanRecord]:
    raw: list[tuple[Any, Any, Any]] = []
    label = obj.get("label")
    if isinstance(label, list):
        for item in label:
            if not isinstance(item, list) or len(item) != 3:
                raise FormatProblem(f"{where}: a label is not [start, end, label] ({str(item)[:60]})")
            raw.append((item[0], item[1], item[2]))
    entities = obj.get("entities")
    if isinstance(entities, list):
        for item in entities:
            if not isinstance(item, dict):
                raise FormatProblem(f"{where}: an entity is not an object")
            raw.append((item.get("start_offset"), item.get("end_offset"), item.get("label")))
    maps: dict[str, OffsetMap] = {}
    spans = []
    for start, end, name in raw:
        s, e = int_offset(start, where), int_offset(end, where)
        found = convert_span(text, s, e, OFFSETS, maps)
        if found is None:
            raise FormatProblem(f"{where}: span {s}-{e} ({name}) does not fit the text "
                                f"(offsets are {OFFSETS})")
        spans.append(imported_span(found[0], found[1], name))
    return spans


def read(path: Path) -> ToolRead:
    return read_records(json_lines(path))


def read_records(items: Iterable[tuple[int, dict[str, Any]]]) -> ToolRead:
    """The records of a JSON-lines file (or of a JSON list), numbered as lines."""
    out = ToolRead()
    relations = 0
    for number, obj in items:
        where = f"line {number}"
        text = obj.get("text")
        if not isinstance(text, str):
            raise FormatProblem(f"{where}: no \"text\"")
        meta = {k: obj[k] for k in ("id",) if k in obj}
        out.records.append(article_record(text, "doccano", where, _spans(obj, text, where), meta=meta))
        if isinstance(obj.get("relations"), list):
            relations += len(obj["relations"])
    if relations:
        out.notes.append(f"{relations} relations not imported (Chronicler keeps entity spans only)")
    return out


def write(articles: Iterable[ArticleOut], out: TextIO) -> None:
    for art in articles:
        maps: dict[str, OffsetMap] = {}
        labels = [[*to_unit(art.text, s.start, s.end, OFFSETS, maps), s.label] for s in art.spans]
        out.write(json.dumps({"id": art.id, "text": art.text, "label": labels}, ensure_ascii=False) + "\n")
