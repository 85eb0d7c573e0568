"""The coder's keys through the real window: Space on a highlight fills the field of its kind and
accepts it, a digit picks a choice, Ctrl+J jumps to a field, Ctrl+Z in a field undoes the last
saved edit."""
from __future__ import annotations

import datetime as dt
import time

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from storage.models import EntitySpan, SpanState  # noqa: E402
from storage.repository import ArticleIn, Repository, event_fields  # noqa: E402

TEXT = "Ukrainian troops destroyed a bridge near Glushkovo on Tuesday, killing three people."


@pytest.fixture
def window(qtbot, repo: Repository, settings, gazetteer_index):  # type: ignore[no-untyped-def]
    aid = repo.add_article(ArticleIn(text=TEXT, title="Bridge", source="Wire", published=dt.date(2024, 8, 16)))
    for word, label in (("Ukrainian troops", "NORP"), ("Glushkovo", "GPE"), ("on Tuesday", "DATE"), ("three", "CARDINAL")):
        start = TEXT.index(word)
        repo.add_span(EntitySpan(article_id=aid, start=start, end=start + len(word), label=label))
    from ui.window.main_window import MainWindow

    win = MainWindow(repo, "tester", settings, start_jobs=False)
    win.jobs.show_dialogs = False
    qtbot.addWidget(win)
    win.show()
    win.event_panel.pick_when_ambiguous = False
    win.list_panel.clear_filters()
    win.list_panel.select_article(aid)
    return win


def _event(repo: Repository) -> tuple[dict, dict]:
    (aid,) = repo.article_ids()
    (item,) = repo.get_bundle(aid).events
    return event_fields(item.event), {k: (v.start, v.end) for k, v in item.evidence.items()}


