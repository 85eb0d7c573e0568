"""The event panel: the form built from codebooks, filling fields from highlights, undo/redo
of field and event edits against what the workspace holds, validation and derived fields."""
from __future__ import annotations

import datetime as dt

import pytest


from PySide6.QtGui import QUndoStack  # noqa: E402

from coding.codebook import CODEBOOK_DIR, default_codebook, load_codebook  # noqa: E402
from storage.models import EntitySpan  # noqa: E402
from storage.repository import ArticleIn, event_fields  # noqa: E402
from coding.event_fill import parse_count  # noqa: E402
from ui.events.form import EventForm  # noqa: E402
from ui.events.panel import EventPanel  # noqa: E402
from ui.events.field_widgets import ChoiceField, DerivedField, LineField  # noqa: E402
from ui.events.lookup_fields import ActorField, DateField, PlaceField  # noqa: E402
from ui.undo import WorkspaceSignals  # noqa: E402

TEXT = ("On Tuesday police fired on protesters in Glushkovo, killing at least twelve people. "
        "The Police said the Protesters had blocked the road.")
PUBLISHED = dt.date(2024, 8, 16)  # a Friday: "On Tuesday" is 2024-08-13


def _span(text: str, word: str, label: str, article_id: int) -> EntitySpan:
    start = text.index(word)
    return EntitySpan(id=None, article_id=article_id, start=start, end=start + len(word), label=label)


@pytest.fixture
def setup(qtbot, repo, gazetteer_index):  # type: ignore[no-untyped-def]
    article_id = repo.add_article(ArticleIn(text=TEXT, title="Shooting", source="Local Times", published=PUBLISHED))
    spans = {w: repo.add_span(_span(TEXT, w, label, article_id)) for w, label in
             (("On Tuesday", "DATE"), ("Glushkovo", "GPE"), ("at least twelve", "CARDINAL"),
              ("protesters", "NORP"), ("Police", "ORG"))}
    stack, signals = QUndoStack(), WorkspaceSignals()
    panel = EventPanel(repo, stack, signals, "ana")
    qtbot.addWidget(panel)
    panel.set_article(repo.get_bundle(article_id), default_codebook())
    return panel, repo, stack, article_id, spans


def _db_values(repo, article_id):  # type: ignore[no-untyped-def]
    bundle = repo.get_bundle(article_id)
    return [(event_fields(e.event), {k: (v.start, v.end) for k, v in e.evidence.items()}) for e in bundle.events]


def _choose(widget: ChoiceField, value) -> None:  # type: ignore[no-untyped-def]
    index = widget.combo.findData(value)
    assert index >= 0, f"{value!r} is not offered by {widget.spec.name}"
    widget.combo.setCurrentIndex(index)
    widget.combo.activated.emit(index)


def test_form_builds_from_acled(qtbot) -> None:
    book = default_codebook()
    form = EventForm(book)
    qtbot.addWidget(form)
    assert list(form.widgets) == book.field_names
    assert isinstance(form.widgets["event_type"], ChoiceField)
    assert isinstance(form.widgets["actor1"], ActorField)
    assert isinstance(form.widgets["location"], PlaceField)
    assert isinstance(form.widgets["event_date"], DateField)
    assert isinstance(form.widgets["year"], DerivedField)
    assert isinstance(form.widgets["fatalities"], LineField)
    assert "*" in form.labels["event_type"].text() and "*" not in form.labels["notes"].text()
    assert form.widgets["event_type"].editor().toolTip() == book.field("event_type").help
    assert "year" not in form.editable_fields()


def test_form_builds_from_protest_codebook(qtbot) -> None:
    book = load_codebook(CODEBOOK_DIR / "protest.json")
    form = EventForm(book)
    qtbot.addWidget(form)
    assert list(form.widgets) == book.field_names
    assert isinstance(form.widgets["city"], PlaceField)
    assert isinstance(form.widgets["organizer"], ActorField)
    assert isinstance(form.widgets["repression"], DerivedField)
    issue = form.widgets["issue"]
    assert isinstance(issue, ChoiceField)
    assert [issue.combo.itemData(i) for i in range(1, issue.combo.count())] == book.field("issue").choices


