"""How a place highlight is read before the gazetteer is asked: "Town, Region" split, Arabic
article forms (al-, el-), and the names of regions that span several countries or regions."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from coding.gazetteer import name_key

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
# Arabic's article in the ways English news write it: al-Raqqa, el-Obeid, ar-Raqqa, ash-Shaddadi.
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
