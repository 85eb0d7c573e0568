"""Agreement between coders (DESIGN section 10): event existence (matched, only-A, only-B, F1)
and, on matched pairs, Krippendorff's alpha per field at its level (the `krippendorff` package),
per coder pair and overall."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from typing import Any, Iterable, Mapping, Optional, Sequence, cast

import krippendorff
import numpy as np
# The package's own steps after the coincidence matrix (see _alpha_from_pairs); version pinned.
from krippendorff.krippendorff import LevelOfMeasurement, _distance_metric, _distances, _random_coincidences

from coding.matching import CodedEvent, match_article, match_keys
from coding.schema import Codebook
from coding.values import is_empty

# krippendorff.alpha builds units x values x values arrays (three at once): above this many
# cells (16 MB each) the coincidence matrix is summed pair by pair instead (_alpha_from_pairs).
MAX_DENSE_CELLS = 2_000_000
# Beyond this many distinct values the values x values matrices (about seven live at once,
# 32 MB each at 2,000) would take too much memory: such a field gets a note, not an alpha.
MAX_VALUES = 2_000


def field_levels(codebook: Codebook) -> dict[str, str]:
    """Field -> level of measurement, in codebook order, for the fields agreement scores:
    nominal for choices, actors, places and names; ordinal for precisions; ratio for counts;
    Dates are left out (matched pairs are within a day by construction), and so are free
    text, coordinates and derived fields."""
    precisions = {f.precision_field for f in codebook.fields if f.precision_field}
    levels: dict[str, str] = {}
    for f in codebook.fields:
        if f.derived:
            continue
        if f.name in precisions or (f.type == "choice" and f.name.endswith("precision")):
            levels[f.name] = "ordinal"
        elif f.type in ("choice", "actor", "place"):
            levels[f.name] = "nominal"
        elif f.type == "text" and ({"actor", "place"} & set(f.roles)):
            levels[f.name] = "nominal"
        elif f.type == "integer" and "count" in f.roles:
            levels[f.name] = "ratio"
    return levels


@dataclass
class FieldScore:
    """Alpha of one field over matched pairs. n: pairs where both coders gave a value;
    missing: pairs where only one did; agreement: share of the n pairs with equal values."""

    level: str
    alpha: Optional[float]
    n: int
    missing: int = 0
    agreement: Optional[float] = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alpha": self.alpha, "level": self.level, "n": self.n, "missing": self.missing,
                               "agreement": self.agreement}
        if self.note:
            out["note"] = self.note
        return out


def comparable(value: Any, level: str) -> Any:
    """The value as the level compares it; None for no value (or one that is not a number
    where a number is needed)."""
    if value is None:
        return None
    if level == "nominal":
        if value.__class__ is str:
            # Runs for every field of every pair: the common clean value skips the re-join.
            folded = value.casefold()
            if folded.strip() != folded or "  " in folded or "\n" in folded or "\t" in folded:
                folded = " ".join(folded.split())
            return folded or None
        return value
    if is_empty(value):
        return None
    if level == "interval" and not isinstance(value, (int, float)):
        day = value if isinstance(value, dt.date) else None
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                return None
        return float(day.toordinal()) if day is not None else None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def score_field(pairs: Iterable[tuple[Any, Any]], level: str) -> FieldScore:
    """Krippendorff's alpha of (value by one coder, value by the other) units at `level`,
    computed by the `krippendorff` package; missing values are None."""
    units = list(pairs)
    return score_columns([a for a, _ in units], [b for _, b in units], level)


def score_columns(values_a: Sequence[Any], values_b: Sequence[Any], level: str) -> FieldScore:
    """score_field with each coder's values as a column (the i-th of each make a unit)."""
    convert = partial(comparable, level=level)
    column_a, column_b = list(map(convert, values_a)), list(map(convert, values_b))
    both = [(a, b) for a, b in zip(column_a, column_b) if a is not None and b is not None]
    missing = sum(1 for a, b in zip(column_a, column_b) if (a is None) != (b is None))
    n = len(both)
    if n == 0:
        return FieldScore(level, None, 0, missing, None, "no pair where both coders gave a value")
    agreement = sum(a == b for a, b in both) / n
    domain = sorted({v for pair in both for v in pair}, key=lambda v: (str(type(v)), v))
    if len(domain) < 2:
        return FieldScore(level, None, n, missing, agreement,
                          "every value is the same, so alpha is undefined (no variation to agree on)")
    if len(domain) > MAX_VALUES:
        return FieldScore(level, None, n, missing, agreement,
                          f"{len(domain):,} distinct values: too many to compute alpha in memory")
    numeric_domain = np.array(domain if level != "nominal" else range(len(domain)), dtype=float)
    counts = _value_counts(both, domain)
    if counts.shape[0] * len(domain) ** 2 <= MAX_DENSE_CELLS:
        value = krippendorff.alpha(value_counts=counts, value_domain=numeric_domain, level_of_measurement=cast("LevelOfMeasurement", level))
    else:
        value = _alpha_from_pairs(both, domain, numeric_domain, level)
    return FieldScore(level, float(value), n, missing, agreement)


