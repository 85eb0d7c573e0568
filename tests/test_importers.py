"""Importers: each format, encodings, exact text and offsets, bad input reported per file."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from storage.importers import ImportReport, import_paths
from storage.importers.records import parse_date
from storage.repository import Repository

DATA = Path(__file__).resolve().parent / "data" / "import"


def _articles(repo: Repository, report: ImportReport):
    return [repo.get_article(i) for i in report.article_ids]


def _reasons(report: ImportReport) -> dict[str, str]:
    return {Path(f.path).name: f.reason for f in report.failures}


def test_txt_keeps_crlf_emoji_cyrillic_exactly(repo: Repository, tmp_path: Path) -> None:
    text = "Удар по мосту 🌉 в Курске\r\n\r\nCafé “quoted” — 👩🏽‍⚕️ medics in Глушково.\r\n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    report = import_paths(repo, [path])
    assert (report.imported, report.failures) == (1, [])
    art = _articles(repo, report)[0]
    assert art.text == text  # CRLF kept, no normalization, title line included
    assert art.title == "Удар по мосту 🌉 в Курске"
    assert art.meta == {"file": "a.txt"}
    start = text.index("Глушково")
    assert art.text[start:start + len("Глушково")] == "Глушково"  # code-point offsets hold


def test_markdown_title_loses_hashes(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "n.md").write_text("\n## Protest in Lagos ##\n\nCrowds gathered.\n", encoding="utf-8")
    art = _articles(repo, import_paths(repo, [tmp_path / "n.md"]))[0]
    assert art.title == "Protest in Lagos"
    assert art.text.startswith("\n## Protest")


@pytest.mark.parametrize("encoding, bom", [
    ("cp1251", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-8", b"\xef\xbb\xbf"),
])
def test_encodings_detected_and_bom_stripped(repo: Repository, tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = ("Украинские войска разрушили стратегически важный мост через реку Сейм в Курской области.\r\n"
            "По словам российских чиновников, операция возле поселка Глушково отрезала часть района.\r\n")
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(bom + text.encode(encoding))
    report = import_paths(repo, [path])
    assert report.failures == []
    assert _articles(repo, report)[0].text == text


def test_latin1(repo: Repository, tmp_path: Path) -> None:
    text = "Manifestação em São Paulo\nA polícia dispersou a multidão perto da praça; três feridos, disse o governo.\n"
    (tmp_path / "pt.txt").write_bytes(text.encode("latin-1"))
    report = import_paths(repo, [tmp_path / "pt.txt"])
    assert _articles(repo, report)[0].text == text


def test_seed_article_keeps_curly_quotes(repo: Repository, tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes(seed_text.encode("utf-8"))
    art = _articles(repo, import_paths(repo, [path]))[0]
    assert art.text == seed_text
    assert "“exchange fund”" in art.text and "Russia’s" in art.title


def test_html_visible_text_only(repo: Repository) -> None:
    report = import_paths(repo, [DATA / "page.html"])
    assert report.failures == []
    art = _articles(repo, report)[0]
    assert art.title == "Police disperse protest in Nairobi"
    assert art.source == "Example Wire" and art.url == "https://example.org/nairobi"
    assert art.published == dt.date(2024, 6, 25)
    for hidden in ("alert", "color:", "template text", "hidden note", "onclick", "trackClick", "<p", "<!--", "a comment"):
        assert hidden not in art.text
    assert "Write <b>bold</b> & mean it" in art.text  # entities decoded, kept as literal text
    lines = art.text.split("\n")
    assert lines[0] == "Police disperse protest in Nairobi"
    assert "Thousands marched through Nairobi on Tuesday." in lines
    assert "Officers used tear gas near Kenyatta\xa0Avenue." in lines  # &nbsp; decoded, not normalized


def test_csv_columns_dates_and_meta(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        "Title,Text,Source,URL,Published,section\r\n"
        'Clash,"Fighting in Kursk.\r\nSecond line, with comma.",Wire,https://x.org/1,16 August 2024,World\r\n'
        "Later,Another text,Wire,,2024-08-17T10:00:00Z,\r\n"
        "Odd,Text with odd date,Wire,,sometime soon,\r\n".encode("utf-8"))
    report = import_paths(repo, [path])
    assert (report.imported, report.failures) == (3, [])
    a, b, c = _articles(repo, report)
    assert a.text == "Fighting in Kursk.\r\nSecond line, with comma."
    assert (a.title, a.source, a.url, a.published) == ("Clash", "Wire", "https://x.org/1", dt.date(2024, 8, 16))
    assert a.meta == {"section": "World"}
    assert b.published == dt.date(2024, 8, 17)
    assert c.published is None and c.meta["published_raw"] == "sometime soon"


def test_csv_semicolons(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "eu.csv").write_text("title;text\nEins;Erster Text, mit Komma\n", encoding="utf-8")
    art = _articles(repo, import_paths(repo, [tmp_path / "eu.csv"]))[0]
    assert (art.title, art.text) == ("Eins", "Erster Text, mit Komma")


def test_csv_without_text_column_fails_by_name(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("title,body_html\nA,B\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "bad.csv"])
    assert report.imported == 0
    assert "no 'text' column" in _reasons(report)["bad.csv"]


def test_csv_malformed_rows_reported_others_imported(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(
        'title,text\nok1,first\nbad,"broken"quote\nempty,\nok2,second\nx,y,too many\nok3,third\n', encoding="utf-8")
    report = import_paths(repo, [tmp_path / "m.csv"])
    assert sorted(a.text for a in _articles(repo, report)) == ["first", "second", "third"]
    reasons = sorted(f.reason for f in report.failures)
    assert reasons[0].startswith("line 3: malformed CSV")
    assert reasons[1] == "line 4: empty text"
    assert reasons[2].startswith("line 6: 3 cells")


def test_jsonl_malformed_line_reported_others_imported(repo: Repository, tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Alpha in Kyiv", "title": "A", "spans": [{"start": 9, "end": 13, "label": "GPE"}]}),
        '{"text": "broken',
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Beta", "spans": [{"start": 2, "end": 9, "label": "GPE"}]}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"text": "Gamma", "published": "not a date"}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "a.jsonl"])
    assert report.imported == 2
    reasons = [f.reason for f in report.failures]
    assert reasons[0].startswith("line 2: not valid JSON")
    assert reasons[1] == "line 3: no 'text'"
    assert reasons[2].startswith("line 4: span 1: offsets 2-9 outside the text")
    assert reasons[3] == "line 5: expected an object"
    alpha, gamma = _articles(repo, report)
    spans = repo.spans(alpha.id)
    assert [alpha.text[s.start:s.end] for s in spans] == ["Kyiv"]
    assert gamma.meta["published_raw"] == "not a date" and gamma.published is None


def test_binary_empty_unsupported_missing(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (tmp_path / "blank.md").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "zero.csv").write_bytes(b"")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "ok.txt").write_text("A real article\nwith text.", encoding="utf-8")
    report = import_paths(repo, [tmp_path, tmp_path / "nowhere.txt"])
    assert report.imported == 1
    reasons = _reasons(report)
    assert reasons["img.txt"] == "binary file, not text"
    assert reasons["blank.md"] == "empty file"
    assert reasons["zero.csv"] == "empty file"
    assert reasons["doc.pdf"].startswith("unsupported file type")
    assert reasons["nowhere.txt"] == "file not found"


def test_duplicates_across_files_and_runs(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same story\nabout  the   bridge.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same story about the bridge.\n", encoding="utf-8")  # same after folding space
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "Same story about the bridge."}) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path])
    assert (report.imported, report.duplicates) == (1, 2)
    again = import_paths(repo, [tmp_path])
    assert (again.imported, again.duplicates) == (0, 3)
    assert repo.count_articles() == 1


def test_folder_recursive_sorted_skips_hidden(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two\nsecond", encoding="utf-8")
    (tmp_path / "a.txt").write_text("One\nfirst", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden\nno", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Git\nno", encoding="utf-8")
    (tmp_path / "b" / "three.md").write_text("Three\nthird", encoding="utf-8")
    report = import_paths(repo, [tmp_path])
    assert report.failures == []
    assert [a.title for a in _articles(repo, report)] == ["One", "Three", "Two"]


def test_progress_and_cancel_between_batches(repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.importers as importers

    monkeypatch.setattr(importers, "BATCH_SIZE", 10)
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"article number {i}"}) + "\n" for i in range(35)), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = import_paths(repo, [path], progress=lambda d, t, m: calls.append((d, t)),
                          cancelled=lambda: len(calls) >= 3)
    assert report.cancelled and report.imported == 20  # stopped at a batch boundary, kept what was done
    assert repo.count_articles() == 20
    assert calls[0] == (0, 35) and all(t == 35 for _, t in calls)
    rest = import_paths(repo, [path])
    assert (rest.imported, rest.duplicates, rest.cancelled) == (15, 20, False)


def test_too_large_is_reported(repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.importers.decode as decode

    monkeypatch.setattr(decode, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_text("Big\n" + "word " * 400, encoding="utf-8")
    report = import_paths(repo, [tmp_path / "big.txt"])
    assert report.imported == 0 and _reasons(report)["big.txt"].startswith("too large")


@pytest.mark.slow
def test_fifty_megabyte_article(repo: Repository, tmp_path: Path) -> None:
    line = "Shelling reported near Kharkiv — “heavy” damage, say officials. Ёж.\r\n"
    text = "A very long report\r\n" + line * (50 * 2**20 // len(line.encode("utf-8")))
    path = tmp_path / "long.txt"
    path.write_bytes(text.encode("utf-8"))
    report = import_paths(repo, [path])
    assert (report.imported, report.failures) == (1, [])
    assert repo.get_article(report.article_ids[0]).text == text


@pytest.mark.parametrize("raw, expected", [
    ("2024-08-16", dt.date(2024, 8, 16)), ("2024-08-16T23:10:00+02:00", dt.date(2024, 8, 16)),
    ("16 August 2024", dt.date(2024, 8, 16)), ("Aug 16, 2024", dt.date(2024, 8, 16)),
    ("16.08.2024", dt.date(2024, 8, 16)), ("08/16/2024", dt.date(2024, 8, 16)), ("16/08/2024", dt.date(2024, 8, 16)),
    ("Fri, 16 Aug 2024 10:00:00 GMT", dt.date(2024, 8, 16)), ("soon", None), ("", None),
])
def test_parse_date(raw: str, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.slow
def test_big_jsonl_streams_with_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory holds a few batches whatever the file's size (with the reading process too: the
    frames it sends are queued up to a bound, here 1 MB)."""
    import tracemalloc

    import storage.importers.reading as reading

    monkeypatch.setattr(reading, "QUEUED_BYTES", 1 << 20)
    filler = "Fighting continued along the front line, officials said. " * 30  # ~1.7 KB
    for lines in (6000, 18000):  # 10 and 31 MB
        path = tmp_path / f"stream{lines}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(lines):
                fh.write(json.dumps({"text": f"{i} {filler}", "title": str(i)}) + "\n")
        repo = Repository(tmp_path / f"ws{lines}.sqlite")
        tracemalloc.start()
        try:
            report = import_paths(repo, [path])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            repo.close()
        assert report.imported == lines
        # A batch is about 1 MB: the queue, a frame being read, one being written, their rows
        # (about 7 MB with the reading process, 2 MB without), whatever the file's size.
        assert peak < 10 << 20, f"peak {peak:,} bytes for a {path.stat().st_size:,}-byte file: not streaming"


