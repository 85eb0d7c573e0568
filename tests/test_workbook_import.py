"""Taking back an exported workbook after edits in Excel: updates, new rows, rejected rows."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from storage.exporters import ExportOptions, export_dataset
from storage.workbook_import import WorkbookError, import_workbook, import_workbook_path
from tests.export_data import make_dataset


def _exported(repo, tmp_path):
    ids = make_dataset(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    return ids, out


def _col(ws, name):
    return [c.value for c in ws[1]].index(name) + 1


def _edit(out, *edits):
    """Change cells of the Events sheet as a user would in Excel: (row, column name, value)."""
    wb = load_workbook(out)
    ws = wb["Events"]
    for row, name, value in edits:
        ws.cell(row, _col(ws, name)).value = value
    wb.save(out)


def test_unedited_workbook_changes_nothing(repo, tmp_path):
    _ids, out = _exported(repo, tmp_path)
    before = [e.model_dump(exclude={"updated_at"}) for e in repo.events()]
    report = import_workbook(repo, out)
    # the cut 40,000-character tags, the cleaned notes and the '=1+2' text all count as unchanged
    assert (report.updated, report.created, report.unchanged, report.problems) == (0, 0, 4, [])
    assert [e.model_dump(exclude={"updated_at"}) for e in repo.events()] == before


def test_edited_workbook_reimports_edits_and_reports_broken_rows(repo, tmp_path):
    ids, out = _exported(repo, tmp_path)
    wb = load_workbook(out)
    ws = wb["Events"]
    ws.cell(2, _col(ws, "fatalities")).value = 7                       # row 2: edit
    ws.cell(3, _col(ws, "fatalities")).value = "many"                  # row 3: broken
    ws.cell(3, _col(ws, "notes")).value = "should not land"
    ws.cell(4, _col(ws, "event_date")).value = "31/02/2024"            # row 4: broken date
    ws.cell(5, _col(ws, "sub_event_type")).value = "Armed clash"       # row 5: not a Protests sub-type
    new = [None] * ws.max_column
    new[_col(ws, "article_id") - 1] = ids["articles"][1]
    new[_col(ws, "event_date") - 1] = dt.datetime(2024, 9, 3)
    new[_col(ws, "event_type") - 1] = "Protests"
    new[_col(ws, "fatalities") - 1] = 4
    new[_col(ws, "coder") - 1] = "cy"
    ws.append(new)                                                     # row 6: new event
    bad = list(new)
    bad[_col(ws, "article_id") - 1] = 999
    ws.append(bad)                                                     # row 7: unknown article
    wb.save(out)

    report = import_workbook(repo, out)
    assert (report.updated, report.created) == (1, 1)
    assert report.rejected_rows == [3, 4, 5, 7]
    found = {(p.row, p.column) for p in report.problems}
    assert {(3, "fatalities"), (4, "event_date"), (5, "sub_event_type"), (7, "article_id")} <= found
    assert "row 3, column fatalities: 'many' is not a whole number" in report.describe()

    e1, e2, e3, e4 = (repo.get_event(e.id) for e in ids["events"])
    assert e1.fatalities == 7 and e1.notes == "=1+2"
    assert repo.get_bundle(e1.article_id).events[0].evidence["location"].start == 34  # evidence kept
    assert e2.fatalities == 3 and e2.notes == "bad\x01char\r\nline two" and len(e2.tags) == 40_000
    assert e3.event_date == dt.date(2024, 9, 1) and e4.sub_event_type == "Peaceful protest"
    added = repo.get_event(report.created_ids[0])
    assert (added.article_id, added.event_date, added.fatalities, added.coder) == (ids["articles"][1], dt.date(2024, 9, 3), 4, "cy")
    assert added.codebook_name == "acled"


def test_validator_rejects_rows_that_gain_problems(repo, tmp_path):
    ids, out = _exported(repo, tmp_path)
    _edit(out, (2, "fatalities", 50), (3, "fatalities", 4))

    def validate(values, article):
        return ["fatalities: over 10"] if (values.get("fatalities") or 0) > 10 else []

    report = import_workbook(repo, out, validate=validate)
    assert report.updated == 1 and [str(p) for p in report.problems] == ["row 2, column fatalities: fatalities: over 10"]
    assert repo.get_event(ids["events"][0].id).fatalities == 0


def test_derived_edits_are_ignored(repo, tmp_path):
    ids, out = _exported(repo, tmp_path)
    _edit(out, (2, "year", 1999))
    report = import_workbook(repo, out)
    assert report.updated == 0 and report.problems == []
    assert repo.get_event(ids["events"][0].id).year == 2024


def test_wrong_workbook_is_a_clear_message(repo, tmp_path):
    other = tmp_path / "budget.xlsx"
    wb = Workbook()
    wb.active.title = "Budget"
    wb.save(other)
    with pytest.raises(WorkbookError, match="budget.xlsx: not a workbook exported by Chronicler.*Budget"):
        import_workbook(repo, other)
    assert import_workbook_path(repo, other)[:2] == (0, 0)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    imported, updated, failures = import_workbook_path(repo, broken)
    assert (imported, updated) == (0, 0) and failures[0].startswith("not a readable .xlsx")


def test_import_workbook_path_counts(repo, tmp_path):
    ids, out = _exported(repo, tmp_path)
    _edit(out, (2, "fatalities", 9), (3, "inter1", 12))
    imported, updated, failures = import_workbook_path(repo, out)
    assert (imported, updated) == (0, 1)
    assert failures == ["row 3, column inter1: '12' is not in the codebook's list"]


def test_parent_choice_edit_checks_the_dependent_value(repo, tmp_path):
    ids, out = _exported(repo, tmp_path)
    _edit(out, (2, "event_type", "Battles"))
    report = import_workbook(repo, out)
    assert [(p.row, p.column) for p in report.problems] == [(2, "sub_event_type")]
    assert "for event_type 'Battles'" in report.problems[0].message
    assert repo.get_event(ids["events"][0].id).event_type == "Protests"


def test_workbook_with_hook_filled_derived_columns_comes_back_unchanged(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "out.xlsx"
    hook = lambda values, article: (dict(values, interaction=60, disorder_type="Demonstrations"), ["x: y"])  # noqa: E731
    export_dataset(repo, out, "xlsx", ExportOptions(event_hook=hook))
    report = import_workbook(repo, out)
    assert (report.updated, report.created, report.unchanged, report.problems) == (0, 0, 4, [])
    assert all(e.interaction is None for e in repo.events())
