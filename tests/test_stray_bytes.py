"""One byte that is not UTF-8 costs its line (reported), not the file's meaning."""
from __future__ import annotations

from pathlib import Path

from storage.importers import import_paths

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


def _texts(repo) -> list[str]:  # type: ignore[no-untyped-def]
    return [repo.get_article(i).text for i in repo.article_ids()]


def test_utf8_jsonl_with_a_stray_byte_keeps_its_other_lines_right(repo) -> None:  # type: ignore[no-untyped-def]
    report = import_paths(repo, [HOSTILE / "stray_byte.jsonl"])
    texts = _texts(repo)
    assert report.imported == 2
    assert "Protesters gathered in São Paulo on Monday — “peacefully”." in texts
    assert "Police dispersed a crowd in Belém 😀." in texts
    reasons = [f.reason for f in report.failures]
    assert len(reasons) == 1 and reasons[0].startswith("line 2:") and "UTF-8" in reasons[0]


def test_cyrillic_jsonl_with_a_stray_byte_is_not_refused_as_binary(repo) -> None:  # type: ignore[no-untyped-def]
    report = import_paths(repo, [HOSTILE / "cyrillic_stray_byte.jsonl"])
    texts = _texts(repo)
    assert report.imported == 2
    assert "Протестующие собрались в Киеве в понедельник." in texts and "Войска обстреляли окраины Сум." in texts
    assert [f.reason[:7] for f in report.failures] == ["line 2:"]


def test_stray_byte_past_the_sniffed_head_costs_one_line(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = '{"text": "Rally number %d in Kyiv — “calm”."}\n'
    lines = [(good % i).encode("utf-8") for i in range(8000)]  # well past the 256 KB sniffed
    lines[7000] = b'{"text": "bad \xff byte"}\n'
    src = tmp_path / "late.jsonl"
    src.write_bytes(b"".join(lines))
    report = import_paths(repo, [src])
    assert report.imported == 7999
    assert [f.reason[:10] for f in report.failures] == ["line 7001:"]


def test_csv_with_a_stray_byte_loses_only_that_row(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "rows.csv"
    src.write_bytes("title,text\nA,Митинг в Киеве\nB,bad \udcff here\nC,Шествие в Харькове\n"
                    .encode("utf-8", errors="surrogateescape"))
    report = import_paths(repo, [src])
    assert sorted(_texts(repo)) == ["Митинг в Киеве", "Шествие в Харькове"]
    assert len(report.failures) == 1 and report.failures[0].reason.startswith("line 3:")


def test_text_file_with_a_stray_byte_keeps_its_meaning(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "article.txt"
    src.write_bytes("Протест в Киеве — «мирный».\n".encode("utf-8") + b"\xff\n" + "Конец.".encode("utf-8"))
    report = import_paths(repo, [src])
    assert report.imported == 1
    assert _texts(repo) == ["Протест в Киеве — «мирный».\n\ufffd\nКонец."]
