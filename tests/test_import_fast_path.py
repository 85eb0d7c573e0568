"""The fast import path gives exactly what the plain one gives: the duplicate key for any string
(randomized over tricky white space), the bytes JSONL reader line for line, the stored text."""
from __future__ import annotations

import hashlib
import io
import json
import random
import sys
from pathlib import Path

import pytest

from storage.importers import import_paths
from storage.interchange import iter_jsonl, iter_jsonl_bytes
from storage.repository import Repository, normalized_sha256
from storage.textkey import ASCII_SPACES, WIDE_SPACES, fast_key, folded_utf8


def _reference(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


# Characters near the edges: every white space, characters sharing bytes with the wide ones
# (U+2010-U+201F dashes and quotes, U+2080, U+3001, U+1681, À = C3 80, NEL's neighbours),
# zero-width and other non-space separators, an astral character.
_TRICKY = (ASCII_SPACES + WIDE_SPACES + "\u200b\u180e\ufeff\u2060\u00ad\x84\x86\x9f\xa1\u167f\u1681"
           "\u200c\u200d\u200e\u2010\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2027\u202a\u202e\u2030"
           "\u205e\u2060\u2080\u2fff\u3001\u3002\u00c0\u00e0\u00e9\u0100\u2800\U0001f600\x00\x7f"
           "aZ09.,-\"'")


def test_white_space_list_is_all_of_unicode() -> None:
    found = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert sorted(found) == sorted(ASCII_SPACES + WIDE_SPACES)


def test_each_white_space_character_in_context() -> None:
    for ws in ASCII_SPACES + WIDE_SPACES:
        for text in (f"a{ws}b", f"{ws}a", f"a{ws}", f"a {ws} b", f"—{ws}“x”", ws * 3, f"São{ws}{ws}Paulo"):
            assert normalized_sha256(text) == _reference(text), repr(text)
            folded = folded_utf8(text)
            assert folded is None or folded == " ".join(text.split()).encode("utf-8"), repr(text)


def test_randomized_strings_match_the_definition() -> None:
    rng = random.Random(20261125)
    fast = 0
    for _ in range(20_000):
        n = rng.choice((0, 1, 2, 3, 5, 8, 20, 60, 200))
        # Mostly tricky characters, sometimes plain words: both paths get exercised.
        alphabet = _TRICKY if rng.random() < 0.5 else "abc de  fg\n—“”é"
        text = "".join(rng.choice(alphabet) for _ in range(n))
        expected = _reference(text)
        assert normalized_sha256(text) == expected, repr(text)
        pair = fast_key(text)
        if pair is not None:
            fast += 1
            assert pair == (expected, text.encode("utf-8")), repr(text)
    assert fast > 5_000  # the fast path was really taken, not only the fallback


def test_lone_surrogate_and_long_text_fall_back() -> None:
    assert fast_key("a\ud800b") is None
    long = "word  " * 300_000
    assert fast_key(long) is None
    assert normalized_sha256(long) == _reference(long)
    assert normalized_sha256("x \u3000 y\u2028z", chunk=2) == _reference("x \u3000 y\u2028z")


_LINES = [
    json.dumps({"text": "Plain article", "title": "T", "published": "16 August 2024"}),
    json.dumps({"text": "Plain — “quoted” São", "id": 7, "status": "coded", "language": ""}, ensure_ascii=False),
    json.dumps({"text": "Title null", "title": None, "published": None}),
    json.dumps({"text": "Number title", "title": 5, "source": 2.5}),
    json.dumps({"text": "Extra column", "author": "Ana", "meta": {"k": 1}}),
    json.dumps({"text": "Odd date", "published": "sometime"}),
    json.dumps({"text": "With span", "spans": [{"start": 0, "end": 4, "label": "X"}]}),
    json.dumps({"text": "   "}), json.dumps({"text": ""}), json.dumps({"text": "Bad status", "status": "gone"}),
    json.dumps({"kind": "coders", "coders": ["ana"]}), json.dumps({"kind": "nope"}),
    '{"text": "dup", "text": "second wins"}', '{"text": NaN}',
    '{"text": "big", "meta": {"n": 123456789012345678901234567890}}',
    '{"text": "lone \\ud800 surrogate"}', '{"text": "pair \\ud83d\\ude00 ok"}', '[1, 2]', '"just a string"',
    '{"text": "bad", }', '{"text": "raw\ttab"}', "\u00a0", "   ", "", "\ufeff{\"text\": \"bom\"}",
    '{"text": "nel\u0085and ls\u2028inside"}', "[" * 3000 + "]" * 3000,
]


def _items(pairs) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(n, repr(item)) for n, item in pairs]


