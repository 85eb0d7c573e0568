"""Place highlights to gazetteer places: candidates, a best guess by the article's countries,
geo precision, the DB cache with coder overrides, and the ACLED place fields."""
from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from coding.gazetteer import PlaceEntry, get_gazetteer, name_key
from coding.place_query import choice_note, lookup_name, named_first, qualified, spanning_region, town_of_region
from coding.regions import acled_region

if TYPE_CHECKING:
    from storage.repository import Repository

# "near Kharkiv", "the outskirts of Kano", "20 km north of Gao": the place is a reference point.
_NEAR = re.compile(
    r"^(?:(?:a|the)\s+(?:village|town|area|district)\s+)?(?:(?:just|some)\s+)?"
    r"(?:near|nearby|outside|outside of|around|close to|(?:on\s+)?the\s+outskirts\s+of|outskirts\s+of|"
    r"(?:about\s+|some\s+)?\d+\s*(?:km|kilometers|kilometres|miles|mi)\s+(?:from|(?:north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of)|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of|"
    r"(?:the\s+)?vicinity\s+of|(?:the\s+)?area\s+of)\s+", re.I)
_DISTRICT_WORDS = ("district", "county", "raion", "municipality", "department", "prefecture", "area")
_REGION_WORDS = ("region", "oblast", "province", "governorate", "state", "krai", "kray")
# A candidate this much smaller than the best guess is not a plausible alternative.
PLAUSIBLE_SHARE = 0.1
SAME_PLACE_KM = 50.0
# A region named after a town whose main town lies this close is the town's own region, not a
# second reading (Kyiv Oblast around Kyiv; not Washington State, far from Washington, D.C.).
REGION_NEAR_KM = 150.0


@dataclass
class PlaceResult:
    """Where a place highlight points: the best guess, every candidate (best first) for a picker,
    ACLED geo_precision (1 the place, 2 near it / district, 3 region or country), and whether
    several plausible places share the name so the coder should pick."""

    best: Optional[PlaceEntry]
    candidates: list[PlaceEntry] = field(default_factory=list)
    geo_precision: Optional[int] = None
    ambiguous: bool = False
    query: str = ""
    near: bool = False
    note: str = ""
    chosen_by_coder: bool = False


def _km(a: PlaceEntry, b: PlaceEntry) -> float:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _split_query(text: str) -> tuple[str, bool, Optional[str]]:
    """(the place name, 'near' said?, trailing 'district'/'region' word or None)."""
    t = " ".join(str(text).replace("\u2019", "'").split()).strip(" .,;:()")
    t = re.sub(r"^(?:in|at|from|into|to)\s+", "", t, flags=re.I)
    near = False
    m = _NEAR.match(t)
    if m:
        near, t = True, t[m.end():]
    t = re.sub(r"^the\s+", "", t, flags=re.I)
    words = t.split()
    unit = words[-1].lower() if len(words) >= 2 else None
    if unit not in _DISTRICT_WORDS + _REGION_WORDS:
        unit = None
    return t, near, unit


def _codes(context_countries: Iterable[str]) -> list[str]:
    """ISO2 codes from codes or names, in the given order, without repeats."""
    out: list[str] = []
    for c in context_countries:
        info = _country(c) if c else None
        code = info.iso2 if info else str(c).upper()
        if code and code not in out:
            out.append(code)
    return out


def country_code(code_or_name: Any) -> Optional[str]:
    """The ISO2 code of a country given by code or name ("Russia", "RU"); None when unknown."""
    info = _country(str(code_or_name)) if code_or_name else None
    return info.iso2 if info else None


def _country(code_or_name: str) -> Any:
    try:
        return get_gazetteer().country(code_or_name)
    except (OSError, sqlite3.Error):
        return None


def _rank(candidates: Sequence[PlaceEntry], context: Sequence[str], unit: Optional[str]) -> list[PlaceEntry]:
    """Best first: a country the article is about, then the kind the words ask for, then size."""
    def weight(p: PlaceEntry) -> float:
        pop = float(p.population or 0)
        if p.kind == "country":
            pop *= 10  # "Georgia" in the news is the country more often than the US state
        return pop

    def key(p: PlaceEntry) -> tuple:
        ctx = context.index(p.country_code) if p.country_code in context else len(context)
        if unit in _REGION_WORDS:
            kind = 0 if p.kind == "admin1" else 1
        elif unit in _DISTRICT_WORDS:
            kind = 0 if p.kind == "city" else 1
        else:
            kind = 0
        return (ctx, kind, -weight(p))

    ranked = sorted(candidates, key=key)
    if unit in _REGION_WORDS or not ranked:
        return ranked
    # "Kano", "Tripoli", "Sumy": the name of a region and of a town in it; the town is more precise
    # (a coder who means the region writes "Kano State").
    best = ranked[0]
    if best.kind == "admin1":
        # ... and a country's capital beats a region of its name (Washington, D.C. over the state)
        for p in ranked[1:]:
            if p.kind == "city" and p.country_code == best.country_code and (p.admin1 == best.admin1 or p.capital):
                ranked.remove(p)
                ranked.insert(0, p)
                break
    return ranked


