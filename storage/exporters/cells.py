"""Cell values a workbook can hold: formula-looking text kept as text, illegal characters removed, long text cut, all counted."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

# openpyxl's own definitions (openpyxl.cell.cell; a test checks they still match), copied so
# that importing the exporters (the GUI does at start) does not load openpyxl.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
# Excel's limit per cell. Excel counts UTF-16 units, so an emoji counts twice.
EXCEL_MAX_CHARS = 32_767
# What spreadsheet apps may take for the start of a formula (OWASP "CSV injection" list).
FORMULA_START = frozenset("=+-@\t\r")
_ERROR_CODES = frozenset(ERROR_CODES)
_CRLF = re.compile("\r\n")


@dataclass
class CellCounts:
    """What happened to cells on the way out; the export summary reports it."""

    changed: int = 0        # cells whose value differs from the workspace (cut and/or cleaned)
    cut: int = 0            # cut to EXCEL_MAX_CHARS
    removed: int = 0        # had characters XML cannot hold removed
    formula_text: int = 0   # began like a formula; written as text (xlsx) or kept exactly (csv)

    def add(self, other: "CellCounts") -> None:
        self.changed += other.changed
        self.cut += other.cut
        self.removed += other.removed
        self.formula_text += other.formula_text


def cut_to_excel(value: str) -> str:
    """The longest prefix Excel holds in one cell (counting UTF-16 units, as Excel does)."""
    if len(value) <= EXCEL_MAX_CHARS // 2:
        return value
    units = 0
    for i, ch in enumerate(value):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > EXCEL_MAX_CHARS:
            return value[:i]
    return value


def clean_text(value: str, counts: CellCounts) -> str:
    """The text as a workbook can hold it: illegal characters removed, then cut; counted."""
    changed = False
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        counts.removed += 1
        changed = True
    if len(value) > EXCEL_MAX_CHARS // 2:
        short = cut_to_excel(value)
        if len(short) != len(value):
            value = short
            counts.cut += 1
            changed = True
    if changed:
        counts.changed += 1
    return value


def workbook_text(value: str) -> str:
    """What clean_text would make of a value, without counting (to compare on re-import)."""
    return clean_text(value, CellCounts())


def sheet_text(text: str, counts: CellCounts) -> tuple[str, list[int]]:
    """An article's text as every workbook reader gets it back, and where it lost characters.

    XML turns CR LF and a lone CR into LF on reading (Excel, LibreOffice and openpyxl alike),
    so the text is written with LF line ends and the Entities offsets are shifted to match.
    Characters a workbook cannot hold are replaced one for one (U+FFFD), never removed, so
    that no offset moves. Returns the text and the positions of the CRs dropped from CR LF."""
    dropped: list[int] = []
    if "\r" in text:
        dropped = [m.start() for m in _CRLF.finditer(text)]
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
        counts.removed += 1
        counts.changed += 1
    return text, dropped


def sheet_offset(offset: int, dropped: list[int]) -> int:
    """An offset into the original text as an offset into sheet_text's text."""
    return offset - bisect_left(dropped, offset) if dropped else offset


def xlsx_value(ws: Any, value: Any, counts: CellCounts) -> Any:
    """A value ready for a write-only worksheet row. Text is cleaned and cut; text that
    openpyxl would turn into a formula ('=...') or an error ('#N/A') becomes an explicit
    string cell, so the file holds the text and Excel never evaluates it."""
    if value.__class__ is bytes:
        value = blob_text(value)  # a BLOB where text belongs (a workspace edited by another tool)
    if value.__class__ is not str:
        return value
    if not value:
        return None
    value = clean_text(value, counts)
    if value[0] in FORMULA_START:
        counts.formula_text += 1
        if value[0] == "=":
            return text_cell(ws, value)
    elif value in _ERROR_CODES:
        return text_cell(ws, value)
    return value


_CARE_START = FORMULA_START | {"#"}
_illegal = ILLEGAL_CHARACTERS_RE.search
_SHORT = EXCEL_MAX_CHARS // 2


def xlsx_row(ws: Any, values: list[Any], counts: CellCounts) -> list[Any]:
    """xlsx_value over a row, with the common case (short plain text, numbers) inline:
    this runs for every cell of a 100k-row export."""
    return [xlsx_value(ws, v, counts)
            if (v.__class__ is str and (not v or v[0] in _CARE_START or len(v) > _SHORT or _illegal(v)))
            or v.__class__ is bytes else v
            for v in values]


def blob_text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def text_cell(ws: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # inline string in the file: never a formula or an error value
    return cell


def csv_text(value: str, counts: CellCounts, quote_formulas: bool = False) -> str:
    """CSV text: kept exactly (counted when formula-like), or with the OWASP "'" prefix."""
    if value and value[0] in FORMULA_START:
        counts.formula_text += 1
        if quote_formulas:
            counts.changed += 1
            return "'" + value
    return value
