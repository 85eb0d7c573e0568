"""The JSONL interchange file (DESIGN section 6): one article a line with its spans, events and
evidence; export and import are inverse.

Besides article lines (any object with a "text" key), the file may hold workspace records,
objects with a "kind" key and no "text", written after the articles:
  {"kind": "patterns", "patterns": [{"text", "label", "polarity", "context", "hits", "coder"}]}
  {"kind": "codebook", "name", "version", "definition": {...}}
  {"kind": "actors", "actors": [{"name", "inter_code", "aliases"}]}
  {"kind": "coders", "coders": ["ana", ...]}
Readers that only want articles skip lines without "text". Offsets are code points into text.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from functools import lru_cache
from typing import IO, Any, Callable, Iterator, Optional, Sequence, Union

from sqlmodel import col, select

from storage.db import read_session
from storage.importers.decode import MAX_FILE_BYTES
from storage.importers.records import (
    ArticleRecord,
    EventRecord,
    EvidenceRecord,
    SpanRecord,
    apply_published,
)
from storage.jsonl_lines import json_line
from storage.plain_lines import bounded_lines, logical_lines, plain_article, plain_decoder
from storage.models import (
    CORE_EVENT_FIELDS,
    Actor,
    Adjudication,
    Article,
    ArticleStatus,
    Assignment,
    Coder,
    Codebook,
    EntitySpan,
    Event,
    Evidence,
    LearnedPattern,
    SpanOrigin,
    SpanState,
)
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository, event_fields
from storage.scratch import scratch_folder

WORKSPACE_KINDS = ("patterns", "codebook", "actors", "coders")
EXPORT_BATCH = 500
# Keys an article line may carry; "id" is the exporting workspace's and is not kept.
_ARTICLE_KEYS = frozenset({"id", "title", "text", "source", "url", "published", "language", "status",
                           "imported_at", "meta", "spans", "events", "assignments", "adjudicated"})
_STATUSES = frozenset(s.value for s in ArticleStatus)
_STATES = frozenset(s.value for s in SpanState)
_ORIGINS = frozenset(o.value for o in SpanOrigin)
_NEW = ArticleStatus.NEW.value

_CORE_TYPES: dict[str, type] = {
    name: Event.__table__.columns[name].type.python_type for name in CORE_EVENT_FIELDS  # type: ignore[attr-defined]
}


class RecordProblem(ValueError):
    """A line of the file that cannot be imported, with the reason in words."""


# ---- reading ---------------------------------------------------------------------------------
def _str(obj: dict[str, Any], key: str, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, (str, int, float)):
        raise RecordProblem(f"'{key}' must be text")
    return str(value)


def _when(value: Any, what: str) -> Optional[dt.datetime]:
    if value in (None, ""):
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise RecordProblem(f"{what}: '{value}' is not a date-time") from None


def _offsets(item: dict[str, Any], n: int, what: str) -> tuple[int, int]:
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise RecordProblem(f"{what}: start and end must be whole numbers")
    if not 0 <= start < end <= n:
        raise RecordProblem(f"{what}: offsets {start}-{end} outside the text (length {n})")
    return start, end


def _core_value(name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = _CORE_TYPES[name]
    try:
        if kind is dt.date:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        if kind is float:
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise RecordProblem(f"field '{name}': '{value}' is not a {kind.__name__}") from None


def _span(item: Any, text: str, i: int) -> SpanRecord:
    what = f"span {i + 1}"
    if not isinstance(item, dict):
        raise RecordProblem(f"{what}: expected an object")
    start, end = _offsets(item, len(text), what)
    label = _str(item, "label")
    if not label:
        raise RecordProblem(f"{what}: no label")
    state = _str(item, "state", SpanState.SUGGESTED.value)
    origin = _str(item, "origin", SpanOrigin.MODEL.value)
    if state not in _STATES:
        raise RecordProblem(f"{what}: unknown state '{state}'")
    if origin not in _ORIGINS:
        raise RecordProblem(f"{what}: unknown origin '{origin}'")
    if "text" in item and item["text"] != text[start:end]:
        # Catches offsets counted in another unit (UTF-16, bytes) by the tool that wrote them.
        raise RecordProblem(f"{what}: text {item['text']!r} does not match offsets {start}-{end}")
    return SpanRecord(start=start, end=end, label=label, state=state, origin=origin,
                      coder=item.get("coder"), model_name=item.get("model_name"),
                      model_version=item.get("model_version"),
                      created_at=_when(item.get("created_at"), what), updated_at=_when(item.get("updated_at"), what))


def _event(item: Any, text: str, i: int) -> EventRecord:
    what = f"event {i + 1}"
    if not isinstance(item, dict):
        raise RecordProblem(f"{what}: expected an object")
    fields = item.get("fields") or {}
    if not isinstance(fields, dict):
        raise RecordProblem(f"{what}: 'fields' must be an object")
    ev = EventRecord(uid=item.get("uid") or None, coder=item.get("coder") or None,
                     codebook_name=_str(item, "codebook", "acled") or "acled",
                     codebook_version=_str(item, "codebook_version", "1") or "1",
                     created_at=_when(item.get("created_at"), what), updated_at=_when(item.get("updated_at"), what))
    if item.get("gold") not in (None, False, True):
        raise RecordProblem(f"{what}: 'gold' must be true or false")
    sources = item.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(u, str) for u in sources):
        raise RecordProblem(f"{what}: 'sources' must be a list of event uids")
    ev.gold, ev.sources = bool(item.get("gold")), list(sources)
    for name, value in fields.items():
        if name in _CORE_TYPES:
            try:
                ev.core[name] = _core_value(name, value)
            except RecordProblem as exc:
                raise RecordProblem(f"{what}: {exc}") from None
        elif value is not None and value != "":
            ev.extra[str(name)] = value
    evidence = item.get("evidence") or []
    if not isinstance(evidence, list):
        raise RecordProblem(f"{what}: 'evidence' must be a list")
    seen: set[str] = set()
    for j, e in enumerate(evidence):
        if not isinstance(e, dict) or not e.get("field"):
            raise RecordProblem(f"{what}: evidence {j + 1} needs a field name")
        start, end = _offsets(e, len(text), f"{what}, evidence for '{e['field']}'")
        if e["field"] in seen:
            raise RecordProblem(f"{what}: two evidence spans for '{e['field']}'")
        seen.add(e["field"])
        ev.evidence.append(EvidenceRecord(field=str(e["field"]), start=start, end=end))
    return ev


def record_from_json(obj: Any) -> ArticleRecord:
    """An article line of the interchange file, checked; raises RecordProblem.
    The usual values (text fields that are strings, no spans) skip the helper calls: this runs
    once per imported article, so it is written for speed with the same checks in the same order."""
    if not isinstance(obj, dict):
        raise RecordProblem("expected an object")
    get = obj.get
    text = get("text")
    if not isinstance(text, str):
        raise RecordProblem("'text' must be a string")
    if not text or text.isspace():
        raise RecordProblem("empty text")
    meta = get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordProblem("'meta' must be an object")
    status = get("status")
    status = (status if type(status) is str else _str(obj, "status", _NEW)) or _NEW
    if status not in _STATUSES:
        raise RecordProblem(f"unknown status '{status}'")
    title, source, url, language, imported_at = (
        get("title"), get("source"), get("url"), get("language"), get("imported_at"))
    rec = ArticleRecord(text=text, title=title if type(title) is str else _str(obj, "title"),
                        source=source if type(source) is str else _str(obj, "source"),
                        url=url if type(url) is str else _str(obj, "url"),
                        language=(language if type(language) is str else _str(obj, "language", "en")) or "en",
                        status=status, meta=dict(meta),
                        imported_at=None if imported_at is None else _when(imported_at, "imported_at"))
    if not _ARTICLE_KEYS.issuperset(obj):
        for key, value in obj.items():
            # Other tools' extra columns (author, section...) are kept, not dropped.
            if key not in _ARTICLE_KEYS and value not in (None, "") and key not in rec.meta:
                rec.meta[key] = value
    published = get("published")
    if published is not None and published != "":
        apply_published(rec, published)
    spans, events = get("spans") or [], get("events") or []
    if not isinstance(spans, list) or not isinstance(events, list):
        raise RecordProblem("'spans' and 'events' must be lists")
    if spans:
        rec.spans = [_span(s, text, i) for i, s in enumerate(spans)]
    if events:
        rec.events = [_event(e, text, i) for i, e in enumerate(events)]
    if get("assignments") or get("adjudicated"):
        _teams(obj, rec)
    return rec


def _teams(obj: dict[str, Any], rec: ArticleRecord) -> None:
    """Who codes the article with their own status, and whether it was adjudicated."""
    assignments = obj.get("assignments") or []
    if not isinstance(assignments, list):
        raise RecordProblem("'assignments' must be a list")
    for i, a in enumerate(assignments):
        if not isinstance(a, dict) or not isinstance(a.get("coder"), str) or not a["coder"].strip():
            raise RecordProblem(f"assignment {i + 1}: needs a coder name")
        status = a.get("status") or _NEW
        if status not in _STATUSES:
            raise RecordProblem(f"assignment {i + 1}: unknown status '{status}'")
        rec.assignments.append((a["coder"].strip(), status))
    adjudicated = obj.get("adjudicated")
    if adjudicated:
        if not isinstance(adjudicated, dict):
            raise RecordProblem("'adjudicated' must be an object")
        rec.adjudicated_by = str(adjudicated.get("by") or "")


def workspace_record(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A non-article line (patterns, codebook, actors, coders), checked and normalized."""
    kind = obj.get("kind")
    if kind not in WORKSPACE_KINDS:
        raise RecordProblem("no 'text'" if kind is None else f"unknown record kind '{kind}'")
    try:
        if kind == "patterns":
            return kind, {"patterns": [
                dict(text=str(p["text"]), label=str(p["label"]), polarity=str(p.get("polarity") or "accept"),
                     context=str(p.get("context") or ""), hits=int(p.get("hits") or 1), coder=p.get("coder"))
                for p in obj["patterns"]]}
        if kind == "codebook":
            if not isinstance(obj["definition"], dict):
                raise TypeError
            return kind, {"name": str(obj["name"]), "version": str(obj["version"]), "definition": obj["definition"]}
        if kind == "actors":
            return kind, {"actors": [
                dict(name=str(a["name"]), inter_code=None if a.get("inter_code") is None else int(a["inter_code"]),
                     aliases=[str(x) for x in a.get("aliases") or []])
                for a in obj["actors"]]}
        return kind, {"coders": [str(c) for c in obj["coders"]]}
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordProblem(f"malformed '{kind}' record ({type(exc).__name__}: {exc})") from None


