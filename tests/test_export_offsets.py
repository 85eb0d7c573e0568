"""Every offset in every export lines up with the text as that export writes it, read back by plain readers."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from storage.exporters import ExportOptions, export_dataset
from storage.models import EntitySpan
from storage.repository import ArticleIn

TEXTS = {
    "crlf": "Line one in Kyiv.\r\nLine two in Lviv.\r\n\r\nLast line, Odesa.\r\n",
    "lone_cr": "Old Mac file\rsecond line in Kharkiv\r\rend in Sumy",
    "emoji": "😀 Kyiv 🇺🇦 then 👩🏽‍⚕️ medics in Lviv 𝔘.",
    "combining": "Cafe\u0301 in Ode\u0301sa; Kyi\u0308v and Z\u0327\u0301 marks.",
    "illegal": "Form\x0cfeed and\x0bvtab before Kyiv.\r\nEnd.",
}
WORDS = ["Kyiv", "Lviv", "Odesa", "Kharkiv", "Sumy", "medics", "Ode\u0301sa", "Kyi\u0308v", "Cafe\u0301", "😀", "🇺🇦",
         "feed", "\r\nLine", "Sumy\r", "Lviv.\r\n"]


def _workspace(repo) -> dict[int, list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    spans: dict[int, list[tuple[int, int]]] = {}
    for name, text in TEXTS.items():
        a = repo.add_article(ArticleIn(text=text, title=name))
        found = []
        for w in WORDS:
            i = text.find(w)
            if i >= 0:
                found.append((i, i + len(w)))
        found.append((0, len(text)))  # the whole text, line ends included
        repo.add_spans([EntitySpan(article_id=a, start=s, end=e, label="GPE") for s, e in found])
        ev = repo.add_event(a, {"location": "x"}, coder="ana")
        repo.set_evidence(ev.id, "location", *found[0])
        spans[a] = found
    return spans


def test_xlsx_entities_line_up_in_openpyxl_and_pandas(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spans = _workspace(repo)
    out = tmp_path / "out.xlsx"
    export_dataset(repo, out, "xlsx", ExportOptions())
    wb = load_workbook(out, read_only=True)
    texts = {r[0]: r[9] for r in wb["Articles"].iter_rows(min_row=2, values_only=True)}
    rows = list(wb["Entities"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(v) for v in spans.values())
    for article_id, start, end, text, *_ in rows:
        assert texts[article_id][start:end] == text, (article_id, start, end)
    arts = pd.read_excel(out, sheet_name="Articles").set_index("id")
    ents = pd.read_excel(out, sheet_name="Entities")
    for r in ents.itertuples():
        assert arts.loc[r.article_id, "text"][r.start:r.end] == r.text
    # the words are still the words (line ends as LF, the illegal characters replaced one for one)
    assert "Lviv.\n" in set(ents["text"]) and "Kyi\u0308v" in set(ents["text"]) and "🇺🇦" in set(ents["text"])
    assert texts[min(texts)] == TEXTS["crlf"].replace("\r\n", "\n")


def test_jsonl_offsets_line_up_in_json(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spans = _workspace(repo)
    out = tmp_path / "out.jsonl"
    export_dataset(repo, out, "jsonl", ExportOptions())
    seen = 0
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if "text" not in item or "spans" not in item:
                continue
            text = item["text"]
            assert text in TEXTS.values()
            for s in item["spans"]:
                assert text[s["start"]:s["end"]] == s["text"]
                seen += 1
            for e in item["events"]:
                for ev in e["evidence"]:
                    assert text[ev["start"]:ev["end"]] == ev["text"]
    assert seen == sum(len(v) for v in spans.values())


@pytest.mark.parametrize("reader", ["csv", "pandas"])
def test_csv_evidence_is_the_exact_span_text(repo, tmp_path: Path, reader: str) -> None:  # type: ignore[no-untyped-def]
    spans = _workspace(repo)
    out = tmp_path / "out.csv"
    export_dataset(repo, out, "csv", ExportOptions())
    if reader == "csv":
        with out.open(encoding="utf-8-sig", newline="") as fh:
            got = [r["evidence_location"] for r in csv.DictReader(fh)]
    else:
        got = list(pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)["evidence_location"])
    expected = [TEXTS[name][slice(*spans[a][0])] for a, name in zip(sorted(spans), TEXTS)]
    assert got == expected
