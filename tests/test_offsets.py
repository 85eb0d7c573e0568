"""Code points <-> QTextDocument positions: emoji, combining accents, Cyrillic, Arabic, CRLF,
lone CR, U+2028/U+2029, a leading BOM; checked against what Qt really holds."""
from __future__ import annotations

import pytest

from ui.offsets import OffsetMap, display_text

TEXTS = {
    "ascii": "Protesters gathered in Kyiv on Tuesday.",
    "emoji": "Kyiv 🇺🇦 on Tuesday 😀, 👍🏽 then Lviv 𝔘.",
    "combining": "Cafe\u0301 owner Jose\u0301 Mu\u0308ller in Bogota\u0301.",
    "cyrillic": "Близько 300 людей зібралися у Києві.",
    "arabic": "وقالت الشرطة في بغداد إن 5 أشخاص أصيبوا.",
    "crlf": "Line one in Kyiv.\r\nLine two in Lviv.\r\n\r\nLast line.\r\n",
    "lone_cr": "Old Mac file\rsecond line in Kharkiv\r\rend",
    "separators": "one\u2028two in Odesa\u2029three\nfour",
    "bom": "\ufeffKyiv at the start, \ufeff inside.",
    "mixed": "\ufeff😀 Kyiv\r\nКиїв 🇺🇦\rبغداد\u2028Cafe\u0301\n𝔘𝔘\r\n",
}


def _doc_selection(text: str, a: int, b: int) -> str:
    """What Qt shows between two Qt positions of a plain-text document of `text`."""
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    doc.setPlainText(display_text(text))
    cursor = QTextCursor(doc)
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def _as_qt_shows(fragment: str) -> str:
    """Qt's selectedText: every line break is U+2029 (a CRLF is one)."""
    return fragment.replace("\r\n", "\u2029").replace("\r", "\u2029").replace("\n", "\u2029")


def test_emoji_outside_bmp_counts_two() -> None:
    m = OffsetMap.build("a😀b")
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert m.qt_length == 4


def test_crlf_counts_one() -> None:
    m = OffsetMap.build("a\r\nb")
    assert m.to_qt(1) == 1  # the break
    assert m.to_qt(3) == 2  # "b"
    assert m.to_qt(4) == 3
    assert m.to_cp(2) == 3
    assert m.qt_length == 3


def test_lone_cr_and_unicode_separators_count_one() -> None:
    for text in ("a\rb", "a\u2028b", "a\u2029b", "a\nb"):
        m = OffsetMap.build(text)
        assert [m.to_qt(i) for i in range(4)] == [0, 1, 2, 3], repr(text)


def test_leading_bom_is_dropped_by_qt() -> None:
    from PySide6.QtGui import QTextDocument

    text = "\ufeffKyiv"
    doc = QTextDocument()
    doc.setPlainText(display_text(text))
    m = OffsetMap.build(text)
    assert doc.characterCount() - 1 == m.qt_length == 4
    assert m.to_qt(1) == 0


def test_position_inside_surrogate_pair_snaps_to_whole_character() -> None:
    m = OffsetMap.build("x😀y")
    assert m.to_cp(2) == 1  # inside the emoji: its start
    assert m.to_cp(2, round_up=True) == 2  # or past it
    assert m.range_to_cp(2, 2) == (1, 2)
    assert m.range_to_cp(3, 1) == (1, 2)  # a backwards selection


def test_lone_surrogates_and_frame_markers_are_replaced_one_for_one() -> None:
    text = "a\ud800b\ufdd0c"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert shown == "a\ufffdb\ufffdc"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_round_trip_code_points(name: str) -> None:
    text = TEXTS[name]
    m = OffsetMap.build(text)
    for cp in range(len(text) + 1):
        if 0 < cp < len(text) and text[cp - 1:cp + 1] == "\r\n":
            continue  # no character boundary between "\r" and "\n"
        if cp == 0 and text.startswith("\ufeff"):
            continue  # Qt has no position before the BOM it dropped
        assert m.to_cp(m.to_qt(cp)) == cp
    for pos in range(m.qt_length + 1):
        assert m.to_qt(m.to_cp(pos, round_up=True)) in (pos, pos + 1)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_range_lands_on_the_same_characters_in_qt(name: str) -> None:
    text = TEXTS[name]
    m = OffsetMap.build(text)
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setPlainText(display_text(text))
    assert doc.characterCount() - 1 == m.qt_length
    bounds = [i for i in range(len(text) + 1) if not (0 < i < len(text) and text[i - 1:i + 1] == "\r\n")]
    for i in bounds:
        for j in bounds:
            if j < i:
                continue
            expected = text[i:j]
            if i == 0 and text.startswith("\ufeff"):
                expected = expected[1:]  # Qt dropped the leading BOM
            assert _doc_selection(text, m.to_qt(i), m.to_qt(j)) == _as_qt_shows(expected), (i, j)


def test_big_article_conversions_are_cheap_to_build() -> None:
    text = ("Kyiv 😀 Київ\r\n" * 5000)
    m = OffsetMap.build(text)
    # Only the exceptions are stored: one emoji and one CRLF per line.
    assert len(m.cp_index) == 10000
    last = len(text)
    assert m.to_qt(last) == last + 5000 - 5000
    assert m.to_cp(m.to_qt(last - 5)) == last - 5
