"""Highlights: strong place cues overrule a model PERSON; a list of places read as one entity
is split into one place a name; persons with titles stay persons."""
from __future__ import annotations

import pytest


@pytest.fixture
def service(suggest_service):
    suggest_service.set_patterns([])
    return suggest_service


def _spans(service, text: str) -> dict[str, tuple[str, str]]:
    return {s.text: (s.label, s.origin) for s in service.suggest_texts([text])[0]}


@pytest.mark.parametrize("text, place", [
    ("Zelensky visited Izium on Monday.", "Izium"),  # the model says PERSON
    ("Attacks on Kherson and Mykolaiv continued.", "Kherson"),  # PERSON, after 'attacks on'
    ("The minister visited Kupiansk on Tuesday.", "Kupiansk"),  # ORG, after 'visited'
    ("Fighting continued in Ukraine's Kharkiv and Sumy regions.", "Sumy"),  # a country's possessive
])
def test_strong_place_cues_overrule_the_model(service, text: str, place: str) -> None:
    assert _spans(service, text)[place] == ("GPE", "gazetteer")


def test_x_and_y_read_as_one_entity_become_two_places(service) -> None:
    found = _spans(service, "The army retook Tessit and Ansongo.")  # the model: 'Tessit and', 'Ansongo'
    assert found["Tessit"][0] == "GPE" and found["Ansongo"][0] == "GPE"
    assert "Tessit and" not in found
    found = _spans(service, "Attacks on Kherson and Mykolaiv continued.")
    assert found["Mykolaiv"][0] == "GPE"


def test_a_titled_person_after_a_cue_stays_a_person(service) -> None:
    found = _spans(service, "Crowds visited Colonel Roxas at the base. Mr Putin visited Mariupol.")
    assert found["Roxas"][0] == "PERSON" and found["Putin"][0] == "PERSON"
    assert found["Mariupol"][0] == "GPE"
