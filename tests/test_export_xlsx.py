"""The Excel export: columns, types pandas sees, safe cells, sheets, validations, filters."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from storage.exporters import ExportOptions, ExportSummary, export_dataset
from storage.exporters.cells import EXCEL_MAX_CHARS, CellCounts, clean_text, cut_to_excel
from storage.exporters.columns import META_COLUMNS
from storage.models import CORE_EVENT_FIELDS
from storage.progress import Cancelled
from tests.export_data import LONG, TEXT1, make_dataset


def _export(repo, tmp_path: Path, **opts) -> tuple[Path, ExportSummary]:
    out = tmp_path / "out.xlsx"
    return out, export_dataset(repo, out, "xlsx", ExportOptions(**opts))


def test_events_sheet_types_load_right_in_pandas(repo, tmp_path):
    make_dataset(repo)
    out, summary = _export(repo, tmp_path)
    assert (summary.events, summary.articles) == (4, 3)
    df = pd.read_excel(out, sheet_name="Events")
    assert pd.api.types.is_datetime64_any_dtype(df["event_date"])
    for name in ("fatalities", "year"):
        assert pd.api.types.is_integer_dtype(df[name]), name
    assert list(df["inter1"]) == ["Protesters", "State forces", "Rioters", "Protesters"]  # ACLED's labels
    numbers = pd.read_excel(_export(repo, tmp_path, inter="numbers")[0], sheet_name="Events")
    assert pd.api.types.is_integer_dtype(numbers["inter1"]) and list(numbers["inter1"]) == [6, 1, 5, 6]
    assert pd.api.types.is_float_dtype(df["latitude"])
    assert list(df["fatalities"]) == [0, 3, 1, 2]
    assert df["event_date"].iloc[1] == pd.Timestamp("2024-08-14")
    assert df["latitude"].iloc[2] == pytest.approx(46.48)


def test_columns_codebook_order_then_meta_then_evidence(repo, tmp_path):
    make_dataset(repo)
    out, _ = _export(repo, tmp_path)
    headers = [c.value for c in next(load_workbook(out, read_only=True)["Events"].iter_rows(max_row=1))]
    n = len(CORE_EVENT_FIELDS)
    assert headers[:n] == list(CORE_EVENT_FIELDS)  # ACLED order from resources/codebooks/acled.json
    assert headers[n:n + len(META_COLUMNS)] == list(META_COLUMNS)
    assert headers[n + len(META_COLUMNS):] == ["evidence_event_type", "evidence_location"]
    df = pd.read_excel(out, sheet_name="Events")
    assert df["evidence_location"].iloc[0] == "Kyiv"
    assert df["codebook"].iloc[0] == "acled/1"


def test_formula_text_is_a_text_cell_and_reads_back(repo, tmp_path):
    make_dataset(repo)
    out, summary = _export(repo, tmp_path)
    ws = load_workbook(out)["Events"]
    headers = [c.value for c in ws[1]]
    notes = ws.cell(row=2, column=headers.index("notes") + 1)
    assert notes.data_type == "s" and notes.value == "=1+2"
    title = ws.cell(row=2, column=headers.index("article_title") + 1)
    assert title.data_type == "s" and title.value == '=HYPERLINK("http://x")'
    assert ws.cell(row=2, column=headers.index("assoc_actor_1") + 1).value == "-Students"
    df = pd.read_excel(out, sheet_name="Events")
    assert df["notes"].iloc[0] == "=1+2"
    # events: notes, assoc_actor_1, title x2; articles sheet: the title again
    assert summary.cells.formula_text == 5
    assert "stored as text" in summary.describe()


def test_cut_and_removed_cells_are_counted(repo, tmp_path):
    make_dataset(repo)
    out, summary = _export(repo, tmp_path)
    assert summary.cells.cut == 1 and summary.cells.removed == 1 and summary.cells.changed == 2
    text = summary.describe()
    assert text.startswith("exported 4 events from 3 articles to out.xlsx; 2 cells changed: ")
    assert "1 cut to 32,767 characters" in text and "1 had characters Excel cannot hold removed" in text
    df = pd.read_excel(out, sheet_name="Events")
    assert df["tags"].iloc[1] == LONG[:EXCEL_MAX_CHARS]
    assert df["notes"].iloc[1].startswith("badchar")


def test_cut_counts_utf16_units_like_excel():
    counts = CellCounts()
    assert len(cut_to_excel("🙂" * 20_000)) == EXCEL_MAX_CHARS // 2
    assert clean_text("ok", counts) == "ok" and counts.changed == 0


def test_other_sheets_styles_and_validation(repo, tmp_path):
    make_dataset(repo)
    out, summary = _export(repo, tmp_path)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Events", "Articles", "Entities", "Codebook", "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    ev = wb["Events"]
    assert ev.freeze_panes == "A2" and ev.auto_filter.ref == f"A1:{ev.cell(1, ev.max_column).column_letter}5"
    assert ev["A1"].font.b and ev["A1"].fill.fgColor.rgb.endswith("305496")
    assert ev.column_dimensions["A"].width >= 8
    headers = [c.value for c in ev[1]]
    letter = ev.cell(1, headers.index("event_type") + 1).column_letter
    dv = [d for d in ev.data_validations.dataValidation if str(d.sqref).startswith(f"{letter}2")]
    assert dv and dv[0].type == "list" and dv[0].formula1.startswith("Lists!")
    lists = wb["Lists"]
    col = [c.value for c in lists[1]].index("event_type") + 1
    assert [lists.cell(r, col).value for r in range(2, 8)][0] == "Battles"
    assert ev.cell(2, headers.index("event_date") + 1).number_format == "yyyy-mm-dd"

    arts = pd.read_excel(out, sheet_name="Articles")
    assert list(arts.columns) == ["id", "title", "source", "url", "published", "status", "language",
                                  "imported_at", "n_events", "text"]
    assert list(arts["n_events"]) == [2, 1, 1]
    # Line ends are written as LF, what every workbook reader gives back for CR LF anyway, and
    # the Entities offsets are shifted to match (tests/test_export_offsets.py checks them).
    assert arts["text"].iloc[0] == TEXT1.replace("\r\n", "\n").replace("\r", "\n")
    ents = pd.read_excel(out, sheet_name="Entities")
    assert list(ents["text"]) == ["Kyiv", "🙂"]
    book = pd.read_excel(out, sheet_name="Codebook")
    sub = book[(book["field"] == "sub_event_type") & (book["when"] == "Battles")]
    assert "Armed clash" in sub["choices"].iloc[0]
    assert summary.entities == 2


@pytest.mark.parametrize("opts, expected", [
    ({"statuses": ["coded"]}, [0, 3, 1]),
    ({"coders": ["bo"]}, [3, 2]),
    ({"date_from": "2024-08-13", "date_to": dt.date(2024, 9, 30)}, [3, 1]),
    ({"codebook": "acled"}, [0, 3, 1, 2]),
    ({"codebook": "ucdp"}, []),
])
def test_filters(repo, tmp_path, opts, expected):
    make_dataset(repo)
    out, summary = _export(repo, tmp_path, **opts)
    df = pd.read_excel(out, sheet_name="Events")
    assert list(df["fatalities"]) == expected and summary.events == len(expected)
    if not expected:
        assert "no events match" in summary.describe()


def test_filters_on_events_list_only_their_articles(repo, tmp_path):
    ids = make_dataset(repo)
    out, _ = _export(repo, tmp_path, coders=["ana"])
    assert list(pd.read_excel(out, sheet_name="Articles")["id"]) == ids["articles"][:2]


def test_bad_date_filter_is_a_clear_error(repo, tmp_path):
    from storage.exporters import ExportError

    with pytest.raises(ExportError, match="not a date"):
        _export(repo, tmp_path, date_from="last week")


def test_hook_fills_derived_fields_and_problems(repo, tmp_path):
    make_dataset(repo)
    seen = []

    def hook(values, article):
        seen.append(values["codebook_name"])
        values = dict(values, interaction=(values.get("inter1") or 0) * 10)
        return values, ([] if values["fatalities"] else ["fatalities: zero?"])

    out, summary = _export(repo, tmp_path, event_hook=hook)
    df = pd.read_excel(out, sheet_name="Events")
    assert list(df["interaction"]) == ["Protesters only", "State forces only", "Rioters only", "Protesters only"]
    assert list(df["valid"]) == [False, True, True, True]
    assert df["problems"].iloc[0] == "fatalities: zero?"
    assert summary.invalid_events == 1 and seen == ["acled"] * 4


def test_several_codebooks_union_of_columns(repo, tmp_path):
    ids = make_dataset(repo)
    repo.save_codebook("protest", "2", {"name": "protest", "version": "2", "fields": [
        {"name": "event_date", "type": "date"}, {"name": "crowd_size", "type": "integer"},
        {"name": "tactic", "type": "choice", "choices": ["march", "sit-in"]}]})
    repo.add_event(ids["articles"][2], {"event_date": dt.date(2024, 10, 2), "crowd_size": 300, "tactic": "march"},
                   coder="cy", codebook_name="protest", codebook_version="2")
    out, _ = _export(repo, tmp_path)
    df = pd.read_excel(out, sheet_name="Events")
    cols = list(df.columns)
    assert cols[:len(CORE_EVENT_FIELDS)] == list(CORE_EVENT_FIELDS)
    assert cols[len(CORE_EVENT_FIELDS):len(CORE_EVENT_FIELDS) + 2] == ["crowd_size", "tactic"]
    assert df["crowd_size"].iloc[4] == 300 and df["codebook"].iloc[4] == "protest/2"
    assert (pd.read_excel(out, sheet_name="Codebook")["codebook"] == "protest/2").sum() == 3


def test_cancel_leaves_no_file(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "out.xlsx"
    with pytest.raises(Cancelled):
        export_dataset(repo, out, "xlsx", ExportOptions(), cancelled=lambda: True)
    assert list(tmp_path.glob("*.xlsx*")) == [] and list(tmp_path.glob(".*part")) == []


def test_progress_reports_events(repo, tmp_path):
    make_dataset(repo)
    calls = []
    export_dataset(repo, tmp_path / "o.xlsx", "xlsx", ExportOptions(), progress=lambda d, t, m: calls.append((d, t, m)))
    assert (4, 4, "events") in calls


def test_cell_rules_match_openpyxl():
    from openpyxl.cell import cell as opx

    from storage.exporters import cells

    assert cells.ILLEGAL_CHARACTERS_RE.pattern == opx.ILLEGAL_CHARACTERS_RE.pattern
    assert cells.ERROR_CODES == opx.ERROR_CODES