def test_bytes_reader_matches_text_reader_line_for_line() -> None:
    rng = random.Random(7)
    for trial in range(40):
        lines = rng.sample(_LINES, k=min(len(_LINES), rng.randint(1, 12)))
        if trial == 0:
            lines = list(_LINES)
        ends = [rng.choice(("\n", "\r\n", "\r", "\n\n")) for _ in lines]
        content = "".join(line + end for line, end in zip(lines, ends))
        if rng.random() < 0.3:
            content = content.rstrip("\r\n")  # no newline at the end
        try:
            expected = _items(iter_jsonl(io.StringIO(content, newline="")))
        except RecursionError:
            continue  # both readers stop on a line nested too deep; the importer reports it
        got = _items(iter_jsonl_bytes(io.BytesIO(content.encode("utf-8"))))
        assert got == expected, content[:300]


def test_fast_path_stores_text_exactly(tmp_path: Path) -> None:
    texts = ["Sã\x00o — “Paulo”\r\n\tend", "ascii only text", "wide\u3000space\u00a0here", "emoji 😀 ok"]
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        report = import_paths(repo, [src])
        assert report.failures == [] and report.imported == len(texts)
        stored = [repo.get_article(i) for i in report.article_ids]
        assert [a.text for a in stored] == texts  # type: ignore[union-attr]
        assert [a.sha256 for a in stored] == [_reference(t) for t in texts]  # type: ignore[union-attr]
    finally:
        repo.close()


def test_lone_surrogate_line_is_reported_not_a_crash(tmp_path: Path) -> None:
    src = tmp_path / "s.jsonl"
    src.write_text('{"text": "first ok"}\n{"text": "bad \\ud800 text"}\n{"text": "third ok"}\n', encoding="utf-8")
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        report = import_paths(repo, [src])
        assert report.imported == 2
        assert [f.reason for f in report.failures] == [
            "line 2: holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF), not valid text"]
    finally:
        repo.close()


def _jsonl(path: Path, items: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in items), encoding="utf-8")
    return path


def test_duplicates_mixed_across_batches_keep_ids_and_spans_right(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.importers as importers

    monkeypatch.setattr(importers, "BATCH_SIZE", 3)
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        old = [{"text": f"Old story {i} — “q”"} for i in range(5)]
        first = import_paths(repo, [_jsonl(tmp_path / "a.jsonl", old)])
        assert first.imported == 5
        # New and known texts interleaved, one repeated inside the file (folded white space).
        items = []
        for i in range(8):
            items.append({"text": f"New story {i}", "spans": [{"start": 0, "end": 3, "label": "X"}]})
            if i < 5:
                items.append({"text": f"Old  story {i}\n— “q”"})
        items.append({"text": "New   story 2"})
        report = import_paths(repo, [_jsonl(tmp_path / "b.jsonl", items)])
        assert (report.imported, report.duplicates, report.failures) == (8, 6, [])
        got = [repo.get_article(i).text for i in report.article_ids]  # type: ignore[union-attr]
        assert got == [f"New story {i}" for i in range(8)]
        assert all(len(repo.spans(i)) == 1 for i in report.article_ids)
        assert repo.count_articles() == 13
    finally:
        repo.close()


def test_ids_near_the_top_of_the_range_take_the_careful_path(tmp_path: Path) -> None:
    import sqlite3

    repo = Repository(tmp_path / "ws.sqlite")
    path = repo.path
    repo.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO article (id, title, text, source, url, language, sha256, status, imported_at, meta) "
                 "VALUES (?, '', 'high', '', '', 'en', ?, 'new', '2026-01-01 00:00:00.000000', '{}')",
                 (2**62 + 5, _reference("high")))
    conn.commit()
    conn.close()
    repo = Repository(path)
    try:
        report = import_paths(repo, [_jsonl(tmp_path / "c.jsonl", [{"text": "high"}, {"text": "low one"},
                                                                   {"text": "low two"}])])
        assert (report.imported, report.duplicates) == (2, 1)
        texts = [repo.get_article(i).text for i in report.article_ids]  # type: ignore[union-attr]
        assert texts == ["low one", "low two"]
    finally:
        repo.close()
