"""Label Studio JSON export: a list of tasks `{"data": {"text": ...}, "annotations": [{"result":
[{"type": "labels", "value": {"start", "end", "text", "labels": [...]}}]}], "predictions": [...]}`.
Current Label Studio writes code points; older front ends wrote UTF-16 code units. Each result
carries its text, so the unit that covers exactly that text is taken."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Optional, TextIO

from storage.formats.common import (
    ArticleOut, FormatProblem, ToolRead, article_record, imported_span, int_offset, load_json,
)
from storage.formats.offsets import CODE_POINTS, UTF16, OffsetMap, locate_span
from storage.importers.records import SpanRecord

UNITS = (CODE_POINTS, UTF16)


def looks_like(data: Any) -> bool:
    tasks = data if isinstance(data, list) else [data]
    return bool(tasks) and isinstance(tasks[0], dict) and isinstance(tasks[0].get("data"), dict) and (
        "annotations" in tasks[0] or "predictions" in tasks[0] or "completions" in tasks[0])


def _task_text(task: dict[str, Any], where: str) -> tuple[str, str]:
    """(data key, text): "text" when there, else the task's only (or longest) string value."""
    data = task.get("data")
    if not isinstance(data, dict):
        raise FormatProblem(f"{where}: no \"data\"")
    if isinstance(data.get("text"), str):
        return "text", data["text"]
    strings = [(k, v) for k, v in data.items() if isinstance(v, str) and v.strip()]
    if not strings:
        raise FormatProblem(f"{where}: no text in \"data\"")
    return max(strings, key=lambda kv: len(kv[1]))


def _coder(annotation: dict[str, Any]) -> Optional[str]:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username")
    return who if isinstance(who, str) and who else None


def _results(task: dict[str, Any], text: str, where: str) -> tuple[list[SpanRecord], int]:
    """Spans of the task's annotations (accepted) and predictions (suggested), and how many
    results were relations or other kinds, not imported."""
    spans: list[SpanRecord] = []
    other = 0
    maps: dict[str, OffsetMap] = {}
    groups = [("annotations", a) for a in task.get("annotations") or task.get("completions") or []]
    groups += [("predictions", p) for p in task.get("predictions") or []]
    for kind, group in groups:
        if not isinstance(group, dict) or group.get("was_cancelled"):
            continue
        for result in group.get("result") or []:
            value = result.get("value") if isinstance(result, dict) else None
            if not isinstance(value, dict) or "start" not in value or not value.get("labels"):
                other += 1
                continue
            s, e = int_offset(value["start"], where), int_offset(value.get("end"), where)
            expected = value.get("text") if isinstance(value.get("text"), str) else None
            found = locate_span(text, s, e, expected, UNITS, maps)
            if found is None:
                raise FormatProblem(f"{where}: span {s}-{e} ({value.get('labels')}) does not fit the text")
            for label in value["labels"]:
                if kind == "annotations":
                    spans.append(imported_span(found[0], found[1], label, coder=_coder(group)))
                else:
                    version = group.get("model_version")
                    spans.append(imported_span(found[0], found[1], label, state="suggested", origin="model",
                                               model_name=str(version) if version else "label-studio"))
    return spans, other


def read(path: Path) -> ToolRead:
    data = load_json(path)
    tasks = data if isinstance(data, list) else [data]
    out = ToolRead()
    other = 0
    for number, task in enumerate(tasks, 1):
        where = f"task {number}"
        if not isinstance(task, dict):
            raise FormatProblem(f"{where}: not a JSON object")
        key, text = _task_text(task, where)
        spans, skipped = _results(task, text, where)
        other += skipped
        meta = {k: task[k] for k in ("id",) if k in task}
        title = task["data"].get("title") if isinstance(task["data"].get("title"), str) else ""
        out.records.append(article_record(text, "labelstudio", where, spans, title=title, meta=meta))
    if other:
        out.notes.append(f"{other} results that are not labelled text spans (relations, choices, ...) not imported")
    return out


def write(articles: Iterable[ArticleOut], out: TextIO) -> None:
    """Tasks for a Labels control named "label" on a Text object named "text"."""
    out.write("[")
    for i, art in enumerate(articles):
        result = [{"id": f"c{art.id}-{j}", "from_name": "label", "to_name": "text", "type": "labels",
                   "origin": "manual",
                   "value": {"start": s.start, "end": s.end, "text": art.text[s.start:s.end], "labels": [s.label]}}
                  for j, s in enumerate(art.spans)]
        task = {"id": art.id, "data": {"text": art.text, "title": art.title},
                "annotations": [{"result": result, "was_cancelled": False}]}
        out.write(("," if i else "") + "\n" + json.dumps(task, ensure_ascii=False))
    out.write("\n]\n")