def _alpha_from_pairs(both: Sequence[tuple[Any, Any]], domain: Sequence[Any], numeric_domain: np.ndarray,
                      level: str) -> float:
    """krippendorff.alpha's own computation with the coincidence matrix summed pair by pair:
    a unit of two values (c, k) adds 1 to o[c, k] and to o[k, c] (2 to o[c, c] when c == k),
    which is what the package's dense step adds for it. Expected coincidences, distances at
    the level and alpha then come from the package itself (checked equal to krippendorff.alpha
    in tests/test_agreement.py)."""
    index = {v: i for i, v in enumerate(domain)}
    ia = np.fromiter((index[a] for a, _ in both), dtype=np.intp, count=len(both))
    ib = np.fromiter((index[b] for _, b in both), dtype=np.intp, count=len(both))
    o = np.zeros((len(domain), len(domain)))
    np.add.at(o, (ia, ib), 1.0)
    np.add.at(o, (ib, ia), 1.0)
    n_v = o.sum(axis=0)
    e = _random_coincidences(n_v)
    d: np.ndarray = _distances(numeric_domain, _distance_metric(cast("LevelOfMeasurement", level)), n_v)
    return float(1 - (o * d).sum() / (e * d).sum())


def _value_counts(both: Sequence[tuple[Any, Any]], domain: Sequence[Any]) -> np.ndarray:
    """The package's units x values count matrix, exact but short: the coincidence matrix is
    a sum over units, and k units whose two coders both chose value v add the same to it as
    one unit holding v 2k times (a unit of m equal values adds m), so agreeing units are
    folded into one row per value; each disagreeing unit keeps its own row."""
    index = {v: i for i, v in enumerate(domain)}
    agreed = np.zeros(len(domain))
    rows: list[tuple[int, int]] = []
    for a, b in both:
        if a == b:
            agreed[index[a]] += 2
        else:
            rows.append((index[a], index[b]))
    folded = np.flatnonzero(agreed)
    counts = np.zeros((len(folded) + len(rows), len(domain)))
    counts[np.arange(len(folded)), folded] = agreed[folded]
    for r, (i, j) in enumerate(rows, start=len(folded)):
        counts[r, i] += 1
        counts[r, j] += 1
    return counts


@dataclass
class EventPair:
    """Two coders' events matched as the same event."""

    article_id: int
    a: CodedEvent
    b: CodedEvent


@dataclass
class PairReport:
    """Agreement between two coders on the articles they both coded."""

    coders: tuple[str, str]
    articles: list[int]
    matched: list[EventPair] = field(default_factory=list)
    only_a: list[CodedEvent] = field(default_factory=list)
    only_b: list[CodedEvent] = field(default_factory=list)
    fields: dict[str, FieldScore] = field(default_factory=dict)

    @property
    def f1(self) -> Optional[float]:
        return f1(len(self.matched), len(self.only_a) + len(self.only_b))

    def to_json(self) -> dict[str, Any]:
        a, b = self.coders
        return {
            "coders": [a, b], "articles": len(self.articles),
            "events": {"matched": len(self.matched), "only": {a: len(self.only_a), b: len(self.only_b)},
                       "f1": self.f1},
            "fields": {name: score.to_json() for name, score in self.fields.items()},
            "matches": [{"article": p.article_id, a: p.a.uid, b: p.b.uid} for p in self.matched],
        }


