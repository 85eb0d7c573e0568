"""The fixed set of derived-field rules a codebook can name ("year", "map", "interaction"...)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from coding.values import is_empty, to_date, to_int, to_number

if TYPE_CHECKING:
    from coding.codebook import Codebook, FieldSpec


def interaction(inter1: Any, inter2: Any) -> Optional[int]:
    """ACLED interaction: the two inter codes smaller first (1 and 2 -> 12, 7 and 3 -> 37), or
    the one code followed by 0 when there is no second actor (6 -> 60). None without inter1."""
    try:
        a = None if is_empty(inter1) else to_int(inter1)
        b = None if is_empty(inter2) else to_int(inter2)
    except ValueError:
        return None
    if a is None:
        return None
    if b is None:
        return a * 10
    low, high = sorted((a, b))
    return low * 10 + high


def _sources(spec: "FieldSpec") -> list[str]:
    if isinstance(spec.source, list):
        return [str(s) for s in spec.source]
    return [str(spec.source)] if spec.source else []


def _year(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    value = values.get(_sources(spec)[0])
    if is_empty(value):
        return None
    try:
        return to_date(value).year
    except ValueError:
        return None


def _map(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    value = values.get(_sources(spec)[0])
    if is_empty(value):
        return None
    return spec.mapping.get(str(value), spec.default)


def _interaction(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    first, second = _sources(spec)
    return interaction(values.get(first), values.get(second))


def _check_one_source(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
    sources = _sources(spec)
    if len(sources) != 1 or isinstance(spec.source, list):
        return f"rule '{spec.rule}' needs \"from\": the name of one field"
    if sources[0] not in fields:
        return f"rule '{spec.rule}' reads '{sources[0]}', which is not a field of this codebook"
    return None


def _check_year(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
    problem = _check_one_source(spec, fields)
    if problem:
        return problem
    if fields[_sources(spec)[0]].type != "date":
        return f"rule 'year' reads '{spec.source}', which is not a date field"
    return None


def _check_map(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
    problem = _check_one_source(spec, fields)
    if problem:
        return problem
    if not isinstance(spec.mapping, dict) or not spec.mapping:
        return "rule 'map' needs \"map\": an object from each value of the source field to the result"
    parent = fields[_sources(spec)[0]]
    if parent.type == "choice":
        known = {str(c) for c in parent.all_choices()}
        unknown = [k for k in spec.mapping if k not in known]
        if unknown:
            return f"map has {', '.join(map(repr, unknown))}, not among the choices of '{parent.name}'"
    return None


def _check_interaction(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
    sources = _sources(spec)
    if not isinstance(spec.source, list) or len(sources) != 2:
        return "rule 'interaction' needs \"from\": a list of two fields, e.g. [\"inter1\", \"inter2\"]"
    missing = [s for s in sources if s not in fields]
    if missing:
        return f"rule 'interaction' reads '{missing[0]}', which is not a field of this codebook"
    return None


def _numbers(spec: "FieldSpec", values: Mapping[str, Any]) -> list[Optional[float]]:
    out: list[Optional[float]] = []
    for name in _sources(spec):
        value = values.get(name)
        try:
            out.append(None if is_empty(value) else to_number(value))
        except ValueError:
            out.append(None)
    return out


def _sum(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    """UCDP's best: the sum of the parts that are filled (None when none is)."""
    parts = [n for n in _numbers(spec, values) if n is not None]
    if not parts:
        return None
    total = sum(parts)
    if spec.value_type != "number" and float(total).is_integer():
        return int(total)
    return total


def _join(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    """The filled sources as one text (UCDP's dyad_name "side_a - side_b"); a list is joined too."""
    parts: list[str] = []
    for name in _sources(spec):
        value = values.get(name)
        items = value if isinstance(value, list) else [value]
        parts.extend(str(v) for v in items if not is_empty(v))
    return spec.separator.join(parts) if parts else None


def priogrid(latitude: float, longitude: float) -> int:
    """The PRIO-GRID cell (0.5 degree squares numbered row by row from (-90, -180)) of a point."""
    row = min(359, int(math.floor((latitude + 90) / 0.5)))
    col = min(719, int(math.floor((longitude + 180) / 0.5)))
    return row * 720 + col + 1


def _priogrid(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    lat, lon = _numbers(spec, values)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return priogrid(lat, lon)


def _wkt_point(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    """The point as WKT, longitude first ("POINT (36.2304 49.9935)")."""
    lat, lon = _numbers(spec, values)
    if lat is None or lon is None:
        return None
    return f"POINT ({lon:g} {lat:g})"


def _check_sources(count: Optional[int], example: str) -> CheckFn:
    def check(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
        sources = _sources(spec)
        if not isinstance(spec.source, list) or not sources or (count is not None and len(sources) != count):
            many = f"a list of {count} fields" if count else "a list of fields"
            return f"rule '{spec.rule}' needs \"from\": {many}, e.g. {example}"
        missing = [s for s in sources if s not in fields]
        if missing:
            return f"rule '{spec.rule}' reads '{missing[0]}', which is not a field of this codebook"
        return None
    return check


RuleFn = Callable[["FieldSpec", Mapping[str, Any]], Any]
CheckFn = Callable[["FieldSpec", Mapping[str, "FieldSpec"]], Optional[str]]

# rule kind -> (compute the value, check the field's parameters when the codebook loads)
RULE_KINDS: dict[str, tuple[RuleFn, CheckFn]] = {
    "year": (_year, _check_year),
    "map": (_map, _check_map),
    "interaction": (_interaction, _check_interaction),
    "sum": (_sum, _check_sources(None, '["deaths_a", "deaths_b"]')),
    "join": (_join, _check_sources(None, '["side_a", "side_b"]')),
    "priogrid": (_priogrid, _check_sources(2, '["latitude", "longitude"]')),
    "wkt_point": (_wkt_point, _check_sources(2, '["latitude", "longitude"]')),
}


def check_rule(spec: "FieldSpec", fields: Mapping[str, "FieldSpec"]) -> Optional[str]:
    """A problem with a derived field's rule parameters, or None."""
    return RULE_KINDS[spec.rule or ""][1](spec, fields)


def derive(spec: "FieldSpec", values: Mapping[str, Any]) -> Any:
    """The value of one derived field given the others (None when its inputs are missing)."""
    return RULE_KINDS[spec.rule or ""][0](spec, values)


def compute_derived(codebook: "Codebook", values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every derived field filled, in codebook order (so a derived
    field may read an earlier derived one)."""
    out = dict(values)
    for spec in codebook.fields:
        if spec.derived:
            out[spec.name] = derive(spec, out)
    return out
