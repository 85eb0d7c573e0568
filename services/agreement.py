"""The agreement report of a workspace: its coders' events loaded, matched and scored."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from sqlalchemy import String, select, type_coerce

from coding.agreement import AgreementReport, PairReport, comparable, compare_coders
from coding.codebook import default_codebook, find_codebook
from coding.matching import CodedEvent
from coding.schema import Codebook
from storage.models import CORE_EVENT_FIELDS, Event

_EV = Event.__table__.c
_DATE_FIELDS = [n for n in CORE_EVENT_FIELDS if n == "event_date"]


def _to_date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def load_coded_events(repo: Any, codebook: Optional[str] = None) -> tuple[list[CodedEvent], Codebook]:
    """Every coder's event (gold events left out) of one codebook, default the most used one."""
    # extra as its JSON text: most events have none ("{}") and skip the decoding.
    cols = [_EV.uid, _EV.article_id, _EV.coder, _EV.codebook_name, _EV.codebook_version,
            type_coerce(_EV.extra, String)] + [
        getattr(_EV, n) for n in CORE_EVENT_FIELDS]
    stmt = select(*cols).where(_EV.gold.is_(False), _EV.coder.is_not(None)).order_by(_EV.id)
    # Plain tuples from the driver (SQLAlchemy's row processing cost several times more for
    # 10,000 events); the date column comes back as its ISO text and is converted below.
    with repo.engine.connect() as conn:
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        rows = conn.exec_driver_sql(sql).cursor.fetchall()
    used = Counter((r[3], r[4]) for r in rows)
    if codebook:
        versions = [key for key in used if key[0] == codebook]
        name, version = max(versions, key=lambda k: used[k]) if versions else (codebook, None)
    elif used:
        name, version = used.most_common(1)[0][0]
    else:
        name, version = default_codebook().name, default_codebook().version
    book = find_codebook(name, version, repo=repo)
    if book is None:
        raise ValueError(f"codebook '{name}' is not found (neither in the codebook folders nor the workspace)")
    events = []
    for r in rows:
        if r[3] != name:
            continue
        values = dict(zip(CORE_EVENT_FIELDS, r[6:]))
        for day in _DATE_FIELDS:
            if isinstance(values[day], str):
                values[day] = _to_date(values[day])
        if r[5] and r[5] != "{}":
            values.update(json.loads(r[5]))
        events.append(CodedEvent(r[0], int(r[1]), str(r[2]), values))
    return events, book


def assigned_coders(repo: Any) -> dict[int, list[str]]:
    """Article -> the coders assigned to it."""
    out: dict[int, list[str]] = {}
    with repo.engine.connect() as conn:
        for article_id, coder in conn.exec_driver_sql("SELECT article_id, coder FROM assignment").cursor:
            out.setdefault(int(article_id), []).append(str(coder))
    return out


def agreement_report(repo: Any, coders: Optional[Sequence[str]] = None,
                     codebook: Optional[str] = None) -> AgreementReport:
    """Agreement between every pair of the given coders (default: all) on the articles both coded."""
    events, book = load_coded_events(repo, codebook)
    assigned = assigned_coders(repo)
    if coders:
        known = {e.coder for e in events} | {c for names in assigned.values() for c in names}
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise ValueError(f"--coders: no events or assignments for {', '.join(unknown)}")
        if len(coders) < 2:
            raise ValueError("--coders needs two coders or more to compare")
    return compare_coders(events, book, assigned, coders)


def _figure(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f}"


def describe(report: AgreementReport) -> str:
    """The report as a few lines of text for the terminal."""
    if not report.pairs:
        return "no article was coded by two of these coders: nothing to compare"
    only = ", ".join(f"only {c} {n}" for c, n in report.only.items())
    lines = [f"coders: {', '.join(report.coders)}; articles coded by two: {report.articles}",
             f"events: matched {report.matched}, {only}; F1 {_figure(report.f1)}",
             f"{'field':<18} {'level':<9} {'alpha':>7} {'n':>6}"]
    for name, score in report.fields.items():
        lines.append(f"{name:<18} {score.level:<9} {_figure(score.alpha):>7} {score.n:>6}")
    for p in report.pairs:
        lines.append(f"{p.coders[0]}-{p.coders[1]}: {len(p.articles)} articles, matched {len(p.matched)}, "
                     f"only {len(p.only_a)}/{len(p.only_b)}, F1 {_figure(p.f1)}")
    return "\n".join(lines)


@dataclass
class Disagreement:
    """Where two coders differ: a field of a matched pair (its two values), or an event only
    one of them found (field "", the other side None)."""

    coders: tuple[str, str]
    article_id: int
    field: str
    a: Any
    b: Any
    uids: tuple[Optional[str], Optional[str]]


def event_summary(values: dict[str, Any]) -> str:
    """An event in a few words: its type, date and place."""
    parts = [values.get("event_type") or values.get("sub_event_type"), values.get("event_date"),
             values.get("location") or values.get("admin1")]
    return ", ".join(str(p) for p in parts if p not in (None, "")) or "an event"


def pair_disagreements(report: AgreementReport, pair: PairReport) -> list[Disagreement]:
    """The pair's differing fields on matched events (judged as alpha judges them: case and
    spacing of names ignored), then the events only one coder found, in article order."""
    out: list[Disagreement] = []
    for m in pair.matched:
        for name in report.shown:
            x, y = m.a.values.get(name), m.b.values.get(name)
            level = report.levels.get(name)
            if (comparable(x, level) != comparable(y, level)) if level else (x != y):
                out.append(Disagreement(pair.coders, m.article_id, name, x, y, (m.a.uid, m.b.uid)))
    out += [Disagreement(pair.coders, e.article_id, "", event_summary(e.values), None, (e.uid, None))
            for e in pair.only_a]
    out += [Disagreement(pair.coders, e.article_id, "", None, event_summary(e.values), (None, e.uid))
            for e in pair.only_b]
    out.sort(key=lambda d: (d.article_id, d.field == ""))
    return out


@dataclass
class AgreementView:
    """The report with what a window shows beside it: each pair's disagreements, article titles."""

    report: AgreementReport
    disagreements: dict[tuple[str, str], list[Disagreement]] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    # Blind mode: the viewer codes some of these articles and may not see the other coder's
    # values there before adjudication: their disagreements are left out (counted here).
    hidden: int = 0
    blind: bool = False


def agreement_view(repo: Any, coders: Optional[Sequence[str]] = None, codebook: Optional[str] = None,
                   progress: Any = None, cancelled: Any = None, viewer: Optional[str] = None) -> AgreementView:
    """agreement_report and its disagreements, as one background job (progress and cancel
    are accepted for the job runner; the work is one step). With `viewer` in blind mode, the
    disagreements on articles that viewer codes blind are left out: the figures stay (they name
    no value), the other coder's values do not."""
    report = agreement_report(repo, coders, codebook)
    view = AgreementView(report, {p.coders: pair_disagreements(report, p) for p in report.pairs})
    ids = sorted({a for p in report.pairs for a in p.articles})
    view.titles = {row.id: row.title for row in repo.article_rows(ids)} if ids else {}
    if viewer and ids and repo.blind_mode:
        blind = {a for a in ids if repo.hides_others(a, viewer)}
        view.blind = bool(blind)
        for key, rows in view.disagreements.items():
            kept = [d for d in rows if d.article_id not in blind]
            view.hidden += len(rows) - len(kept)
            view.disagreements[key] = kept
    return view
