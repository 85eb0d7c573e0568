"""Switching codebook in the window: for the workspace or a batch of articles the form follows,
new events take the new codebook, coded events keep the one (and version) they were coded with."""
from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("PySide6")

from coding.codebook import CODEBOOK_DIR, default_codebook, load_codebook  # noqa: E402
from storage.repository import Repository  # noqa: E402
from ui.events.codebook_dialog import CodebookChoice, CodebookDialog  # noqa: E402


def _book(name: str) -> Any:
    return load_codebook(CODEBOOK_DIR / f"{name}.json")


def _open(window: Any, article_id: int) -> None:
    window.list_panel.select_article(article_id)
    window.sync.open_article(article_id)


def _fields_of_new_event(window: Any) -> list[str]:
    assert window.event_panel.add_event() is not None
    return list(window.event_panel.current_form().widgets)


def test_dialog_offers_every_codebook_and_the_scopes(qtbot: Any) -> None:
    books = [default_codebook(), _book("ucdp_ged"), _book("plover")]
    dialog = CodebookDialog(books, books[1], listed=3, article_title="Shelling", problems=["bad.json: no 'name'"])
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 3 and dialog.list.currentRow() == 1
    assert dialog.choice() == CodebookChoice(books[1], "workspace")
    dialog.list.setCurrentRow(2)
    dialog.set_scope("listed")
    assert dialog.choice() == CodebookChoice(books[2], "listed")
    none = CodebookDialog(books, None, listed=0, article_title=None)
    qtbot.addWidget(none)
    assert not none.scope_buttons.button(1).isEnabled() and not none.scope_buttons.button(2).isEnabled()


def test_switching_for_the_workspace_then_for_one_article(qtbot: Any, repo: Repository, settings: Any,
                                                          make_articles: Any) -> None:
    from ui.window.main_window import MainWindow

    make_articles(repo, 3)
    first, second, third = repo.article_ids()[:3]
    window = MainWindow(repo, "tester", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    _open(window, first)
    acled_fields = _fields_of_new_event(window)
    assert acled_fields == default_codebook().field_names
    acled_event = window.event_panel.current.event.id

    window.switch_codebook(CodebookChoice(_book("ucdp_ged"), "workspace"))
    assert settings.codebook_name == "ucdp_ged"
    assert _fields_of_new_event(window) == _book("ucdp_ged").field_names  # the form follows at once
    window.event_panel.select_event(acled_event)  # the event coded before keeps its codebook
    assert list(window.event_panel.current_form().widgets) == acled_fields
    window.writer.wait_idle(30)  # new events are written off the GUI thread
    kinds = sorted((e.event.codebook_name, e.event.codebook_version) for e in repo.article_events(first))
    assert kinds == [("acled", "1"), ("ucdp_ged", "1")]

    _open(window, second)
    window.switch_codebook(CodebookChoice(_book("plover"), "article"))
    assert _fields_of_new_event(window) == _book("plover").field_names  # at once, before it is stored
    window.writer.wait_idle(30)  # the batch's mark is written off the GUI thread
    assert repo.get_article(second).meta["codebook"] == "plover"
    assert _fields_of_new_event(window) == _book("plover").field_names
    _open(window, third)  # the rest of the workspace: UCDP still
    assert _fields_of_new_event(window) == _book("ucdp_ged").field_names
    _open(window, second)
    window.writer.wait_idle(30)
    assert repo.article_events(second)[0].event.codebook_name == "plover"

    # Switching the batch back to the workspace's codebook clears its mark.
    window.switch_codebook(CodebookChoice(_book("ucdp_ged"), "article"))
    window.writer.wait_idle(30)
    assert "codebook" not in repo.get_article(second).meta


def _window(qtbot: Any, repo: Repository, settings: Any) -> Any:
    from ui.window.main_window import MainWindow

    window = MainWindow(repo, "tester", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_batch_switch_never_waits_for_the_workspace(qtbot: Any, repo: Repository, settings: Any,
                                                      make_articles: Any) -> None:
    """Another program holds the write lock: the form follows at once, the batch's mark is
    written once the lock goes, and the article read again then keeps the new codebook."""
    import time

    from tests.test_writer import Lock

    make_articles(repo, 2)
    first = repo.article_ids()[0]
    window = _window(qtbot, repo, settings)
    _open(window, first)
    lock = Lock(repo)
    try:
        start = time.perf_counter()
        window.switch_codebook(CodebookChoice(_book("plover"), "article"))
        took = time.perf_counter() - start
        assert took < 2, f"the switch waited {took:.2f} s for the workspace"
        assert window.sync.codebook_for(window.sync.bundle).name == "plover"  # the form follows at once
        assert "codebook" not in repo.get_article(first).meta  # not written yet
    finally:
        lock.release()
    assert window.writer.wait_idle(30)
    assert repo.get_article(first).meta["codebook"] == "plover"
    assert window.sync.codebook_for(window.sync.bundle).name == "plover"
    assert _fields_of_new_event(window) == _book("plover").field_names


def test_a_refused_batch_switch_says_so_and_the_form_goes_back(qtbot: Any, repo: Repository, settings: Any,
                                                               make_articles: Any, monkeypatch: Any) -> None:
    make_articles(repo, 2)
    first = repo.article_ids()[0]
    window = _window(qtbot, repo, settings)
    _open(window, first)

    def refuse(ids: Any, name: Any) -> int:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(repo, "set_articles_codebook", refuse)
    window.switch_codebook(CodebookChoice(_book("plover"), "article"))
    assert window.sync.codebook_for(window.sync.bundle).name == "plover"  # shown at once
    assert window.writer.wait_idle(30)
    qtbot.waitUntil(lambda: window.sync.codebook_for(window.sync.bundle).name == default_codebook().name)
    assert "could not be switched" in window.status.currentMessage()
    assert _fields_of_new_event(window) == default_codebook().field_names
