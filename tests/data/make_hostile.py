"""Builds the generated files of tests/data/hostile/: workbook bombs, formula cells, stray bytes.

Run from the project root: `.venv/bin/python tests/data/make_hostile.py`. The files are written
as raw zip parts (not through openpyxl) because they are what an attacker, not a spreadsheet
app, would write: no dimension element, a cell far past Excel's limit, formulas with no result.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "hostile"
V1_EVENT_UID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # an event of workspace_v1.sqlite

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="Events" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header() -> str:
    return f'<row r="1">{_cell("A1", "event_uid")}{_cell("B1", "article_id")}{_cell("C1", "notes")}</row>'


def _workbook(path: Path, sheet_parts: object) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for part in sheet_parts:  # type: ignore[attr-defined]
                fh.write(part.encode("utf-8"))


def million_rows() -> None:
    """1,000,000 rows, no dimension element: only counting the rows finds how many."""
    def parts():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD + _header()
        batch = []
        for n in range(2, 1_000_002):
            batch.append("<row><c><v>1</v></c></row>")  # no r: rows count on, and compress to nothing
            if len(batch) == 10_000:
                yield "".join(batch)
                batch = []
        yield "".join(batch) + _SHEET_TAIL
    _workbook(HOSTILE / "million_rows.xlsx", parts())


def giant_cell() -> None:
    """One 600 MB cell in a zip of well under 1 MB."""
    def parts():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD + _header() + '<row r="2"><c r="C2" t="inlineStr"><is><t>'
        block = "A" * (1 << 20)
        for _ in range(600):
            yield block
        yield "</t></is></c></row>" + _SHEET_TAIL
    _workbook(HOSTILE / "giant_cell.xlsx", parts())


def formula_without_result() -> None:
    """The v1 workspace's first event with a notes formula that was never calculated."""
    row = (f'<row r="2">{_cell("A2", V1_EVENT_UID)}<c r="B2"><v>1</v></c>'
           '<c r="C2"><f>CONCAT("wiped","?")</f></c></row>')
    _workbook(HOSTILE / "formula_no_result.xlsx", [_SHEET_HEAD + _header() + row + _SHEET_TAIL])


def stray_bytes() -> None:
    """UTF-8 JSONL with one byte that is not UTF-8, in Latin and in Cyrillic text."""
    lines = [b'{"text": "Protesters gathered in S\xc3\xa3o Paulo on Monday \xe2\x80\x94 \xe2\x80\x9cpeacefully\xe2\x80\x9d."}',
             b'{"text": "A stray byte \xff here in Curitiba."}',
             b'{"text": "Police dispersed a crowd in Bel\xc3\xa9m \xf0\x9f\x98\x80."}']
    (HOSTILE / "stray_byte.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    cyr = ["Протестующие собрались в Киеве в понедельник.", "Полиция разогнала толпу в Харькове.",
           "Войска обстреляли окраины Сум."]
    raw = [f'{{"text": "{t}"}}'.encode("utf-8") for t in cyr]
    raw[1] = raw[1][:30] + b"\xd0" + raw[1][30:]  # a lone lead byte in the middle of the line
    (HOSTILE / "cyrillic_stray_byte.jsonl").write_bytes(b"\n".join(raw) + b"\n")


def odd_line_ends() -> None:
    """CR LF, lone CR, emoji and combining marks in one article."""
    text = ("Shelling hit Lviv.\r\nSirens in Kyi\u0308v 🇺🇦 at dawn.\rMedics 👩🏽‍⚕️ reached Ode\u0301sa,\r\n"
            "then Kharkiv.\r\n")
    (HOSTILE / "odd_line_ends.txt").write_bytes(text.encode("utf-8"))


def huge_integer() -> None:
    """A 5,001-digit integer in a line's meta, between two good lines."""
    lines = ['{"text": "Crowds gathered in Bamako before the vote."}',
             '{"text": "A number too long to read.", "meta": {"n": ' + "9" * 5001 + "}}",
             '{"text": "Soldiers were deployed in Gao after the vote."}']
    (HOSTILE / "huge_integer.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    huge_integer()
    million_rows()
    giant_cell()
    formula_without_result()
    stray_bytes()
    odd_line_ends()
