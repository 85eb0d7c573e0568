"""Exports of hostile workspace content: no formula anywhere in the workbook, no recalculation asked for."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from storage.exporters import ExportOptions, export_dataset
from storage.repository import ArticleIn

EVIL = "=cmd|' /C calc'!A0"


def _hostile_workspace(repo) -> None:  # type: ignore[no-untyped-def]
    definition = {
        "name": "evil", "version": "1",
        "fields": [
            {"name": "event_date", "type": "date"},
            {"name": EVIL, "type": "text", "label": "=1+1"},
            {"name": "kind", "type": "choice", "choices": ["=2+2", "+SUM(A1)", "@x", "-1", "#N/A", "ok"]},
            {"name": "sub", "type": "choice", "depends_on": "kind", "choices_by": {"=2+2": ["=3+3"]}},
        ],
    }
    repo.save_codebook("evil", "1", definition)
    a = repo.add_article(ArticleIn(text="Shots in Kyiv.", title="t"))
    repo.add_event(a, {"event_date": dt.date(2024, 1, 2), EVIL: "x", "kind": "=2+2", "+extra": "=9+9",
                       "@key": 1}, coder="ana", codebook_name="evil", codebook_version="1")


def test_no_formula_anywhere_in_the_workbook(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _hostile_workspace(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    wb = load_workbook(out)
    formulas = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    headers = [c.value for c in wb["Events"][1]]
    assert EVIL in headers and "+extra" in headers and "@key" in headers
    lists = [c.value for ws in [wb["Lists"]] for row in ws.iter_rows() for c in row if c.value is not None]
    assert EVIL not in lists and "=2+2" in lists and "=3+3" in lists and "#N/A" in lists
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_workbook_asks_for_no_recalculation_on_load(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _hostile_workspace(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    with zipfile.ZipFile(out) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert "fullCalcOnLoad=\"1\"" not in workbook
