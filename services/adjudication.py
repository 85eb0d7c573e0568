"""Adjudication data for the view the GUI builds on it: two coders' versions of an article's
events paired as agreement pairs them, compared field by field with their evidence, and the
gold event made from the adjudicator's choice per field."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from coding.agreement import comparable, field_levels
from coding.codebook import default_codebook, find_codebook
from coding.matching import CodedEvent, match_article, match_keys
from coding.schema import Codebook, FieldSpec
from storage.models import Event
from storage.repo_types import EventWithEvidence, event_fields


@dataclass
class FieldSide:
    """One field of a pair: each side's value and evidence (start, end), and whether they differ."""

    name: str
    label: str
    a: Any
    b: Any
    evidence_a: Optional[tuple[int, int]]
    evidence_b: Optional[tuple[int, int]]
    differs: bool


@dataclass
class Version:
    """Two coders' versions of one event (either side None when only one coder found it)."""

    a: Optional[EventWithEvidence]
    b: Optional[EventWithEvidence]
    fields: list[FieldSide] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return [e.event.uid for e in (self.a, self.b) if e is not None]

    @property
    def differing(self) -> list[str]:
        return [f.name for f in self.fields if f.differs]


def _codebook(repo: Any, events: Sequence[EventWithEvidence]) -> Codebook:
    if events:
        first = events[0].event
        book = find_codebook(first.codebook_name, first.codebook_version, repo=repo)
        if book is not None:
            return book
    return default_codebook()


def _coded(e: EventWithEvidence) -> CodedEvent:
    return CodedEvent(e.event.uid, e.event.article_id, e.event.coder or "", event_fields(e.event))


def _evidence(e: Optional[EventWithEvidence], name: str) -> Optional[tuple[int, int]]:
    if e is None or name not in e.evidence:
        return None
    ev = e.evidence[name]
    return (ev.start, ev.end)


def compare_versions(book: Codebook, a: Optional[EventWithEvidence], b: Optional[EventWithEvidence]) -> Version:
    """Every codebook field side by side; a difference is judged as agreement judges it
    (case and spacing of names ignored), other fields by plain equality."""
    levels = field_levels(book)
    version = Version(a, b)
    va = event_fields(a.event) if a is not None else {}
    vb = event_fields(b.event) if b is not None else {}
    for f in book.fields:
        x, y = va.get(f.name), vb.get(f.name)
        level = levels.get(f.name)
        differs = (comparable(x, level) != comparable(y, level)) if level else (x != y)
        version.fields.append(FieldSide(f.name, f.label or f.name, x, y, _evidence(a, f.name),
                                        _evidence(b, f.name), differs))
    return version


def article_versions(repo: Any, article_id: int, coder_a: str, coder_b: str) -> list[Version]:
    """The two coders' events of the article, paired one to one as agreement pairs them;
    events only one coder found come after the pairs, with the other side empty."""
    events = [e for e in repo.article_events(article_id) if not e.event.gold]
    book = _codebook(repo, events)
    side_a = [e for e in events if e.event.coder == coder_a]
    side_b = [e for e in events if e.event.coder == coder_b]
    pairs = match_article([_coded(e) for e in side_a], [_coded(e) for e in side_b], match_keys(book))
    versions = [compare_versions(book, side_a[i], side_b[j]) for i, j in sorted(pairs)]
    used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
    versions += [compare_versions(book, e, None) for i, e in enumerate(side_a) if i not in used_a]
    versions += [compare_versions(book, None, e) for j, e in enumerate(side_b) if j not in used_b]
    return versions


@dataclass(frozen=True)
class Edited:
    """The adjudicator's own value for a field (neither side's)."""

    value: Any


def gold_from_choices(version: Version, choices: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """The gold event's values and evidence: per field "a" or "b" takes that side (value and
    evidence); an Edited(value) sets a value of the adjudicator's own (no evidence); a field
    not named takes the side both agree on, else side a when it has one."""
    values: dict[str, Any] = {}
    evidence: dict[str, tuple[int, int]] = {}
    for f in version.fields:
        choice = choices.get(f.name)
        if isinstance(choice, Edited):
            values[f.name] = choice.value
            continue
        side = choice if choice in ("a", "b") else ("a" if version.a is not None else "b")
        value, span = (f.a, f.evidence_a) if side == "a" else (f.b, f.evidence_b)
        if value is not None:
            values[f.name] = value
        if span is not None:
            evidence[f.name] = span
    return values, evidence


def adjudicate(repo: Any, version: Version, choices: Mapping[str, Any], adjudicator: Optional[str]) -> Event:
    """The gold event from the adjudicator's choices, recording both source events."""
    values, evidence = gold_from_choices(version, choices)
    source = version.a or version.b
    if source is None:
        raise ValueError("nothing to adjudicate: neither coder has an event here")
    return repo.create_gold_event(source.event.article_id, values, version.sources, adjudicator=adjudicator,
                                  evidence=evidence, codebook_name=source.event.codebook_name,
                                  codebook_version=source.event.codebook_version)


@dataclass
class DoubleCoded:
    """An article two coders or more coded (or were assigned), and whether it was adjudicated."""

    article_id: int
    title: str
    coders: list[str]
    adjudicated: bool


def double_coded_articles(repo: Any) -> list[DoubleCoded]:
    """Articles assigned to two coders or more, or holding events of two coders or more, in id
    order; each with its coders (the assigned first, in assignment order, then by their first
    event) and its state."""
    coders: dict[int, list[str]] = {}
    with repo.engine.connect() as conn:
        rows = list(conn.exec_driver_sql("SELECT article_id, coder FROM assignment ORDER BY id").cursor)
        rows += [r[:2] for r in conn.exec_driver_sql(
            "SELECT article_id, coder, MIN(id) FROM event WHERE coder IS NOT NULL AND gold = false "
            "GROUP BY article_id, coder ORDER BY MIN(id)").cursor]
        done = {int(r[0]) for r in conn.exec_driver_sql("SELECT article_id FROM adjudication").cursor}
    for article_id, coder in rows:
        names = coders.setdefault(int(article_id), [])
        if coder not in names:
            names.append(str(coder))
    ids = sorted(a for a, names in coders.items() if len(names) >= 2)
    titles = {row.id: row.title for row in repo.article_rows(ids)} if ids else {}
    return [DoubleCoded(a, titles.get(a) or f"article {a}", coders[a], a in done) for a in ids]


_KINDS = {"integer": "a whole number", "number": "a number", "date": "a date (YYYY-MM-DD)"}


def parse_gold_value(spec: FieldSpec, text: str) -> Any:
    """The adjudicator's typed value as the field stores it (None when empty); ValueError,
    naming the field and what it takes, when it does not read as that."""
    text = text.strip()
    if not text:
        return None
    kind = spec.value_type if spec.type in ("choice", "derived") else spec.type
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{spec.label or spec.name}: \u201c{text}\u201d is not {_KINDS[kind]}") from None
    return text
