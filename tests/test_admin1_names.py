"""ACLED's English admin1 names: the crosswalk's choice among the gazetteer's aliases, and
every explicit override in resources/acled_admin1.json checked against the built index."""
from __future__ import annotations

import pytest

from coding.admin1_names import ascii_name, english_admin1, overrides
from coding.gazetteer import get_gazetteer


@pytest.mark.parametrize("code, local, aliases, expected", [
    ("SY.09", "Ḩalab", ["Aleppo", "Aleppo Governorate", "حلب"], "Aleppo"),
    ("MX.25", "Sinaloa", ["Estado de Sinaloa"], "Sinaloa"),  # a bare alias never beats the local name
    ("MM.17", "Yangon", ["Rangoon"], "Yangon"),
    ("AF.23", "Kandahār", ["Qandahor"], "Kandahar"),
    ("SD.55", "North Darfur", ["North Darfur State", "Northern Darfur"], "North Darfur"),
    ("TR.21", "Diyarbakır", [], "Diyarbakir"),
])
def test_the_english_name_the_aliases_agree_on(code, local, aliases, expected) -> None:
    assert english_admin1(code, local, aliases) == expected


def test_the_main_towns_name_settles_a_tie() -> None:
    assert english_admin1("LB.04", "Bayrūt", ["Beirut"], main_town="Beirut") == "Beirut"
    assert english_admin1("UA.07", "Kharkivska oblast", ["Kharkiv", "Kharkiv Oblast", "Kharkivs’ka Oblast’"],
                          main_town="Kharkiv") == "Kharkiv"


def test_ascii_name() -> None:
    assert ascii_name("Tāʻizz") == "Taizz" and ascii_name("Île-de-France") == "Ile-de-France"
    assert ascii_name("Київ") == ""


@pytest.mark.parametrize("code, name", sorted(overrides().items()))
def test_every_override_is_the_admin1_of_its_regions_towns(code: str, name: str) -> None:
    cc = code.split(".")[0]
    regions = [p for p in get_gazetteer().lookup(name) if p.kind == "admin1" and p.country_code == cc]
    assert regions, f"{code}: no region called {name!r} in the index"
    assert any(p.admin1 == name for p in regions)
