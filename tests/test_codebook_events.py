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
