"""Offsets between Chronicler's code points and the units other tools count: UTF-16 code units
(JavaScript front ends, Java/UIMA) and UTF-8 bytes."""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Optional

CODE_POINTS = "code points"
UTF16 = "UTF-16 code units"
UTF8 = "UTF-8 bytes"


class OffsetMap:
    """Converts offsets in one text between code points and another unit. Only texts with
    characters wider than one unit need a table; the others map one to one."""

    def __init__(self, text: str, unit: str) -> None:
        self.text = text
        self.unit = unit
        if unit == CODE_POINTS or (unit == UTF16 and text.isascii()) or (unit == UTF8 and text.isascii()):
            self._ends: Optional[list[int]] = None
            self.length = len(text)
        else:
            size = _utf16_size if unit == UTF16 else _utf8_size
            # _ends[i]: units before code point i (one more entry than the text has characters)
            self._ends = [0, *accumulate(size(c) for c in text)]
            self.length = self._ends[-1]

    def to_external(self, index: int) -> int:
        return index if self._ends is None else self._ends[index]

    def to_python(self, index: int) -> Optional[int]:
        """The code point at an external offset; None when it falls inside a character
        (between a surrogate pair, inside a multi-byte sequence) or past the end."""
        if index < 0 or index > self.length:
            return None
        if self._ends is None:
            return index
        i = bisect_left(self._ends, index)
        return i if i < len(self._ends) and self._ends[i] == index else None


def _utf16_size(c: str) -> int:
    return 2 if ord(c) > 0xFFFF else 1


def _utf8_size(c: str) -> int:
    o = ord(c)
    return 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4


def convert_span(text: str, start: int, end: int, unit: str,
                 maps: Optional[dict[str, OffsetMap]] = None) -> Optional[tuple[int, int]]:
    """(start, end) in code points for offsets counted in `unit`, or None when they do not
    fall on character boundaries inside the text (or end <= start)."""
    omap = (maps or {}).get(unit) or OffsetMap(text, unit)
    if maps is not None:
        maps[unit] = omap
    s, e = omap.to_python(start), omap.to_python(end)
    if s is None or e is None or e <= s:
        return None
    return s, e


def locate_span(text: str, start: int, end: int, expected: Optional[str], units: tuple[str, ...],
                maps: Optional[dict[str, OffsetMap]] = None) -> Optional[tuple[int, int]]:
    """Code-point offsets for a span a tool wrote with its own text beside it: the first unit
    under which the offsets cover exactly that text (tools differ, and some changed over their
    versions). Without an expected text the first unit is taken."""
    for unit in units:
        found = convert_span(text, start, end, unit, maps)
        if found is None:
            continue
        if expected is None or _same(text[found[0]:found[1]], expected):
            return found
    return None


def _same(actual: str, expected: str) -> bool:
    # Tools write line breaks inside a span's text in their own ways (brat: as spaces).
    return actual == expected or " ".join(actual.split()) == " ".join(expected.split())


def to_unit(text: str, start: int, end: int, unit: str, maps: Optional[dict[str, OffsetMap]] = None) -> tuple[int, int]:
    omap = (maps or {}).get(unit) or OffsetMap(text, unit)
    if maps is not None:
        maps[unit] = omap
    return omap.to_external(start), omap.to_external(end)
