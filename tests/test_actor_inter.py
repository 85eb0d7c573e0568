"""Inter codes from an actor's name and the event's country, named groups, lemmas, notes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from coding.actor_inter import guess_inter
from coding.actors import choose_actor, describe_actor

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name, country, code", [
    ("Russian forces", "UA", 8), ("Russian forces", "RU", 1), ("Ukrainian troops", "RU", 8),
    ("Israeli forces", "PS", 8), ("Lebanese army", "LB", 1), ("police", "NG", 1),
    ("Kenyan troops", "SO", 8), ("FAMa", "ML", 1), ("FAMa", "BF", 8),
])
def test_state_forces_at_home_are_1_abroad_8(name, country, code) -> None:
    guess = guess_inter(name, country)
    assert guess.code == code
    assert guess.note.startswith("Guessed")


@pytest.mark.parametrize("name, code", [
    ("Boko Haram fighters", 2), ("the RSF", 2), ("Syrian Democratic Forces", 2), ("Ambazonia Defence Forces", 2),
    ("Wagner Group", 8), ("Clan del Golfo", 3), ("Civilian JTF", 3), ("Dozo hunters", 4),
])
def test_named_groups_beat_the_words_in_their_names(name, code) -> None:
    assert guess_inter(name, "XX").code == code


@pytest.mark.parametrize("name, code", [
    ("striking teachers", 6), ("protesting students", 6), ("teachers", 7), ("rioting youths", 5),
    ("looters", 5), ("Fulani herdsmen", 4), ("gang members", 3),
])
def test_kinds_are_matched_on_lemmas(name, code) -> None:
    assert guess_inter(name).code == code


def test_nothing_said_is_none_with_a_note() -> None:
    guess = guess_inter("Hamas")
    assert guess.code is None and "choose" in guess.note


def test_every_named_group_in_the_data_has_a_valid_code() -> None:
    groups = json.loads((ROOT / "resources" / "actor_groups.json").read_text(encoding="utf-8"))["groups"]
    assert groups
    for group in groups:
        assert group["inter"] in range(1, 9), group
        assert guess_inter(group["name"], group.get("country")).code == group["inter"], group["name"]


class _Repo:
    """The slice of Repository the actor list uses."""

    def __init__(self) -> None:
        self.list: dict[str, object] = {}

    def actors(self):  # type: ignore[no-untyped-def]
        return list(self.list.values())

    def upsert_actor(self, name, inter_code, aliases=()):  # type: ignore[no-untyped-def]
        from types import SimpleNamespace

        actor = SimpleNamespace(name=name, inter_code=inter_code, aliases=list(aliases))
        self.list[name] = actor
        return actor


def test_the_coders_choice_is_remembered_over_the_guess() -> None:
    repo = _Repo()
    first = choose_actor(repo, "Russian forces", country="UA")
    assert (first.inter_code, first.origin, first.new) == (8, "guess", True)
    choose_actor(repo, "Russian forces", inter_code=1)  # the coder corrects it
    again = describe_actor(repo, "Russian forces", country="UA")
    assert (again.inter_code, again.origin) == (1, "workspace")


def test_plurals_in_capitalized_names_are_singular_words() -> None:
    assert guess_inter("US Marines", "SO").code == 8  # 'Marines' must not lose its 'e'
    assert guess_inter("Rioters (Kenya)").code == 5