def _reader_keys(window, *keys: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        QTest.keyClick(window.reader.view, key)
    # A place is looked up off the GUI thread: its fill lands a moment later.
    deadline = time.monotonic() + 10
    while window.event_panel.lookups_pending() and time.monotonic() < deadline:
        QTest.qWait(5)
    window.writer.wait_idle(30)  # what the keys did is written off the GUI thread


def test_space_fills_by_kind_accepts_the_highlight_in_one_undo_step(window, repo: Repository) -> None:
    window.event_panel.add_action.trigger()
    window.reader.view.setFocus()
    _reader_keys(window, Qt.Key.Key_J, Qt.Key.Key_Space)  # "Ukrainian troops" -> actor1
    _reader_keys(window, Qt.Key.Key_J, Qt.Key.Key_Space)  # "Glushkovo" -> location
    _reader_keys(window, Qt.Key.Key_J, Qt.Key.Key_Space)  # "on Tuesday" -> event_date
    values, evidence = _event(repo)
    assert (values["actor1"], values["location"], values["event_date"]) == \
        ("Ukrainian troops", "Glushkovo", dt.date(2024, 8, 13))
    assert set(evidence) == {"actor1", "location", "event_date"}
    (aid,) = repo.article_ids()
    assert all(s.state == SpanState.ACCEPTED.value for s in repo.spans(aid)[:3])  # used as evidence: accepted
    steps = window.undo_stack.count()
    window.undo_action.trigger()  # the last fill and its acceptance go back together
    window.writer.wait_idle(30)
    assert window.undo_stack.count() == steps and window.undo_stack.index() == steps - 1
    assert "event_date" not in _event(repo)[1]
    assert repo.spans(aid)[2].state == SpanState.SUGGESTED.value


def test_a_digit_in_the_reader_picks_a_choice_of_the_active_field(window, repo: Repository) -> None:
    panel = window.event_panel
    panel.add_action.trigger()
    panel.current_form().focus_field("inter1")
    window.reader.view.setFocus()
    _reader_keys(window, Qt.Key.Key_3)
    assert _event(repo)[0]["inter1"] == 3
    (aid,) = repo.article_ids()
    assert len(repo.spans(aid)) == 4  # no highlight added from the digit


def test_ctrl_j_jumps_to_a_field_by_typing_part_of_its_name(window, qtbot) -> None:
    panel = window.event_panel
    panel.add_action.trigger()

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "fieldPicker"
        QTest.keyClicks(dialog.filter, "fatal")
        QTest.keyClick(dialog.filter, Qt.Key.Key_Return)

    QTimer.singleShot(50, answer)
    panel.go_to_field_action.trigger()
    assert panel.active_field_name() == "fatalities"


def test_ctrl_z_in_a_form_field_undoes_the_last_saved_edit(window, repo: Repository, qtbot) -> None:
    panel = window.event_panel
    panel.add_action.trigger()
    window.reader.view.setFocus()
    _reader_keys(window, Qt.Key.Key_J, Qt.Key.Key_Space)  # actor1 filled and saved
    form = panel.current_form()
    form.focus_field("notes")
    editor = form.widgets["notes"].editor()
    qtbot.waitUntil(editor.hasFocus)
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.writer.wait_idle(30)
    assert not _event(repo)[0]["actor1"]  # the window's undo, not the empty field's own


def test_a_message_goes_as_soon_as_the_typed_value_makes_the_field_valid(window) -> None:
    panel = window.event_panel
    panel.add_action.trigger()
    form = panel.current_form()
    widget = form.widgets["event_date"]
    assert widget.messages()  # required and empty: a to-do under the field
    form.focus_field("event_date")
    QTest.keyClicks(widget.editor(), "2024-08-13")
    assert panel.has_pending_edit()  # not saved yet ...
    assert not widget.messages()  # ... and the message is already gone


def test_slash_and_a_few_words_go_to_the_highlight_there(window) -> None:
    reader = window.reader
    reader.view.setFocus()
    QTest.keyClick(reader.view, Qt.Key.Key_Slash)
    assert reader.find_bar.isVisible() and reader.find_bar.line.hasFocus()
    QTest.keyClicks(reader.find_bar.line, "glush")
    QTest.keyClick(reader.find_bar.line, Qt.Key.Key_Return)
    span = reader.current_span()
    assert span is not None and TEXT[span.start:span.end] == "Glushkovo"
    assert not reader.find_bar.isVisible()


def test_find_highlight_wraps_and_says_none_when_the_text_does_not_say_it() -> None:
    from ui.reader.find_bar import find_highlight

    spans = [EntitySpan(article_id=1, start=TEXT.index(w), end=TEXT.index(w) + len(w), label="X")
             for w in ("Ukrainian troops", "Glushkovo", "on Tuesday")]
    assert find_highlight(TEXT, spans, "near glushkovo", after=0).start == TEXT.index("Glushkovo")
    assert find_highlight(TEXT, spans, "UKRAINIAN", after=70).start == 0  # wraps round
    assert find_highlight(TEXT, spans, "Kharkiv") is None


def test_an_edit_to_an_event_another_coder_changed_is_shown_as_a_conflict(window, repo: Repository, qtbot) -> None:
    panel = window.event_panel
    panel.add_action.trigger()
    window.writer.wait_idle(30)  # the new event is stored: the form names it by its row id
    event_id = panel.current.event.id
    other = Repository(repo.target)
    other.coder = "ben"
    other.update_event(event_id, {"notes": "ben's note"})  # another window, another coder
    messages: list[str] = []
    window.signals.writeFailed.disconnect()  # no modal box in the test: keep the message
    window.signals.writeFailed.connect(messages.append)
    assert panel.editor.edited("fatalities", 3, merge=False) is not None
    panel._push(panel.editor.edited("fatalities", 3, merge=False))
    window.writer.wait_idle(30)
    assert messages and "changed by ben" in messages[0]
    values = event_fields(repo.article_events(repo.article_ids()[0])[0].event)
    assert values["notes"] == "ben's note" and values["fatalities"] is None  # nothing overwritten
    assert panel.current.event.version == other.article_events(repo.article_ids()[0])[0].event.version  # reloaded


def test_a_highlight_another_coder_decided_since_is_a_conflict_too(window, repo: Repository) -> None:
    reader = window.reader
    span = reader._spans[0]
    other = Repository(repo.target)
    other.coder = "ben"
    other.update_span(span.id, state=SpanState.REJECTED.value)
    messages: list[str] = []
    window.signals.writeFailed.disconnect()
    window.signals.writeFailed.connect(messages.append)
    reader.accept_span(span)
    window.writer.wait_idle(30)
    assert messages and "changed by ben" in messages[0]
    assert other.spans(span.article_id)[0].state == SpanState.REJECTED.value  # ben's decision stands


def test_the_event_form_is_built_at_a_quiet_moment_not_at_the_first_event(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Building a form is 70-110 ms of widgets: after_show schedules it, so Ctrl+Shift+E finds
    it ready and only shows it."""
    panel = window.event_panel
    book = window.sync.codebook_for(window.sync.bundle)
    assert book.key not in panel._forms and panel.current_form() is None
    window.sync.form_warm_up.start()  # as after_show starts it
    qtbot.waitUntil(lambda: book.key in panel._forms, timeout=5000)
    assert panel.current_form() is None  # built hidden: still no event
    built = panel._forms[book.key]
    panel.add_action.trigger()
    assert panel.current_form() is built
