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
