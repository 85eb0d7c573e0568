"""The lazy article list model on 100,000 articles: Qt's model checks, filters, row refresh."""
from __future__ import annotations


import pytest

from PySide6.QtCore import Qt  # noqa: E402

from bench.bench_gui import N_ARTICLES, build_big_workspace  # noqa: E402
from storage.models import ArticleStatus  # noqa: E402
from storage.repository import ArticleFilter, Repository  # noqa: E402
from ui.articles.model import (  # noqa: E402
    COLUMNS, EVENTS, ID_CHUNK, STATUS, TITLE, ArticleIdRole, ArticleTableModel,
)


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
    model.load_all()
    assert model.rowCount() == N_ARTICLES
    assert model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model)


def test_ids_are_read_as_the_list_scrolls(qtbot, model: ArticleTableModel, big_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    ids = big_repo.article_ids()
    assert model.rowCount() == ID_CHUNK and model.canFetchMore() and not model.is_complete()
    assert list(model.loaded_ids()) == ids[:ID_CHUNK]
    with qtbot.waitSignal(model.rowsInserted, timeout=1000) as inserted:
        model.fetchMore()
    assert (inserted.args[1], inserted.args[2]) == (ID_CHUNK, 2 * ID_CHUNK - 1)
    assert list(model.loaded_ids()) == ids[:2 * ID_CHUNK]
    # An article far down is read down to when asked for (selecting it), in list order.
    deep = ids[70_001]
    assert model.row_of(deep) == 70_001
    assert list(model.loaded_ids()) == ids[:70_002]
    assert model.row_of(-5) is None
    assert list(model.ids()) == ids and model.is_complete() and not model.canFetchMore()


def test_rows_are_read_in_pages_not_all_at_once(model: ArticleTableModel, big_repo: Repository) -> None:
    model.load_all()
    last = model.rowCount() - 1
    assert model.data(model.index(last, TITLE))  # the last row, read on demand
    assert len(model._cache) <= 2 * 200
    ids = big_repo.article_ids()
    assert model.data(model.index(0, 0), ArticleIdRole) == ids[0]
    assert model.data(model.index(last, 0), ArticleIdRole) == ids[-1]


def test_filters_by_status_source_and_text(model: ArticleTableModel, big_repo: Repository) -> None:
    model.set_filter(ArticleFilter(statuses=(ArticleStatus.FLAGGED.value,)))
    assert len(model.ids()) == model.rowCount() == N_ARTICLES // 5
    assert {model.data(model.index(r, STATUS)) for r in range(0, model.rowCount(), 997)} == {"Flagged"}
    model.set_filter(ArticleFilter(source="AFP"))
    assert len(model.ids()) == big_repo.count_articles(ArticleFilter(source="AFP"))
    assert list(model.ids()) == big_repo.article_ids(ArticleFilter(source="AFP"))
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
