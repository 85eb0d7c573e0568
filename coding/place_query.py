"""How a place highlight is read before the gazetteer is asked: "Town, Region" split, Arabic
article forms (al-, el-), and the names of regions that span several countries or regions."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from coding.gazetteer import Gazetteer, PlaceEntry, get_gazetteer, name_key

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
# Arabic's article in the ways English news write it: al-Raqqa, el-Obeid, ar-Raqqa, ash-Shaddadi.
REGION_UNITS = ("region", "oblast", "province", "governorate", "state", "krai", "kray")
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|adh|an|at|az|ath|ed|en|es|et)[-\s]", re.I)


def name_variants(name: str) -> list[str]:
    """Other spellings to try when a name is not found: 'al-Raqqa' -> 'al Raqqa', 'el Raqqa',
    'Raqqa'; nothing for a name without an Arabic article."""
    out: list[str] = []
    dashless = name.replace("-", " ")
    if dashless != name:
        out.append(dashless)
    m = _ARTICLE.match(name)
    if m:
        rest = name[m.end():]
        out += [f"al {rest}", f"el {rest}", f"al-{rest}", f"el-{rest}", rest, rest.replace("-", " ")]
    seen: set[str] = {name_key(name)}
    unique = []
    for v in out:
        if name_key(v) not in seen:
            seen.add(name_key(v))
            unique.append(v)
    return unique


def split_qualified(name: str) -> Optional[tuple[str, str]]:
    """'Izium, Kharkiv region' -> ('Izium', 'Kharkiv region'); None without a comma."""
    if "," not in name:
        return None
    head, _, tail = name.partition(",")
    head, tail = head.strip(), tail.strip(" .")
    return (head, tail) if head and tail else None


@lru_cache(maxsize=1)
def _spanning() -> dict[str, tuple[str, list[str]]]:
    data = json.loads((RESOURCES / "spanning_regions.json").read_text(encoding="utf-8"))["regions"]
    return {name_key(name): (name, parts) for name, parts in data.items()}


def spanning_region(name: str) -> Optional[tuple[str, list[str]]]:
    """(the region's name, its parts: ISO2 or 'ISO2:admin1') for a name like 'Sahel', 'Darfur'."""
    return _spanning().get(name_key(name))


Gazetteers = Callable[[], Gazetteer]


def lookup_name(name: str, gazetteer_of: Gazetteers = get_gazetteer) -> list[PlaceEntry]:
    """The gazetteer's places for a name, trying its other spellings (al-/el-) when it has none."""
    gazetteer = gazetteer_of()
    found = gazetteer.lookup(name)
    for variant in name_variants(name) if not found else ():
        found = gazetteer.lookup(variant)
        if found:
            break
    return found


def inside(place: PlaceEntry, area: PlaceEntry) -> bool:
    if place.country_code != area.country_code or place is area:
        return False
    return area.kind == "country" or (area.kind == "admin1" and place.admin1 == area.admin1)


def qualified(core: str, gazetteer_of: Gazetteers = get_gazetteer) -> Optional[tuple[str, list[PlaceEntry]]]:
    """'Izium, Kharkiv region', 'Tripoli, Lebanon', 'Portland, Maine': the places of the first
    name that lie in the second; None when the text is not written so."""
    parts = split_qualified(core)
    if parts is None:
        return None
    head, tail = parts
    areas = [a for a in lookup_name(tail, gazetteer_of) if a.kind in ("country", "admin1")]
    within = [p for p in lookup_name(head, gazetteer_of) if any(inside(p, a) for a in areas)]
    return (head, within) if within else None


def named_first(ranked: list[PlaceEntry], query: str) -> list[PlaceEntry]:
    """A territory or region found only by an alias ('Gaza' for the Palestinian territories)
    gives way to a place in the same country that is really called so (Gaza City)."""
    if not ranked or ranked[0].kind == "city" or name_key(ranked[0].name) == query:
        return ranked
    best = ranked[0]
    named = next((p for p in ranked[1:] if p.country_code == best.country_code and name_key(p.name) == query), None)
    return [named, *[p for p in ranked if p is not named]] if named is not None else ranked


def town_of_region(ranked: list[PlaceEntry], unit: Optional[str],
                   gazetteer_of: Gazetteers = get_gazetteer) -> list[PlaceEntry]:
    """A name found only as a region ('الخرطوم' is an alias of the state) brings the region's
    town of the same name first, as _rank does when both names match."""
    if not ranked or ranked[0].kind != "admin1" or unit in REGION_UNITS:
        return ranked
    region = ranked[0]
    if any(p.kind == "city" and p.admin1 == region.admin1 and p.country_code == region.country_code for p in ranked):
        return ranked
    town = next((p for p in gazetteer_of().lookup(region.name)
                 if p.kind == "city" and p.admin1 == region.admin1 and p.country_code == region.country_code), None)
    return [town, *ranked] if town is not None else ranked


def choice_note(best: PlaceEntry, ranked: list[PlaceEntry], query: str) -> str:
    """What the coder should know about a guess no plausible rival contests: a town taken
    over a region or territory of the same name."""
    same = [p for p in ranked[1:] if p.country_code == best.country_code and p.kind != "city"
            and name_key(p.name) == name_key(best.name)]
    if best.kind == "city" and same:
        return (f"Taken as the town {best.name} (geo precision 1); for the region of that name write "
                f"'{best.name} region'.")
    if best.kind == "city" and name_key(best.name) == query and any(
            p.kind == "country" and p.country_code == best.country_code for p in ranked[1:]):
        return f"Taken as the town {best.name}, not the territory also called so."
    return ""
