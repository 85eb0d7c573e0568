"""Actors: inter-code guesses, the workspace actor list, and actor -> inter code -> interaction."""
from __future__ import annotations

import pytest

from coding.actors import choose_actor, fill_actor, find_actor, guess_inter_code, interaction, match_actors
from coding.codebook import compute_derived, default_codebook


@pytest.mark.parametrize("name, code", [
    ("Military Forces of Nigeria (2023-)", 1), ("Police Forces of Kenya", 1), ("Rebel forces", 2),
    ("Oromo Liberation Front", 2), ("Unidentified Armed Group (Nigeria)", 3), ("Political militia", 3),
    ("Fulani Ethnic Militia (Nigeria)", 4), ("Rioters (Kenya)", 5), ("Protesters (Kenya)", 6),
    ("Anti-government demonstrators", 6), ("Civilians (Nigeria)", 7), ("villagers", 7),
    ("UN peacekeepers", 8), ("Hamas", None), ("", None),
])
def test_guess_inter_code(name, code):
    assert guess_inter_code(name) == code


@pytest.mark.parametrize("a, b, expected", [(1, 2, 12), (2, 1, 12), (6, None, 60), (None, None, None), ("x", 1, None)])
def test_interaction(a, b, expected):
    assert interaction(a, b) == expected


def test_find_actor_by_name_or_alias_ignoring_case(repo):
    repo.upsert_actor("Military Forces of Nigeria", 1, ["Nigerian Army", "the army"])
    repo.upsert_actor("Boko Haram", 2)
    assert find_actor(repo, "nigerian  ARMY").name == "Military Forces of Nigeria"
    assert find_actor(repo, "The Army").name == "Military Forces of Nigeria"
    assert find_actor(repo, "boko haram").inter_code == 2
    assert find_actor(repo, "Nigerian Navy") is None
    assert [a.name for a in match_actors(repo.actors(), "bok")] == ["Boko Haram"]
    assert [a.name for a in match_actors(repo.actors(), "army")] == ["Military Forces of Nigeria"]


def test_choosing_a_known_actor_fills_its_inter_code_and_interaction(repo):
    repo.upsert_actor("Military Forces of Nigeria", 1, ["Nigerian Army"])
    book = default_codebook()
    values: dict = {}
    values.update(fill_actor(book, "actor1", choose_actor(repo, "Nigerian army")))
    assert values == {"actor1": "Military Forces of Nigeria", "inter1": 1}
    values.update(fill_actor(book, "actor2", choose_actor(repo, "Protesters (Nigeria)")))
    assert values["inter2"] == 6
    assert compute_derived(book, values)["interaction"] == 16


def test_a_highlight_becomes_a_new_actor_and_the_list_grows(repo):
    choice = choose_actor(repo, "  Rioters   (Kenya) ")
    assert (choice.name, choice.inter_code, choice.origin, choice.new) == ("Rioters (Kenya)", 5, "guess", True)
    assert find_actor(repo, "rioters (kenya)").inter_code == 5
    # the coder corrects the code: remembered for next time
    corrected = choose_actor(repo, "Rioters (Kenya)", inter_code=6)
    assert (corrected.inter_code, corrected.origin, corrected.new) == (6, "coder", False)
    assert choose_actor(repo, "rioters (kenya)").inter_code == 6
    assert len(repo.actors()) == 1


def test_unknown_actor_without_a_guess(repo):
    choice = choose_actor(repo, "Hamas")
    assert choice.inter_code is None and choice.origin == ""
    book = default_codebook()
    assert fill_actor(book, "actor1", choice) == {"actor1": "Hamas"}
    assert choose_actor(None, "Police").inter_code == 1  # no workspace: a guess only, nothing kept