@dataclass
class AgreementReport:
    """Every coder pair and the overall figures (all pairs' matched events pooled)."""

    coders: list[str]
    levels: dict[str, str]
    pairs: list[PairReport] = field(default_factory=list)
    fields: dict[str, FieldScore] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)  # fields a side-by-side shows: the date, then the scored

    @property
    def articles(self) -> int:
        return len({a for p in self.pairs for a in p.articles})

    @property
    def matched(self) -> int:
        return sum(len(p.matched) for p in self.pairs)

    @property
    def only(self) -> dict[str, int]:
        out = {c: 0 for c in self.coders}
        for p in self.pairs:
            out[p.coders[0]] += len(p.only_a)
            out[p.coders[1]] += len(p.only_b)
        return out

    @property
    def f1(self) -> Optional[float]:
        return f1(self.matched, sum(self.only.values()))

    def to_json(self) -> dict[str, Any]:
        return {
            "coders": list(self.coders), "articles": self.articles,
            "events": {"matched": self.matched, "only": self.only, "f1": self.f1},
            "fields": {name: score.to_json() for name, score in self.fields.items()},
            "pairs": [p.to_json() for p in self.pairs],
        }


def f1(matched: int, unmatched: int) -> Optional[float]:
    """2m / (2m + onlyA + onlyB); None when neither coder coded an event."""
    total = 2 * matched + unmatched
    return None if total == 0 else 2 * matched / total


def compare_coders(events: Sequence[CodedEvent], codebook: Codebook,
                   assigned: Optional[Mapping[int, Iterable[str]]] = None,
                   coders: Optional[Sequence[str]] = None) -> AgreementReport:
    """Match and score every pair of coders on the articles both coded: articles assigned to
    both (where one may have found no event) or on which both coded events."""
    keys = match_keys(codebook)
    levels = field_levels(codebook)
    by_article: dict[int, dict[str, list[CodedEvent]]] = {}
    for ev in events:
        by_article.setdefault(ev.article_id, {}).setdefault(ev.coder, []).append(ev)
    on_article: dict[int, set[str]] = {a: set(c) for a, c in by_article.items()}
    for article_id, names in (assigned or {}).items():
        on_article.setdefault(article_id, set()).update(names)
    everyone = sorted({c for names in on_article.values() for c in names})
    chosen = list(coders or everyone)
    report = AgreementReport(coders=list(chosen), levels=levels,
                             shown=[n for n in [keys.date] if n and n not in levels] + list(levels))
    for a, b in combinations(chosen, 2):
        shared = sorted(art for art, names in on_article.items() if a in names and b in names)
        if not shared:
            continue
        pair = PairReport((a, b), shared)
        for article_id in shared:
            mine = by_article.get(article_id, {})
            ea, eb = mine.get(a, []), mine.get(b, [])
            paired = match_article(ea, eb, keys)
            pair.matched.extend(EventPair(article_id, ea[i], eb[j]) for i, j in paired)
            used_a, used_b = {i for i, _ in paired}, {j for _, j in paired}
            pair.only_a.extend(e for i, e in enumerate(ea) if i not in used_a)
            pair.only_b.extend(e for j, e in enumerate(eb) if j not in used_b)
        pair.fields = score_pairs(pair.matched, levels)
        report.pairs.append(pair)
    if len(report.pairs) == 1:
        report.fields = report.pairs[0].fields  # one pair: the overall figures are that pair's
    else:
        report.fields = score_pairs([m for p in report.pairs for m in p.matched], levels)
    return report


def score_pairs(matched: Sequence[EventPair], levels: Mapping[str, str]) -> dict[str, FieldScore]:
    values_a = [m.a.values for m in matched]
    values_b = [m.b.values for m in matched]
    return {name: score_columns([v.get(name) for v in values_a], [v.get(name) for v in values_b], level)
            for name, level in levels.items()}
