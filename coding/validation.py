"""Checking one event's values against its codebook: a list of plain-language problems per field."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Mapping, Optional

from coding.derived import derive
from coding.values import is_empty, optional_date

if TYPE_CHECKING:
    from coding.codebook import Codebook, FieldSpec

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "date": "a date (YYYY-MM-DD)"}


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _show_choices(spec: "FieldSpec", options: list[Any]) -> str:
    shown = [repr(spec.display(o)) if o != "" else "(empty)" for o in options]
    return ", ".join(shown)


def _check_choice(spec: "FieldSpec", value: Any, values: Mapping[str, Any]) -> Optional[str]:
    if spec.depends_on:
        parent = values.get(spec.depends_on)
        if is_empty(parent):
            return f"Choose {spec.depends_on} first; the choices depend on it."
        options = spec.choices_by.get(str(parent))
        if options is None:
            return None  # the parent's own value is wrong; that is reported on the parent
        if value not in options:
            return f"'{value}' is not a choice for {spec.depends_on} '{parent}'; choose one of: {_show_choices(spec, options)}."
        return None
    if value not in spec.choices:
        return f"'{value}' is not one of the choices: {_show_choices(spec, spec.choices)}."
    return None


def check_field(spec: "FieldSpec", values: Mapping[str, Any], published: Optional[dt.date] = None,
                check_derived: bool = True) -> list[str]:
    """The problems with one field's value, given the event's other values."""
    raw = values.get(spec.name)
    if spec.derived:
        if not check_derived:
            return []
        expected = derive(spec, values)
        if is_empty(raw) or expected is None:
            return []
        try:
            current = spec.coerce(raw)
        except ValueError:
            current = raw
        if current != expected:
            sources = spec.source if isinstance(spec.source, list) else [spec.source]
            return [f"Should be {expected} (computed from {' and '.join(map(str, sources))}), not {raw}."]
        return []
    if is_empty(raw):
        if spec.required:
            return ["Required."]
        if spec.required_if and not is_empty(values.get(spec.required_if)):
            return [f"Required when {spec.required_if} is filled."]
        return []
    try:
        value = spec.coerce(raw)
    except ValueError:
        kind = spec.value_type if spec.type in ("choice", "actor", "place") else spec.type
        return [f"Must be {_TYPE_WORDS.get(kind, 'text')}, not '{raw}'."]
    problems: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        problems.extend(_check_value(spec, item, values, published))
    problems.extend(_check_links(spec, value, values))
    return list(dict.fromkeys(problems))


def _check_value(spec: "FieldSpec", value: Any, values: Mapping[str, Any], published: Optional[dt.date]) -> list[str]:
    """The problems of one value (one item of a multiple field)."""
    problems: list[str] = []
    if spec.type == "choice":
        problem = _check_choice(spec, value, values)
        if problem:
            problems.append(problem)
    if isinstance(value, (int, float)):
        if spec.min is not None and value < spec.min:
            problems.append(f"Must be at least {_number_text(spec.min)}.")
        if spec.max is not None and value > spec.max:
            problems.append(f"Must be at most {_number_text(spec.max)}.")
    if isinstance(value, dt.date) and published is not None and value > published:
        problems.append(f"Is after the article's publication date ({published.isoformat()}).")
    return problems


def _other(values: Mapping[str, Any], name: Optional[str], convert: Any) -> Any:
    if not name or is_empty(values.get(name)):
        return None
    try:
        return convert(values[name])
    except (ValueError, TypeError):
        return None  # the other field's own check reports it


def _check_links(spec: "FieldSpec", value: Any, values: Mapping[str, Any]) -> list[str]:
    """Checks against other fields: a range's end after its start, low <= best <= high."""
    from coding.values import to_date, to_number

    problems: list[str] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low = _other(values, spec.min_field, to_number)
        if low is not None and value < low:
            problems.append(f"Must be at least {spec.min_field} ({_number_text(low)}).")
        high = _other(values, spec.max_field, to_number)
        if high is not None and value > high:
            problems.append(f"Must be at most {spec.max_field} ({_number_text(high)}).")
    if spec.end_field and isinstance(value, dt.date):
        end = _other(values, spec.end_field, to_date)
        if end is not None and end < value:
            problems.append(f"Is after {spec.end_field} ({end.isoformat()}); a range starts before it ends.")
    return problems


def validate_event(codebook: "Codebook", values: Mapping[str, Any], published: Any = None,
                   check_derived: bool = True) -> dict[str, list[str]]:
    """Field name -> problems, only for fields that have some; {} means the event is valid.
    `published` is the article's publication date (date, datetime or ISO text), if known.
    check_derived=False skips comparing derived fields with their rule (values fresh from
    compute_derived are right by construction)."""
    pub = optional_date(published)
    out: dict[str, list[str]] = {}
    for spec in codebook.fields:
        problems = check_field(spec, values, pub, check_derived)
        if problems:
            out[spec.name] = problems
    return out


def problem_lines(problems: Mapping[str, list[str]]) -> list[str]:
    """The problems as "field: message" lines, in field order (for an export's problem column)."""
    return [f"{name}: {message}" for name, messages in problems.items() for message in messages]
