"""Importers on memory and time bombs: each a one-line reason, the rest of the file imported."""
from __future__ import annotations

from pathlib import Path

import pytest

import storage.interchange as interchange
from storage.importers import import_paths
from storage.importers.html import MAX_NESTING, nesting_depth

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


def _texts(repo) -> list[str]:  # type: ignore[no-untyped-def]
    return [repo.get_article(i).text for i in repo.article_ids()]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_one_jsonl_line_over_the_article_limit_is_skipped_alone(repo, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                encoding: str) -> None:
    monkeypatch.setattr(interchange, "MAX_LINE_BYTES", 1000)  # the real limit is 200 MB
    src = tmp_path / "lines.jsonl"
    lines = ['{"text": "Protest in Kyiv."}', '{"text": "' + "Ж" * 5000 + '"}', '{"text": "March in Kharkiv."}']
    src.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    report = import_paths(repo, [src])
    assert sorted(_texts(repo)) == ["March in Kharkiv.", "Protest in Kyiv."]
    assert len(report.failures) == 1 and report.failures[0].reason.startswith("line 2:")
    assert "limit for one article" in report.failures[0].reason


def test_a_5001_digit_integer_costs_its_line_only(repo) -> None:  # type: ignore[no-untyped-def]
    report = import_paths(repo, [HOSTILE / "huge_integer.jsonl"])
    assert report.imported == 2
    assert [f.reason for f in report.failures] == ["line 2: holds a number of more than 4,300 digits; line skipped"]


def test_200k_nested_divs_are_refused_at_once(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deep = tmp_path / "nested.html"
    deep.write_text("<html><body>" + "<div>" * 200_000 + "Shelling near Kharkiv." + "</div>" * 200_000
                    + "</body></html>", encoding="utf-8")
    report = import_paths(repo, [deep])
    assert report.imported == 0
    (failure,) = report.failures
    assert f"nested more than {MAX_NESTING:,} deep" in failure.reason


def test_nesting_count_ignores_what_real_pages_leave_open() -> None:
    page = "<html><body>" + "<p>para<br><img src=x><li>item<td>cell" * 20_000 + "<div/>x</div></body></html>"
    assert nesting_depth(page) <= 2
    assert nesting_depth("<div>" * (MAX_NESTING + 10)) > MAX_NESTING
