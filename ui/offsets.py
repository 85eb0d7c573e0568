"""Converts between Python code-point offsets (storage) and QTextDocument positions (the reader).

Two things make them differ:
- Qt counts UTF-16 code units: a character outside the BMP (most emoji) is 2 positions.
- QTextDocument.setPlainText turns every line break into one block separator; "\\r\\n" is two
  code points in Python but one position in Qt. ("\\r", "\\n", "\\u2028", "\\u2029" are one
  and one.) A byte-order mark at the very start is dropped by Qt: zero positions.
Everything else is one code point = one position. The mapping keeps only the exceptions
(sorted, with running totals), so a conversion is one bisect.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

# Characters above the BMP (2 positions); the "\n" of every "\r\n" and a byte-order mark
# at the very start (0 positions: Qt swallows them).
_ODD = re.compile("[\U00010000-\U0010ffff]|(?<=\r)\n|^\ufeff")
# Lone surrogates cannot reach Qt (they are not valid UTF-16 text on their own), and U+FDD0/
# U+FDD1 are Qt's private frame markers: a document would take them for structure.
_UNSHOWABLE = re.compile("[\ud800-\udfff\ufdd0\ufdd1]")


def display_text(text: str) -> str:
    """The text handed to Qt: the same code points, with lone surrogates and Qt's frame
    markers replaced by U+FFFD (one code point for one, so offsets are unchanged)."""
    return _UNSHOWABLE.sub("\ufffd", text)


@dataclass(frozen=True)
class OffsetMap:
    """Offsets of one article. Build once (`OffsetMap.build(text)`), convert many times."""

    length: int  # code points
    qt_length: int  # positions in the document (without the final block end)
    # For each exceptional character, in text order: its code-point index, its Qt position,
    # and the running total of (qt - code point) differences *after* it.
    cp_index: list[int] = field(default_factory=list)
    qt_end: list[int] = field(default_factory=list)
    delta_after: list[int] = field(default_factory=list)
    wide: list[bool] = field(default_factory=list)  # True: 2 positions; False: 0 (swallowed)

    @classmethod
    def build(cls, text: str) -> "OffsetMap":
        cp_index: list[int] = []
        qt_end: list[int] = []
        delta_after: list[int] = []
        wide: list[bool] = []
        delta = 0
        for m in _ODD.finditer(text):
            i = m.start()
            is_wide = m.group() not in ("\n", "\ufeff")
            before = i + delta
            delta += 1 if is_wide else -1
            cp_index.append(i)
            qt_end.append(before + (2 if is_wide else 0))
            delta_after.append(delta)
            wide.append(is_wide)
        return cls(len(text), len(text) + delta, cp_index, qt_end, delta_after, wide)

    def to_qt(self, cp: int) -> int:
        """Qt position of a code-point offset (0..len(text)). An offset between "\\r" and
        "\\n" (no real character boundary) maps to the position after the line break."""
        cp = min(max(cp, 0), self.length)
        k = bisect_left(self.cp_index, cp)  # exceptions strictly before cp
        return cp + (self.delta_after[k - 1] if k else 0)

    def to_cp(self, pos: int, round_up: bool = False) -> int:
        """Code-point offset of a Qt position. A position inside a surrogate pair snaps to the
        start of that character (or past its end with round_up), so a selection never cuts
        an emoji in half."""
        pos = min(max(pos, 0), self.qt_length)
        k = bisect_right(self.qt_end, pos)  # exceptions that end at or before pos
        cp = pos - (self.delta_after[k - 1] if k else 0)
        if k < len(self.cp_index) and self.wide[k] and cp > self.cp_index[k]:
            # pos is the low surrogate of exception k: cp came out one past its start
            cp = self.cp_index[k] + 1 if round_up else self.cp_index[k]
        return cp

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_to_cp(self, start: int, end: int) -> tuple[int, int]:
        """A Qt selection as code points, widened to whole characters."""
        lo, hi = min(start, end), max(start, end)
        return self.to_cp(lo), self.to_cp(hi, round_up=True)


__all__ = ["OffsetMap", "display_text"]
