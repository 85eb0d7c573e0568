"""`normalize`: JSON lines of dates, places and actors in, one JSON line out each, through the
same functions that fill the event form (coding.dates, coding.places, coding.actors)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator, Optional

PLACE_KEYS = ("location", "country", "iso2", "iso", "region", "admin1", "admin2", "latitude", "longitude",
              "geo_precision", "ambiguous", "candidates", "note")


class NormalizeError(ValueError):
    """A line that is not a normalize request; the message names the line and the problem."""


def normalize_date_record(record: dict[str, Any]) -> dict[str, Any]:
    from coding.dates import normalize_date

    result = normalize_date(str(record.get("text") or ""), record.get("published"),
                            language=record.get("language"), country=record.get("country"))
    return {"date": result.date.isoformat() if result.date else None, "precision": result.precision,
            "note": result.note}


def _candidate(entry: Any) -> dict[str, Any]:
    from coding.places import acled_admin1

    return {"location": entry.name, "iso2": entry.country_code, "country": entry.country,
            "admin1": acled_admin1(entry), "latitude": entry.latitude, "longitude": entry.longitude}


def normalize_place_record(record: dict[str, Any], repo: Any = None) -> dict[str, Any]:
    from coding.places import place_fields, resolve_place

    countries = record.get("countries") or ([record["country"]] if record.get("country") else [])
    if isinstance(countries, str):
        countries = [countries]
    result = resolve_place(str(record.get("text") or ""), repo=repo, context_countries=tuple(countries))
    out: dict[str, Any] = dict.fromkeys(PLACE_KEYS)
    out.update({"ambiguous": result.ambiguous, "candidates": [], "note": result.note})
    if result.best is None:
        return out
    values = place_fields(result)
    out.update({k: values.get(k) for k in ("location", "country", "iso", "region", "admin1", "admin2",
                                           "latitude", "longitude", "geo_precision")})
    out["iso2"] = result.best.country_code
    out["candidates"] = [_candidate(c) for c in result.candidates[:10]] if result.ambiguous else []
    return out


def normalize_actor_record(record: dict[str, Any], repo: Any = None) -> dict[str, Any]:
    from coding.actors import describe_actor

    choice = describe_actor(repo, str(record.get("text") or ""), country=record.get("country"))
    return {"name": choice.name or None, "inter": choice.inter_code, "note": choice.note}


def normalize_record(record: dict[str, Any], repo: Any = None) -> dict[str, Any]:
    """One request ({"kind": "date"|"place"|"actor", "text": ..., context}) to its answer."""
    kind = record.get("kind")
    if kind == "date":
        return normalize_date_record(record)
    if kind == "place":
        return normalize_place_record(record, repo)
    if kind == "actor":
        return normalize_actor_record(record, repo)
    raise NormalizeError(f"unknown kind {kind!r} (date, place or actor)")


@dataclass
class NormalizeReport:
    lines: int = 0
    unresolved: int = 0


def _parse(line: str, number: int, source: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise NormalizeError(f"{source}: line {number}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise NormalizeError(f"{source}: line {number}: expected a JSON object")
    if not isinstance(record.get("text"), str):
        raise NormalizeError(f"{source}: line {number}: 'text' must be a string")
    return record


def normalize_lines(lines: Iterable[str], source: str = "-", repo: Any = None) -> Iterator[dict[str, Any]]:
    """Each non-blank line's answer, in order. A bad line raises NormalizeError naming it,
    after the answers of the lines before it were yielded."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = _parse(line, number, source)
        try:
            yield normalize_record(record, repo)
        except NormalizeError as exc:
            raise NormalizeError(f"{source}: line {number}: {exc}") from None


def run_normalize(stream: IO[str], out: IO[str], source: str = "-", repo: Optional[Any] = None) -> NormalizeReport:
    """Read requests from `stream`, write one JSON line per request to `out` (flushed each line)."""
    report = NormalizeReport()
    for answer in normalize_lines(stream, source, repo):
        out.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
        out.flush()
        report.lines += 1
        key = "date" if "date" in answer else "inter" if "inter" in answer else "admin1"
        report.unresolved += answer.get(key) is None and not answer.get("location")
    return report