Line = Union[ArticleRecord, tuple[str, dict[str, Any]], RecordProblem]


def _line_item(obj: Any) -> Line:
    try:
        if isinstance(obj, dict) and "text" not in obj:
            return workspace_record(obj)
        return record_from_json(obj)
    except RecordProblem as exc:
        return exc


# A \uD800-\uDFFF escape: json decodes an unpaired one to a lone surrogate no UTF-8 can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _text_line_item(line: str) -> Line:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return RecordProblem(f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:  # one hostile line must not end the whole file
        return RecordProblem("JSON nested too deeply to be an article")
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return RecordProblem("holds a number of more than 4,300 digits; line skipped")
    if _SURROGATE_ESCAPE.search(line):
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return RecordProblem("holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF), not valid text")
    return _line_item(obj)


def iter_jsonl(stream: IO[str]) -> Iterator[tuple[int, Line]]:
    """(line number, item) for each non-blank line: an ArticleRecord, a workspace record
    (kind, payload), or the RecordProblem that line has. Streams; never reads ahead."""
    for number, line in enumerate(bounded_lines(stream, MAX_LINE_BYTES), start=1):
        if line is None:
            yield number, too_long_line()
        elif line.strip():
            yield number, _text_line_item(line)


# One line is one article: it gets the limit of one article file, and a longer one is skipped
# while it is read (never held whole in memory).
MAX_LINE_BYTES = MAX_FILE_BYTES


