"""What a coder's input does to an event's values: a typed value, a highlight used for a field
(date, place, actor, count), with the fields that follow (inter code, derived, place details).
Plain functions over codebook values; the event panel turns their results into commands."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from coding.codebook import Codebook, FieldSpec, compute_derived
from coding.values import is_empty
from storage.models import CORE_EVENT_FIELDS

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_SCALES = {"hundred": 100, "thousand": 1000}
# ACLED's convention for vague counts: "several"/"many" -> 10, "dozens" -> 12, "hundreds" -> 100.
_VAGUE = {"a dozen": 12, "dozen": 12, "dozens": 12, "scores": 20, "hundreds": 100, "several": 10,
          "many": 10, "a few": 3, "few": 3, "a couple": 2, "couple": 2, "no": 0}


def parse_count(text: str) -> Optional[int]:
    """A head count from a highlight: "12", "1,200", "twelve", "at least 12", "twenty-one",
    "a dozen", "dozens" (ACLED: 12). None when there is no number in it."""
    t = " ".join(text.casefold().replace("-", " ").split())
    digits = re.search(r"\d[\d,]*", t)
    if digits:
        return int(digits.group().replace(",", ""))
    if re.search(r"\b(?:no one|nobody|none)\b", t):
        return 0
    total, current, found = 0, 0, False
    for word in re.findall(r"[a-z]+", t):
        if word in _UNITS:
            current += _UNITS[word]
            found = True
        elif word in _TENS:
            current += _TENS[word]
            found = True
        elif word in _SCALES and found:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
    if found:
        return total + current
    for phrase, value in _VAGUE.items():
        if re.search(rf"\b{phrase}\b", t):
            return value
    return None


@dataclass
class Fill:
    """The outcome of using some text for a field: the values to set (empty when it did not
    work), a note for the coder, and place candidates when the name was ambiguous."""

    changes: dict[str, Any]
    note: str = ""
    candidates: list[Any] = field(default_factory=list)
    ambiguous: bool = False  # several plausible places: the coder should pick

    @property
    def ok(self) -> bool:
        return bool(self.changes)


def precision_field(codebook: Codebook, spec: FieldSpec) -> Optional[str]:
    """The field the codebook names to take a date field's precision (ACLED: time_precision)."""
    name = spec.precision_field
    return name if name and codebook.field(name) is not None else None


def fill_date(codebook: Codebook, spec: FieldSpec, text: str, published: Optional[dt.date],
              language: Optional[str] = None, country: Optional[str] = None) -> Fill:
    """`language`: the article's (ISO 639-1); `country`: the event's (ISO2), for holidays."""
    from coding.dates import date_changes, normalize_date

    result = normalize_date(text, published, language=language, country=country)
    if result.date is None:
        return Fill({}, result.note or f"'{text}' could not be read as a date.")
    changes = date_changes(codebook, spec, result)
    labels = {1: "day", 2: "week", 3: "month"}
    note = f"from \u201c{text}\u201d: {result.date.isoformat()}, {labels.get(result.precision or 0, '?')} known"
    if spec.end_field and spec.end_field in changes and changes[spec.end_field] != changes[spec.name]:
        note = (f"from \u201c{text}\u201d: {changes[spec.name].isoformat()} to {changes[spec.end_field].isoformat()}, "
                f"{labels.get(result.precision or 0, '?')} known")
    return Fill(changes, note + (f". {result.note}" if result.note else ""))


def place_changes(codebook: Codebook, spec: FieldSpec, result: Any) -> dict[str, Any]:
    """The place field's name and what follows from a resolved place (country, admin1,
    coordinates, precision...) in the fields this codebook has; the name typed stays when
    nothing was found."""
    from coding.places import place_values

    return place_values(codebook, spec.name, result) or {spec.name: result.query}


def describe_place(spec: FieldSpec, values: Mapping[str, Any]) -> str:
    """The place's resolved line: admin1, country, coordinates, precision (as stored, so the
    coder's overrides show), read through the field's "fills" renames."""
    renames = spec.fills

    def get(key: str) -> Any:
        return values.get(renames.get(key, key))

    parts = [str(get(k)) for k in ("admin2", "admin1", "country") if not is_empty(get(k))]
    lat, lon = get("latitude"), get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        parts.append(f"{float(lat):.4f}, {float(lon):.4f}")
    if get("geo_precision") is not None:
        parts.append(f"precision {get('geo_precision')}")
    return " · ".join(parts)


PRECISION_WORDS = {1: "exact day", 2: "week known", 3: "month known"}


