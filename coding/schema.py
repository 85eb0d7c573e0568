"""The shapes of a codebook: its fields (FieldSpec), the codebook itself, and CodebookError."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from coding.values import CONVERTERS, is_empty

FIELD_TYPES = ("text", "integer", "number", "date", "choice", "actor", "place", "derived")
VALUE_TYPES = ("text", "integer", "number", "date")
# The roles a highlight can play; a codebook may add its own in its "roles" mapping.
STANDARD_ROLES = ("place", "actor", "date", "count")
DEFAULT_ROLES: dict[str, list[str]] = {
    "place": ["GPE", "LOC", "FAC"],
    "actor": ["ORG", "NORP", "PERSON"],
    "date": ["DATE", "TIME"],
    "count": ["CARDINAL", "QUANTITY"],
}


def split_items(value: Any, separator: str = ";") -> list[Any]:
    """The items of a multiple field's value: a list as it is, text split at `separator`;
    empty items dropped."""
    if is_empty(value):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(separator) if isinstance(value, str) else [value]
    return [v.strip() if isinstance(v, str) else v for v in items if not is_empty(v)]


class CodebookError(ValueError):
    """A codebook file that cannot be used; the message names the file, the field and the problem."""

    def __init__(self, source: str, problem: str, field_name: Optional[str] = None) -> None:
        self.source = source
        self.field = field_name
        self.problem = problem
        where = f"{source}: field '{field_name}'" if field_name else source
        super().__init__(f"{where}: {problem}")


@dataclass
class FieldSpec:
    """One field of a codebook, as written in its JSON."""

    name: str
    type: str
    label: str = ""
    required: bool = False
    help: str = ""
    roles: tuple[str, ...] = ()
    choices: list[Any] = field(default_factory=list)
    # Display text of a choice value (e.g. 1 -> "1 - State forces"); values without a label show as is.
    labels: dict[Any, str] = field(default_factory=dict)
    depends_on: Optional[str] = None
    choices_by: dict[str, list[Any]] = field(default_factory=dict)
    min: Optional[float] = None
    max: Optional[float] = None
    rule: Optional[str] = None
    source: Any = None  # the JSON "from" of a derived rule: a field name or a list of them
    mapping: dict[str, Any] = field(default_factory=dict)  # the JSON "map" of a "map" rule
    default: Any = None  # a "map" rule's value for unmapped input
    value_type: str = "text"
    required_if: Optional[str] = None  # required when this other field has a value
    inter_field: Optional[str] = None  # for actor fields: the field that takes the actor's inter code
    precision_field: Optional[str] = None  # for date fields: the field that takes the date's precision
    # for place fields: place_fields() key -> this codebook's field, where the names differ
    fills: dict[str, str] = field(default_factory=dict)
    # several values in one field (PLOVER's actors, contexts): a list, written joined by `separator`
    multiple: bool = False
    separator: str = ";"
    end_field: Optional[str] = None  # for date fields: the field that takes the range's last day
    # for date fields: "day"/"week"/"month" -> this codebook's precision value; for place fields:
    # "place"/"near"/"region"/"country" -> this codebook's location precision value
    precision_map: dict[str, Any] = field(default_factory=dict)
    min_field: Optional[str] = None  # the value may not be below this other field's (high >= best)
    max_field: Optional[str] = None  # the value may not be above this other field's (low <= best)
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know, kept

    @property
    def derived(self) -> bool:
        return self.type == "derived"

    @property
    def dependent(self) -> bool:
        return bool(self.depends_on)

    def display(self, value: Any) -> str:
        """How a stored value is shown to the coder (a choice's label, or the value itself)."""
        if value is None:
            return ""
        if isinstance(value, list):
            return f"{self.separator} ".join(self.display(v) for v in value)
        return self.labels.get(value, str(value))

    def all_choices(self) -> list[Any]:
        """Every value the field can take, whatever its parent's value."""
        if not self.depends_on:
            return list(self.choices)
        seen: list[Any] = []
        for options in self.choices_by.values():
            seen.extend(v for v in options if v not in seen)
        return seen

    def coerce(self, value: Any) -> Any:
        """The value in this field's stored type; empty stays None; ValueError (plain words) if it can't.
        A multiple field gives a list (from a list, or text split at its separator)."""
        if self.multiple:
            items = split_items(value, self.separator)
            return [self._coerce_one(v) for v in items] or None
        return self._coerce_one(value)

    def _coerce_one(self, value: Any) -> Any:
        if is_empty(value):
            return None
        # text/integer/number/date fields are their own type; choice, actor, place and derived
        # fields hold their value_type
        kind = self.type if self.type in CONVERTERS else self.value_type
        if kind == "text" and isinstance(value, str):
            return value
        return CONVERTERS[kind](value)


@dataclass
class Codebook:
    """A loaded codebook: its fields in order and what highlight labels fill which roles."""

    name: str
    version: str
    title: str
    fields: list[FieldSpec]
    roles: dict[str, list[str]]
    definition: dict[str, Any]
    path: str = ""

    def __post_init__(self) -> None:
        self._by_name = {f.name: f for f in self.fields}

    @property
    def key(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Optional[FieldSpec]:
        """The field called `name`, or None when the codebook has none."""
        return self._by_name.get(name)

    def choices_for(self, name: str, values: Mapping[str, Any] | None = None) -> list[Any]:
        """The values a choice field may take now; for a dependent field, given its parent's
        value in `values` (no parent value: no choices). Integer choices come back as int."""
        spec = self._by_name.get(name)
        if spec is None:
            return []
        if not spec.depends_on:
            return list(spec.choices)
        parent = (values or {}).get(spec.depends_on)
        if is_empty(parent):
            return []
        return list(spec.choices_by.get(str(parent), []))

    def fields_for_role(self, role: str) -> list[FieldSpec]:
        """The fields a highlight of this role ('place', 'actor', 'date', 'count') can fill."""
        return [f for f in self.fields if role in f.roles]

    def role_of_label(self, label: str) -> Optional[str]:
        """The role of a highlight label (spaCy's GPE -> 'place'), per this codebook's roles."""
        for role, labels in self.roles.items():
            if label in labels:
                return role
        return None

    def to_definition(self) -> dict[str, Any]:
        """The JSON dict the codebook was read from (what the workspace's Codebook table keeps)."""
        return copy.deepcopy(self.definition)
