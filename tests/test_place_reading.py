"""Place highlights read as coders write them: other scripts, "Town, Region", Arabic articles,
capital vs state, alias-only territories, regions over several places, region coordinates."""
from __future__ import annotations

import pytest

from coding.places import place_fields, resolve_place
from coding.place_query import name_variants, split_qualified


def _where(text: str, *countries: str) -> tuple:
    result = resolve_place(text, context_countries=countries)
    values = place_fields(result)
    return result.best.country_code if result.best else None, values.get("admin1"), values.get("geo_precision")


@pytest.mark.parametrize("text, expected", [
    ("Харків", ("UA", "Kharkiv", 1)), ("Москва", ("RU", "Moscow", 1)), ("حلب", ("SY", "Aleppo", 1)),
    ("الخرطوم", ("SD", "Khartoum", 1)),  # an alias of the state brings its town of that name
])
def test_names_in_other_scripts(text, expected) -> None:
    assert _where(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Izium, Kharkiv region", ("UA", "Kharkiv", 1)), ("Tripoli, Lebanon", ("LB", "North", 1)),
    ("Portland, Maine", ("US", "Maine", 1)), ("Washington, D.C.", ("US", "District of Columbia", 1)),
])
def test_town_comma_region(text, expected) -> None:
    assert _where(text) == expected


def test_split_qualified_and_arabic_variants() -> None:
    assert split_qualified("Izium, Kharkiv region") == ("Izium", "Kharkiv region")
    assert split_qualified("Izium") is None
    assert "Raqqa" in name_variants("al-Raqqa") and name_variants("Raqqa") == []
    assert _where("al-Raqqa", "SY") == ("SY", "Ar-Raqqa", 1)
    assert _where("el-Obeid", "SD") == ("SD", "North Kordofan", 1)


def test_the_capital_beats_a_state_of_its_name_and_says_so() -> None:
    result = resolve_place("Washington", context_countries=("US",))
    assert place_fields(result)["admin1"] == "District of Columbia"
    assert result.ambiguous and "Washington" in result.note


def test_a_real_town_beats_an_alias_only_territory() -> None:
    assert _where("Gaza", "PS") == ("PS", "Gaza Strip", 1)


def test_a_region_is_coded_at_its_main_town_with_precision_3() -> None:
    result = resolve_place("Kursk region", context_countries=("RU",))
    values = place_fields(result)
    assert (values["admin1"], values["geo_precision"]) == ("Kursk", 3)
    assert abs(values["latitude"] - 51.73) < 0.1 and abs(values["longitude"] - 36.19) < 0.1


@pytest.mark.parametrize("text, countries", [("Darfur", ("SD",)), ("Sahel", ()), ("Donbas", ("UA",))])
def test_a_region_over_several_places_is_never_coded_silently(text, countries) -> None:
    result = resolve_place(text, context_countries=countries)
    assert result.ambiguous and result.best is None
    assert len(result.candidates) >= 2 and "spans several" in result.note


def test_a_countrys_own_region_of_that_name_is_not_spanning() -> None:
    assert _where("Sahel", "BF") == ("BF", "Sahel", 3)
