"""Reading a codebook's JSON and checking it, with messages naming the file, field and problem."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from coding import derived
from coding.schema import DEFAULT_ROLES, FIELD_TYPES, STANDARD_ROLES, VALUE_TYPES, Codebook, CodebookError, FieldSpec
from coding.values import CONVERTERS
from storage.models import CORE_EVENT_FIELDS


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook file; CodebookError names the file, the field and the problem."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CodebookError(source, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise CodebookError(source, "is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodebookError(source, f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                    f"column {exc.colno}") from None
    book = codebook_from_definition(data, source=source)
    book.path = str(path)
    return book


def codebook_from_definition(data: Any, source: str = "codebook") -> Codebook:
    """Build a Codebook from its JSON dict (a file's content, or a definition kept in a workspace)."""
    if not isinstance(data, dict):
        raise CodebookError(source, "must be a JSON object with 'name', 'version' and 'fields'")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(source, "has no 'name' (a short text such as \"acled\")")
    version = data.get("version", "1")
    if not isinstance(version, (str, int, float)) or isinstance(version, bool) or str(version).strip() == "":
        raise CodebookError(source, "'version' must be a text or a number, such as \"1\"")
    roles = _read_roles(data.get("roles"), source)
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise CodebookError(source, "has no 'fields' (a list of field objects)")
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_fields, start=1):
        spec = _read_field(raw, index, source, roles)
        if spec.name in seen:
            raise CodebookError(source, "is defined twice (field names must be unique)", spec.name)
        seen.add(spec.name)
        fields.append(spec)
    _check_links(fields, source)
    return Codebook(name=name.strip(), version=str(version).strip(), title=str(data.get("title") or name),
                    fields=fields, roles=roles, definition=copy.deepcopy(data))


def _read_roles(raw: Any, source: str) -> dict[str, list[str]]:
    if raw is None:
        return {k: list(v) for k, v in DEFAULT_ROLES.items()}
    if not isinstance(raw, dict) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                                            for v in raw.values()):
        raise CodebookError(source, "'roles' must map a role to a list of highlight labels, "
                                    "e.g. {\"place\": [\"GPE\", \"LOC\"]}")
    return {str(k): list(v) for k, v in raw.items()}


# Keys read into FieldSpec attributes; any other key is kept in FieldSpec.extra (e.g. "multiline").
_KNOWN_KEYS = {"name", "type", "label", "required", "help", "roles", "choices", "depends_on", "choices_by",
               "min", "max", "rule", "from", "map", "default", "value_type", "required_if", "inter_field",
               "precision_field", "fills", "multiple", "separator", "end_field", "precision_map", "min_field",
               "max_field"}


