"""Coding one event per codebook (ACLED, UCDP GED, PLOVER) through the EventEditor, without Qt:
highlights and typed values become edits, applied to a workspace, exported in each project's own
columns and checked column by column."""
from __future__ import annotations

from pathlib import Path

import pytest

from coding.event_editor import EventEditor
from storage.event_edits import AddEvent, DeleteEvent, apply_edit
from storage.repository import Repository
from tests.codebook_events import STEPS, add_article, check_exports, codebook, span_of


def _code(repo: Repository, name: str) -> tuple[str, int]:
    article_id = add_article(repo)
    editor = EventEditor(repo, "ana")
    editor.codebook = codebook(name)
    editor.set_article(repo.get_bundle(article_id))
    add = editor.new_event()
    assert isinstance(add, AddEvent) and add.codebook_name == name
    inverse = apply_edit(repo, add)
    assert isinstance(inverse, DeleteEvent)
    event_id = inverse.event_id

    def show() -> None:
        editor.set_events(repo.article_events(article_id))
        editor.select(event_id)

    show()
    for kind, field, value in STEPS[name]:
        editor.focus(field)
        if kind == "fill":
            outcome = editor.fill_active(*span_of(value))
            assert outcome.edit is not None, (field, outcome.note)
            edit = outcome.edit
        else:
            edit = editor.edited(field, value, merge=False)
            assert edit is not None, field
        apply_edit(repo, edit)
        show()
    assert editor.problems() == {}
    (item,) = repo.article_events(article_id)
    assert (item.event.codebook_name, item.event.codebook_version) == (name, "1")
    return item.event.uid, article_id


@pytest.mark.parametrize("name", ["acled", "ucdp_ged", "plover"])
def test_one_event_per_codebook_through_the_editor_and_export(repo: Repository, tmp_path: Path, name: str) -> None:
    uid, article_id = _code(repo, name)
    check_exports(repo, name, tmp_path, uid, article_id)


def test_digits_add_and_remove_choices_of_a_list_field(repo: Repository) -> None:
    article_id = add_article(repo)
    editor = EventEditor(repo, "ana")
    editor.codebook = codebook("plover")
    editor.set_article(repo.get_bundle(article_id))
    event_id = apply_edit(repo, editor.new_event()).event_id  # type: ignore[arg-type, union-attr]
    editor.set_events(repo.article_events(article_id))
    editor.select(event_id)

    def press(number: int) -> list:
        editor.focus("context")
        edit = editor.choose_by_number(number)
        assert edit is not None
        apply_edit(repo, edit)
        editor.set_events(repo.article_events(article_id))
        editor.select(event_id)
        return editor.values["context"]

    assert press(2) == ["military"]
    assert press(5) == ["military", "economic"]
    assert press(2) == ["economic"]


def test_list_values_survive_the_jsonl_round_trip(repo: Repository, tmp_path: Path) -> None:
    from storage.importers import import_paths
    from storage.interchange import export_jsonl

    uid, _article_id = _code(repo, "plover")
    out = tmp_path / "all.jsonl"
    export_jsonl(repo, out)
    other = Repository(tmp_path / "other.sqlite")
    assert import_paths(other, [out]).failures == []
    (event,) = other.events()
    assert (event.codebook_name, event.extra["actor"], event.extra["context"]) == (
        "plover", ["Russian forces", "Wagner fighters"], ["military", "humanitarian"])


def test_a_list_field_keeps_taking_highlights(repo: Repository) -> None:
    article_id = add_article(repo)
    editor = EventEditor(repo, "ana")
    editor.codebook = codebook("plover")
    editor.set_article(repo.get_bundle(article_id))
    event_id = apply_edit(repo, editor.new_event()).event_id  # type: ignore[arg-type, union-attr]
    editor.set_events(repo.article_events(article_id))
    editor.select(event_id)
    editor.focus("actor")
    for word in ("Russian forces", "Wagner fighters", "Russian forces"):  # the same actor once only
        outcome = editor.fill_highlight(*span_of(word), "ORG")
        assert outcome.field == "actor" and outcome.edit is not None
        apply_edit(repo, outcome.edit)
        editor.set_events(repo.article_events(article_id))
        editor.select(event_id)
    assert editor.values["actor"] == ["Russian forces", "Wagner fighters"]
