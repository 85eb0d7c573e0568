"""Other tools' files out: each export imported back into an empty workspace gives the same
spans (emoji, CRLF, overlapping spans, a span across a line end), and the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from services.formats import EXPORT_FORMATS, export_spans, import_files
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

TEXTS = [
    "Drones 🛩️ hit Kharkiv\r\nand Kyiv; police in Kharkiv Oblast said.",
    "Protesters marched in Lagos 🇳🇬 on Monday.\nThe army said nothing.",
    "No accepted spans here, only a rejected one: Paris.",
]


def _spans(text: str) -> list[tuple[int, int, str, str]]:
    def at(name: str, nth: int = 0) -> int:
        i = -1
        for _ in range(nth + 1):
            i = text.index(name, i + 1)
        return i

    if text is TEXTS[0]:
        k = at("Kharkiv")
        return [(k, k + 7, "GPE", "accepted"), (at("Kyiv"), at("Kyiv") + 4, "GPE", "accepted"),
                (at("Kharkiv", 1), at("Kharkiv", 1) + 14, "LOC", "accepted"),
                (at("Kharkiv", 1), at("Kharkiv", 1) + 7, "GPE", "accepted"),
                (k, at("and") + 3, "LOC", "accepted"),  # across the CRLF
                (at("police"), at("police") + 6, "ORG", "suggested")]
    if text is TEXTS[1]:
        return [(at("Protesters"), at("Protesters") + 10, "NORP", "accepted"),
                (at("Lagos"), at("Lagos") + 8, "GPE", "accepted"),  # 'Lagos 🇳🇬': ends after the flag
                (at("army"), at("army") + 4, "ORG", "rejected")]
    return [(at("Paris"), at("Paris") + 5, "GPE", "rejected")]


@pytest.fixture
def filled(repo: Repository) -> Repository:
    for text in TEXTS:
        aid = repo.add_article(ArticleIn(text=text, title=text[:20]))
        repo.add_spans([EntitySpan(article_id=aid, start=s, end=e, label=label, state=state,
                                   origin="coder" if state == "accepted" else "model")
                        for s, e, label, state in _spans(text)])
    return repo


def accepted(repo: Repository) -> set[tuple[str, int, int, str, str]]:
    out = set()
    for aid in repo.article_ids():
        text = repo.get_article(aid).text  # type: ignore[union-attr]
        out |= {(text, s.start, s.end, s.label, text[s.start:s.end]) for s in repo.spans(aid)
                if s.state == "accepted"}
    return out


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_round_trip(filled: Repository, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / {"brat": "brat", "xmi": "xmi", "spacy": "out.spacy", "labelstudio": "out.json"}.get(
        fmt, "out.jsonl")
    summary = export_spans(filled, out, fmt)
    assert (summary.articles, summary.spans) == (2, 7)  # the article with only a rejection is left out
    fresh = Repository(tmp_path / "fresh.sqlite")
    try:
        report = import_files(fresh, [out])
        assert report.imported == 2 and not report.failures, report.failures
        assert accepted(fresh) == accepted(filled)
        assert {s.origin for aid in fresh.article_ids() for s in fresh.spans(aid)} == {"coder"}
        assert {fresh.get_article(a).text for a in fresh.article_ids()} == set(TEXTS[:2])  # type: ignore[union-attr]
        # Only the tool's own notes: nothing was cut into pieces on the way.
        assert not any("discontinuous" in n for n in report.notes)
    finally:
        fresh.close()


def test_doccano_export_counts_utf16(filled: Repository, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    export_spans(filled, out, "doccano")
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    text = first["text"]
    units = text.encode("utf-16-le")
    for start, end, _label in first["label"]:
        assert units[2 * start: 2 * end].decode("utf-16-le") in ("Kharkiv", "Kyiv", "Kharkiv Oblast",
                                                                  "Kharkiv\r\nand")


def test_brat_export_writes_pairs(filled: Repository, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export_spans(filled, out, "brat")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["annotation.conf", "article-1.ann", "article-1.txt", "article-2.ann", "article-2.txt"]
    assert (out / "article-1.txt").read_bytes() == TEXTS[0].encode("utf-8")  # CRLF kept
    ann = (out / "article-1.ann").read_text(encoding="utf-8")
    assert "\tKharkiv and\n" in ann and ";" in ann  # the span across the line end, as brat writes it


def test_folder_formats_refuse_a_full_folder(filled: Repository, tmp_path: Path) -> None:
    from storage.formats import FormatProblem

    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FormatProblem, match="new or empty folder"):
        export_spans(filled, out, "brat")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_cli_import_from_and_export_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "tasks.json"
    src.write_text(json.dumps([{"text": "Shelling in Kyiv.", "label": [[12, 16, "GPE"]]}]), encoding="utf-8")
    db = str(tmp_path / "ws.sqlite")
    code = main.main(["import", str(src), "--db", db, "--from", "doccano", "--no-suggest"])
    out, _ = capsys.readouterr()
    assert code == 0 and "imported 1," in out
    code = main.main(["export", str(tmp_path / "p.jsonl"), "--db", db, "--format", "prodigy"])
    out, _ = capsys.readouterr()
    assert code == 0 and "exported 1 spans in 1 articles to p.jsonl (prodigy)" in out
    line = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8"))
    assert line["spans"] == [{"start": 12, "end": 16, "label": "GPE", "text": "Kyiv"}]
    code = main.main(["export", str(tmp_path / "nowhere" / "x"), "--db", db, "--format", "brat"])
    _, err = capsys.readouterr()
    assert code != 0 and err.startswith("chronicler: ") and err.count("\n") == 1


def test_cli_reports_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"text": "Rejected.", "answer": "reject"}) + "\n"
                   + json.dumps({"text": "Kept in Kyiv.", "spans": [], "answer": "accept"}) + "\n", encoding="utf-8")
    code = main.main(["import", str(src), "--db", str(tmp_path / "ws.sqlite"), "--no-suggest"])
    out, _ = capsys.readouterr()
    assert code == 0 and "note: p.jsonl: 1 rejected or ignored answers skipped" in out