def too_long_line() -> RecordProblem:
    return RecordProblem(f"longer than {MAX_LINE_BYTES // 2**20} MB, the limit for one article; line skipped")


@lru_cache(maxsize=1)
def _any_json() -> Callable[[bytes], Any]:
    """msgspec's decoder of any JSON value (imported on first use)."""
    import msgspec

    return msgspec.json.Decoder().decode


def _plain_record(line: Any) -> Optional[ArticleRecord]:
    """record_from_json for a plain line, or None when it has a problem (record_from_json words it)."""
    article = plain_article(line)
    if article is None:
        return None
    return ArticleRecord(text=article.text, title=article.title, source=article.source, url=article.url,
                         language=article.language, status=article.status, published=article.published,
                         meta=article.meta)


def line_item(line: bytes) -> Optional[Line]:
    """What a UTF-8 line of an interchange file holds, read as iter_jsonl_bytes reads it; None
    for a blank line."""
    try:
        record = _plain_record(plain_decoder()(line))
    except Exception:  # another shape of line: the general path below
        record = None
    if record is not None:
        return record
    try:
        obj = _any_json()(line)
    except Exception:  # malformed, bad UTF-8, too deep: json decides, as on the text path
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            # One bad byte costs its line, not the rest of the file.
            return RecordProblem(f"byte 0x{line[exc.start]:02X} at column {exc.start + 1} is not "
                                 "UTF-8; line skipped")
        return _text_line_item(text) if text.strip() else None
    return _line_item(obj)


