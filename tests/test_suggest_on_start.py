"""The suggester's process (spaCy, a second or more of a core) starts after the window shows
only when some article has no spans; a workspace whose articles all have them starts none."""
from __future__ import annotations

from typing import Any

from storage.models import EntitySpan
from storage.repository import Repository


def _span(article_id: int) -> EntitySpan:
    return EntitySpan(article_id=article_id, start=0, end=4, label="ORG", origin="model", state="suggested")


def _ask(qtbot: Any, window: Any, monkeypatch: Any) -> list[Any]:
    """suggest_if_needed, waited for; the start_suggest calls it made."""
    started: list[Any] = []
    monkeypatch.setattr(window.jobs, "start_suggest", lambda ids=None: started.append(ids))
    job = window.jobs.suggest_if_needed()
    qtbot.waitUntil(lambda: job not in window.jobs.jobs, timeout=10_000)  # done: finished was handled
    return started


def test_a_workspace_whose_articles_all_have_spans_starts_no_suggester(qtbot, window, small_repo: Repository,
                                                                         monkeypatch) -> None:
    ids = small_repo.article_ids()
    assert small_repo.has_articles_without_spans()
    small_repo.add_spans([_span(i) for i in ids])
    assert not small_repo.has_articles_without_spans() and small_repo.articles_without_spans() == []
    assert _ask(qtbot, window, monkeypatch) == []


def test_one_article_without_spans_starts_the_suggester_for_all_that_lack_them(qtbot, window,
                                                                              small_repo: Repository,
                                                                              monkeypatch) -> None:
    ids = small_repo.article_ids()
    small_repo.add_spans([_span(i) for i in ids[1:]])
    assert small_repo.has_articles_without_spans() and small_repo.articles_without_spans() == [ids[0]]
    assert _ask(qtbot, window, monkeypatch) == [None]  # None: every article without spans (the worker finds them)


def test_an_empty_workspace_has_nothing_to_suggest(repo: Repository) -> None:
    assert not repo.has_articles_without_spans()
