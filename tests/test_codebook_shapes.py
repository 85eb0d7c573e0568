"""What codebooks beyond ACLED can say, checked when they load (the message names the file, the
field and the problem) and when an event is validated: date ranges on their own precision scale,
several values per field, low/best/high, location precision scales, rules for derived fields."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from coding.codebook import (CODEBOOK_DIR, CodebookError, available_codebooks, codebook_from_definition,
                             compute_derived, load_codebook, validate_event)
from coding.dates import date_values, normalize_date
from coding.derived import priogrid
from coding.places import PlaceResult, place_values
from coding.gazetteer import PlaceEntry


def _book(*fields: dict[str, Any]) -> Any:
    return codebook_from_definition({"name": "mine", "fields": list(fields)}, source="mine.json")


def _fails(message: str, *fields: dict[str, Any]) -> None:
    with pytest.raises(CodebookError) as info:
        _book(*fields)
    assert str(info.value) == message


DATE = {"name": "start", "type": "date"}
END = {"name": "end", "type": "date"}
PREC = {"name": "prec", "type": "choice", "value_type": "integer", "choices": [1, 2, 3, 4, 5]}


def test_the_shipped_codebooks_load() -> None:
    names = {b.name for b in available_codebooks()}
    assert {"acled", "protest", "ucdp_ged", "plover"} <= names
    plover = load_codebook(CODEBOOK_DIR / "plover.json")
    assert len(plover.field("event_type").choices) == 16
    assert plover.choices_for("mode", {"event_type": "PROTEST"})[:2] == ["demo", "riot"]
    assert plover.choices_for("mode", {"event_type": "AGREE"}) == []  # a verbal type without modes
    ucdp = load_codebook(CODEBOOK_DIR / "ucdp_ged.json")
    assert len(ucdp.field("where_prec").choices) == 7 and len(ucdp.field("date_prec").choices) == 5


@pytest.mark.parametrize("fields, message", [
    ([{**DATE, "end_field": "nowhere"}], "mine.json: field 'start': end_field names 'nowhere', which is not a field of this codebook"),
    ([{**DATE, "end_field": "n"}, {"name": "n", "type": "integer"}],
     "mine.json: field 'start': end_field 'n': a date range needs two date fields"),
    ([{**DATE, "precision_field": "prec", "precision_map": {"day": 1, "fortnight": 2}}, PREC],
     "mine.json: field 'start': precision_map has 'fortnight'; use: day, week, month, year"),
    ([{**DATE, "precision_field": "prec", "precision_map": {"day": 9}}, PREC],
     "mine.json: field 'start': precision_map gives 'day' the value 9, which is not among the choices of 'prec'"),
    ([{**DATE, "precision_map": {"day": 1}}],
     "mine.json: field 'start': has a 'precision_map' but no precision_field to put the precision in"),
    ([{"name": "n", "type": "integer", "precision_map": {"day": 1}}],
     "mine.json: field 'n': has a 'precision_map' but is not a date or place field"),
    ([{"name": "where", "type": "place", "precision_map": {"town": 1}}],
     "mine.json: field 'where': precision_map has 'town'; use: place, near, region, country"),
    ([{"name": "a", "type": "actor", "multiple": "yes"}], "mine.json: field 'a': 'multiple' must be true or false"),
    ([{**DATE, "multiple": True}], "mine.json: field 'start': a date field cannot be 'multiple'; use it for text, actor, choice or number fields"),
    ([{"name": "a", "type": "text", "separator": "|"}], "mine.json: field 'a': has a 'separator' but is not 'multiple'"),
    ([{"name": "actor1", "type": "actor", "multiple": True}],
     "mine.json: field 'actor1': cannot be 'multiple': the workspace keeps one value in this ACLED column; "
     "give the list field another name (e.g. \"actors\")"),
    ([{"name": "low", "type": "integer", "max_field": "name"}, {"name": "name", "type": "text"}],
     "mine.json: field 'low': max_field 'name': both fields must hold numbers"),
    ([{"name": "low", "type": "integer", "max_field": "low"}], "mine.json: field 'low': max_field names the field itself"),
    ([{"name": "inter", "type": "choice", "value_type": "integer", "choices": [{"value": 1, "export_label": 1}]}],
     "mine.json: field 'inter': 'export_label' of choice 1 in 'choices' must be a text"),
    ([{"name": "best", "type": "derived", "rule": "sum", "from": "a"}],
     "mine.json: field 'best': rule 'sum' needs \"from\": a list of fields, e.g. [\"deaths_a\", \"deaths_b\"]"),
    ([{"name": "cell", "type": "derived", "rule": "priogrid", "from": ["lat"]}, {"name": "lat", "type": "number"}],
     "mine.json: field 'cell': rule 'priogrid' needs \"from\": a list of 2 fields, e.g. [\"latitude\", \"longitude\"]"),
    ([{"name": "dyad", "type": "derived", "rule": "join", "from": ["a", "b"]}, {"name": "a", "type": "actor"}],
     "mine.json: field 'dyad': rule 'join' reads 'b', which is not a field of this codebook"),
])
def test_bad_shapes_are_named(fields: list[dict[str, Any]], message: str) -> None:
    _fails(message, *fields)


def test_a_date_range_on_the_codebooks_own_scale() -> None:
    ucdp = load_codebook(CODEBOOK_DIR / "ucdp_ged.json")
    last_week = normalize_date("last week", dt.date(2024, 8, 16))
    assert date_values(ucdp, "date_start", last_week) == {
        "date_start": "2024-08-05", "date_end": "2024-08-11", "date_prec": 3}  # UCDP: 3 = within a week
    assert date_values(ucdp, "date_start", normalize_date("on Tuesday", dt.date(2024, 8, 16)))["date_prec"] == 1
    values = {"date_start": "2024-08-10", "date_end": "2024-08-09"}
    assert validate_event(ucdp, values)["date_start"] == [
        "Is after date_end (2024-08-09); a range starts before it ends."]


def test_low_best_high_and_deaths_by_side() -> None:
    ucdp = load_codebook(CODEBOOK_DIR / "ucdp_ged.json")
    values = compute_derived(ucdp, {"deaths_a": 2, "deaths_b": 3, "deaths_civilians": 5, "low": 11, "high": 9})
    assert values["best"] == 10
    problems = validate_event(ucdp, values)
    assert problems["low"] == ["Must be at most best (10)."] and problems["high"] == ["Must be at least best (10)."]
    assert compute_derived(ucdp, {})["best"] is None  # no count at all: no best, not 0


def test_derived_rules_for_dyads_grid_cells_and_points() -> None:
    ucdp = load_codebook(CODEBOOK_DIR / "ucdp_ged.json")
    values = compute_derived(ucdp, {"side_a": "Government of Ukraine", "side_b": "Government of Russia",
                                    "latitude": -89.9, "longitude": -179.9})
    assert values["dyad_name"] == "Government of Ukraine - Government of Russia"
    assert values["priogrid_gid"] == 1 and priogrid(89.9, 179.9) == 259200  # the first and the last cell
    assert values["geom_wkt"] == "POINT (-179.9 -89.9)"
    plover = load_codebook(CODEBOOK_DIR / "plover.json")
    quads = {t: compute_derived(plover, {"event_type": t})["quad_class"] for t in plover.field("event_type").choices}
    assert sorted(set(quads.values())) == ["Material Conflict", "Material Cooperation", "Verbal Conflict",
                                           "Verbal Cooperation"]
    assert (quads["REQUEST"], quads["ASSAULT"], quads["AID"]) == ("Verbal Conflict", "Material Conflict",
                                                                  "Material Cooperation")


def test_several_values_per_field() -> None:
    plover = load_codebook(CODEBOOK_DIR / "plover.json")
    spec = plover.field("context")
    assert spec.coerce("military;  economic ;") == ["military", "economic"]
    assert spec.coerce(["cyber"]) == ["cyber"] and spec.coerce("") is None
    problems = validate_event(plover, {"event_date": "2024-08-13", "date_precision": "day", "event_type": "AID",
                                       "actor": ["EU"], "context": ["economic", "weather"]})
    assert problems == {"context": ["'weather' is not one of the choices: " + ", ".join(repr(c) for c in spec.choices) + "."]}


def test_a_location_precision_scale_and_the_gazetteer_id() -> None:
    ucdp, plover = (load_codebook(CODEBOOK_DIR / f"{n}.json") for n in ("ucdp_ged", "plover"))
    town = PlaceEntry("Izium", "city", "UA", "Ukraine", "Kharkiv", 49.21, 37.25, 45000, 707292)
    country = PlaceEntry("Ukraine", "country", "UA", "Ukraine", "", 49.0, 32.0, 44000000, 690791)
    near = PlaceResult(best=town, geo_precision=2, query="near Izium")
    assert place_values(ucdp, "where_coordinates", near)["where_prec"] == 2
    whole = PlaceResult(best=country, geo_precision=3, query="Ukraine")
    assert place_values(ucdp, "where_coordinates", whole)["where_prec"] == 6  # UCDP: country only
    assert "region" not in place_values(ucdp, "where_coordinates", whole)  # "fills": {"region": ""}
    got = place_values(plover, "placename", PlaceResult(best=town, geo_precision=1, query="Izium"))
    assert (got["geonames_id"], got["location_precision"], got["state"]) == (707292, 1, "Kharkiv")
    assert place_values(plover, "placename", whole)["location_precision"] == 4


def test_the_date_note_reads_the_codebooks_own_scale() -> None:
    from coding.event_fill import field_notes

    ucdp = load_codebook(CODEBOOK_DIR / "ucdp_ged.json")
    notes = field_notes(ucdp, {"date_start": dt.date(2024, 8, 5), "date_prec": 3}, {}, dt.date(2024, 8, 16))
    assert notes["date_start"] == "date precision 3: week known"
    acled = load_codebook(CODEBOOK_DIR / "acled.json")
    notes = field_notes(acled, {"event_date": dt.date(2024, 8, 5), "time_precision": 3}, {}, dt.date(2024, 8, 16))
    assert notes["event_date"] == "time precision 3: month known"