def test_dependent_choices_follow_the_parent(setup) -> None:
    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    sub = form.widgets["sub_event_type"]
    assert sub.combo.count() == 1  # only the empty entry until an event type is chosen
    _choose(form.widgets["event_type"], "Battles")
    book = default_codebook()
    assert [sub.combo.itemData(i) for i in range(1, sub.combo.count())] == book.choices_for(
        "sub_event_type", {"event_type": "Battles"})
    _choose(sub, "Armed clash")
    _choose(form.widgets["event_type"], "Protests")
    offered = [sub.combo.itemData(i) for i in range(1, sub.combo.count())]
    assert offered == book.choices_for("sub_event_type", {"event_type": "Protests"})
    values = _db_values(repo, article_id)[0][0]
    # The old sub-event type does not fit a protest: cleared in the same step; derived follows.
    assert values["event_type"] == "Protests" and values["sub_event_type"] is None
    assert values["disorder_type"] == "Demonstrations"


def test_filling_from_a_highlight_stores_value_and_evidence(setup) -> None:
    panel, repo, stack, article_id, spans = setup
    panel.add_event()
    form = panel.current_form()
    form.focus_field("event_date")
    assert panel.has_active_field()
    date_span = spans["On Tuesday"]
    assert panel.fill_active_field(date_span, "On Tuesday")
    form.focus_field("fatalities")
    count_span = spans["at least twelve"]
    assert panel.fill_active_field(count_span, "at least twelve")
    values, evidence = _db_values(repo, article_id)[0]
    assert values["event_date"] == dt.date(2024, 8, 13) and values["time_precision"] == 1
    assert values["year"] == 2024  # derived, saved with the change
    assert values["fatalities"] == 12
    assert evidence == {"event_date": (date_span.start, date_span.end), "fatalities": (count_span.start, count_span.end)}
    assert form.widgets["event_date"].has_evidence and form.widgets["fatalities"].line.text() == "12"
    # One undo step for value and evidence together.
    stack.undo()
    values, evidence = _db_values(repo, article_id)[0]
    assert values["fatalities"] is None and "fatalities" not in evidence
    assert form.widgets["fatalities"].line.text() == ""


def test_focusing_a_field_with_evidence_asks_the_reader_to_show_it(setup, qtbot) -> None:
    panel, repo, stack, article_id, spans = setup
    panel.add_event()
    form = panel.current_form()
    form.focus_field("fatalities")
    panel.fill_active_field(spans["at least twelve"], "at least twelve")
    form.focus_field("event_date")
    with qtbot.waitSignal(panel.evidenceRequested) as blocker:
        form.focus_field("fatalities")
    assert blocker.args == [spans["at least twelve"].start, spans["at least twelve"].end]


def test_undo_redo_of_typing_restores_the_database(setup, qtbot) -> None:
    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    form.focus_field("fatalities")
    qtbot.keyClicks(form.widgets["fatalities"].line, "125")
    assert panel.has_pending_edit()  # saved when the coder pauses: wait for the idle timer
    qtbot.waitUntil(lambda: not panel.has_pending_edit())
    assert stack.count() == 2  # add + one merged edit for three keystrokes
    assert _db_values(repo, article_id)[0][0]["fatalities"] == 125
    stack.undo()
    assert _db_values(repo, article_id)[0][0]["fatalities"] is None
    assert form.widgets["fatalities"].line.text() == ""
    stack.redo()
    assert _db_values(repo, article_id)[0][0]["fatalities"] == 125
    assert form.widgets["fatalities"].line.text() == "125"
    # A bad keystroke is reported on the field and not saved.
    qtbot.keyClicks(form.widgets["fatalities"].line, "x")
    assert _db_values(repo, article_id)[0][0]["fatalities"] == 125
    assert "whole number" in form.widgets["fatalities"].message.text()


def test_undo_redo_of_add_and_delete_event(setup) -> None:
    panel, repo, stack, article_id, spans = setup
    first = panel.add_event()
    panel.current_form().focus_field("fatalities")
    panel.fill_active_field(spans["at least twelve"], "at least twelve")
    before = _db_values(repo, article_id)
    assert len(before) == 1 and before[0][1]
    panel.duplicate_event()
    assert len(_db_values(repo, article_id)) == 2
    assert _db_values(repo, article_id)[1] == before[0] or _db_values(repo, article_id)[1][1] == before[0][1]
    stack.undo()  # duplicate
    assert _db_values(repo, article_id) == before
    panel.select_event(first)
    panel.delete_event()
    assert _db_values(repo, article_id) == [] and panel.list.count() == 0
    stack.undo()  # the same event comes back with its evidence
    assert _db_values(repo, article_id) == before
    assert repo.get_bundle(article_id).events[0].event.id == first
    assert panel.list.count() == 1
    stack.undo()  # evidence fill
    stack.undo()  # add
    assert _db_values(repo, article_id) == []
    stack.redo()
    assert repo.get_bundle(article_id).events[0].event.id == first
    stack.redo()
    assert _db_values(repo, article_id) == before