def iter_jsonl_bytes(raw: IO[bytes]) -> Iterator[tuple[int, Line]]:
    """iter_jsonl for a UTF-8 file read as bytes: the same items and line numbers, without
    decoding every line before parsing it (msgspec parses UTF-8 and checks it as it goes).
    A plain article line is decoded straight into its fields; a line msgspec refuses takes the
    text path, so what json alone accepts (NaN, lone surrogates) still reads the same, and a
    problem is worded by json as before."""
    number = 0
    for physical in bounded_lines(raw, MAX_LINE_BYTES):
        if physical is None:
            number += 1
            yield number, too_long_line()
            continue
        for line in logical_lines(physical):
            number += 1
            item = line_item(line)
            if item is not None:
                yield number, item


# ---- writing ---------------------------------------------------------------------------------
def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _article_json(article: Article, spans: Sequence[EntitySpan],
                  events: Sequence[tuple[Event, Sequence[Evidence]]],
                  assignments: Sequence[Assignment] = (), adjudication: Optional[Adjudication] = None) -> dict[str, Any]:
    text = article.text
    teams: dict[str, Any] = {}
    if assignments:
        teams["assignments"] = [{"coder": a.coder, "status": a.status} for a in assignments]
    if adjudication is not None:
        teams["adjudicated"] = {"by": adjudication.adjudicator, "at": _iso(adjudication.adjudicated_at)}
    return {
        "id": article.id, "title": article.title, "text": text, "source": article.source, "url": article.url,
        "published": _iso(article.published), "language": article.language, "status": article.status,
        "imported_at": _iso(article.imported_at), "meta": article.meta or {},
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "state": s.state, "origin": s.origin,
             "text": text[s.start:s.end], "coder": s.coder, "model_name": s.model_name,
             "model_version": s.model_version, "created_at": _iso(s.created_at), "updated_at": _iso(s.updated_at)}
            for s in spans
        ],
        "events": [
            {"uid": e.uid, "coder": e.coder, "codebook": e.codebook_name, "codebook_version": e.codebook_version,
             "created_at": _iso(e.created_at), "updated_at": _iso(e.updated_at),
             "fields": {k: _iso(v) for k, v in event_fields(e).items() if v is not None},
             "evidence": [{"field": ev.field, "start": ev.start, "end": ev.end, "text": text[ev.start:ev.end]}
                          for ev in sorted(evidence, key=lambda x: (x.start, x.field))],
             **({"gold": True, "sources": list(e.sources or [])} if e.gold else {})}
            for e, evidence in events
        ],
        **teams,
    }


