"""The list's search box over an index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL): the same
matches as reading every title, found without reading them; and each article's stored length."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage import search_index
from storage.article_pages import id_page
from storage.article_window import article_length
from storage.db import dispose_engine
from storage.importers import import_paths
from storage.merge import merge_snapshot, read_snapshot
from storage.repository import ArticleFilter, ArticleIn, Repository

V1 = Path(__file__).parent / "data" / "workspace_v1.sqlite"
TITLES = ["Ambush near Kharkiv", "Strike in LAGOS port", "50% of voters", "under_score_title",
          'A "quoted" headline', "São Paulo protest", "Back\\slash report", "Talks resume"]


def _filled(repo: Repository) -> Repository:
    repo.add_articles(ArticleIn(title=t, text=f"Body {i}: {t}.", source="Wire" if i % 2 else "AFP")
                      for i, t in enumerate(TITLES))
    return repo


def _found(repo: Repository, search: str, **kw: Any) -> list[str]:
    ids = repo.article_ids(ArticleFilter(search=search, **kw))
    paged = [key.id for key in id_page(repo, ArticleFilter(search=search, **kw), None, 100)]
    assert sorted(paged) == sorted(ids)  # the paged list and the whole list agree
    return sorted(r.title for r in repo.article_rows(ids))


def _scanned(repo: Repository, search: str) -> list[str]:
    """What reading every title finds (the index switched off)."""
    repo._search_index = False
    try:
        return _found(repo, search)
    finally:
        del repo._search_index


SEARCHES = ["ambush", "KHARKIV", "lagos", "50%", "%", "_score", "der_sc", '"quoted"', "são", "o P", "h\\s", "AFP",
            "wir", "no such headline", "ab", "s"]


@pytest.mark.parametrize("search", SEARCHES)
def test_a_search_finds_what_reading_every_title_finds(db_url: str, search: str) -> None:
    repo = _filled(Repository(db_url))
    assert _found(repo, search) == _scanned(repo, search)


def test_wildcards_and_quotes_are_the_coders_characters(db_url: str) -> None:
    repo = _filled(Repository(db_url))
    assert _found(repo, "50%") == ["50% of voters"]
    assert _found(repo, "r_sc") == ["under_score_title"]
    assert _found(repo, '"quoted" h') == ['A "quoted" headline']
    assert _found(repo, "ck\\sl") == ["Back\\slash report"]
    assert _found(repo, "ambush near") == ["Ambush near Kharkiv"]  # any case
    assert _found(repo, "AFP") == sorted(t for i, t in enumerate(TITLES) if i % 2 == 0)  # the source too


def test_a_rare_search_is_answered_by_the_index(repo: Repository) -> None:
    _filled(repo)
    rare = repo._search_ids(ArticleFilter(search="kharkiv"))
    assert rare is not None
    with repo.engine.connect() as conn:
        cursor = conn.connection.driver_connection
        found = [r[0] for r in cursor.execute(search_index.CANDIDATES.replace(":phrase", "?").replace(":last", "?"),
                                              (rare.phrase, rare.last))]
    assert [r.title for r in repo.article_rows(found)] == ["Ambush near Kharkiv"]
    assert repo._search_ids(ArticleFilter(search="kh")) is None  # too short for trigrams: read


def test_a_common_search_walks_the_list_instead(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(repo)
    monkeypatch.setattr(search_index, "RARE_LIMIT", 2)
    monkeypatch.setattr(search_index.rare_search, "__defaults__", (2,))
    assert repo._search_ids(ArticleFilter(search="AFP")) is None
    assert len(_found(repo, "AFP")) == 4
    assert repo._search_ids(ArticleFilter(search="Kharkiv")) is not None


def test_articles_stored_by_another_program_are_found_then_indexed(repo: Repository, tmp_path: Path) -> None:
    _filled(repo)
    assert repo.path is not None
    conn = sqlite3.connect(repo.path)
    conn.execute("INSERT INTO article (title, text, source, url, language, sha256, status, imported_at, meta) "
                 "VALUES ('Flood in Sindh', 'x', 'Dawn', '', 'en', 'k1', 'new', '2024-01-01 00:00:00', '{}')")
    conn.commit()
    conn.close()
    assert _found(repo, "flood") == ["Flood in Sindh"]  # above the last indexed id: read by id
    (tmp_path / "more.txt").write_text("Drought in Sahel\nThe rains failed.", encoding="utf-8")
    import_paths(repo, [tmp_path / "more.txt"])
    with repo.engine.connect() as c:
        indexed = [r[0] for r in c.exec_driver_sql(f"SELECT title FROM {search_index.TABLE} ORDER BY rowid")]
    assert indexed == TITLES + ["Flood in Sindh", "Drought in Sahel"]  # the next import caught up
    assert _found(repo, "flood") == ["Flood in Sindh"] and _found(repo, "sahel") == ["Drought in Sahel"]


def test_merged_articles_are_indexed(repo: Repository, tmp_path: Path) -> None:
    other = Repository(tmp_path / "other.sqlite")
    other.add_article(ArticleIn(title="Merged headline", text="from another coder"))
    merge_snapshot(repo, read_snapshot(other.engine), "other")
    other.close()
    with repo.engine.connect() as c:
        assert [r[0] for r in c.exec_driver_sql(f"SELECT title FROM {search_index.TABLE}")] == ["Merged headline"]
    assert _found(repo, "merged") == ["Merged headline"]


def test_a_migrated_workspace_gets_its_index_and_lengths(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(V1, path)
    repo = Repository(path)
    try:
        rows = repo.article_rows(repo.article_ids())
        assert rows
        title = rows[0].title
        assert _found(repo, title[1:8]) == _scanned(repo, title[1:8]) and title in _found(repo, title[1:8])
        with repo.engine.connect() as c:
            stored = c.exec_driver_sql("SELECT id, text_length, length(text) FROM article").all()
            n_indexed = c.exec_driver_sql(f"SELECT count(*) FROM {search_index.TABLE}").scalar()
        assert all(n == real for _, n, real in stored) and n_indexed == len(stored)
    finally:
        repo.close()
        dispose_engine(path)


def test_every_path_stores_the_text_length(db_url: str, tmp_path: Path) -> None:
    repo = Repository(db_url)
    text = "Crème brûlée 🎉 in Kyiv\r\nsecond line"
    one = repo.add_article(ArticleIn(title="one", text=text))
    (tmp_path / "a.jsonl").write_text('{"title": "two", "text": "naïve ✓ text"}\n', encoding="utf-8")
    import_paths(repo, [tmp_path / "a.jsonl"])
    with repo.engine.connect() as c:
        stored = dict(c.exec_driver_sql("SELECT title, text_length FROM article").all())
    assert stored == {"one": len(text), "two": len("naïve ✓ text")}
    assert one is not None and article_length(repo, one) == len(text)


def test_a_large_articles_length_is_read_without_its_text(repo: Repository) -> None:
    text = "é" * 100_000_000  # 100 MB of characters, 200 MB of UTF-8
    aid = repo.add_article(ArticleIn(title="big", text=text))
    assert aid is not None
    del text
    assert article_length(repo, aid) == 100_000_000
    with repo.engine.begin() as c:
        # The stored value is what is read (the text would say 100,000,000), from the small index.
        c.exec_driver_sql("UPDATE article SET text_length = 7 WHERE id = ?", (aid,))
        plan = " ".join(r[3] for r in c.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(search_index_length_query())).all())
    assert article_length(repo, aid) == 7
    assert "ix_article_text_length" in plan


def search_index_length_query() -> str:
    from storage import article_window

    return str(article_window._SQLITE_LENGTH).replace(":id", "1")


def test_a_row_without_a_stored_length_counts_its_text(repo: Repository) -> None:
    aid = repo.add_article(ArticleIn(title="t", text="twelve chars"))
    assert aid is not None
    with repo.engine.begin() as c:
        c.exec_driver_sql("UPDATE article SET text_length = NULL")
    assert article_length(repo, aid) == 12


def test_the_server_has_trigram_indexes(pg_server: Any) -> None:
    from tests.conftest import new_pg_database

    url = new_pg_database(pg_server)
    repo = Repository(url)
    try:
        with repo.engine.connect() as c:
            names = {r[0] for r in c.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'article'")}
        assert {"ix_article_title_trgm", "ix_article_source_trgm", "ix_article_text_length"} <= names
    finally:
        dispose_engine(url)
