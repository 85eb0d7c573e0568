"""The window opens its workspace off the GUI thread (shown first, filled after), and shows what
another program (a second window, the command line) saved, without touching the coder's typing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


from storage.repository import Repository  # noqa: E402
from storage.models import STATUS_LABELS  # noqa: E402
from ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Another program editing the workspace: its own process, its own connection.
OTHER = """
import sys; sys.path.insert(0, sys.argv[1])
from storage.repository import Repository
r = Repository(sys.argv[2]); aid = int(sys.argv[3])
r.set_status(aid, "coded")
r.add_event(aid, {"event_type": "Protests", "actor1": "Farmers"}, coder="other")
r.close()
"""


@pytest.fixture
def small_repo(repo: Repository, make_articles) -> Repository:  # type: ignore[no-untyped-def]
    return make_articles(repo, 30, two_sources=False)


@pytest.fixture
def window(window):  # type: ignore[no-untyped-def]
    window.changes.timer.setInterval(100)  # the real 1.5 s would only slow the test down
    window.list_panel.clear_filters()
    return window


def _other_program_edits(repo: Repository, article_id: int) -> None:
    subprocess.run([sys.executable, "-c", OTHER, str(ROOT), str(repo.path), str(article_id)],
                   check=True, timeout=120, capture_output=True)


def test_window_shows_before_the_workspace_then_fills(qtbot, small_repo: Repository, settings: Settings) -> None:
    from ui.app import start_opening
    from ui.window.main_window import MainWindow

    w = MainWindow(None, "tester", settings, start_jobs=False)
    qtbot.addWidget(w)
    w.show()
    assert not w.is_attached() and "Opening workspace" in w.windowTitle()
    assert not w.menus[1].isEnabled()  # Edit... wait for the workspace
    start_opening(w, str(small_repo.path))
    qtbot.waitUntil(w.is_attached, timeout=30_000)
    assert w.list_panel.model.rowCount() == 30 and w.menus[1].isEnabled()
    assert small_repo.path.name in w.windowTitle() and w.codebook is not None
    w.close()


def test_a_workspace_that_cannot_open_is_explained(qtbot, tmp_path: Path, settings: Settings, monkeypatch) -> None:
    import ui.app
    from storage.db import WorkspaceError
    from ui.window.main_window import MainWindow

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 10)
    told: list[BaseException] = []
    monkeypatch.setattr(ui.app, "explain_workspace_error", lambda exc, db, parent: told.append(exc))
    codes: list[int] = []
    monkeypatch.setattr(ui.app, "quit_app", codes.append)  # the real exit would stop this test session's timers
    w = MainWindow(None, "tester", settings, start_jobs=False)
    qtbot.addWidget(w)
    runner = ui.app.start_opening(w, str(bad))
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert isinstance(told[0], WorkspaceError) and "bad.sqlite" in str(told[0])
    qtbot.waitUntil(lambda: codes == [2], timeout=5_000)
    assert not w.is_attached() and not runner.is_running()


def test_another_programs_edits_show_after_the_poll(status_text, qtbot, window, small_repo: Repository) -> None:
    ids = list(window.list_panel.model.ids())
    target = ids[20]
    assert window.list_panel.select_article(target)
    bar = window.list_panel.view.verticalScrollBar()
    scrolled = bar.value()
    assert window.event_panel.list.count() == 0

    _other_program_edits(small_repo, target)
    qtbot.waitUntil(lambda: status_text(window, target) == STATUS_LABELS["coded"], timeout=10_000)
    qtbot.waitUntil(lambda: window.event_panel.list.count() == 1, timeout=10_000)
    assert window.current_article_id() == target == window.list_panel.current_article_id()
    assert bar.value() == scrolled
    assert "coded" in window.reader.meta.text()
    assert window.changes.last_poll_ms < 50  # PRAGMA data_version: measured well under a millisecond


def test_typing_is_never_overwritten_by_the_reload(qtbot, window, small_repo: Repository) -> None:
    target = window.list_panel.model.ids()[0]
    window.list_panel.select_article(target)
    window.changes.timer.stop()  # polled by hand below, to catch the moment the coder types
    panel = window.event_panel
    panel.add_event()
    form = panel.current_form()
    form.focus_field("notes")
    editor = form.widgets["notes"]
    typed = "Typed here while another window saved"
    qtbot.keyClicks(editor.box, typed)
    assert panel.has_pending_edit()

    _other_program_edits(small_repo, target)
    assert window.changes.poll() is False, "no reload while the coder's text is unsaved"
    assert panel.list.count() == 1
    # The typing is saved after a short pause; the deferred reload follows on its own.
    qtbot.waitUntil(lambda: panel.list.count() == 2 and window.writer.pending() == 0, timeout=10_000)
    assert not panel.has_pending_edit()
    assert editor.box.toPlainText() == typed
    bundle = small_repo.get_bundle(target)
    assert bundle is not None and bundle.article.status == "coded"
    assert any(typed == (e.event.notes or "") for e in bundle.events)


def test_the_actor_lemmatizer_loads_off_the_gui_thread(qtbot, window, monkeypatch) -> None:
    """The first actor filled used to load spaCy on the GUI thread (about a second frozen): the
    window loads it in the background a moment after showing, so the fill finds it ready."""
    import threading

    import coding.actor_inter as actor_inter

    loaded_on: list[str] = []
    monkeypatch.setattr(actor_inter, "_nlp", lambda: loaded_on.append(threading.current_thread().name))
    assert window.sync.lemma_warm_up.isSingleShot() and window.sync.lemma_warm_up.interval() > 0
    window.sync.lemma_warm_up.setInterval(0)
    window.sync.lemma_warm_up.start()
    qtbot.waitUntil(lambda: bool(loaded_on), timeout=5000)
    assert loaded_on[0] != threading.main_thread().name
