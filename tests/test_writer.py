"""The window's one database writer: edits return at once while another program holds the
workspace, are written in the order made (undo and redo too), a failed one is told and leaves
the undo stack with the edits queued after it, and closing waits for the queue."""
from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from storage.concurrency import Conflict
from storage.event_edits import AddEvent, SetFields
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository
from ui.events.commands import EventEditCommand
from ui.undo import SetSpanStateCommand, SetStatusCommand, WorkspaceSignals
from ui.writer import DatabaseWriter

TEXT = "Shelling hit Kharkiv and Izium on Monday, officials said."


def _workspace(repo: Repository, n: int = 3) -> list[int]:
    ids = repo.add_articles([ArticleIn(text=TEXT + f" Report {i}.", title=f"Report {i}") for i in range(n)]).added_ids
    spans = []
    for aid in ids:
        for word, label in (("Kharkiv", "GPE"), ("Izium", "GPE"), ("Monday", "DATE")):
            start = TEXT.index(word)
            spans.append(EntitySpan(article_id=aid, start=start, end=start + len(word), label=label))
    repo.add_spans(spans)
    return ids


class Lock:
    """Another program holding the workspace's write lock (a long import batch) until released."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._release = threading.Event()
        self._held = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self._thread.start()
        assert self._held.wait(10)

    def _hold(self) -> None:
        if self.repo.is_server:
            import psycopg

            url = self.repo.engine.url.set(drivername="postgresql")
            with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
                # Every row the window may write, locked as a writer would: its UPDATEs wait.
                for table in ("article", "entityspan", "event"):
                    conn.execute(f"SELECT id FROM {table} FOR UPDATE")
                self._held.set()
                self._release.wait(60)
                conn.rollback()
            return
        conn = sqlite3.connect(str(self.repo.path), timeout=30)
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")
        self._held.set()
        self._release.wait(60)
        conn.execute("ROLLBACK")
        conn.close()

    def release(self) -> None:
        self._release.set()
        self._thread.join(10)


@pytest.fixture
def workspace(db_url: str) -> Repository:  # type: ignore[no-untyped-def]
    return Repository(db_url)


@pytest.fixture
def coder_window(qtbot, workspace: Repository, settings):  # type: ignore[no-untyped-def]
    from ui.window.main_window import MainWindow

    ids = _workspace(workspace)
    w = MainWindow(workspace, "tester", settings, start_jobs=False)
    w.jobs.show_dialogs = False
    qtbot.addWidget(w)
    w.show()
    w.list_panel.select_article(ids[0])
    w.open_article(ids[0])
    w.writer.wait_idle(30)  # opening writes too (the codebook's definition): the tests count their own
    yield w
    w.writer.wait_idle(30)
    w.close()  # its change watch's connection (LISTEN on a server) closes with it
    w.writer.stop(10)  # its thread ends before the workspace's engine is disposed


def _shown(window: Any) -> dict[int, str]:
    return {s.id: s.state for s in window.reader._spans}


def _stored(repo: Repository, article_id: int) -> dict[int, str]:
    return {s.id: s.state for s in repo.spans(article_id)}


def test_edits_return_at_once_while_another_program_writes(qtbot, coder_window, workspace: Repository) -> None:
    """The issue's freeze: R and A waited for the lock on the GUI thread. Now the key returns at
    once, the highlight shows its new state, and the write lands when the lock is released."""
    w = coder_window
    aid = w.current_article_id()
    first, second = sorted(_stored(workspace, aid))[:2]
    lock = Lock(workspace)
    try:
        w.reader._set_current(next(s for s in w.reader._spans if s.id == first))
        start = time.perf_counter()
        w.reader.accept_current()
        w.reader.reject_current()  # moved on to the second highlight
        took = time.perf_counter() - start
        assert took < 0.5, f"the keys waited {took:.2f} s for the workspace"
        assert _shown(w)[first] == "accepted" and _shown(w)[second] == "rejected"  # at once, on screen
        assert _stored(workspace, aid)[first] == "suggested"  # not written yet: the lock is held
        assert w.writer.pending() == 2
        qtbot.waitUntil(lambda: w.status.unsaved.isVisible(), timeout=3000)
        assert "2 unsaved" in w.status.unsaved.text()
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert _stored(workspace, aid)[first] == "accepted" and _stored(workspace, aid)[second] == "rejected"
    assert _shown(w) == _stored(workspace, aid)
    qtbot.waitUntil(lambda: not w.status.unsaved.isVisible(), timeout=3000)


def test_undo_and_redo_go_through_the_queue_in_screen_order(qtbot, coder_window, workspace: Repository) -> None:
    w = coder_window
    aid = w.current_article_id()
    first = sorted(_stored(workspace, aid))[0]
    lock = Lock(workspace)
    try:
        w.reader._set_current(next(s for s in w.reader._spans if s.id == first))
        w.reader.accept_current()
        w.undo_stack.undo()
        assert _shown(w)[first] == "suggested"  # the undo shows at once too
        w.undo_stack.redo()
        w.undo_stack.undo()
        w.undo_stack.redo()
        assert _shown(w)[first] == "accepted"
        assert w.writer.pending() == 5
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert _stored(workspace, aid)[first] == "accepted"
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert _stored(workspace, aid)[first] == "suggested" and _shown(w)[first] == "suggested"


def test_typing_fields_one_after_another_names_its_own_queued_versions(qtbot, coder_window,
                                                                       workspace: Repository) -> None:
    """Each field edit names the event version the coder saw; the coder's own edits still in the
    queue are not another coder's change (no false conflict), a real one still is."""
    w = coder_window
    failures: list[str] = []
    w.signals.writeFailed.connect(failures.append)
    event_id = w.event_panel.add_event()
    assert event_id is not None
    panel = w.event_panel
    lock = Lock(workspace)
    try:
        for name, value in (("notes", "first"), ("fatalities", 3), ("location", "Izium")):
            panel._push(panel.editor.edited(name, value, merge=False))
        assert w.writer.pending() >= 3
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert failures == []
    event_id = w.signals.ids.canonical(event_id)  # the id the queued insert gave it
    event = workspace.get_event(event_id)
    assert (event.notes, event.fatalities, event.location) == ("first", 3, "Izium")
    # Another coder's edit since the read is still refused.
    Repository(workspace.target).update_event(event_id, {"notes": "theirs"})  # another window's repository
    with pytest.raises(Conflict):
        workspace.update_event(event_id, {"notes": "mine"}, expected_version=event.version)


