"""The CSV export: BOM, the Events columns, ISO dates, formula-looking text kept exactly (or quoted on request)."""
from __future__ import annotations

import csv

import pandas as pd

from storage.exporters import ExportOptions, export_dataset
from tests.export_data import LONG, make_dataset


def test_csv_has_bom_and_loads_in_pandas(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "events.csv"
    summary = export_dataset(repo, out, "csv", ExportOptions())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, parse_dates=["event_date"], encoding="utf-8-sig")
    assert list(df.columns[:3]) == ["event_id_cnty", "event_date", "year"]
    assert pd.api.types.is_datetime64_any_dtype(df["event_date"])
    assert list(df["fatalities"]) == [0, 3, 1, 2] and pd.api.types.is_integer_dtype(df["fatalities"])
    assert df["latitude"].iloc[2] == 46.48
    assert df["evidence_location"].iloc[0] == "Kyiv"
    # a CSV holds what a workbook cannot: nothing is cut or removed
    assert df["tags"].iloc[1] == LONG and df["notes"].iloc[1] == "bad\x01char\r\nline two"
    assert summary.cells.changed == 0 and summary.events == 4
    assert b"2024-08-12" in raw


def test_formula_text_kept_exactly_and_reported(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "events.csv"
    summary = export_dataset(repo, out, "csv", ExportOptions())
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["notes"] == "=1+2" and rows[0]["assoc_actor_1"] == "-Students"
    assert rows[0]["article_title"] == '=HYPERLINK("http://x")'
    assert summary.cells.formula_text == 4  # notes, assoc_actor_1, the title twice
    assert "kept exactly" in summary.describe()


def test_quote_formulas_on_request(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "events.csv"
    summary = export_dataset(repo, out, "csv", ExportOptions(csv_quote_formulas=True))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["notes"] == "'=1+2"
    assert summary.cells.changed == 4 and "prefixed with '" in summary.describe()


def test_csv_filters_and_hook(repo, tmp_path):
    make_dataset(repo)
    out = tmp_path / "events.csv"
    hook = lambda values, article: (values, ["x: y"] if values["fatalities"] else [])  # noqa: E731
    summary = export_dataset(repo, out, "csv", ExportOptions(coders=["bo"], event_hook=hook))
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert list(df["fatalities"]) == [3, 2] and list(df["valid"]) == [False, False]
    assert summary.invalid_events == 2


def test_jsonl_dispatch_with_filters(repo, tmp_path):
    import json

    make_dataset(repo)
    out = tmp_path / "ws.jsonl"
    summary = export_dataset(repo, out, "jsonl", ExportOptions(coders=["bo"], statuses=["coded"]))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert summary.articles == len(lines) == 1 and lines[0]["title"].startswith("=HYPERLINK")
    assert summary.describe() == "exported 1 article to ws.jsonl"