def test_validation_messages_for_a_missing_required_field(setup) -> None:
    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    event_type = form.widgets["event_type"]
    assert event_type.messages() and "event_type" in form.missing_fields()  # a to-do, on the label
    assert not event_type.message.isVisibleTo(form)
    assert not form.widgets["notes"].messages()
    _choose(event_type, "Riots")
    assert not event_type.messages() and "event_type" not in form.missing_fields()
    form.widgets["latitude"].line.setText("")
    form.focus_field("latitude")
    form.widgets["latitude"].line.textEdited.emit("123")  # out of range
    panel.flush_edits()  # messages follow the saved value (after a pause in typing)
    assert any("90" in m for m in form.widgets["latitude"].messages())


def test_interaction_derived_from_two_actors_inter_codes(setup) -> None:
    panel, repo, stack, article_id, spans = setup
    repo.upsert_actor("Police Forces of Kenya", 1)
    repo.upsert_actor("Protesters (Kenya)", 6)
    panel.refresh_actors()
    panel.add_event()
    form = panel.current_form()
    form.focus_field("actor1")
    form.widgets["actor1"].combo.activated.emit(form.widgets["actor1"].combo.findText("Police Forces of Kenya"))
    values = _db_values(repo, article_id)[0][0]
    assert values["inter1"] == 1 and values["interaction"] == 10
    form.focus_field("actor2")
    form.widgets["actor2"].combo.activated.emit(form.widgets["actor2"].combo.findText("Protesters (Kenya)"))
    values = _db_values(repo, article_id)[0][0]
    assert values["inter2"] == 6 and values["interaction"] == 16
    assert form.widgets["interaction"].line.text() == "16"
    # A highlight naming a new actor: added to the list with a guessed inter code.
    form.focus_field("actor2")
    assert panel.fill_active_field(spans["protesters"], "protesters")
    assert any(a.name == "protesters" and a.inter_code == 6 for a in repo.actors())


def test_new_event_defaults_and_codebook_recorded(setup) -> None:
    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    event = repo.get_bundle(article_id).events[0].event
    assert event.source == "Local Times" and event.coder == "ana" and event.event_date is None
    assert (event.codebook_name, event.codebook_version) == ("acled", "1")
    assert [(c.name, c.version) for c in repo.codebooks()] == [("acled", "1")]
    assert panel.current_form().widgets["event_date"].pub_button.isVisibleTo(panel)


def test_protest_codebook_events_keep_their_own_fields(qtbot, repo) -> None:
    article_id = repo.add_article(ArticleIn(text="Workers marched in Kano on Monday.", published=PUBLISHED))
    book = load_codebook(CODEBOOK_DIR / "protest.json")
    panel = EventPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    panel.set_article(repo.get_bundle(article_id), book)
    panel.add_event()
    form = panel.current_form()
    form.focus_field("protest_date")
    assert panel.fill_active_field(EntitySpan(article_id=article_id, start=27, end=33, label="DATE"), "Monday")
    _choose(form.widgets["police_response"], "Arrests")
    event = repo.get_bundle(article_id).events[0].event
    assert event.codebook_name == "protest"
    assert event.extra["protest_date"] == "2024-08-12" and event.extra["date_precision"] == 1
    assert event.extra["repression"] == "Yes"


