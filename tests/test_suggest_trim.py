"""Suggested spans stop at the name: no line breaks, spaces or sentence punctuation around it."""
from __future__ import annotations

import pytest

from coding.suggest import trim_span


@pytest.mark.parametrize("text, piece, expected", [
    ("Shelling hit Lviv.\r\nNext", "Lviv.\r\n", "Lviv"),
    ("Shelling hit Lviv.\rNext", "Lviv.\r", "Lviv"),
    ("in Kyiv, then", "Kyiv,", "Kyiv"),
    ("near Sumy;", "Sumy;", "Sumy"),
    ("\r\nOdesa port", "\r\nOdesa", "Odesa"),
    ("the U.S.\r\nsaid", "U.S.\r\n", "U.S."),
    ("Acme Ltd. said", "Acme Ltd.", "Acme Ltd."),
    ("in Kharkiv 😀.", "Kharkiv 😀.", "Kharkiv 😀"),
    ("Cafe\u0301.\n", "Cafe\u0301.\n", "Cafe\u0301"),
    ("...", "...", "..."),
])
def test_trailing_punctuation_and_line_breaks_are_not_part_of_a_span(text: str, piece: str, expected: str) -> None:
    start = text.index(piece)
    s, e = trim_span(text, start, start + len(piece), "GPE")
    assert text[s:e] == expected


def test_a_huge_article_is_suggested_for_its_first_part_only(repo, suggest_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import coding.suggest as suggest
    from storage.repository import ArticleIn

    monkeypatch.setattr(suggest, "MAX_SUGGEST_CHARS", 3_000)
    line = "Russian forces shelled Kharkiv and Sumy on Monday, officials in Kyiv said.\r\n"
    big = repo.add_article(ArticleIn(text=line * 400, title="book"))  # 30,400 characters
    small = repo.add_article(ArticleIn(text=line, title="short"))
    result = suggest.run_suggestions(repo, service=suggest_service)
    assert result.articles == 2 and result.cut == 1
    spans = repo.spans(big)
    assert spans and max(s.end for s in spans) <= 3_000
    assert repo.spans(small)
