"""Inter codes as text in exports, as ACLED's current files write them ("State forces",
"State forces-Rebel group", "Protesters only"), and those texts read back as codes."""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

from storage.exporters.columns import FieldColumn

INTER_SETTINGS = ("labels", "numbers")
_CODE_PREFIX = re.compile(r"^\s*\d+\s*[-\u2013:.)]\s*")  # "1 - State forces" -> "State forces"


def choice_text(item: Any) -> Optional[tuple[Any, str]]:
    """(value, export text) of a choice written as {"value", "label", "export_label"}: the
    export_label, else the label without its leading code."""
    if not isinstance(item, dict) or "value" not in item:
        return None
    text = item.get("export_label") or _CODE_PREFIX.sub("", str(item.get("label") or "")).strip()
    return (item["value"], str(text)) if text else None


def inter_fields(definition: Optional[dict[str, Any]]) -> dict[str, dict[int, str]]:
    """Per inter field of a codebook definition (an actor field's inter_field): code -> text."""
    if not definition:
        return {}
    specs = [f for f in definition.get("fields", []) if isinstance(f, dict)]
    names = {str(f["inter_field"]) for f in specs if f.get("type") == "actor" and f.get("inter_field")}
    out: dict[str, dict[int, str]] = {}
    for spec in specs:
        if spec.get("name") in names:
            pairs = [p for p in map(choice_text, spec.get("choices") or ()) if p is not None]
            texts = {int(v): t for v, t in pairs if isinstance(v, int) and not isinstance(v, bool)}
            if texts:
                out[str(spec["name"])] = texts
    return out


def with_inter_texts(columns: list[FieldColumn], definition: Optional[dict[str, Any]]) -> list[FieldColumn]:
    """The columns, inter fields and their interaction carrying the code -> text tables."""
    texts = inter_fields(definition)
    if not texts:
        return columns
    pairs = {}
    for spec in definition.get("fields", []) if definition else []:
        sources = spec.get("from") if isinstance(spec, dict) else None
        if spec.get("rule") == "interaction" and isinstance(sources, list) and len(sources) == 2 \
                and all(s in texts for s in sources):
            pairs[str(spec["name"])] = texts[sources[0]]
    out = []
    for col in columns:
        if col.name in texts:
            col = dataclasses.replace(col, texts=texts[col.name])
        elif col.name in pairs:
            col = dataclasses.replace(col, texts=pairs[col.name], pair=True)
        out.append(col)
    return out


def to_text(column: FieldColumn, value: Any) -> Any:
    """A code as its text: 1 -> "State forces"; interaction 12 -> "State forces-Rebel group",
    60 -> "Protesters only". A value that is no known code stays as it is."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return value
    if not column.pair:
        return column.texts.get(value, value)
    first, second = divmod(value, 10)
    if first not in column.texts or (second and second not in column.texts):
        return value
    return f"{column.texts[first]} only" if second == 0 else f"{column.texts[first]}-{column.texts[second]}"


def from_text(column: FieldColumn, text: str) -> Optional[int]:
    """The code of an exported text (case and spaces ignored), or None when it is no label."""
    key = " ".join(text.split()).casefold()
    codes = {t.casefold(): c for c, t in column.texts.items()}
    if not column.pair:
        return codes.get(key)
    if key.endswith(" only") and key[:-5].strip() in codes:
        return codes[key[:-5].strip()] * 10
    # Labels hold "/" and spaces but no "-" next to a letter of both words ("External/Other forces").
    for label, code in codes.items():
        if key.startswith(label + "-") and key[len(label) + 1:].strip() in codes:
            other = codes[key[len(label) + 1:].strip()]
            low, high = sorted((code, other))
            return low * 10 + high
    return None


def labelled_columns(columns: list[FieldColumn]) -> list[FieldColumn]:
    """The columns as a labels export writes them: inter columns are text with the labels as
    their vocabulary (the workbook's drop-downs offer the labels)."""
    out = []
    for col in columns:
        if col.texts:
            vocab = tuple(to_text(col, v) for v in col.vocabulary()) if not col.pair else ()
            col = dataclasses.replace(col, kind="text", choices=vocab, choices_by={}, labelled=True)
        out.append(col)
    return out


__all__ = ["INTER_SETTINGS", "from_text", "inter_fields", "labelled_columns", "to_text", "with_inter_texts"]
