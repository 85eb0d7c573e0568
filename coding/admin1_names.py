"""ACLED's English names of first-level regions: the English form the gazetteer's aliases agree
on ("Aleppo Governorate", "Aleppo" -> Aleppo), else the local name without accents, with the
overrides of resources/acled_admin1.json where ACLED writes a region its own way."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

CROSSWALK = Path(__file__).resolve().parent.parent / "resources" / "acled_admin1.json"
# Words that make a region's name English without being part of it ("Sumy Oblast", "The State
# of Tigray", "District de Bamako", "Gobolka Nugaal").
_SUFFIX = re.compile(r"\s+(?:regional state|oblast|region|province|governorate|state|district|county|prefecture|"
                     r"department|municipality|division|krai|kray)$", re.I)
_PREFIX = re.compile(r"^(?:the state of|state of|district de|province of|region of)\s+", re.I)
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                          "æ": "ae", "Æ": "AE", "œ": "oe", "ə": "e", "Ə": "E", "ħ": "h"})
_MARKS = re.compile(r"[’‘ʻʼ`´]")


def ascii_name(name: str) -> str:
    """'Ḩalab' -> 'Halab', 'Tāʻizz' -> 'Taizz', 'Diyarbakır' -> 'Diyarbakir'; '' when the name
    is in another script."""
    text = unicodedata.normalize("NFKD", _MARKS.sub("", name.translate(_LETTERS)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()) if text.isascii() else ""


def _stripped(name: str) -> tuple[str, bool]:
    """(the name without generic words, whether it had one: an English formation)."""
    base = _PREFIX.sub("", name)
    base = _SUFFIX.sub("", base)
    return base.strip(" ,"), base != name


@lru_cache(maxsize=1)
def _crosswalk() -> dict:
    return json.loads(CROSSWALK.read_text(encoding="utf-8"))


def overrides() -> dict[str, str]:
    """geonames admin1 code -> ACLED's name, where it differs from what the aliases give."""
    return dict(_crosswalk()["overrides"])


def extra_aliases(code: str) -> list[str]:
    return list(_crosswalk().get("aliases", {}).get(code, []))


def english_admin1(code: str, local: str, aliases: Iterable[str], town_stem: str = "", main_town: str = "") -> str:
    """The name the event form and exports use for the region `code` ('SY.09')."""
    fixed = overrides().get(code)
    if fixed:
        return fixed
    # An alias formed the English way ("Aleppo Governorate") counts 1, a bare one half (bare
    # aliases are often other languages' forms: Rangoon, Lwes); the local name counts 1, and wins
    # a tie only against bare aliases.
    votes: defaultdict[str, float] = defaultdict(float)  # half votes: not a Counter (int counts)
    english: set[str] = set()
    for alias in aliases:
        plain = ascii_name(alias)
        if len(plain) < 2 or plain.isupper() or not plain[0].isupper():
            continue
        base, formed = _stripped(plain)
        if base:
            votes[base] += 1 if formed else 0.5
            if formed:
                english.add(base)
    local_plain = ascii_name(local)
    if local_plain:
        votes[_stripped(local_plain)[0]] += 1
    if town_stem and not english:
        votes[town_stem] += 1.5  # 'Kurskaya oblast'' is Kursk: the main town's name opens it
    town = ascii_name(main_town)
    if town in votes:
        votes[town] += 1  # Beirut's governorate is 'Beirut', not 'Bayrut': the name its main town goes by
    if not votes:
        return local
    return max(votes, key=lambda name: (votes[name], name in english, -len(name)))
