"""Adding an event or a highlight never waits for its own insert: it is shown and edited at once
under a temporary key, the edits that name it are queued after the insert and written to the row
it made, undo and redo stay right, and a failed insert takes the edits that depend on it along."""
from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from storage.pending_ids import NotStored, PendingIds
from storage.repository import Repository
from tests import test_writer
from tests.test_writer import TEXT, Lock

# The writer tests' window and workspace (SQLite and PostgreSQL), shared by name.
workspace = test_writer.workspace
coder_window = test_writer.coder_window


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure is told in a message box: answered at once here (the tests read writeFailed)."""
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)


def _events(repo: Repository, article_id: int) -> list[tuple[int, Any, Any, Any]]:
    return [(e.event.id, e.event.notes, e.event.fatalities, e.event.location) for e in repo.article_events(article_id)]


def _shown_events(w: Any) -> list[tuple[Any, Any, Any]]:
    return [(e.event.notes, e.event.fatalities, e.event.location) for e in w.event_panel.bundle.events]


def _fill(w: Any, name: str, value: Any) -> None:
    panel = w.event_panel
    panel._push(panel.editor.edited(name, value, merge=False))


def test_pending_ids_resolve_in_order_and_refuse_what_never_came() -> None:
    ids = PendingIds()
    first, second = ids.new(), ids.new()
    assert first < 0 and second < 0 and first != second
    assert ids.waiting(first) and ids.canonical(first) == first
    ids.stored(first, 41)  # the writer ran the insert
    assert ids.canonical(first) == 41 and ids.resolve(first) == 41
    assert ids.waiting(first)  # until the GUI thread hears of it (a read made before may lack the row)
    ids.heard(first)
    assert not ids.waiting(first) and ids.canonical(first) == 41
    assert ids.same(first, 41) and not ids.same(second, 41)
    assert ids.stable(41) == first and ids.stable(first) == first and ids.stable(7) == 7  # one name throughout
    assert ids.resolve(7) == 7 and ids.canonical(7) == 7  # a stored row's id passes through
    ids.heard(second)  # its insert failed
    assert not ids.waiting(second)
    with pytest.raises(NotStored):
        ids.resolve(second)


def test_adding_an_event_filling_it_and_undo_redo_never_wait_for_the_workspace(
        qtbot: Any, coder_window: Any, workspace: Repository) -> None:
    w, panel = coder_window, coder_window.event_panel
    aid = w.current_article_id()
    failures: list[str] = []
    w.signals.writeFailed.connect(failures.append)
    panel._form_for(panel.codebook)  # the form's first build is not what this test is about
    lock = Lock(workspace)
    try:
        start = time.perf_counter()
        key = panel.add_event()
        _fill(w, "notes", "shelling")
        _fill(w, "fatalities", 3)
        took = time.perf_counter() - start
        # Waiting for the insert would last until the lock is released (after these lines).
        assert took < 5, f"adding and filling waited {took:.2f} s for the workspace"
        assert key is not None and key < 0  # shown under its temporary key: the insert is held
        assert panel.current is not None and panel.current.event.id == key
        assert panel.list.count() == 1 and panel.selected_event_id() == key
        assert _shown_events(w) == [("shelling", 3, None)]
        assert panel.current_form().widgets["notes"].current_value() == "shelling"
        assert _events(workspace, aid) == []  # nothing written yet
        # Undo all three (the add last: its event leaves the list at once), redo them, one more fill.
        for _ in range(3):
            w.undo_stack.undo()
        assert panel.list.count() == 0 and panel.current is None
        for _ in range(3):
            w.undo_stack.redo()
        assert panel.list.count() == 1
        panel.select_event(key)
        _fill(w, "location", "Izium")
        assert _shown_events(w) == [("shelling", 3, "Izium")]
        assert w.writer.pending() == 10
        qtbot.wait(50)  # the window keeps answering while its writes wait
        assert _events(workspace, aid) == []
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert failures == []
    row_id = w.signals.ids.canonical(key)
    assert row_id is not None and row_id > 0
    assert _events(workspace, aid) == [(row_id, "shelling", 3, "Izium")]
    # The screen now names the row by its id; later edits and undo/redo write to it directly.
    assert panel.current is not None and panel.current.event.id == row_id and panel.selected_event_id() == row_id
    assert _shown_events(w) == [("shelling", 3, "Izium")]
    _fill(w, "notes", "shelling of the town")
    for _ in range(5):
        w.undo_stack.undo()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert _events(workspace, aid) == [] and panel.list.count() == 0
    for _ in range(5):
        w.undo_stack.redo()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert _events(workspace, aid) == [(row_id, "shelling of the town", 3, "Izium")]  # the same row again
    assert failures == []


def test_two_events_added_while_held_each_get_their_own_row(qtbot: Any, coder_window: Any,
                                                           workspace: Repository) -> None:
    w, panel = coder_window, coder_window.event_panel
    aid = w.current_article_id()
    lock = Lock(workspace)
    try:
        first = panel.add_event()
        _fill(w, "notes", "first")
        second = panel.duplicate_event()  # a copy of the first, values and all
        _fill(w, "notes", "second")
        panel.select_event(first)
        assert panel.current_form().widgets["notes"].current_value() == "first"
        assert panel.list.count() == 2
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    ids = w.signals.ids
    assert {(i, n) for i, n, _, _ in _events(workspace, aid)} == {(ids.canonical(first), "first"),
                                                                 (ids.canonical(second), "second")}
    assert panel.current.event.id == ids.canonical(first)  # still the event the coder chose


def test_a_failed_insert_drops_the_edits_that_name_it_and_says_so(qtbot: Any, coder_window: Any, workspace: Repository,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    w, panel = coder_window, coder_window.event_panel
    aid = w.current_article_id()
    failures: list[str] = []
    w.signals.writeFailed.connect(failures.append)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(workspace, "add_event", refuse)
    lock = Lock(workspace)
    try:
        key = panel.add_event()
        _fill(w, "notes", "lost")
        _fill(w, "fatalities", 2)
        assert panel.list.count() == 1
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0 and w.undo_stack.count() == 0, timeout=30000)
    assert len(failures) == 1
    assert "Add event" in failures[0] and "2 edits made after it" in failures[0]
    assert _events(workspace, aid) == []
    qtbot.waitUntil(lambda: panel.list.count() == 0, timeout=5000)  # the event that never came is gone
    assert panel.current is None and not w.signals.ids.waiting(key)
    monkeypatch.undo()
    assert panel.add_event() is not None  # the next add works
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert len(_events(workspace, aid)) == 1


def test_adding_a_highlight_never_waits_and_edits_on_it_reach_its_row(qtbot: Any, coder_window: Any,
                                                                       workspace: Repository) -> None:
    w, reader = coder_window, coder_window.reader
    aid = w.current_article_id()
    start = TEXT.index("officials")
    before = {s.id for s in workspace.spans(aid)}
    lock = Lock(workspace)
    try:
        t0 = time.perf_counter()
        reader.view.select_range(start, start + len("officials"))
        added = reader.add_from_selection("PERSON")
        assert added is not None
        reader.relabel(added, "ORG")  # an edit on it before it is stored
        took = time.perf_counter() - t0
        assert took < 5, f"adding a highlight waited {took:.2f} s for the workspace"
        shown = reader.current_span()
        assert shown is not None and shown.id is not None and shown.id < 0
        assert (shown.start, shown.label) == (start, "ORG")
        assert {s.id for s in workspace.spans(aid)} == before  # not written yet
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    (new,) = [s for s in workspace.spans(aid) if s.id not in before]
    assert (new.start, new.label, new.state, new.origin) == (start, "ORG", "accepted", "coder")
    current = reader.current_span()
    assert current is not None and current.id == new.id  # the current highlight now has its id
    w.undo_stack.undo()
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert {s.id for s in workspace.spans(aid)} == before
    assert all(s.start != start for s in reader._spans)
    w.undo_stack.redo()
    w.undo_stack.redo()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    again = [s for s in workspace.spans(aid) if s.id not in before]
    assert [(s.id, s.label) for s in again] == [(new.id, "ORG")]  # the same row back
