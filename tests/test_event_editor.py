"""The event editor without Qt: the edits a coder's fills, typing and picks produce, applied to a
real workspace and taken back through their inverses, as the undo stack does."""
from __future__ import annotations

import datetime as dt

import pytest

from coding.codebook import default_codebook
from coding.event_editor import EventEditor
from storage.event_edits import AddEvent, DeleteEvent, RestoreEvent, SetFields, apply_edit
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository, event_fields

TEXT = ("On Tuesday police fired on protesters in Kharkiv, killing at least twelve people. "
        "The Police said the Protesters had blocked the road.")
PUBLISHED = dt.date(2024, 8, 16)  # a Friday: "On Tuesday" is 2024-08-13


def _span_of(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def editor(repo: Repository) -> EventEditor:
    article_id = repo.add_article(ArticleIn(text=TEXT, title="Shooting", source="Local Times", published=PUBLISHED))
    for word, label in (("On Tuesday", "DATE"), ("Kharkiv", "GPE"), ("at least twelve", "CARDINAL")):
        start, end = _span_of(word)
        repo.add_span(EntitySpan(article_id=article_id, start=start, end=end, label=label))
    ed = EventEditor(repo, "ana")
    ed.codebook = default_codebook()
    ed.set_article(repo.get_bundle(article_id))
    return ed


def _apply(editor: EventEditor, edit) -> object:  # type: ignore[no-untyped-def]
    """Apply an edit as the undo stack does, then show the workspace's events again."""
    inverse = apply_edit(editor.repo, edit)
    assert editor.bundle is not None
    editor.set_events(editor.repo.article_events(editor.bundle.article.id))
    return inverse


def _new_event(editor: EventEditor) -> int:
    add = editor.new_event()
    assert isinstance(add, AddEvent) and add.values["source"] == "Local Times" and add.coder == "ana"
    inverse = _apply(editor, add)
    assert isinstance(inverse, DeleteEvent)
    editor.select(inverse.event_id)
    return inverse.event_id


def _stored(editor: EventEditor, event_id: int) -> tuple[dict, dict]:
    (item,) = [e for e in editor.repo.article_events(editor.bundle.article.id) if e.event.id == event_id]  # type: ignore[union-attr]
    return event_fields(item.event), {k: (v.start, v.end) for k, v in item.evidence.items()}


def test_a_date_highlight_fills_date_precision_and_evidence(editor: EventEditor) -> None:
    event_id = _new_event(editor)
    editor.focus("event_date")
    outcome = editor.fill_active(*_span_of("On Tuesday"))
    assert isinstance(outcome.edit, SetFields) and outcome.edit.set_evidence
    assert outcome.edit.values["event_date"] == dt.date(2024, 8, 13)
    assert outcome.edit.values["year"] == 2024  # derived fields follow
    _apply(editor, outcome.edit)
    values, evidence = _stored(editor, event_id)
    assert values["event_date"] == dt.date(2024, 8, 13) and values["time_precision"] == 1
    assert evidence == {"event_date": _span_of("On Tuesday")}
    assert "exact day" in editor.field_notes()["event_date"] or "2024-08-13" in editor.field_notes()["event_date"]


def test_a_highlight_that_does_not_fit_gives_no_edit_but_a_note(editor: EventEditor) -> None:
    _new_event(editor)
    editor.focus("fatalities")
    outcome = editor.fill_active(*_span_of("Kharkiv"))
    assert outcome.edit is None and "No number" in outcome.note
    assert "No number" in editor.field_notes()["fatalities"]


def test_undoing_a_fill_restores_value_and_evidence(editor: EventEditor) -> None:
    event_id = _new_event(editor)
    editor.focus("fatalities")
    edit = editor.fill_active(*_span_of("at least twelve")).edit
    assert edit is not None
    undo = _apply(editor, edit)
    assert _stored(editor, event_id) == ({**_stored(editor, event_id)[0], "fatalities": 12},
                                         {"fatalities": _span_of("at least twelve")})
    redo = _apply(editor, undo)
    values, evidence = _stored(editor, event_id)
    assert values["fatalities"] is None and evidence == {}
    _apply(editor, redo)
    assert _stored(editor, event_id)[0]["fatalities"] == 12


def test_typing_is_pending_then_one_merged_step(editor: EventEditor) -> None:
    event_id = _new_event(editor)
    editor.focus("notes")
    editor.type_text("notes", "Police")
    assert editor.pending_is("notes")
    first = editor.take_pending()
    assert first is not None and first.merge_key is not None and editor.pending is None
    undo_first = _apply(editor, first)
    editor.type_text("notes", "Police fired")
    second = editor.take_pending()
    assert second is not None and second.merge_key == first.merge_key  # same visit: one undo step
    undo_second = _apply(editor, second)
    merged_undo = undo_second.undone_by(undo_first)  # type: ignore[union-attr]
    assert _stored(editor, event_id)[0]["notes"] == "Police fired"
    _apply(editor, merged_undo)
    assert not _stored(editor, event_id)[0]["notes"]
    editor.focus("notes")  # a new visit: a new step
    editor.type_text("notes", "x")
    third = editor.take_pending()
    assert third is not None and third.merge_key != first.merge_key


def test_a_new_actor_gets_a_guessed_inter_code_with_a_note(editor: EventEditor) -> None:
    _new_event(editor)
    edit = editor.edited("actor1", "Police Forces of Ukraine", merge=False)
    assert edit is not None and edit.values["inter1"] == 1
    assert "Guessed" in editor.field_notes()["inter1"]
    edit = editor.edited("inter1", 3, merge=False)  # the coder's own choice is not overruled
    assert edit is not None and edit.values["inter1"] == 3
    _apply(editor, edit)
    editor.select(editor.current.event.id)  # type: ignore[union-attr]
    assert "inter1" not in editor.edited("actor1", "Rioters (Ukraine)", merge=False).values  # type: ignore[union-attr]


def test_forgetting_evidence_keeps_the_value(editor: EventEditor) -> None:
    event_id = _new_event(editor)
    editor.focus("fatalities")
    _apply(editor, editor.fill_active(*_span_of("at least twelve")).edit)
    editor.select(event_id)
    forget = editor.forget_evidence("fatalities")
    assert forget is not None
    _apply(editor, forget)
    assert _stored(editor, event_id) == ({**_stored(editor, event_id)[0], "fatalities": 12}, {})


def test_delete_then_undo_brings_back_the_same_event(editor: EventEditor) -> None:
    event_id = _new_event(editor)
    uid = editor.current.event.uid  # type: ignore[union-attr]
    delete = editor.delete()
    assert isinstance(delete, DeleteEvent)
    restore = _apply(editor, delete)
    assert isinstance(restore, RestoreEvent) and editor.bundle.events == []  # type: ignore[union-attr]
    _apply(editor, restore)
    (item,) = editor.bundle.events  # type: ignore[union-attr]
    assert (item.event.id, item.event.uid) == (event_id, uid)


def test_duplicate_copies_values_and_evidence(editor: EventEditor) -> None:
    _new_event(editor)
    editor.focus("event_date")
    _apply(editor, editor.fill_active(*_span_of("On Tuesday")).edit)
    editor.select(editor.bundle.events[0].event.id)  # type: ignore[union-attr]
    copy = editor.duplicate()
    assert copy is not None and copy.evidence == {"event_date": _span_of("On Tuesday")}
    _apply(editor, copy)
    first, second = editor.bundle.events  # type: ignore[union-attr]
    assert event_fields(first.event)["event_date"] == event_fields(second.event)["event_date"]
    assert first.event.uid != second.event.uid


def test_rows_show_a_line_and_what_is_left_to_fix(editor: EventEditor) -> None:
    _new_event(editor)
    (row,) = editor.rows()
    assert row.line.startswith("1. ") and "no date" in row.line
    assert "event_date" in row.problems  # required and empty


SEED_LIKE = ("Ukrainian troops destroyed a bridge near Glushkovo on Tuesday, killing three, "
             "while Russian forces shelled Sumy.")


@pytest.fixture
def smart(repo: Repository) -> EventEditor:
    article_id = repo.add_article(ArticleIn(text=SEED_LIKE, title="Bridge", source="Local Times", published=PUBLISHED))
    ed = EventEditor(repo, "ana")
    ed.codebook = default_codebook()
    ed.set_article(repo.get_bundle(article_id))
    _new_event(ed)
    return ed


def _fill(editor: EventEditor, word: str, label: str) -> object:  # type: ignore[no-untyped-def]
    start = SEED_LIKE.index(word)
    outcome = editor.fill_highlight(start, start + len(word), label)
    if outcome.edit is not None:
        _apply(editor, outcome.edit)
        editor.select(editor.current.event.id)  # type: ignore[union-attr]
    return outcome


def test_space_fills_the_first_empty_field_of_the_highlights_kind(smart: EventEditor) -> None:
    smart.focus("event_date")  # where a new event starts: a place still goes to the location
    assert _fill(smart, "Glushkovo", "GPE").field == "location"  # type: ignore[attr-defined]
    assert _fill(smart, "on Tuesday", "DATE").field == "event_date"  # type: ignore[attr-defined]
    assert _fill(smart, "Ukrainian troops", "NORP").field == "actor1"  # type: ignore[attr-defined]
    assert _fill(smart, "Russian forces", "NORP").field == "actor2"  # type: ignore[attr-defined]
    assert _fill(smart, "three", "CARDINAL").field == "fatalities"  # type: ignore[attr-defined]
    values = smart.values
    assert (values["event_date"], values["location"], values["fatalities"]) == (dt.date(2024, 8, 13), "Glushkovo", 3)
    assert (values["actor1"], values["actor2"]) == ("Ukrainian troops", "Russian forces")
    assert set(smart.current.evidence) >= {"event_date", "location", "actor1", "actor2", "fatalities"}  # type: ignore[union-attr]
    full = _fill(smart, "Sumy", "GPE")  # every place field is filled: nothing overwritten, a note says why
    assert full.edit is None and "filled" in full.note  # type: ignore[attr-defined]


def test_the_active_field_wins_when_it_takes_the_highlight(smart: EventEditor) -> None:
    smart.focus("actor2")
    assert _fill(smart, "Russian forces", "NORP").field == "actor2"  # type: ignore[attr-defined]
    assert _fill(smart, "Ukrainian troops", "NORP").field == "actor1"  # the active one is used now
    smart.focus("notes")  # free text takes any highlight the coder points at
    assert _fill(smart, "Sumy", "GPE").field == "notes"  # type: ignore[attr-defined]


def test_a_coders_inter_choice_for_a_new_actor_is_kept_in_the_actor_list(smart: EventEditor) -> None:
    _fill(smart, "Ukrainian troops", "NORP")
    smart.focus("inter1")
    edit = smart.edited("inter1", 8, merge=False)  # forces abroad: 8, whatever was guessed
    assert edit is not None and edit.values["inter1"] == 8
    _apply(smart, edit)
    (actor,) = [a for a in smart.repo.actors() if a.name == "Ukrainian troops"]
    assert actor.inter_code == 8
    _apply(smart, smart.new_event())  # the next event with that actor gets its code at once
    smart.select(smart.bundle.events[-1].event.id)  # type: ignore[union-attr]
    smart.focus("actor1")
    _fill(smart, "Ukrainian troops", "NORP")
    assert smart.values["inter1"] == 8


def test_a_digit_picks_the_nth_choice_of_the_active_choice_field(smart: EventEditor) -> None:
    smart.focus("inter2")
    edit = smart.choose_by_number(3)
    assert edit is not None and edit.values["inter2"] == default_codebook().field("inter2").choices[2]  # type: ignore[union-attr]
    smart.focus("notes")
    assert smart.choose_by_number(3) is None  # not a choice field: the digit is the reader's


def test_a_country_goes_to_the_actor_field_once_the_event_has_its_place(smart: EventEditor) -> None:
    smart.focus("event_date")  # a date field never takes a place: it goes to the location
    assert _fill(smart, "Glushkovo", "GPE").field == "location"  # type: ignore[attr-defined]
    smart.focus("actor1")
    assert _fill(smart, "Sumy", "GPE").field == "actor1"  # type: ignore[attr-defined]


def test_with_an_actor_field_active_a_place_still_fills_an_empty_location(smart: EventEditor) -> None:
    smart.focus("actor1")
    assert _fill(smart, "Glushkovo", "GPE").field == "location"  # type: ignore[attr-defined]
    assert smart.event_country() == "RU"
    outcome = _fill(smart, "Ukrainian troops", "NORP")  # still the active field's turn
    assert outcome.field == "actor1" and smart.values["inter1"] == 8  # type: ignore[attr-defined]


def test_an_edit_of_an_event_another_coder_changed_since_is_refused(db_url: str) -> None:
    """Optimistic concurrency: the edit names the version the coder saw (both engines)."""
    from storage.concurrency import Conflict

    repo = Repository(db_url)
    aid = repo.add_article(ArticleIn(text=TEXT, title="Shooting", published=PUBLISHED))
    ana = EventEditor(repo, "ana")
    ana.codebook = default_codebook()
    ana.set_article(repo.get_bundle(aid))
    _apply(ana, ana.new_event())
    ana.select(ana.bundle.events[0].event.id)  # type: ignore[union-attr]
    ben = Repository(db_url)
    ben.coder = "ben"
    ben.update_event(ana.current.event.id, {"notes": "ben's note"})  # type: ignore[union-attr]
    edit = ana.edited("notes", "ana's note", merge=False)
    with pytest.raises(Conflict, match="ben"):
        apply_edit(repo, edit)  # type: ignore[arg-type]
    assert ben.article_events(aid)[0].event.notes == "ben's note"  # never silently overwritten
    ana.set_events(repo.article_events(aid))
    ana.select(ana.bundle.events[0].event.id)  # type: ignore[union-attr]  # reloaded: the edit goes through
    _apply(ana, ana.edited("notes", "ana's note", merge=False))
    assert ben.article_events(aid)[0].event.notes == "ana's note"


def test_a_field_chosen_by_the_highlights_kind_says_so(smart: EventEditor) -> None:
    smart.focus("event_date")
    outcome = _fill(smart, "three", "CARDINAL")  # a number: into fatalities, with a word of caution
    assert outcome.field == "fatalities" and "only the killed" in outcome.note  # type: ignore[attr-defined]
    assert "check it belongs here" in smart.field_notes()["fatalities"]


def test_notes_are_kept_for_the_events_seen_last_not_every_event_of_a_session(editor: EventEditor) -> None:
    from coding.event_memory import REMEMBERED_EVENTS

    first = _new_event(editor)
    editor.set_note("notes", "about the first event")
    for _ in range(REMEMBERED_EVENTS - 1):
        _new_event(editor)
        editor.set_note("notes", "a later event")
    editor.select(first)  # a return visit: the note is still there, and the event is the newest seen
    assert editor.field_notes()["notes"] == "about the first event"
    for _ in range(5):
        _new_event(editor)
        editor.set_note("notes", "a later event")
    editor.select(first)
    assert editor.field_notes()["notes"] == "about the first event"
    for _ in range(REMEMBERED_EVENTS):
        _new_event(editor)
        editor.set_note("notes", "a later event")
    editor.select(first)  # seen 64 events ago: let go
    assert not editor.field_notes().get("notes")
    assert len(editor.memory.notes) <= REMEMBERED_EVENTS + 1