@pytest.mark.slow
def test_place_highlight_fills_location_details(setup, qtbot) -> None:
    """Uses the real gazetteer (built once per session, ~20 s the first time); the lookup runs
    in the panel's worker thread and the form shows its result when it comes back."""
    panel, repo, stack, article_id, spans = setup
    panel.add_event()
    form = panel.current_form()
    form.focus_field("location")
    assert panel.fill_active_field(spans["Glushkovo"], "Glushkovo")
    assert panel.lookups_pending() == 1 and not _db_values(repo, article_id)[0][0].get("country")  # not yet
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert form.widgets["location"].current_value() == "Glushkovo"  # the form shows the result
    values, evidence = _db_values(repo, article_id)[0]
    assert values["location"] == "Glushkovo" and values["country"] == "Russia"
    assert values["latitude"] and values["longitude"] and values["geo_precision"] == 1 and values["iso"] == 643
    assert evidence["location"] == (spans["Glushkovo"].start, spans["Glushkovo"].end)
    assert "Russia" in form.widgets["location"].note.text()


@pytest.mark.parametrize("text, expected", [
    ("12", 12), ("at least 12", 12), ("twelve", 12), ("twenty-one", 21), ("1,200", 1200),
    ("three hundred", 300), ("dozens", 12), ("no one", 0), ("some", None),
])
def test_parse_count(text: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_count(text) == expected


def test_place_picker_filters_and_returns_the_chosen_candidate(qtbot) -> None:
    from coding.gazetteer import PlaceEntry
    from ui.events.place_picker import PlacePickerDialog

    kano_ng = PlaceEntry("Kano", "city", "NG", "Nigeria", "Kano", 12.0, 8.5, 4_910_000, 1)
    kano_us = PlaceEntry("Kano", "city", "US", "United States", "Texas", 30.0, -97.0, 100, 2)
    dialog = PlacePickerDialog("Kano", [kano_ng, kano_us], current=kano_us)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == kano_us
    dialog.filter.setText("niger")
    assert dialog.chosen() == kano_ng and dialog.table.isRowHidden(1)


def test_actor_list_dialog_adds_and_recodes_actors(qtbot, repo) -> None:
    from ui.events.actor_list import ActorListDialog

    dialog = ActorListDialog(repo)
    qtbot.addWidget(dialog)
    dialog.new_name.setText("Military Forces of Kenya")
    dialog._add()
    assert [(a.name, a.inter_code) for a in repo.actors()] == [("Military Forces of Kenya", 1)]
    combo = dialog.table.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData(8))
    combo.activated.emit(combo.currentIndex())
    dialog.table.item(0, 2).setText("KDF; Kenya Defence Forces")
    actor = repo.actors()[0]
    assert actor.inter_code == 8 and set(actor.aliases) == {"KDF", "Kenya Defence Forces"}


def test_typing_survives_the_main_window_reloading_the_article(setup, qtbot) -> None:
    """The main window calls set_article again after every edit: the text being typed, its
    cursor and the undo merging must not suffer."""
    panel, repo, stack, article_id, _ = setup
    repo.upsert_actor("Police Forces of Georgia", 1)
    panel.signals.changed.connect(
        lambda change: panel.set_article(repo.get_bundle(change.article_id), default_codebook()))
    panel.add_event()
    form = panel.current_form()
    form.focus_field("actor1")
    line = form.widgets["actor1"].combo.lineEdit()
    qtbot.keyClicks(line, "Riot police")
    line.setCursorPosition(4)
    qtbot.keyClicks(line, "ing")
    assert line.text() == "Rioting police" and line.cursorPosition() == 7
    panel.flush_edits()  # what leaving the field or pausing does
    assert line.text() == "Rioting police" and line.cursorPosition() == 7
    assert _db_values(repo, article_id)[0][0]["actor1"] == "Rioting police"
    form.focus_field("event_date")
    qtbot.keyClicks(form.widgets["event_date"].line, "2024-08-10")
    panel.flush_edits()
    values = _db_values(repo, article_id)[0][0]
    assert values["event_date"] == dt.date(2024, 8, 10) and values["time_precision"] == 1
    assert stack.count() == 3  # add, actor typing (one step), date typing (one step)


def test_events_changed_signal_and_no_article(setup, qtbot) -> None:
    panel, repo, stack, article_id, spans = setup
    with qtbot.waitSignal(panel.eventsChanged) as blocker:
        panel.add_event()
    assert blocker.args == [article_id]
    assert "2024-08-16" not in panel.list.item(0).text() and "no date" in panel.list.item(0).text()
    panel.set_article(None)
    assert panel.list.count() == 0 and not panel.has_active_field()
    assert panel.add_event() is None and not panel.fill_active_field(spans["Police"], "Police")
    assert not panel.add_action.isEnabled()


