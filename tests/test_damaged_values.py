"""One damaged value in a workspace (edited by another tool) costs that value, never an export or a page."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.db import dispose_engine
from storage.exporters import ExportOptions, export_dataset
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

SABOTAGE = [
    "UPDATE event SET latitude = 9e999 WHERE id = 1",
    """UPDATE event SET extra = '{"x": NaN, "y": "kept"}' WHERE id = 2""",
    "UPDATE event SET event_date = 'garbage', created_at = 'not a time' WHERE id = 3",
    "UPDATE article SET published = 'someday', imported_at = 'never' WHERE id = 3",
    "UPDATE article SET meta = 'not json' WHERE id = 4",
    "UPDATE event SET extra = 'not json' WHERE id = 4",
    "UPDATE event SET extra = '[1, 2]' WHERE id = 5",
    "UPDATE article SET title = X'C3A9FF', source = 42 WHERE id = 5",
    "UPDATE event SET fatalities = 'many' WHERE id = 6",
]


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    ws = tmp_path / "damaged.sqlite"
    repo = Repository(ws)
    for i in range(6):
        a = repo.add_article(ArticleIn(text=f"Shots in Kyiv, day {i}.", title=f"t{i}"))
        repo.add_event(a, {"notes": "n", "fatalities": 1, "latitude": 1.0, "xtra": i}, coder="ana")
        repo.add_spans([EntitySpan(article_id=a, start=9, end=13, label="GPE")])
    repo.close()
    dispose_engine(ws)
    con = sqlite3.connect(ws)
    for sql in SABOTAGE:
        con.execute(sql)
    con.commit()
    con.close()
    return ws


def _strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "jsonl"])
def test_every_export_goes_through_a_damaged_workspace(damaged: Path, tmp_path: Path, fmt: str) -> None:
    repo = Repository(damaged)
    try:
        out = tmp_path / f"out.{fmt}"
        summary = export_dataset(repo, out, fmt, ExportOptions())
        assert summary.articles == 6
        if fmt == "xlsx":
            wb = load_workbook(out)
            rows = list(wb["Events"].iter_rows(values_only=True))
            headers = rows[0]
            assert len(rows) == 7 and "y" in headers and "xtra" in headers
            lat = [r[headers.index("latitude")] for r in rows[1:]]
            assert lat[0] is None and lat[1] == 1.0  # Infinity is no number a workbook holds
            assert [r[headers.index("y")] for r in rows[1:]][1] == "kept"
        elif fmt == "jsonl":
            lines = [_strict(line) for line in out.read_text(encoding="utf-8").splitlines()]
            assert sum(1 for obj in lines if "text" in obj) == 6
        else:
            assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 7
    finally:
        repo.close()


def test_every_article_opens_and_lists(damaged: Path) -> None:
    repo = Repository(damaged)
    try:
        for i in repo.article_ids():
            bundle = repo.get_bundle(i)
            assert bundle is not None and bundle.article.text.startswith("Shots")
        rows = repo.article_rows(repo.article_ids())
        assert len(rows) == 6 and all(isinstance(r.title, str) and isinstance(r.source, str) for r in rows)
        assert {r.title for r in rows} >= {"é\ufffd"}
        by_id = {e.id: e for e in repo.events()}
        assert by_id[3].event_date is None and by_id[4].extra == {} and by_id[5].extra == {}
    finally:
        repo.close()


def test_article_list_model_on_a_damaged_workspace(damaged: Path, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from ui.articles.model import ArticleTableModel

    repo = Repository(damaged)
    try:
        model = ArticleTableModel(repo)
        qtmodeltester.check(model)
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
    finally:
        repo.close()
