"""ACLED's inter codes as text labels in exports (the default, as ACLED's current files) or as
numbers (export --inter numbers), and both read back by the workbook and Events CSV import."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import main
from storage.exporters import ExportError, ExportOptions, export_dataset
from storage.exporters.columns import definition_columns, read_codebook_file
from storage.exporters.labels import from_text, to_text
from storage.importers import import_paths
from storage.workbook_import import import_workbook
from tests.export_data import make_dataset

LABELS = {1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia", 5: "Rioters",
          6: "Protesters", 7: "Civilians", 8: "External/Other forces"}


def _columns() -> dict:
    return {c.name: c for c in definition_columns(read_codebook_file("acled"))}


def test_every_inter_code_and_interaction_has_a_label_that_reads_back() -> None:
    cols = _columns()
    for code, label in LABELS.items():
        assert to_text(cols["inter1"], code) == label and from_text(cols["inter2"], label) == code
        assert to_text(cols["interaction"], code * 10) == f"{label} only"
        assert from_text(cols["interaction"], f"{label} only") == code * 10
        for other in range(code, 9):
            text = to_text(cols["interaction"], code * 10 + other)
            assert text == f"{label}-{LABELS[other]}"
            assert from_text(cols["interaction"], text) == code * 10 + other
            assert from_text(cols["interaction"], f"{LABELS[other]}-{label}") == code * 10 + other  # either order
    assert to_text(cols["inter1"], 9) == 9 and from_text(cols["inter1"], "Aliens") is None


def _cells(path: Path, name: str) -> list:
    if path.suffix == ".csv":
        return list(pd.read_csv(path, dtype=str, keep_default_na=False)[name])
    return list(pd.read_excel(path, sheet_name="Events")[name])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_labels_by_default_numbers_as_a_setting(repo, tmp_path: Path, fmt: str) -> None:
    make_dataset(repo)
    labels, numbers = tmp_path / f"labels.{fmt}", tmp_path / f"numbers.{fmt}"
    export_dataset(repo, labels, fmt)
    export_dataset(repo, numbers, fmt, ExportOptions(inter="numbers"))
    assert _cells(labels, "inter1") == ["Protesters", "State forces", "Rioters", "Protesters"]
    assert [str(v) for v in _cells(numbers, "inter1")] == ["6", "1", "5", "6"]
    with pytest.raises(ExportError, match="--inter 'words'"):
        export_dataset(repo, tmp_path / "x.csv", "csv", ExportOptions(inter="words"))


def test_the_workbook_drop_down_offers_the_labels(repo, tmp_path: Path) -> None:
    make_dataset(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx")
    lists = load_workbook(out)["Lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in lists.iter_cols()}
    assert columns["inter1"] == list(LABELS.values())


@pytest.mark.parametrize("inter", ["labels", "numbers"])
def test_an_edited_workbook_reads_back_labels_and_numbers(repo, tmp_path: Path, inter: str) -> None:
    make_dataset(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions(inter=inter))
    assert import_workbook(repo, out).updated == 0  # unedited: labels are the stored codes
    wb = load_workbook(out)
    ws = wb["Events"]
    col = [c.value for c in ws[1]].index("inter2") + 1
    ws.cell(2, col).value = "Rebel group" if inter == "labels" else 2
    ws.cell(3, col).value = "Militia of nowhere"
    wb.save(out)
    report = import_workbook(repo, out)
    assert report.updated == 1
    assert [str(p) for p in report.problems] == ["row 3, column inter2: 'Militia of nowhere' is neither a code nor a label of inter2"]
    assert repo.events()[0].inter2 == 2


def test_an_edited_events_csv_comes_back_as_events(repo, tmp_path: Path) -> None:
    make_dataset(repo)
    out = tmp_path / "events.csv"
    export_dataset(repo, out, "csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("inter1")] = "Rebel group"
    rows[1][rows[0].index("fatalities")] = "9"
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    articles = repo.count_articles()
    report = import_paths(repo, [out])
    assert (report.events_updated, report.failures) == (1, [])
    assert repo.count_articles() == articles  # not read as one article a row
    first = repo.events()[0]
    assert (first.inter1, first.fatalities) == (2, 9)


def test_cli_export_inter_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "ws.sqlite")
    from storage.repository import Repository

    make_dataset(Repository(db))
    assert main.main(["export", str(tmp_path / "n.csv"), "--db", db, "--inter", "numbers"]) == 0
    assert main.main(["export", str(tmp_path / "l.csv"), "--db", db]) == 0
    capsys.readouterr()
    assert _cells(tmp_path / "n.csv", "interaction")[:2] == ["60", "10"]
    assert _cells(tmp_path / "l.csv", "interaction")[:2] == ["Protesters only", "State forces only"]