def test_forgetting_evidence_is_undoable_and_keeps_the_value(setup) -> None:
    panel, repo, stack, article_id, spans = setup
    panel.add_event()
    panel.current_form().focus_field("fatalities")
    panel.fill_active_field(spans["at least twelve"], "at least twelve")
    panel.current_form().widgets["fatalities"].evidenceCleared.emit()
    values, evidence = _db_values(repo, article_id)[0]
    assert values["fatalities"] == 12 and evidence == {}
    assert not panel.current_form().widgets["fatalities"].has_evidence
    stack.undo()
    assert _db_values(repo, article_id)[0][1] == {"fatalities": (spans["at least twelve"].start, spans["at least twelve"].end)}


def test_tab_and_alt_arrows_follow_the_codebook_order(setup, qtbot) -> None:
    from PySide6.QtCore import Qt

    def next_tab_stop(widget):  # type: ignore[no-untyped-def]
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isVisibleTo(panel):
            widget = widget.nextInFocusChain()
        return widget

    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    assert panel.active_field_name() == "event_date"  # a new event starts at its first required field
    # "year" is computed: Tab skips it, and the buttons beside a field are not Tab stops.
    assert next_tab_stop(form.widgets["event_date"].line) is form.widgets["time_precision"].combo
    assert next_tab_stop(form.widgets["location"].line) is form.widgets["latitude"].line
    panel.step_field(1)
    panel.step_field(1)
    assert panel.active_field_name() == "event_type"  # past time_precision, over disorder_type
    panel.step_field(-1)
    panel.step_field(-1)
    assert panel.active_field_name() == "event_date"


def test_ctrl_u_in_a_field_reaches_the_panel_not_the_line_edit(setup) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    panel, repo, stack, article_id, spans = setup
    panel.add_event()
    line = panel.current_form().widgets["location"].line
    event = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    event.ignore()
    QApplication.sendEvent(line, event)
    assert not event.isAccepted()  # so the Ctrl+U action fires
    # On X11 a QLineEdit claims Ctrl+U (delete line); the field's filter keeps it from doing so.
    assert panel.current_form().widgets["location"].eventFilter(line, event) is True
    panel.set_span_provider(lambda: spans["at least twelve"])
    panel.current_form().focus_field("fatalities")
    panel.use_highlight_action.trigger()
    assert _db_values(repo, article_id)[0][0]["fatalities"] == 12


@pytest.mark.slow
def test_picking_another_place_is_remembered_and_undoable(setup, monkeypatch, qtbot) -> None:
    """Uses the real gazetteer: "Tripoli" is in Libya and in Lebanon."""
    import ui.events.place_picker
    from coding.places import resolve_place

    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    form.focus_field("location")
    form.widgets["location"].line.setText("Tripoli")
    form.widgets["location"].line.textEdited.emit("Tripoli")
    form.widgets["location"].line.editingFinished.emit()  # Enter: resolve the typed name
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert _db_values(repo, article_id)[0][0]["country"] == "Libya"
    offered = []

    def choose_lebanon(query, candidates, parent=None, current=None):  # type: ignore[no-untyped-def]
        offered.extend(candidates)
        return next(c for c in candidates if c.country == "Lebanon")

    monkeypatch.setattr(ui.events.place_picker, "pick_place", choose_lebanon)
    panel.pick_place()
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert {c.country for c in offered} >= {"Libya", "Lebanon"}
    values = _db_values(repo, article_id)[0][0]
    assert values["country"] == "Lebanon" and values["iso"] == 422 and values["latitude"] > 34
    # Remembered for this name in articles about the same country (here Russia, from Glushkovo).
    assert resolve_place("Tripoli", repo, panel._article_countries()).chosen_by_coder
    stack.undo()
    assert _db_values(repo, article_id)[0][0]["country"] == "Libya"