def _read_field(raw: Any, index: int, source: str, roles: Mapping[str, list[str]]) -> FieldSpec:
    if not isinstance(raw, dict):
        raise CodebookError(source, f"field number {index} is not a JSON object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(source, f"field number {index} has no 'name'")
    name = name.strip()

    def fail(problem: str) -> CodebookError:
        return CodebookError(source, problem, name)

    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise fail(f"unknown type {json.dumps(ftype)}; use one of: {', '.join(FIELD_TYPES)}")
    value_type = raw.get("value_type") or {"integer": "integer", "number": "number", "date": "date"}.get(ftype, "text")
    if value_type not in VALUE_TYPES:
        raise fail(f"unknown value_type {json.dumps(value_type)}; use one of: {', '.join(VALUE_TYPES)}")
    field_roles = raw.get("roles", [])
    if isinstance(field_roles, str):
        field_roles = [field_roles]
    if not isinstance(field_roles, list):
        raise fail("'roles' must be a list such as [\"place\"]")
    for role in field_roles:
        if role not in roles and role not in STANDARD_ROLES:
            raise fail(f"unknown role {json.dumps(role)}; use one of: {', '.join(sorted(set(roles) | set(STANDARD_ROLES)))}")
    for key in ("min", "max"):
        if key in raw and (not isinstance(raw[key], (int, float)) or isinstance(raw[key], bool)):
            raise fail(f"'{key}' must be a number")
    if "min" in raw and "max" in raw and raw["min"] > raw["max"]:
        raise fail(f"'min' ({raw['min']}) is greater than 'max' ({raw['max']})")
    spec = FieldSpec(
        name=name, type=ftype, label=str(raw.get("label") or name), required=bool(raw.get("required", False)),
        help=str(raw.get("help") or ""), roles=tuple(field_roles), depends_on=raw.get("depends_on") or None,
        min=raw.get("min"), max=raw.get("max"), value_type=value_type,
        required_if=raw.get("required_if") or None, inter_field=raw.get("inter_field") or None,
        precision_field=raw.get("precision_field") or None,
        default=raw.get("default"), extra={k: v for k, v in raw.items() if k not in _KNOWN_KEYS},
    )
    fills = raw.get("fills", {})
    if not isinstance(fills, dict) or not all(isinstance(v, str) for v in fills.values()):
        raise fail("'fills' must map a place value (country, admin1, latitude...) to a field name")
    spec.fills = dict(fills)
    _read_shape(raw, spec, fail)
    if ftype == "choice":
        _read_choices(raw, spec, fail)
    elif "choices" in raw or "choices_by" in raw:
        raise fail(f"has choices but its type is {ftype!r}; make it a \"choice\" field")
    if spec.default is not None and ftype != "derived":
        try:
            default = spec.coerce(spec.default)
        except ValueError as exc:
            raise fail(f"'default' does not fit the field: {exc}") from None
        defaults = default if isinstance(default, list) else [default]
        if ftype == "choice" and not spec.depends_on and default is not None and any(d not in spec.choices for d in defaults):
            raise fail(f"'default' {json.dumps(spec.default)} is not one of its choices")
    if ftype == "derived":
        rule = raw.get("rule")
        if isinstance(rule, dict):  # also accept {"rule": {"rule": "year", "from": ...}}
            raw = {**raw, **rule}
            rule = rule.get("rule")
        if not rule:
            raise fail("is derived but has no 'rule' (one of: " + ", ".join(derived.RULE_KINDS) + ")")
        if rule not in derived.RULE_KINDS:
            raise fail(f"unknown rule {json.dumps(rule)}; use one of: {', '.join(derived.RULE_KINDS)}")
        spec.rule, spec.source, spec.mapping = rule, raw.get("from"), raw.get("map") or {}
        if rule == "join":
            spec.separator = str(raw.get("separator", " - "))
        spec.default = raw.get("default")
    elif raw.get("rule"):
        raise fail(f"has a 'rule' but its type is {ftype!r}; make it a \"derived\" field")
    return spec


# The precision words a date or a place field's "precision_map" may use (what the normalizers find).
PRECISION_KEYS = {"date": ("day", "week", "month", "year"), "place": ("place", "near", "region", "country")}


def _read_shape(raw: dict[str, Any], spec: FieldSpec, fail: Any) -> None:
    """The keys for ranges, lists and scales: multiple, separator, end_field, precision_map,
    min_field, max_field."""
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise fail("'multiple' must be true or false")
    if multiple and spec.type in ("derived", "date", "place"):
        raise fail(f"a {spec.type} field cannot be 'multiple'; use it for text, actor, choice or number fields")
    if multiple and spec.name in CORE_EVENT_FIELDS:
        raise fail("cannot be 'multiple': the workspace keeps one value in this ACLED column; "
                   "give the list field another name (e.g. \"actors\")")
    spec.multiple = multiple
    separator = raw.get("separator", ";")
    if not isinstance(separator, str) or not separator.strip() or len(separator) > 3:
        raise fail("'separator' must be a short text such as \";\" or \"|\"")
    if "separator" in raw and not multiple and raw.get("rule") != "join":
        raise fail("has a 'separator' but is not 'multiple'")
    spec.separator = separator
    for key in ("end_field", "min_field", "max_field"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(f"'{key}' must be the name of another field")
        setattr(spec, key, value.strip() if value else None)
    scale = raw.get("precision_map")
    if scale is None:
        return
    kind = spec.type
    if kind not in PRECISION_KEYS:
        raise fail("has a 'precision_map' but is not a date or place field")
    allowed = PRECISION_KEYS[kind]
    if not isinstance(scale, dict) or not scale:
        raise fail("'precision_map' must map " + ", ".join(allowed) + " to this codebook's precision values")
    unknown = [k for k in scale if k not in allowed]
    if unknown:
        raise fail(f"precision_map has {', '.join(map(repr, unknown))}; use: {', '.join(allowed)}")
    spec.precision_map = dict(scale)


def _read_choices(raw: dict[str, Any], spec: FieldSpec, fail: Any) -> None:
    convert = CONVERTERS[spec.value_type]

    def read_list(items: Any, where: str) -> list[Any]:
        if not isinstance(items, list):
            raise fail(f"{where} must be a list")
        out: list[Any] = []
        for item in items:
            label = None
            if isinstance(item, dict):
                if "value" not in item:
                    raise fail(f"a choice in {where} has no 'value'")
                if not isinstance(item.get("export_label", ""), str):
                    raise fail(f"'export_label' of choice {json.dumps(item['value'])} in {where} must be a text")
                item, label = item["value"], item.get("label")
            try:
                value = convert(item) if item != "" else ""
            except ValueError as exc:
                raise fail(f"choice {json.dumps(item)} does not fit value_type {spec.value_type!r}: {exc}") from None
            if value in out:
                raise fail(f"choice {json.dumps(item)} is listed twice in {where}")
            out.append(value)
            if label:
                spec.labels[value] = str(label)
        return out

    if spec.depends_on:
        by = raw.get("choices_by")
        if not isinstance(by, dict) or not by:
            raise fail(f"depends on '{spec.depends_on}' but has no 'choices_by' (choices for each of its values)")
        spec.choices_by = {str(k): read_list(v, f"choices_by[{k!r}]") for k, v in by.items()}
        if "choices" in raw:
            spec.choices = read_list(raw["choices"], "'choices'")
    else:
        if "choices_by" in raw:
            raise fail("has 'choices_by' but no 'depends_on' naming the field they depend on")
        if not raw.get("choices"):
            raise fail("is a choice field without 'choices'")
        spec.choices = read_list(raw["choices"], "'choices'")


def _check_links(fields: Sequence[FieldSpec], source: str) -> None:
    """Checks that need the whole field list: parents, rule inputs, required_if, inter_field."""
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.depends_on:
            parent = by_name.get(f.depends_on)
            if parent is None:
                raise CodebookError(source, f"depends_on '{f.depends_on}', which is not a field of this codebook", f.name)
            if parent is f:
                raise CodebookError(source, "depends on itself", f.name)
            parent_choices = {str(c) for c in parent.all_choices()}
            if parent.type == "choice":
                unknown = [k for k in f.choices_by if k not in parent_choices]
                if unknown:
                    raise CodebookError(source, f"choices_by has {', '.join(map(repr, unknown))}, which "
                                                f"{'is' if len(unknown) == 1 else 'are'} not among the choices of '{parent.name}'", f.name)
        for key, other in (("required_if", f.required_if), ("inter_field", f.inter_field),
                           ("precision_field", f.precision_field), *(("fills", v) for v in f.fills.values())):
            if other and other not in by_name:
                raise CodebookError(source, f"{key} names '{other}', which is not a field of this codebook", f.name)
        for key, other in (("end_field", f.end_field), ("min_field", f.min_field), ("max_field", f.max_field)):
            if other and other not in by_name:
                raise CodebookError(source, f"{key} names '{other}', which is not a field of this codebook", f.name)
            if other == f.name:
                raise CodebookError(source, f"{key} names the field itself", f.name)
        if f.end_field and (f.type != "date" or by_name[f.end_field].type != "date"):
            raise CodebookError(source, f"end_field '{f.end_field}': a date range needs two date fields", f.name)
        for key in ("min_field", "max_field"):
            other = getattr(f, key)
            if other and not _numeric(f, by_name[other]):
                raise CodebookError(source, f"{key} '{other}': both fields must hold numbers", f.name)
        if f.precision_map:
            _check_scale(f, by_name, source)
        for key, kind in (("inter_field", "actor"), ("precision_field", "date"), ("fills", "place")):
            if getattr(f, key) and f.type != kind:
                raise CodebookError(source, f"has '{key}' but is not a{'n' if kind[0] == 'a' else ''} {kind} field", f.name)
        if f.derived:
            problem = derived.check_rule(f, by_name)
            if problem:
                raise CodebookError(source, problem, f.name)


def _numeric(*specs: FieldSpec) -> bool:
    return all(s.type in ("integer", "number") or (s.derived and s.value_type in ("integer", "number"))
               for s in specs)


def _check_scale(f: FieldSpec, by_name: Mapping[str, FieldSpec], source: str) -> None:
    """A precision_map's values must be choices of the field that takes the precision (a date's
    precision_field, or a place's fills["geo_precision"])."""
    target = f.precision_field if f.type == "date" else f.fills.get("geo_precision", "geo_precision")
    spec = by_name.get(target or "")
    if spec is None:
        what = "precision_field" if f.type == "date" else "fills {\"geo_precision\": ...}"
        raise CodebookError(source, f"has a 'precision_map' but no {what} to put the precision in", f.name)
    if spec.type != "choice":
        return
    for word, value in f.precision_map.items():
        try:
            typed = spec.coerce(value)
        except ValueError:
            typed = value
        if typed not in spec.all_choices():
            raise CodebookError(source, f"precision_map gives {word!r} the value {json.dumps(value)}, which is "
                                        f"not among the choices of '{spec.name}'", f.name)