def precision_note(spec: FieldSpec, precision: Any) -> str:
    """A date's precision in words, read through the codebook's own scale when it has one."""
    if spec.precision_map:
        words = [w for w, v in spec.precision_map.items() if v == precision]
        return f"date precision {precision}: {words[0]} known" if words else ""
    return f"time precision {precision}: {PRECISION_WORDS[precision]}" if precision in PRECISION_WORDS else ""


def field_notes(codebook: Codebook, values: Mapping[str, Any], notes: Mapping[str, str],
                published: Optional[dt.date]) -> dict[str, str]:
    """What the form says under each field: the resolved place line, the date's precision, and
    the note of the coder's last fill (`notes`)."""
    out = {}
    for spec in codebook.fields:
        note = notes.get(spec.name, "")
        if spec.type == "place" and values.get(spec.name):
            resolved = describe_place(spec, values)
            note = "\n".join(x for x in (f"\u2192 {resolved}" if resolved else "", note) if x)
        elif spec.type == "date":
            target = precision_field(codebook, spec)
            precision = values.get(target) if target else None
            if values.get(spec.name) is not None and precision is not None and not note:
                note = precision_note(spec, precision)
            if published is None and not values.get(spec.name):
                note = note or "The article has no publication date: relative dates cannot be resolved."
        out[spec.name] = note
    return out


def fill_place(codebook: Codebook, spec: FieldSpec, text: str, repo: Any,
               context_countries: tuple[str, ...] = ()) -> Fill:
    from coding.places import resolve_place

    result = resolve_place(text, repo=repo, context_countries=context_countries)
    if result.best is None:
        return Fill({spec.name: text}, result.note or f"\u201c{text}\u201d is not in the gazetteer: "
                                                      "fill country, admin1 and coordinates by hand.")
    note = result.note
    if result.ambiguous:
        note = f"{note} Pick… (F4) shows the {len(result.candidates)} candidates.".strip()
    return Fill(place_changes(codebook, spec, result), note, list(result.candidates), result.ambiguous)


def fill_actor_text(codebook: Codebook, spec: FieldSpec, text: str, repo: Any,
                    country: Optional[str] = None) -> Fill:
    """A highlight becomes the actor: a listed actor gives its inter code; a new one joins the
    workspace list with a code guessed from its name and the event's `country` (ISO2)."""
    from coding.actors import INTER_LABELS, choose_actor, fill_actor

    choice = choose_actor(repo, text, remember=True, country=country)
    changes = fill_actor(codebook, spec.name, choice)
    note = ""
    if choice.new and not spec.inter_field:
        note = "New actor added to the list."
    elif choice.new:
        code = choice.inter_code
        note = (f"New actor added to the list; inter code guessed as {code} ({INTER_LABELS.get(code, '')}). "
                f"{choice.note}" if code else "New actor added to the list; choose its inter code.")
    elif choice.origin == "guess":
        note = choice.note  # a guess says so in the form
    return Fill(changes, note.strip())


def fill_choice(spec: FieldSpec, text: str, choices: list[Any]) -> Fill:
    key = text.strip().casefold()
    for value in choices:
        if key in (str(value).casefold(), spec.display(value).casefold()):
            return Fill({spec.name: value})
    return Fill({}, f"\u201c{text}\u201d is not one of the choices of {spec.label}.")


def added_to_list(spec: FieldSpec, fill: Fill, values: Mapping[str, Any]) -> Fill:
    """A multiple field keeps its items: what a highlight gave joins them (once)."""
    if not spec.multiple or spec.name not in fill.changes:
        return fill
    items = list(values.get(spec.name) or []) if isinstance(values.get(spec.name), list) else \
        spec.coerce(values.get(spec.name)) or []
    new = fill.changes[spec.name]
    for item in new if isinstance(new, list) else [new]:
        if item is not None and item not in items:
            items.append(item)
    return Fill({**fill.changes, spec.name: items}, fill.note, fill.candidates, fill.ambiguous)


def fill_from_text(codebook: Codebook, spec: FieldSpec, text: str, values: Mapping[str, Any], *,
                   published: Optional[dt.date] = None, repo: Any = None,
                   context_countries: tuple[str, ...] = (), language: Optional[str] = None,
                   country: Optional[str] = None) -> Fill:
    """Use a highlight's text for a field, by the field's type (a list field gets it added).
    `language`: the article's (dates in its words); `country`: the event's ISO2 (holidays; a
    state's forces at home or abroad)."""
    fill = _fill_one(codebook, spec, text, values, published, repo, context_countries, language, country)
    return added_to_list(spec, fill, values)