def test_fast_typing_keeps_every_character_and_is_one_undo_step(setup, qtbot) -> None:
    """Typing is saved when the coder pauses (or leaves the field), not per keystroke: no
    reload while typing, the whole text in the field and the DB, one undo step per visit."""
    panel, repo, stack, article_id, _ = setup
    repo.upsert_actor("Police Forces of Kenya", 1)
    panel.refresh_actors()
    panel.add_event()
    form = panel.current_form()
    reloads = []
    panel.signals.changed.connect(lambda change: reloads.append(change.article_id))
    for name, editor, text in (
            ("assoc_actor_1", form.widgets["assoc_actor_1"].editor(), "Student Union of Tbilisi State University"),
            ("actor1", form.widgets["actor1"].combo.lineEdit(), "Police Forces of Georgia (2018-)")):
        form.focus_field(name)
        before = stack.index()
        qtbot.keyClicks(editor, text)
        assert reloads == [], "a keystroke saved and reloaded the form"
        assert editor.text() == text
        panel.flush_edits()  # the idle timer, or focus leaving the field
        assert editor.text() == text
        assert _db_values(repo, article_id)[0][0][name] == text
        assert stack.index() == before + 1
        # More typing in the same visit after a pause joins the same undo step.
        qtbot.keyClicks(editor, "!")
        panel.flush_edits()
        assert stack.index() == before + 1 and _db_values(repo, article_id)[0][0][name] == text + "!"
        stack.undo()
        assert not _db_values(repo, article_id)[0][0][name]
        assert editor.text() == ""
        reloads.clear()


def test_pending_text_is_saved_before_switching_event_and_undo(setup, qtbot) -> None:
    panel, repo, stack, article_id, _ = setup
    first = panel.add_event()
    second = panel.add_event()
    form = panel.current_form()
    form.focus_field("notes")
    qtbot.keyClicks(form.widgets["notes"].editor(), "typed into the second event")
    panel.select_event(first)  # the coder clicks the other event before the idle save
    qtbot.wait(0)  # the reload after that save is posted
    notes = {e.event.id: e.event.notes for e in repo.get_bundle(article_id).events}
    assert notes[second] == "typed into the second event" and not notes[first]
    assert panel.current.event.id == first and form.widgets["notes"].editor().toPlainText() == ""


def test_a_new_actor_gets_a_guessed_inter_code_with_the_actor(setup, qtbot) -> None:
    panel, repo, stack, article_id, _ = setup
    repo.upsert_actor("Protesters (Kenya)", 6)
    panel.refresh_actors()
    panel.add_event()
    form = panel.current_form()
    form.focus_field("actor1")
    before = stack.count()
    qtbot.keyClicks(form.widgets["actor1"].combo.lineEdit(), "Police Forces of Georgia")
    panel.flush_edits()
    values = _db_values(repo, article_id)[0][0]
    assert values["actor1"] == "Police Forces of Georgia" and values["inter1"] == 1
    assert "Guessed" in form.widgets["inter1"].note.text() and form.widgets["inter1"].note.isVisibleTo(form)
    assert not form.widgets["inter1"].messages()  # no longer "Required"
    stack.undo()  # one step: the actor and its guessed code
    values = _db_values(repo, article_id)[0][0]
    assert stack.index() == before and not values["actor1"] and values["inter1"] is None
    # The coder's own inter code is not overwritten by a guess.
    _choose(form.widgets["inter2"], 3)
    form.focus_field("actor2")
    qtbot.keyClicks(form.widgets["actor2"].combo.lineEdit(), "Rioters (Georgia)")
    panel.flush_edits()
    assert _db_values(repo, article_id)[0][0]["inter2"] == 3
    # A listed actor still brings its own code.
    form.focus_field("actor1")
    qtbot.keyClicks(form.widgets["actor1"].combo.lineEdit(), "Protesters (Kenya)")
    panel.flush_edits()
    assert _db_values(repo, article_id)[0][0]["inter1"] == 6


