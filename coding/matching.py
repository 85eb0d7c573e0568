"""Pairing two coders' events of one article one to one (DESIGN section 10): dates within a
day and places agreeing make a pair possible; type and actors break ties; the pairing is the
optimal assignment (scipy's linear_sum_assignment)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from coding.schema import Codebook
from coding.values import is_empty


@dataclass
class CodedEvent:
    """One coder's event as agreement needs it: plain values, no database row."""

    uid: str
    article_id: int
    coder: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchKeys:
    """Which fields of a codebook the matching reads."""

    date: Optional[str]
    place: Optional[str]
    admin1: Optional[str]
    kind: Optional[str]
    actors: tuple[str, ...]


def match_keys(codebook: Codebook) -> MatchKeys:
    """The date, place, admin1, type and actor fields of a codebook (ACLED: event_date,
    location, admin1, event_type, actor1/actor2; other codebooks by field type)."""
    by_type: dict[str, list[str]] = {}
    for f in codebook.fields:
        by_type.setdefault(f.type, []).append(f.name)
    none: list[Optional[str]] = [None]  # no such field
    precisions = {f.precision_field for f in codebook.fields if f.precision_field}
    if codebook.field("event_type") is not None:
        kind: Optional[str] = "event_type"
    else:
        choices = [f for f in codebook.fields if f.type == "choice" and not f.depends_on
                   and f.name not in precisions]
        required = [f.name for f in choices if f.required]
        kind = (required or [f.name for f in choices] or none)[0]
    return MatchKeys(
        date=(by_type.get("date") or none)[0],
        place=(by_type.get("place") or none)[0],
        admin1="admin1" if codebook.field("admin1") is not None else None,
        kind=kind,
        actors=tuple(by_type.get("actor", ())),
    )


def _norm(value: Any) -> Any:
    if is_empty(value):
        return None
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _day(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _places_agree(a: dict[str, Any], b: dict[str, Any], keys: MatchKeys) -> bool:
    """Same location; or, when a location is empty, the same admin1."""
    la, lb = (_norm(a.get(keys.place)), _norm(b.get(keys.place))) if keys.place else (None, None)
    if la is not None and lb is not None:
        return la == lb
    if keys.admin1 is None:
        return False
    aa, ab = _norm(a.get(keys.admin1)), _norm(b.get(keys.admin1))
    return aa is not None and aa == ab


def _dates_agree(a: dict[str, Any], b: dict[str, Any], keys: MatchKeys) -> Optional[int]:
    """Days apart when within a day; None when too far apart or a date is missing."""
    if keys.date is None:
        return 0
    da, db = _day(a.get(keys.date)), _day(b.get(keys.date))
    if da is None or db is None:
        return None
    gap = abs((da - db).days)
    return gap if gap <= 1 else None


def tie_score(a: dict[str, Any], b: dict[str, Any], keys: MatchKeys, gap: int) -> float:
    """In [0, 1): how much more alike a possible pair is (type, actors, the same day)."""
    score = 0.0
    if keys.kind and _norm(a.get(keys.kind)) is not None and _norm(a.get(keys.kind)) == _norm(b.get(keys.kind)):
        score += 0.5
    if keys.actors:
        share = 0.4 / len(keys.actors)
        for name in keys.actors:
            va = _norm(a.get(name))
            if va is not None and va == _norm(b.get(name)):
                score += share
    if gap == 0:
        score += 0.09
    return score


def match_article(a: Sequence[CodedEvent], b: Sequence[CodedEvent], keys: MatchKeys) -> list[tuple[int, int]]:
    """Index pairs (into a, into b) of one article's events, one to one: as many pairs as
    possible, then the most alike. Events without a possible partner stay unpaired."""
    if not a or not b:
        return []
    if len(a) == 1 and len(b) == 1:  # the common case needs no assignment solver
        gap = _dates_agree(a[0].values, b[0].values, keys)
        return [(0, 0)] if gap is not None and _places_agree(a[0].values, b[0].values, keys) else []
    # Each possible pair is worth more than all tie scores together, so the assignment first
    # makes as many pairs as it can and only then prefers the most alike.
    bonus = float(min(len(a), len(b)) + 1)
    weight = np.zeros((len(a), len(b)))
    possible = np.zeros((len(a), len(b)), dtype=bool)
    for i, ea in enumerate(a):
        for j, eb in enumerate(b):
            gap = _dates_agree(ea.values, eb.values, keys)
            if gap is None or not _places_agree(ea.values, eb.values, keys):
                continue
            possible[i, j] = True
            weight[i, j] = bonus + tie_score(ea.values, eb.values, keys, gap)
    if not possible.any():
        return []
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if possible[i, j]]