def _fill_one(codebook: Codebook, spec: FieldSpec, text: str, values: Mapping[str, Any],
              published: Optional[dt.date], repo: Any, context_countries: tuple[str, ...],
              language: Optional[str] = None, country: Optional[str] = None) -> Fill:
    text = " ".join(text.split())
    if not text or spec.type == "derived":
        return Fill({}, "This field is computed; it cannot be filled from the text." if text else "")
    if spec.type == "date":
        return fill_date(codebook, spec, text, published, language=language, country=country)
    if spec.type == "place":
        return fill_place(codebook, spec, text, repo, context_countries)
    if spec.type == "actor":
        return fill_actor_text(codebook, spec, text, repo, country=country)
    if spec.type == "choice":
        return fill_choice(spec, text, codebook.choices_for(spec.name, values) or spec.all_choices())
    if spec.multiple:
        try:
            return Fill({spec.name: spec._coerce_one(text)})
        except ValueError as exc:
            return Fill({}, str(exc))
    if spec.type == "integer":
        count = parse_count(text)
        return Fill({spec.name: count}) if count is not None else Fill({}, f"No number in \u201c{text}\u201d.")
    try:
        return Fill({spec.name: spec.coerce(text)})
    except ValueError as exc:
        return Fill({}, str(exc))


def with_follow_ups(codebook: Codebook, values: Mapping[str, Any], changes: Mapping[str, Any],
                    actors: Mapping[str, Optional[int]] | None = None) -> dict[str, Any]:
    """`changes` plus what follows from them: a known actor's inter code (only when the change
    named the actor), a dependent choice cleared when its parent no longer allows it, and every
    derived field whose value changes. Keys whose value stays the same are dropped."""
    out = dict(changes)
    for name, value in changes.items():
        spec = codebook.field(name)
        if spec is None:
            continue
        if spec.type == "actor" and spec.inter_field and actors and spec.inter_field not in out and not spec.multiple:
            from coding.actors import actor_key

            code = actors.get(actor_key(str(value or "")))
            if code is not None:
                out[spec.inter_field] = code
    merged = {**values, **out}
    for spec in codebook.fields:
        if spec.depends_on and spec.depends_on in out and not is_empty(merged.get(spec.name)):
            if merged[spec.name] not in codebook.choices_for(spec.name, merged):
                out[spec.name] = None
                merged[spec.name] = None
    derived = compute_derived(codebook, merged)
    for spec in codebook.fields:
        if spec.derived and derived.get(spec.name) != values.get(spec.name):
            out[spec.name] = derived.get(spec.name)
    return {k: v for k, v in out.items() if k in changes or v != values.get(k)}


def storable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the event row keeps them: dates in the JSON `extra` go in as ISO text."""
    return {k: (v.isoformat() if isinstance(v, dt.date) and k not in CORE_EVENT_FIELDS else v)
            for k, v in values.items()}


def event_line(codebook: Codebook, values: Mapping[str, Any]) -> str:
    """One line for the event list: type, date, place, actors, whatever the codebook calls them.
    The type is a dependent choice (sub_event_type) or else its parent (event_type)."""
    def first(kind: str) -> Any:
        return next((values.get(f.name) for f in codebook.fields
                     if f.type == kind and not is_empty(values.get(f.name))), None)

    kind = None
    for spec in codebook.fields:
        if spec.depends_on:
            kind = values.get(spec.name) or values.get(spec.depends_on)
            if not is_empty(kind):
                break
    date = first("date")
    where = first("place") or values.get("admin1") or values.get("country")
    actors = [str(values[f.name]) for f in codebook.fields if f.type == "actor" and not is_empty(values.get(f.name))]
    parts = [str(kind or "(no type)"), date.isoformat() if isinstance(date, dt.date) else str(date or "no date"),
             str(where or "no place")]
    if actors:
        parts.append(" vs ".join(actors))
    return " · ".join(parts)


def new_event_values(codebook: Codebook, article: Any) -> dict[str, Any]:
    """A new event's starting values: the article's source, and the codebook's defaults."""
    values: dict[str, Any] = {}
    if codebook.field("source") is not None and getattr(article, "source", None):
        values["source"] = article.source
    for spec in codebook.fields:
        if not spec.derived and spec.default is not None and spec.name not in values:
            values[spec.name] = spec.default
    return values


def typed_values(codebook: Codebook, raw: Mapping[str, Any]) -> dict[str, Any]:
    """An event's stored values in each field's type (ISO text in `extra` back to a date);
    a value that does not fit is kept as is so validation can point at it."""
    out = dict(raw)
    for spec in codebook.fields:
        try:
            out[spec.name] = spec.coerce(raw.get(spec.name))
        except ValueError:
            pass
    return out
