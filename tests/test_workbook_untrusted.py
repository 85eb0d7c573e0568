"""Taking back a workbook from outside: nothing lost to formulas or JSON fields, bounded size, capped report."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.exporters import ExportOptions, export_dataset
from storage.importers import import_paths
from storage.repository import ArticleIn, Repository
from storage.workbook_import import MAX_REPORTED, WorkbookError, import_workbook

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite"


def _event_rows(repo) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e.model_dump(exclude={"updated_at"}) for e in repo.events()]


def test_formula_without_saved_result_keeps_the_field(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = repo.add_article(ArticleIn(text="Shots in Kyiv.", title="t"))
    repo.add_event(a, {"notes": "keep me", "fatalities": 2, "location": "Kyiv"}, coder="ana")
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    wb = load_workbook(out)
    ws = wb["Events"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("notes") + 1).value = '=CONCAT("a","b")'     # openpyxl saves no result
    ws.cell(2, headers.index("location") + 1).value = "Lviv"              # a real edit
    wb.save(out)
    report = import_workbook(repo, out)
    event = repo.events()[0]
    assert event.notes == "keep me" and event.location == "Lviv" and event.fatalities == 2
    assert report.updated == 1 and any("formula" in n for n in report.notes)


def test_formula_file_from_the_corpus_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "v1.sqlite"
    shutil.copyfile(V1, ws)
    repo = Repository(ws)
    try:
        before = _event_rows(repo)
        report = import_workbook(repo, HOSTILE / "formula_no_result.xlsx")
        assert _event_rows(repo) == before
        assert report.updated == 0 and report.unchanged == 1
    finally:
        repo.close()


def test_untouched_export_with_json_extra_fields_is_unchanged(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = repo.add_article(ArticleIn(text="Shots in Kyiv.", title="t"))
    for extra in ({"a": 1, "b": [1, "é"]}, [1, 2], True, 1.5, "  padded  ", 10**20):
        repo.add_event(a, {"notes": "n", "xtra": extra}, coder="ana")
    repo.add_event(a, {"notes": "é" * 40_000, "tags": "  lead and trail  "}, coder="ana")
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    before = _event_rows(repo)
    report = import_workbook(repo, out)
    assert (report.updated, report.created, report.problems) == (0, 0, [])
    assert _event_rows(repo) == before


def test_a_million_rows_is_refused_quickly_and_whole(repo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkbookError, match="more than the 200,000 rows"):
        import_workbook(repo, HOSTILE / "million_rows.xlsx")
    assert repo.events() == []


def test_a_giant_cell_is_refused_before_parsing(repo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkbookError, match="unzip to 600 MB"):
        import_workbook(repo, HOSTILE / "giant_cell.xlsx")


def test_many_bad_rows_are_counted_not_each_printed(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = repo.add_article(ArticleIn(text="Shots in Kyiv.", title="t"))
    repo.add_event(a, {"notes": "n"}, coder="ana")
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    wb = load_workbook(out)
    ws = wb["Events"]
    width = ws.max_column
    for _ in range(500):
        ws.append(["no-such-uid"] + [None] * (width - 1))
    wb.save(out)
    report = import_paths(repo, [out])
    reasons = [f.reason for f in report.failures]
    assert len(reasons) <= MAX_REPORTED + 1
    assert any("more rows rejected" in r for r in reasons)


def test_a_cell_over_excels_limit_rejects_its_row(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(HOSTILE.parent))
    import make_hostile

    row = (f'<row r="2">{make_hostile._cell("A2", make_hostile.V1_EVENT_UID)}<c r="B2"><v>1</v></c>'
           f'{make_hostile._cell("C2", "x" * 40_000)}</row>')
    book = tmp_path / "long_cell.xlsx"
    make_hostile._workbook(book, [make_hostile._SHEET_HEAD + make_hostile._header() + row + make_hostile._SHEET_TAIL])
    ws = tmp_path / "v1.sqlite"
    shutil.copyfile(V1, ws)
    repo = Repository(ws)
    try:
        before = _event_rows(repo)
        report = import_workbook(repo, book)
        assert report.updated == 0 and "more than the 32,767 a cell may hold" in str(report.problems[0])
        assert _event_rows(repo) == before
    finally:
        repo.close()
