"""The Events columns of an export, built from the events' codebook definitions (DB, file, or core fields)."""
from __future__ import annotations

import datetime as dt
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from storage.models import CORE_EVENT_FIELDS, Event

CODEBOOKS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "codebooks"
META_COLUMNS: tuple[str, ...] = (
    "event_uid", "article_id", "article_title", "article_url", "coder", "gold", "sources", "codebook", "valid",
    "problems",
)
EVIDENCE_PREFIX = "evidence_"
# kind: how a value is written and read back: text, integer, number, date.
_KINDS = {"integer": "integer", "number": "number", "date": "date"}


@dataclass(frozen=True)
class FieldColumn:
    name: str
    kind: str = "text"                 # text | integer | number | date
    type: str = "text"                 # the codebook type (choice, derived, actor, ...)
    label: str = ""
    required: bool = False
    help: str = ""
    choices: tuple[Any, ...] = ()      # the vocabulary ('' entries dropped)
    depends_on: str = ""
    choices_by: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    separator: str = ""                # a multiple field: its items joined by this ("" = one value)
    texts: dict[int, str] = field(default_factory=dict)  # an inter code -> its text (ACLED labels)
    pair: bool = False                 # the interaction: two codes, each with its text
    labelled: bool = False             # written as texts (export --inter labels)

    @property
    def multiple(self) -> bool:
        return bool(self.separator)

    @property
    def derived(self) -> bool:
        return self.type == "derived"

    def vocabulary(self) -> tuple[Any, ...]:
        """Every allowed value: the choices, or the union of the choices_by lists."""
        if self.choices:
            return self.choices
        seen: dict[Any, None] = {}
        for values in self.choices_by.values():
            seen.update(dict.fromkeys(values))
        return tuple(seen)

    def allowed(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The values allowed given the other fields (choices_by follows depends_on)."""
        if self.choices_by and self.depends_on:
            key = values.get(self.depends_on)
            if key in self.choices_by:
                return self.choices_by[key]
        return self.vocabulary()


def _model_kind(name: str) -> str:
    hint = typing.get_type_hints(Event).get(name)
    args = typing.get_args(hint) or (hint,)
    for kind, tp in (("date", dt.date), ("integer", int), ("number", float)):
        if tp in args:
            return kind
    return "text"


CORE_KINDS = {name: _model_kind(name) for name in CORE_EVENT_FIELDS}


def _choice_value(item: Any) -> Any:
    return item.get("value") if isinstance(item, dict) else item


def _vocab(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(v for v in (_choice_value(i) for i in items or ()) if v not in ("", None))


def field_column(spec: dict[str, Any]) -> FieldColumn:
    name = str(spec["name"])
    ftype = str(spec.get("type") or "text")
    kind = _KINDS.get(ftype) or _KINDS.get(str(spec.get("value_type") or ""))
    if kind is None:
        kind = CORE_KINDS.get(name, "text") if ftype in ("derived",) and not spec.get("value_type") else "text"
    return FieldColumn(
        name=name, kind=kind, type=ftype, label=str(spec.get("label") or ""),
        required=bool(spec.get("required")), help=str(spec.get("help") or ""),
        choices=_vocab(spec.get("choices") or ()), depends_on=str(spec.get("depends_on") or ""),
        choices_by={str(k): _vocab(v) for k, v in (spec.get("choices_by") or {}).items()},
        separator=str(spec.get("separator") or ";") if spec.get("multiple") is True else "",
    )


def core_columns() -> list[FieldColumn]:
    """The columns when no codebook definition is found: the Event table's core fields."""
    return [FieldColumn(name=n, kind=CORE_KINDS[n]) for n in CORE_EVENT_FIELDS]


def read_codebook_file(name: str, directory: Path = CODEBOOKS_DIR) -> Optional[dict[str, Any]]:
    path = directory / f"{name}.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a broken file is coding's to report; the export falls back to core fields
    return data if isinstance(data, dict) and isinstance(data.get("fields"), list) else None


def find_definition(stored: dict[tuple[str, str], dict[str, Any]], name: str,
                    version: str) -> Optional[dict[str, Any]]:
    """The definition an event was coded with: the workspace's copy of (name, version), else
    its newest copy of that name, else resources/codebooks/<name>.json."""
    if (name, version) in stored:
        return stored[(name, version)]
    same_name = [d for (n, _v), d in stored.items() if n == name]
    if same_name:
        return same_name[-1]
    return read_codebook_file(name)


def stored_definitions(repo: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c.name, c.version): c.definition for c in repo.codebooks() if isinstance(c.definition, dict)}


def definition_columns(definition: Optional[dict[str, Any]]) -> list[FieldColumn]:
    if not definition:
        return core_columns()
    from storage.exporters.labels import with_inter_texts

    columns = [field_column(f) for f in definition.get("fields", []) if isinstance(f, dict) and f.get("name")]
    return with_inter_texts(columns, definition)


@dataclass
class EventsLayout:
    """The Events sheet's columns: fields, extra fields, meta columns, evidence columns."""

    fields: list[FieldColumn]
    evidence: list[str]  # field names that have evidence, in column order

    @property
    def headers(self) -> list[str]:
        return [f.name for f in self.fields] + list(META_COLUMNS) + [EVIDENCE_PREFIX + f for f in self.evidence]

    def field(self, name: str) -> Optional[FieldColumn]:
        for f in self.fields:
            if f.name == name:
                return f
        return None


def build_layout(definitions: list[Optional[dict[str, Any]]], extra_fields: Iterable[str],
                 evidence_fields: Iterable[str]) -> EventsLayout:
    """Union of the definitions' columns (codebook order of the first), then extra fields
    (sorted), then evidence columns in field order."""
    columns: dict[str, FieldColumn] = {}
    for definition in definitions or [None]:
        for col in definition_columns(definition):
            columns.setdefault(col.name, col)
    for name in sorted(set(extra_fields) - set(columns) - set(META_COLUMNS)):
        columns[name] = FieldColumn(name=name, type="extra")
    order = {name: i for i, name in enumerate(columns)}
    evidence = sorted(set(evidence_fields), key=lambda n: (order.get(n, len(order)), n))
    return EventsLayout(fields=list(columns.values()), evidence=evidence)