def _workspace_lines(repo: Repository) -> Iterator[dict[str, Any]]:
    with read_session(repo.engine) as s:
        for cb in s.exec(select(Codebook).order_by(Codebook.name, Codebook.version)).all():
            yield {"kind": "codebook", "name": cb.name, "version": cb.version, "definition": cb.definition}
        actors = s.exec(select(Actor).order_by(Actor.name)).all()
        if actors:
            yield {"kind": "actors", "actors": [{"name": a.name, "inter_code": a.inter_code, "aliases": a.aliases}
                                                for a in actors]}
        coders = s.exec(select(Coder.name).order_by(col(Coder.name))).all()
        if coders:
            yield {"kind": "coders", "coders": list(coders)}
        patterns = s.exec(select(LearnedPattern).order_by(col(LearnedPattern.id))).all()
        for i in range(0, len(patterns), 1000):
            yield {"kind": "patterns", "patterns": [
                {"text": p.text, "label": p.label, "polarity": p.polarity, "context": p.context,
                 "hits": p.hits, "coder": p.coder} for p in patterns[i: i + 1000]]}


def export_jsonl(repo: Repository, out_path: str | Path, article_ids: Optional[Sequence[int]] = None,
                 progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> int:
    """Write the workspace (or the given articles) as interchange JSONL; returns articles written.
    Written to a temporary file renamed at the end, so a failed export leaves no half file.
    Workspace records (codebooks, actors, coders, learned patterns) follow the articles."""
    out_path = Path(out_path)
    with read_session(repo.engine) as s:
        ids = list(article_ids) if article_ids is not None else [
            i for i in s.exec(select(Article.id).order_by(col(Article.id))).all() if i is not None]
    total, written = len(ids), 0
    with scratch_folder(out_path) as folder:
        tmp = folder / "export.part"
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for i in range(0, total, EXPORT_BATCH):
                if cancelled():
                    break
                part = ids[i: i + EXPORT_BATCH]
                for obj in _batch_json(repo, part):
                    fh.write(json_line(obj))
                    written += 1
                progress(min(i + EXPORT_BATCH, total), total, f"{written} articles")
            for obj in _workspace_lines(repo):
                fh.write(json_line(obj))
        os.replace(tmp, out_path)
    return written


def _batch_json(repo: Repository, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    with read_session(repo.engine) as s:
        articles = {a.id: a for a in s.exec(select(Article).where(col(Article.id).in_(ids))).all()}
        spans: dict[int, list[EntitySpan]] = {}
        for sp in s.exec(select(EntitySpan).where(col(EntitySpan.article_id).in_(ids))
                         .order_by(col(EntitySpan.article_id), col(EntitySpan.start), col(EntitySpan.end),
                                   col(EntitySpan.id))).all():
            spans.setdefault(sp.article_id, []).append(sp)
        events = list(s.exec(select(Event).where(col(Event.article_id).in_(ids)).order_by(col(Event.id))).all())
        evidence: dict[int, list[Evidence]] = {}
        ev_ids = [e.id for e in events]
        for j in range(0, len(ev_ids), 900):
            for ev in s.exec(select(Evidence).where(col(Evidence.event_id).in_(ev_ids[j: j + 900]))).all():
                evidence.setdefault(ev.event_id, []).append(ev)
        assigned: dict[int, list[Assignment]] = {}
        for a in s.exec(select(Assignment).where(col(Assignment.article_id).in_(ids))
                        .order_by(col(Assignment.article_id), col(Assignment.coder))).all():
            assigned.setdefault(a.article_id, []).append(a)
        adjudicated = {a.article_id: a for a in s.exec(select(Adjudication).where(
            col(Adjudication.article_id).in_(ids))).all()}
    by_article: dict[int, list[tuple[Event, Sequence[Evidence]]]] = {}
    for e in events:
        by_article.setdefault(e.article_id, []).append((e, evidence.get(e.id, [])))  # type: ignore[arg-type]
    for aid in ids:
        if aid in articles:
            yield _article_json(articles[aid], spans.get(aid, []), by_article.get(aid, []),
                                assigned.get(aid, []), adjudicated.get(aid))