def test_a_failed_write_drops_its_command_and_the_ones_queued_after_it(qtbot, coder_window, workspace: Repository,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    w = coder_window
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    aid = w.current_article_id()
    first, second = sorted(_stored(workspace, aid))[:2]
    w.reader._set_current(next(s for s in w.reader._spans if s.id == first))
    w.reader.accept_current()  # saved
    qtbot.waitUntil(lambda: w.writer.pending() == 0, timeout=30000)
    assert w.undo_stack.count() == 1
    real = workspace.update_span
    calls = []

    def refuse_first(span_id: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(span_id)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database or disk is full")
        return real(span_id, *args, **kwargs)

    lock = Lock(workspace)
    try:
        monkeypatch.setattr(workspace, "update_span", refuse_first)
        w.reader._set_current(next(s for s in w.reader._spans if s.id == second))
        w.reader.reject_current()  # will fail
        w.reader._set_current(next(s for s in w.reader._spans if s.id == first))
        w.reader.reject_current()  # queued after it: dropped with it
        assert w.undo_stack.count() == 3
    finally:
        lock.release()
    with qtbot.waitSignal(w.signals.writeFailed, timeout=30000) as failed:
        pass
    assert "disk is full" in failed.args[0] and "1 edit made after it" in failed.args[0]
    qtbot.waitUntil(lambda: w.writer.pending() == 0 and w.undo_stack.count() == 1, timeout=10000)
    assert calls == [second]  # the later one never ran
    assert _stored(workspace, aid)[first] == "accepted" and _stored(workspace, aid)[second] == "suggested"
    qtbot.waitUntil(lambda: _shown(w) == _stored(workspace, aid), timeout=5000)
    # The writer takes edits again.
    w.reader._set_current(next(s for s in w.reader._spans if s.id == second))
    w.reader.accept_current()
    qtbot.waitUntil(lambda: _stored(workspace, aid)[second] == "accepted", timeout=30000)


def test_closing_waits_for_the_queue(qtbot, coder_window, workspace: Repository) -> None:
    w = coder_window
    aid = w.current_article_id()
    first = sorted(_stored(workspace, aid))[0]
    lock = Lock(workspace)
    w.reader._set_current(next(s for s in w.reader._spans if s.id == first))
    w.reader.accept_current()
    threading.Timer(0.8, lock.release).start()
    assert w.close()
    assert w.writer.pending() == 0
    assert _stored(workspace, aid)[first] == "accepted"


def test_closing_while_the_workspace_does_not_answer_asks_and_is_bounded(qtbot, coder_window, workspace: Repository,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.window.quitting as quitting

    w = coder_window
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(quitting, "QUIT_WAIT_S", 0.5)
    monkeypatch.setattr(quitting.QMessageBox, "warning", answer)
    aid = w.current_article_id()
    lock = Lock(workspace)
    try:
        w.reader._set_current(w.reader._spans[0])
        w.reader.accept_current()
        monkeypatch.setattr(w, "wait_for_writes",
                            lambda: quitting.wait_for_writes(w, w.writer, w.status, workspace.location, 0.5))
        start = time.monotonic()
        assert not w.close()  # Cancel: the window stays, still waiting
        assert w.isVisible() and "1 edit could not be written" in asked[0]
        assert w.close()  # Discard: closed without it
        assert time.monotonic() - start < 5
    finally:
        lock.release()
    w.writer.wait_idle(30)
    assert aid is not None


def test_the_writer_runs_in_order_and_skips_what_follows_a_failure_until_told(qtbot) -> None:
    writer = DatabaseWriter()
    ran: list[int] = []
    results: list[tuple[int, bool, bool]] = []
    gate = threading.Event()

    def step(k: int) -> Any:
        def run() -> None:
            if k == 0:
                gate.wait(10)
            if k == 2:
                raise RuntimeError("refused")
            ran.append(k)
        return run

    for k in range(5):
        writer.submit(step(k), k, lambda job, k=k: results.append((k, job.error is not None, job.skipped)))
    assert writer.pending() == 5
    gate.set()
    assert writer.wait_idle(10)
    assert ran == [0, 1]
    assert results == [(0, False, False), (1, False, False), (2, True, False), (3, False, True), (4, False, True)]
    writer.submit(step(5))  # submitted after the failure was heard of: runs
    assert writer.wait_idle(10) and ran == [0, 1, 5]
    assert writer.stop(5)


def test_without_a_writer_commands_still_write_at_once(qtbot, repo: Repository) -> None:
    """Tools and tests that host commands on a bare stack keep the synchronous path."""
    (aid,) = _workspace(repo, 1)
    signals, stack = WorkspaceSignals(), QUndoStack()
    span = repo.spans(aid)[0]
    stack.push(SetSpanStateCommand(repo, signals, span, "accepted"))
    assert repo.spans(aid)[0].state == "accepted"
    add = EventEditCommand(repo, signals, AddEvent(aid, {"notes": "n"}, "ana", "acled", "1", evidence={"notes": (0, 8)}))
    stack.push(add)
    stack.push(EventEditCommand(repo, signals, SetFields(aid, add.event_id, "location", {"location": "Izium"}, "Set",
                                                         evidence=(24, 29), set_evidence=True)))
    events = repo.article_events(aid)
    assert events[0].event.location == "Izium" and set(events[0].evidence) == {"notes", "location"}


def test_a_status_change_names_the_version_seen(repo: Repository) -> None:
    (aid,) = _workspace(repo, 1)
    version = repo.get_article(aid).version
    signals, stack = WorkspaceSignals(), QUndoStack()
    other = Repository(repo.target)  # another coder's window (its own record of its edits)
    repo.set_status(aid, "flagged")  # this coder's own earlier edit: not a conflict
    stack.push(SetStatusCommand(repo, signals, aid, "coded", expected_version=version))
    assert repo.get_article(aid).status == "coded"
    version = repo.get_article(aid).version
    other.set_status(aid, "skipped")  # same process, but a write this repository did not make
    failures: list[str] = []
    signals.writeFailed.connect(failures.append)
    stack.push(SetStatusCommand(repo, signals, aid, "in_progress", expected_version=version))
    assert failures and "changed by" in failures[0]
    assert repo.get_article(aid).status == "skipped"


def test_a_long_session_keeps_bounded_undo_steps(qtbot, window, small_repo: Repository) -> None:
    """Memory per article visited: the undo stack keeps UNDO_LIMIT steps, and a span step keeps
    the text around its span for learning, not the whole article."""
    from ui.undo import UNDO_LIMIT

    assert window.undo_stack.undoLimit() == UNDO_LIMIT
    aid = small_repo.article_ids()[0]
    text = small_repo.get_article(aid).text * 200
    span = EntitySpan(id=None, article_id=aid, start=len(text) // 2, end=len(text) // 2 + 5, label="GPE")
    command = SetSpanStateCommand(small_repo, WorkspaceSignals(), span, "accepted", "ana", text)
    assert len(command.article_text) <= 5 + 2 * 80 and command.article_text[80:85] == text[span.start:span.end]
