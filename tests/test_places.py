"""Place highlights: the article's countries settle shared names, geo precision, cache and overrides."""
from __future__ import annotations

import pytest

from coding.codebook import default_codebook, find_codebook
from coding.places import article_countries, choose_place, place_fields, place_values, resolve_place
from coding.regions import acled_region


@pytest.mark.slow
def test_gazetteer_is_ready():
    """The first use builds the gazetteer index into the test session's cache (seconds)."""
    from coding.gazetteer import get_gazetteer

    assert get_gazetteer().lookup("Tripoli")


def test_a_name_in_two_countries_follows_the_article():
    alone = resolve_place("Tripoli")
    assert alone.ambiguous and "pick" in alone.note
    assert {"LY", "LB"} <= {c.country_code for c in alone.candidates}
    assert alone.best.country_code == "LY"  # the bigger one, when nothing else says
    lebanon = resolve_place("Tripoli", context_countries=["LB"])
    assert (lebanon.best.country_code, lebanon.best.kind, lebanon.ambiguous) == ("LB", "city", False)
    assert resolve_place("Tripoli", context_countries=["Lebanon"]).best.country_code == "LB"
    assert resolve_place("Hyderabad", context_countries=["PK", "IN"]).best.admin1 == "Sindh"


def test_context_comes_from_the_article_place_highlights():
    context = article_countries(["Beirut", "Lebanon", "Tripoli", "Byblos", "Sidon"])
    assert context[0] == "LB"
    assert resolve_place("Tripoli", context_countries=context).best.country_code == "LB"


@pytest.mark.parametrize("text, kind, precision", [
    ("Kharkiv", "city", 1), ("near Kharkiv", "city", 2), ("the outskirts of Kharkiv", "city", 2),
    ("20 km north of Kharkiv", "city", 2), ("Kharkiv district", "city", 2),
    ("Kursk region", "admin1", 3), ("Kano State", "admin1", 3), ("Ukraine", "country", 3),
])
def test_geo_precision(text, kind, precision):
    result = resolve_place(text)
    assert (result.best.kind, result.geo_precision) == (kind, precision)


def test_a_region_and_its_same_named_town_gives_the_town():
    kano = resolve_place("Kano")
    assert (kano.best.kind, kano.best.country_code, kano.geo_precision) == ("city", "NG", 1)


def test_place_fields_fill_the_acled_columns():
    fields = place_fields(resolve_place("Tripoli", context_countries=["LB"]))
    assert fields["country"] == "Lebanon" and fields["iso"] == 422 and fields["region"] == "Middle East"
    assert fields["location"] == "Tripoli" and fields["geo_precision"] == 1
    assert fields["latitude"] == pytest.approx(34.43, abs=0.1) and fields["longitude"] == pytest.approx(35.84, abs=0.1)
    kano = place_fields(resolve_place("Kano"))
    assert (kano["country"], kano["iso"], kano["region"], kano["admin1"]) == ("Nigeria", 566, "Western Africa", "Kano")
    country = place_fields(resolve_place("Ukraine"))
    assert (country["region"], country["admin1"], country["geo_precision"]) == ("Europe", "", 3)
    assert place_fields(resolve_place("Qzxqzx")) == {}


def test_unknown_place_says_so():
    result = resolve_place("Qzxqzx")
    assert result.best is None and result.candidates == [] and "not in the gazetteer" in result.note


def test_lookups_are_cached_and_the_coder_can_override(repo):
    first = resolve_place("Tripoli", repo, context_countries=["LB"])
    row = repo.cached_place("tripoli", "LB")
    assert row is not None and row.country_code == "LB" and not row.chosen_by_coder
    libya = next(c for c in first.candidates if c.country_code == "LY" and c.kind == "city")
    chosen = choose_place(repo, "Tripoli", libya, context_countries=["LB"])
    assert chosen.best.country_code == "LY" and chosen.chosen_by_coder and not chosen.ambiguous
    again = resolve_place("tripoli", repo, context_countries=["LB"])
    assert (again.best.country, again.geo_precision) == ("Libya", 1)
    assert place_fields(again)["iso"] == 434
    # articles about another country are not bound by that choice
    assert resolve_place("Tripoli", repo, context_countries=["GR"]).best.country_code == "GR"


@pytest.mark.parametrize("iso2, continent, region", [
    ("NG", "AF", "Western Africa"), ("KE", "AF", "Eastern Africa"), ("SY", "AS", "Middle East"),
    ("UA", "EU", "Europe"), ("BR", "SA", "South America"), ("MX", "NA", "Central America"),
    ("HT", "NA", "Caribbean"), ("PK", "AS", "South Asia"), ("XX", "", ""),
])
def test_acled_regions(iso2, continent, region):
    assert acled_region(iso2, continent) == region


def test_place_values_follow_each_codebooks_field_names():
    result = resolve_place("Kano")
    acled = place_values(default_codebook(), "location", result)
    assert acled["location"] == "Kano" and acled["iso"] == 566 and acled["geo_precision"] == 1
    protest = place_values(find_codebook("protest"), "city", result)
    assert set(protest) == {"city", "country", "lat", "lon"}
    assert protest["city"] == "Kano" and protest["lat"] == acled["latitude"]


def test_without_the_gazetteer_the_workspace_cache_answers(repo, monkeypatch):
    import sqlite3

    import coding.places

    resolve_place("Kano", repo)  # cached automatically

    class Broken:
        def lookup(self, name):
            raise sqlite3.DatabaseError("file is not a database")

        def country(self, code):
            raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(coding.places, "get_gazetteer", lambda: Broken())
    result = resolve_place("Kano", repo)
    assert result.best.country_code == "NG" and "could not be opened" in result.note
    assert place_fields(result)["location"] == "Kano"
    missing = resolve_place("Qzxqzx", repo)
    assert missing.best is None and "enter the place by hand" in missing.note