def _plausible_alternatives(ranked: Sequence[PlaceEntry], context: Sequence[str]) -> list[PlaceEntry]:
    """Other places (elsewhere, not the best guess's own region) big enough to be meant."""
    best = ranked[0]
    in_context = best.country_code in context
    out = []
    for p in ranked[1:]:
        if p.kind == "admin1" and p.country_code == best.country_code and p.admin1 == best.admin1:
            continue  # the region the best guess lies in
        if p.country_code == best.country_code and (p.kind == "country" or (
                p.kind == "admin1" and name_key(p.name) == name_key(best.name) and _km(p, best) < REGION_NEAR_KM)):
            continue  # the country it lies in; the region around, named after the town (Kyiv Oblast)
        if p.country_code == best.country_code and _km(p, best) < SAME_PLACE_KM:
            continue
        if in_context and p.country_code not in context:
            continue  # the article's countries settle it
        if (p.population or 0) >= PLAUSIBLE_SHARE * max(best.population or 0, 1):
            out.append(p)
    return out


def _precision(entry: Optional[PlaceEntry], near: bool, unit: Optional[str]) -> Optional[int]:
    if entry is None:
        return None
    if entry.kind in ("country", "admin1"):
        return 3
    if near or unit in _DISTRICT_WORDS:
        return 2
    return 1


def _entry_from_cache(row: Any) -> PlaceEntry:
    kind = "city"
    if row.geo_precision == 3 and not row.admin1 and row.name == row.country:
        kind = "country"
    elif row.geo_precision == 3 and row.admin1 == row.name:
        kind = "admin1"
    return PlaceEntry(row.name, kind, row.country_code, row.country, row.admin1, row.latitude,
                      row.longitude, row.population or 0, row.geonameid)


def _cached(repo: "Repository", query: str, hint: str) -> Any:
    row = repo.cached_place(query, hint)
    if row is None and hint:
        row = repo.cached_place(query, "")
        if row is not None and not row.chosen_by_coder:
            row = None
    return row


def _lookup(name: str) -> list[PlaceEntry]:
    return lookup_name(name, lambda: get_gazetteer())  # late-bound: tests replace get_gazetteer


def _spanning_result(core: str, context: Sequence[str]) -> Optional[PlaceResult]:
    """A region over several countries or regions (Sahel, Darfur): never one of them silently."""
    region = spanning_region(core)
    if region is None:
        return None
    own = [p for p in _lookup(core) if p.country_code in context and p.kind != "country"]
    if own:
        return None  # Burkina Faso's own Sahel region, in an article about Burkina Faso
    name, parts = region
    candidates: list[PlaceEntry] = []
    for part in parts:
        cc, _, admin1 = part.partition(":")
        info = _country(cc)
        found = [p for p in _lookup(admin1 or (info.name if info else cc))
                 if p.country_code == cc and p.kind == ("admin1" if admin1 else "country")]
        candidates += found[:1]
    where = ", ".join(p.admin1 or p.country for p in candidates)
    return PlaceResult(None, candidates, None, True, name_key(core), False,
                       f"'{name}' spans several places ({where}); pick the one the event was in.")


def resolve_place(name: str, repo: Optional["Repository"] = None,
                  context_countries: Sequence[str] = ()) -> PlaceResult:
    """Look a place highlight up. `context_countries`: the countries the article is about (ISO2
    codes or names, most frequent first; see article_countries). With `repo`, a coder's earlier
    choice for this name wins and the automatic guess is cached in the workspace."""
    core, near, unit = _split_query(name)
    context = _codes(context_countries)
    hint = context[0] if context else ""
    query = name_key(core)
    problem = ""
    try:
        found_in = qualified(core, lambda: get_gazetteer()) if query else None
        if found_in is not None:
            head, candidates = found_in
            unit = _split_query(head)[2]
        else:
            spanning = _spanning_result(core, context) if query else None
            if spanning is not None and not (repo is not None and _cached(repo, query, hint) is not None):
                return spanning
            candidates = _lookup(core) if query else []
    except (OSError, sqlite3.Error) as exc:  # a damaged or unwritable cache: say so, use the DB cache
        candidates, problem = [], f"The gazetteer could not be opened ({exc}); "
    ranked = town_of_region(named_first(_rank(candidates, context, unit), query), unit, lambda: get_gazetteer())
    result = PlaceResult(None, ranked, None, False, query, near)
    row = _cached(repo, query, hint) if repo is not None and query else None
    if row is not None and (row.chosen_by_coder or not ranked):
        best = _entry_from_cache(row)
        result.candidates = [best, *[c for c in ranked if c.geonameid != best.geonameid or best.geonameid is None]]
        result.best, result.chosen_by_coder = best, bool(row.chosen_by_coder)
        result.geo_precision = row.geo_precision or _precision(best, near, unit)
        if row.chosen_by_coder:
            result.note = "Chosen earlier by a coder for this name."
        else:
            result.note = (problem + "taken from the workspace's place cache.") if problem else \
                "Taken from the workspace's place cache."
        return result
    if not ranked:
        result.note = (problem + "enter the place by hand.") if problem else \
            f"'{core}' is not in the gazetteer; enter the place by hand."
        return result
    result.best = ranked[0]
    result.geo_precision = _precision(result.best, near, unit)
    others = _plausible_alternatives(ranked, context)
    result.ambiguous = bool(others)
    if others:
        where = ", ".join(sorted({p.country for p in [result.best, *others]}))
        result.note = f"Several places are called '{core}' ({where}); pick the right one."
    else:
        result.note = choice_note(result.best, ranked, query)
    if repo is not None and row is None:
        cache_choice(repo, query, result.best, result.geo_precision, hint, chosen_by_coder=False)
    return result