def test_deeply_nested_html_does_not_crash(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "deep.html").write_text("<div>" * 5000 + "Deep text" + "</div>" * 5000, encoding="utf-8")
    report = import_paths(repo, [tmp_path / "deep.html"])
    assert report.failures == [] and _articles(repo, report)[0].text == "Deep text"


def test_broken_workbook_is_a_failure_not_a_crash(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "edited.xlsx").write_bytes(b"not a zip at all")
    report = import_paths(repo, [tmp_path / "edited.xlsx"])
    assert report.imported == 0 and len(report.failures) == 1


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-8-sig"])
def test_csv_encodings_and_excel_sep_line(repo: Repository, tmp_path: Path, encoding: str) -> None:
    body = "sep=;\r\ntitle;text;published\r\nМост;\"Мост через Сейм разрушен; движение перекрыто.\";16.08.2024\r\n"
    (tmp_path / "ru.csv").write_bytes(body.encode(encoding))
    report = import_paths(repo, [tmp_path / "ru.csv"])
    assert report.failures == []
    art = _articles(repo, report)[0]
    assert (art.title, art.text, art.published) == ("Мост", "Мост через Сейм разрушен; движение перекрыто.",
                                                    dt.date(2024, 8, 16))


def test_command_line_names_each_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main

    (tmp_path / "bad.bin.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (tmp_path / "ok.txt").write_text("Fine\narticle", encoding="utf-8")
    db = str(tmp_path / "ws.sqlite")
    assert main.main(["import", str(tmp_path / "bad.bin.txt"), "--db", db, "--no-suggest"]) == 1
    out = capsys.readouterr().out
    assert "imported 0, skipped 0 duplicates, failed 1" in out and "bad.bin.txt: binary file, not text" in out
    assert "Traceback" not in out
    assert main.main(["import", str(tmp_path), "--db", db, "--no-suggest"]) == 0
    assert "imported 1, skipped 0 duplicates, failed 1" in capsys.readouterr().out
