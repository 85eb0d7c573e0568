"""The lazy article list model on 100,000 articles: Qt's model checks, filters, row refresh."""
from __future__ import annotations


import pytest

from PySide6.QtCore import Qt  # noqa: E402

from bench.bench_gui import N_ARTICLES, build_big_workspace  # noqa: E402
from storage.models import ArticleStatus  # noqa: E402
from storage.repository import ArticleFilter, Repository  # noqa: E402
from ui.articles.model import COLUMNS, EVENTS, STATUS, TITLE, ArticleIdRole, ArticleTableModel  # noqa: E402


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    """100,000 articles written with one raw executemany (a few seconds)."""
    path = build_big_workspace(tmp_path_factory.mktemp("big") / "big.sqlite")
    repo = Repository(path)
    yield repo
    repo.close()


@pytest.fixture
def model(qtbot, big_repo: Repository) -> ArticleTableModel:  # type: ignore[no-untyped-def]
    m = ArticleTableModel(big_repo)
    m.set_filter(ArticleFilter())
    return m


@pytest.mark.slow  # Qt's tester visits all 500,000 cells (~20 s)
def test_model_passes_qt_model_checks_on_100k_rows(qtmodeltester, model: ArticleTableModel) -> None:
    assert model.rowCount() == N_ARTICLES
    assert model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model)


def test_rows_are_read_in_pages_not_all_at_once(model: ArticleTableModel, big_repo: Repository) -> None:
    last = model.rowCount() - 1
    assert model.data(model.index(last, TITLE))  # the last row, read on demand
    assert len(model._cache) <= 2 * 200
    ids = big_repo.article_ids()
    assert model.data(model.index(0, 0), ArticleIdRole) == ids[0]
    assert model.data(model.index(last, 0), ArticleIdRole) == ids[-1]


def test_filters_by_status_source_and_text(model: ArticleTableModel, big_repo: Repository) -> None:
    model.set_filter(ArticleFilter(statuses=(ArticleStatus.FLAGGED.value,)))
    assert model.rowCount() == N_ARTICLES // 5
    assert {model.data(model.index(r, STATUS)) for r in range(0, model.rowCount(), 997)} == {"Flagged"}
    model.set_filter(ArticleFilter(source="AFP"))
    assert model.rowCount() == big_repo.count_articles(ArticleFilter(source="AFP"))
    model.set_filter(ArticleFilter(search="AMBUSH number 1235 "))  # case-insensitive
    assert model.rowCount() == 1
    assert "ambush number 1235 " in model.data(model.index(0, TITLE))
    model.set_filter(ArticleFilter(search="no such headline"))
    assert model.rowCount() == 0


def test_refresh_repaints_one_row_with_the_new_status(qtbot, model: ArticleTableModel,  # type: ignore[no-untyped-def]
                                                       big_repo: Repository) -> None:
    row = 5
    aid = model.article_id(row)
    assert model.data(model.index(row, TITLE))  # cached now
    previous = big_repo.set_status(aid, ArticleStatus.CODED.value)
    try:
        with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
            model.refresh_article(aid)
        top, bottom = changed.args[0], changed.args[1]
        assert (top.row(), bottom.row()) == (row, row)
        assert model.data(model.index(row, STATUS)) == "Coded"
        assert model.data(model.index(row, STATUS), Qt.ItemDataRole.ForegroundRole) is not None
        assert model.data(model.index(row, EVENTS)) == ""  # no events: blank, not "0"
    finally:
        big_repo.set_status(aid, previous)