def cache_choice(repo: "Repository", query: str, entry: PlaceEntry, geo_precision: Optional[int],
                 country_hint: str = "", chosen_by_coder: bool = True) -> None:
    """Keep a place for this name in the workspace's cache (a coder's pick by default)."""
    from storage.models import Place

    repo.cache_place(Place(query=name_key(query), country_hint=country_hint, name=entry.name,
                           country=entry.country, country_code=entry.country_code, admin1=entry.admin1,
                           latitude=entry.latitude, longitude=entry.longitude, geonameid=entry.geonameid,
                           population=entry.population, geo_precision=geo_precision,
                           chosen_by_coder=chosen_by_coder))


def choose_place(repo: "Repository", name: str, entry: PlaceEntry, context_countries: Sequence[str] = (),
                 geo_precision: Optional[int] = None) -> PlaceResult:
    """The coder overrides the guess for this name (in articles about the same main country):
    remembered in the workspace, returned as the new result."""
    core, near, unit = _split_query(name)
    context = _codes(context_countries)
    precision = geo_precision or _precision(entry, near, unit)
    cache_choice(repo, core, entry, precision, context[0] if context else "", chosen_by_coder=True)
    return resolve_place(name, repo, context_countries)


def article_countries(place_texts: Iterable[str]) -> list[str]:
    """The ISO2 codes of the countries an article's place highlights point to, most frequent
    first: the context for resolve_place. Only clear cases count (a country, or a name that
    is not ambiguous)."""
    counts: Counter[str] = Counter()
    seen: dict[str, Optional[str]] = {}
    for text in place_texts:
        core = _split_query(text)[0]
        key = name_key(core)
        if key not in seen:
            found = _rank(get_gazetteer().lookup(core), [], None)
            code = None
            if found and (found[0].kind == "country" or not _plausible_alternatives(found, [])):
                code = found[0].country_code
            seen[key] = code
        known = seen[key]
        if known:
            counts[known] += 1
    return [code for code, _ in counts.most_common()]


def place_fields(result: PlaceResult) -> dict[str, Any]:
    """The ACLED fields a resolved place fills: country, iso, region, admin1, location,
    latitude, longitude, geo_precision. Empty dict when nothing was found."""
    best = result.best
    if best is None:
        return {}
    info = _country(best.country_code) if best.country_code else None
    location = best.name
    return {
        "country": info.name if info else best.country,
        "iso": info.iso_numeric if info and info.iso_numeric else None,
        "region": acled_region(best.country_code, info.continent if info else ""),
        "admin1": "" if best.kind == "country" else (best.admin1 or (best.name if best.kind == "admin1" else "")),
        "location": location,
        "latitude": round(best.latitude, 4) if best.latitude is not None else None,
        "longitude": round(best.longitude, 4) if best.longitude is not None else None,
        "geo_precision": result.geo_precision,
        "geonameid": best.geonameid,
    }


def precision_word(result: PlaceResult) -> str:
    """The place's precision as a codebook's precision_map names it: place, near, region, country."""
    if result.best is not None and result.best.kind == "country":
        return "country"
    return {1: "place", 2: "near", 3: "region"}.get(result.geo_precision or 0, "")


def place_values(codebook: Any, field_name: str, result: PlaceResult) -> dict[str, Any]:
    """The field changes a resolved place makes in a codebook: the place name in `field_name`,
    and country, iso, region, admin1, coordinates, geo_precision in the fields of those names
    (or the ones the place field's "fills" maps them to) that the codebook has."""
    values = place_fields(result)
    if not values:
        return {}
    spec = codebook.field(field_name)
    fills = spec.fills if spec is not None else {}
    if spec is not None and spec.precision_map and values.get("geo_precision") is not None:
        values["geo_precision"] = spec.precision_map.get(precision_word(result), values["geo_precision"])
    changes: dict[str, Any] = {field_name: values.pop("location")}
    for key, value in values.items():
        target = fills.get(key, key)
        if target != field_name and codebook.field(target) is not None:
            changes[target] = value
    return changes


def acled_admin1(entry: PlaceEntry) -> str:
    """The admin1 of a place as the event form fills it."""
    if entry.kind == "country":
        return ""
    return entry.admin1 or (entry.name if entry.kind == "admin1" else "")
