"""The gazetteer index: built once into the cache, names found in their usual English forms."""
from __future__ import annotations

import pytest

from coding.gazetteer import get_gazetteer, index_path, name_key
from coding.textsplit import split_text


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory):
    """Built in the session's shared cache (the first build takes seconds, later ones open it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHRONICLER_CACHE", str(tmp_path_factory.getbasetemp() / "shared-cache"))
        yield get_gazetteer()


@pytest.mark.slow
def test_index_lives_in_the_cache_folder(gaz):
    assert index_path().exists() and index_path() == gaz.path
    assert get_gazetteer() is gaz  # once per process


def test_towns_regions_and_countries(gaz):
    glushkovo = gaz.lookup("Glushkovo")[0]
    assert (glushkovo.kind, glushkovo.country_code, glushkovo.country, glushkovo.admin1) == ("city", "RU", "Russia", "Kursk")
    assert glushkovo.latitude and glushkovo.longitude and glushkovo.geonameid
    assert {p.country_code for p in gaz.lookup("Serhiivka")} == {"UA"}
    assert gaz.lookup("Ukraine")[0].kind == "country"
    paris = gaz.lookup("Paris")
    assert paris[0].country_code == "FR"
    assert [p.population for p in paris] == sorted((p.population for p in paris), reverse=True)


def test_inflected_and_region_forms(gaz):
    assert gaz.lookup("Kursk's")[0].name == "Kursk"
    region = gaz.lookup("Kursk region")[0]
    assert (region.kind, region.country_code) == ("admin1", "RU")
    assert gaz.lookup("Sumy Oblast")[0].kind == "admin1"
    assert gaz.lookup("the Sumy region")[0].admin1 == "Sumy"
    assert gaz.lookup("KYIV")[0].country_code == "UA"
    assert gaz.lookup("Kiev")[0].name == "Kyiv"  # an alternate name
    assert gaz.lookup("no such place anywhere") == []


def test_country_codes(gaz):
    ua = gaz.country("UA")
    assert (ua.iso3, ua.iso_numeric, ua.name, ua.continent) == ("UKR", 804, "Ukraine", "EU")
    assert gaz.country("RUS").iso2 == "RU"
    assert gaz.country("Russia").iso2 == "RU"
    assert gaz.country("840").iso2 == "US"
    assert gaz.country("Atlantis") is None


def test_names_for_the_place_stage(gaz):
    known = gaz.known(["glushkovo", "kursk region", "the", "zzzz"])
    assert set(known) == {"glushkovo", "kursk region"}
    pop, rank = known["kursk region"]
    assert rank == 1 and pop > 0


def test_name_key_folds_case_accents_and_apostrophes():
    assert name_key("  Kyïv ") == name_key("KYIV") == "kyiv"
    assert name_key("Kursk’s") == "kursk's"


def test_split_text_keeps_offsets_exact():
    text = ("Para one.\r\n\r\nPara two 😀 é.\n\n" * 5000) + "x" * 30_000
    pieces = split_text(text, limit=10_000)
    assert len(pieces) > 10 and "".join(p for _, p in pieces) == text
    assert all(text[off: off + len(p)] == p and len(p) <= 10_000 for off, p in pieces)