def test_wheel_over_a_choice_scrolls_the_form_not_the_value(setup, qtbot) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    panel, repo, stack, article_id, _ = setup
    panel.add_event()
    form = panel.current_form()
    combo = form.widgets["event_type"].combo
    form.focus_field("notes")
    index = combo.currentIndex()
    centre = QPointF(combo.rect().center())
    wheel = QWheelEvent(centre, QPointF(combo.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, wheel)
    assert combo.currentIndex() == index and not _db_values(repo, article_id)[0][0]["event_type"]


@pytest.mark.slow
def test_a_filled_place_is_scrolled_into_view_with_its_note(setup, qtbot) -> None:
    """The note a place fill adds under the field (the place found, why) is laid out before the
    form scrolls to the field, so none of it is left below the visible part of the form."""
    from PySide6.QtCore import QPoint

    panel, repo, stack, article_id, spans = setup
    panel.resize(380, 420)  # narrow: the note wraps onto several lines
    panel.show()
    panel.add_event()
    form = panel.current_form()
    form.focus_field("event_date")  # the top of the form; Space sends a place to the first empty place field
    assert panel.fill_from_highlight(spans["Glushkovo"]).pending
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    field = form.widgets["location"]
    assert field.note.isVisible() and "Russia" in field.note.text()
    assert field.note.height() >= field.note.heightForWidth(field.note.width())  # every wrapped line shown
    viewport = form.scroll_area.viewport()
    top, bottom = field.mapTo(viewport, QPoint(0, 0)).y(), field.mapTo(viewport, QPoint(0, field.height())).y()
    assert 0 <= top and bottom <= viewport.height(), (top, bottom, viewport.height())


def test_a_long_note_gets_every_line_it_wraps_onto(qtbot) -> None:
    """QFormLayout sized a field by its height at another width, so a note wrapping onto four
    lines got three and was cut off at both ends (the place note after a fill, 1280x800)."""
    from PySide6.QtWidgets import QApplication

    form = EventForm(default_codebook())
    qtbot.addWidget(form)
    form.resize(470, 500)
    form.show()
    field = form.widgets["location"]
    field.set_note("→ Tbilisi · Georgia · 41.6914, 44.8341 · precision 1\nTaken as the town Tbilisi (geo "
                   "precision 1); for the region of that name write 'Tbilisi region'. Filled because "
                   "“Tbilisi” is a place highlight; check it belongs here.")
    qtbot.waitUntil(lambda: field.note.isVisible())
    QApplication.processEvents()
    assert field.note.height() >= field.note.heightForWidth(field.note.width())
    narrow = field.note.width()
    form.resize(700, 500)  # wider: fewer lines, and no more height than they need
    qtbot.waitUntil(lambda: field.note.width() > narrow)
    qtbot.waitUntil(lambda: field.note.height() == field.note.heightForWidth(field.note.width()))
    kept = field.note.height()
    field.set_note("")  # the place field keeps its note's place, saying what fills it
    QApplication.processEvents()
    assert field.note.isVisible() and field.note.text() == field.empty_note
    assert field.note.height() == kept
    other = form.widgets["notes"]  # a field without a note of its own gives its line back
    other.set_note("A note.")
    QApplication.processEvents()
    other.set_note("")
    QApplication.processEvents()
    assert other.note.isHidden() and other.note.minimumHeight() == 0


def test_a_place_fill_moves_nothing_below_the_place(setup, qtbot) -> None:
    """The note a place fill brings has its place kept, and the to-dos of the fields it fills
    are on their labels, not lines under them: nothing below the location moves (a move
    repaints the whole form, the longest wait of a fill)."""
    from PySide6.QtWidgets import QApplication

    panel, repo, stack, article_id, spans = setup
    panel.resize(520, 900)
    panel.show()
    panel.add_event()
    form = panel.current_form()
    QApplication.processEvents()
    assert "Required." not in [w.message.text() for w in form.widgets.values()]
    assert {"event_date", "event_type", "location", "country"} <= set(form.missing_fields())
    assert "#8a6100" in form.labels["location"].text() and "Required" in form.labels["location"].toolTip()
    below = [name for name in list(form.widgets)[list(form.widgets).index("location") + 1:]]
    before = {name: form.widgets[name].geometry() for name in below}
    form.focus_field("location")
    assert panel.fill_from_highlight(spans["Glushkovo"]).pending
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    QApplication.processEvents()
    assert "Russia" in form.widgets["location"].note.text()
    assert "location" not in form.missing_fields() and "#8a6100" not in form.labels["location"].text()
    assert {name: form.widgets[name].geometry() for name in below} == before
    field = form.widgets["location"]
    field.set_note("A note longer than the lines kept at first. " * 8)  # more lines than kept
    QApplication.processEvents()
    three = field.note.fontMetrics().lineSpacing() * 3
    assert field.note.minimumHeight() > three
    note = field.note
    panel.add_event()  # another event: its empty note goes back to the lines kept at first
    QApplication.processEvents()
    assert note.text() == form.widgets["location"].empty_note
    assert note.minimumHeight() == three
