"""Codebooks as data: loading, every kind of broken file, dependent choices, derived fields, validation."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coding.codebook import (CODEBOOK_DIR, CodebookError, available_codebooks, codebook_from_definition,
                             compute_derived, default_codebook, find_codebook, load_codebook, validate_event)
from coding.dataset import event_hook, prepare_row
from storage.models import CORE_EVENT_FIELDS

SUB_EVENT_TYPES = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"],
}

VALID = {
    "event_date": "2024-08-14", "time_precision": 1, "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Nigeria", "inter1": 1, "actor2": "Boko Haram", "inter2": 2,
    "country": "Nigeria", "location": "Maiduguri", "latitude": 11.8464, "longitude": 13.1603,
    "geo_precision": 1, "source": "Daily Trust", "fatalities": 3,
}


def write_book(tmp_path: Path, fields: list, name: str = "broken.json", **top) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"name": "t", "version": "1", "fields": fields, **top}), encoding="utf-8")
    return path


# ---- the default codebook ----------------------------------------------------------------------
def test_default_codebook_has_every_acled_column_in_order():
    book = default_codebook()
    assert (book.name, book.version) == ("acled", "1")
    assert tuple(book.field_names) == CORE_EVENT_FIELDS


def test_event_and_sub_event_types_exactly_as_designed():
    book = default_codebook()
    assert book.field("event_type").choices == list(SUB_EVENT_TYPES)
    for event_type, subs in SUB_EVENT_TYPES.items():
        assert book.choices_for("sub_event_type", {"event_type": event_type}) == subs
    assert book.choices_for("sub_event_type", {}) == []


def test_inter_codes_are_integers_with_labels_and_roles():
    book = default_codebook()
    inter1 = book.field("inter1")
    assert book.choices_for("inter1") == list(range(1, 9))
    assert inter1.display(6) == "6 - Protesters"
    assert book.field("civilian_targeting").choices == ["", "Civilian targeting"]
    assert {f.name for f in book.fields_for_role("actor")} >= {"actor1", "actor2", "assoc_actor_1", "assoc_actor_2"}
    assert {f.name for f in book.fields_for_role("place")} >= {"location", "admin1"}
    assert [f.name for f in book.fields_for_role("date")] == ["event_date"]
    assert [f.name for f in book.fields_for_role("count")] == ["fatalities"]
    assert book.role_of_label("GPE") == "place"
    assert book.field("actor1").inter_field == "inter1"


def test_to_definition_round_trips_through_the_workspace(repo):
    book = default_codebook()
    definition = book.to_definition()
    assert definition == json.loads((CODEBOOK_DIR / "acled.json").read_text(encoding="utf-8"))
    repo.save_codebook(book.name, book.version, definition)
    stored = repo.codebooks()[0]
    again = codebook_from_definition(stored.definition)
    assert again.field_names == book.field_names


def test_available_codebooks_lists_default_first_and_user_files(tmp_path, monkeypatch):
    import os

    user = Path(os.environ["CHRONICLER_HOME"]) / "codebooks"
    user.mkdir(parents=True, exist_ok=True)
    write_book(user, [{"name": "x", "type": "text"}], name="mine.json")
    (user / "bad.json").write_text("{", encoding="utf-8")
    errors: list[CodebookError] = []
    books = available_codebooks(errors)
    keys = [b.key for b in books]
    assert keys[0] == "acled 1" and "protest 1" in keys and "t 1" in keys
    assert len(errors) == 1 and "bad.json" in str(errors[0])


# ---- broken files: one test a problem ----------------------------------------------------------
@pytest.mark.parametrize("fields, field_name, words", [
    ([{"name": "a", "type": "colour"}], "a", "unknown type"),
    ([{"name": "a", "type": "choice"}], "a", "without 'choices'"),
    ([{"name": "a", "type": "text"}, {"name": "a", "type": "text"}], "a", "defined twice"),
    ([{"name": "b", "type": "choice", "depends_on": "nope", "choices_by": {"x": ["y"]}}], "b", "'nope'"),
    ([{"name": "a", "type": "choice", "choices": ["x"]},
      {"name": "b", "type": "choice", "depends_on": "a", "choices_by": {"x": ["1"], "z": ["2"]}}], "b", "'z'"),
    ([{"name": "b", "type": "choice", "depends_on": "b", "choices_by": {"x": ["y"]}}], "b", "itself"),
    ([{"name": "a", "type": "choice", "choices": ["x"]}, {"name": "b", "type": "choice", "depends_on": "a"}],
     "b", "no 'choices_by'"),
    ([{"name": "a", "type": "derived"}], "a", "no 'rule'"),
    ([{"name": "a", "type": "derived", "rule": "magic", "from": "x"}], "a", "unknown rule"),
    ([{"name": "a", "type": "derived", "rule": "year", "from": "when"}], "a", "'when'"),
    ([{"name": "d", "type": "text"}, {"name": "a", "type": "derived", "rule": "year", "from": "d"}], "a",
     "not a date field"),
    ([{"name": "a", "type": "derived", "rule": "interaction", "from": "x"}], "a", "two fields"),
    ([{"name": "t", "type": "choice", "choices": ["x"]},
      {"name": "a", "type": "derived", "rule": "map", "from": "t", "map": {"y": "Y"}}], "a", "'y'"),
    ([{"name": "t", "type": "choice", "choices": ["x"]},
      {"name": "a", "type": "derived", "rule": "map", "from": "t"}], "a", "needs \"map\""),
    ([{"name": "n", "type": "integer", "min": 5, "max": 1}], "n", "greater than 'max'"),
    ([{"name": "n", "type": "integer", "min": "zero"}], "n", "must be a number"),
    ([{"name": "c", "type": "choice", "value_type": "integer", "choices": [1, "two"]}], "c", "value_type"),
    ([{"name": "c", "type": "choice", "choices": ["x", "x"]}], "c", "twice"),
    ([{"name": "p", "type": "place", "roles": ["weather"]}], "p", "unknown role"),
    ([{"name": "t", "type": "text", "choices": ["x"]}], "t", "make it a \"choice\" field"),
    ([{"name": "t", "type": "text", "required_if": "ghost"}], "t", "'ghost'"),
    ([{"name": "d", "type": "date", "precision_field": "ghost"}], "d", "'ghost'"),
    ([{"name": "t", "type": "text"}, {"name": "d", "type": "text", "precision_field": "t"}], "d",
     "not a date field"),
    ([{"name": "p", "type": "place", "fills": {"latitude": "lat"}}], "p", "'lat'"),
    ([{"name": "a", "type": "text", "inter_field": "a"}], "a", "not an actor field"),
    ([{"name": "n", "type": "integer", "default": "many"}], "n", "'default' does not fit"),
    ([{"name": "c", "type": "choice", "choices": ["x"], "default": "y"}], "c", "not one of its choices"),
])
def test_broken_codebook_names_file_field_and_problem(tmp_path, fields, field_name, words):
    path = write_book(tmp_path, fields)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert "broken.json" in message and f"field '{field_name}'" in message and words in message
    assert info.value.field == field_name


def test_bad_json_gives_line_number(tmp_path):
    path = tmp_path / "typo.json"
    path.write_text('{\n  "name": "t",\n  "fields": [\n    {"name": "a" "type": "text"}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(CodebookError, match=r"typo\.json: is not valid JSON: .* line 4"):
        load_codebook(path)


@pytest.mark.parametrize("content, words", [
    ("[]", "must be a JSON object"),
    ('{"fields": [{"name": "a", "type": "text"}]}', "no 'name'"),
    ('{"name": "t"}', "no 'fields'"),
    ('{"name": "t", "fields": ["a"]}', "field number 1 is not a JSON object"),
    ('{"name": "t", "fields": [{"type": "text"}]}', "field number 1 has no 'name'"),
])
def test_broken_top_level(tmp_path, content, words):
    path = tmp_path / "top.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError, match="top.json") as info:
        load_codebook(path)
    assert words in str(info.value)


def test_missing_file_is_a_codebook_error(tmp_path):
    with pytest.raises(CodebookError, match="nothere.json: cannot be read"):
        load_codebook(tmp_path / "nothere.json")


# ---- derived fields -----------------------------------------------------------------------------
@pytest.mark.parametrize("event_type, disorder", [
    ("Battles", "Political violence"), ("Explosions/Remote violence", "Political violence"),
    ("Violence against civilians", "Political violence"), ("Protests", "Demonstrations"),
    ("Riots", "Demonstrations"), ("Strategic developments", "Strategic developments"),
])
def test_disorder_type_from_event_type(event_type, disorder):
    assert compute_derived(default_codebook(), {"event_type": event_type})["disorder_type"] == disorder


def test_year_from_event_date_as_date_or_text():
    book = default_codebook()
    assert compute_derived(book, {"event_date": dt.date(2023, 12, 31)})["year"] == 2023
    assert compute_derived(book, {"event_date": "2024-08-14"})["year"] == 2024
    assert compute_derived(book, {"event_date": None})["year"] is None


@pytest.mark.parametrize("inter1, inter2, expected", [
    (1, 2, 12), (2, 1, 12), (7, 3, 37), (1, 1, 11), (6, None, 60), (6, "", 60), ("1", "8", 18), (None, 2, None),
])
def test_interaction_both_forms(inter1, inter2, expected):
    assert compute_derived(default_codebook(), {"inter1": inter1, "inter2": inter2})["interaction"] == expected


def test_derived_fields_do_not_change_the_input():
    values = {"event_type": "Riots"}
    compute_derived(default_codebook(), values)
    assert values == {"event_type": "Riots"}


# ---- validation ---------------------------------------------------------------------------------
def test_a_complete_event_is_valid():
    assert validate_event(default_codebook(), VALID, published=dt.date(2024, 8, 16)) == {}


def test_required_fields_are_reported():
    problems = validate_event(default_codebook(), {})
    for name in ("event_date", "event_type", "sub_event_type", "actor1", "inter1", "location", "fatalities"):
        assert problems[name] == ["Required."]
    assert "actor2" not in problems and "notes" not in problems


def test_inter2_required_only_with_actor2():
    values = dict(VALID, inter2=None)
    assert validate_event(default_codebook(), values)["inter2"] == ["Required when actor2 is filled."]
    assert "inter2" not in validate_event(default_codebook(), dict(values, actor2=""))


def test_dependent_choice_must_fit_the_parent():
    book = default_codebook()
    problems = validate_event(book, dict(VALID, sub_event_type="Peaceful protest"))
    assert "not a choice for event_type 'Battles'" in problems["sub_event_type"][0]
    assert "'Armed clash'" in problems["sub_event_type"][0]
    problems = validate_event(book, dict(VALID, event_type=None))
    assert problems["sub_event_type"] == ["Choose event_type first; the choices depend on it."]
    problems = validate_event(book, dict(VALID, event_type="Picnic"))
    assert "not one of the choices" in problems["event_type"][0]
    assert "sub_event_type" not in problems  # reported once, on the parent


def test_types_and_ranges():
    book = default_codebook()
    problems = validate_event(book, dict(VALID, fatalities=-1, latitude=91, longitude="east", inter1=9))
    assert problems["fatalities"] == ["Must be at least 0."]
    assert problems["latitude"] == ["Must be at most 90."]
    assert problems["longitude"] == ["Must be a number, not 'east'."]
    assert "not one of the choices" in problems["inter1"][0]
    assert validate_event(book, dict(VALID, fatalities="2.5"))["fatalities"] == ["Must be a whole number, not '2.5'."]
    assert "fatalities" not in validate_event(book, dict(VALID, fatalities="4"))
    assert validate_event(book, dict(VALID, event_date="14/08/2024"))["event_date"][0].startswith("Must be a date")


def test_date_after_publication_is_reported():
    problems = validate_event(default_codebook(), dict(VALID, event_date="2024-08-17"), published=dt.date(2024, 8, 16))
    assert problems == {"event_date": ["Is after the article's publication date (2024-08-16)."]}


def test_stale_derived_values_are_reported():
    problems = validate_event(default_codebook(), dict(VALID, year=2023, interaction=21, disorder_type="Demonstrations"))
    assert problems["year"] == ["Should be 2024 (computed from event_date), not 2023."]
    assert problems["interaction"] == ["Should be 12 (computed from inter1 and inter2), not 21."]
    assert "Political violence" in problems["disorder_type"][0]


def test_prepare_row_fills_derived_and_lists_problems():
    class Article:
        published = dt.date(2024, 8, 16)

    row, problems = prepare_row(dict(VALID, year=1999, fatalities=-2), Article())
    assert (row["year"], row["interaction"], row["disorder_type"]) == (2024, 12, "Political violence")
    assert problems == ["fatalities: Must be at least 0."]
    row, problems = prepare_row(dict(VALID, event_date="2024-09-01"), Article())
    assert problems == ["event_date: Is after the article's publication date (2024-08-16)."]
    _, problems = prepare_row(VALID, None)
    assert problems == []


# ---- a team's own codebook ----------------------------------------------------------------------
def test_protest_codebook_loads_derives_and_validates():
    book = find_codebook("protest")
    assert book is not None and book.version == "1"
    assert "event_type" not in book.field_names
    assert book.choices_for("form_detail", {"form": "Strike"})[0] == "Work stoppage"
    values = {"protest_date": "2024-08-10", "date_precision": 1, "city": "Nairobi", "country": "Kenya",
              "issue": "Prices and cost of living", "form": "Demonstration", "form_detail": "March",
              "participants": "300", "police_response": "Arrests", "arrests": 12}
    row = compute_derived(book, values)
    assert (row["year"], row["repression"]) == (2024, "Yes")
    assert validate_event(book, row, published="2024-08-16") == {}
    problems = validate_event(book, dict(values, form_detail="General strike", participants=-5))
    assert "not a choice for form 'Demonstration'" in problems["form_detail"][0]
    assert problems["participants"] == ["Must be at least 0."]
    row, problems = prepare_row(dict(values, codebook_name="protest"), None)
    assert row["repression"] == "Yes" and problems == []


def test_find_codebook_falls_back_to_the_workspace_copy(repo):
    definition = default_codebook().to_definition()
    definition["version"] = "0.9"
    repo.save_codebook("acled", "0.9", definition)
    assert find_codebook("acled", "0.9") is None
    book = find_codebook("acled", "0.9", repo)
    assert book is not None and book.version == "0.9"


def test_event_hook_looks_each_codebook_up_once_and_flags_unknown_ones(repo, monkeypatch):
    import coding.dataset

    calls = []
    real = coding.dataset.find_codebook
    monkeypatch.setattr(coding.dataset, "find_codebook", lambda *a: calls.append(a) or real(*a))
    hook = event_hook(repo=repo)
    for _ in range(3):
        row, problems = hook({"codebook_name": "protest", "codebook_version": "1", "protest_date": "2024-08-01",
                              "police_response": "Present"}, None)
        assert row["repression"] == "No" and "city: Required." in problems
    assert len(calls) == 1
    row, problems = hook({"codebook_name": "ucdp", "codebook_version": "3", "x": 1}, None)
    assert row["x"] == 1 and problems == ["codebook: 'ucdp 3' is not available here, so this event was not checked."]
    _, problems = hook(dict(VALID, codebook_name="acled", codebook_version="1"), None)
    assert problems == []
