"""The agreement report as a workbook: a summary, alpha per field with a bar chart, the matched
pairs side by side (differences marked) and the events only one coder found. No formulas."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from coding.agreement import AgreementReport, comparable
from coding.matching import CodedEvent

BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
DIFF_FILL = PatternFill("solid", fgColor="F8CBAD")


def _cell_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return str(value)
    return value


def _put(ws: Any, row: int, column: int, value: Any, fill: Optional[PatternFill] = None) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = _cell_value(value)
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"  # text that looks like a formula stays text: no formula in any cell
    if fill is not None:
        cell.fill = fill


def _header(ws: Any, row: int, headers: Sequence[str]) -> None:
    for i, h in enumerate(headers, 1):
        _put(ws, row, i, h)
        ws.cell(row=row, column=i).font, ws.cell(row=row, column=i).fill = HEADER_FONT, HEADER_FILL


def _widths(ws: Any, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _summary(ws: Any, report: AgreementReport) -> None:
    ws.title = "Summary"
    rows: list[tuple[str, Any]] = [("coders", ", ".join(report.coders)), ("articles coded by two or more", report.articles),
                                   ("events matched", report.matched)]
    rows += [(f"events only {c} coded", n) for c, n in report.only.items()]
    rows.append(("event F1 = 2m / (2m + only)", report.f1))
    for r, (label, value) in enumerate(rows, 1):
        _put(ws, r, 1, label)
        ws.cell(row=r, column=1).font = BOLD
        _put(ws, r, 2, value)
    start = len(rows) + 2
    _header(ws, start, ["coder A", "coder B", "articles", "matched", "only A", "only B", "F1"])
    for r, p in enumerate(report.pairs, start + 1):
        for c, v in enumerate([p.coders[0], p.coders[1], len(p.articles), len(p.matched), len(p.only_a),
                               len(p.only_b), p.f1], 1):
            _put(ws, r, c, v)
    _widths(ws, [32, 14, 10, 10, 10, 10, 10])


def _fields(ws: Any, report: AgreementReport) -> None:
    headers = ["field", "level", "alpha", "pairs (n)", "one value missing", "share equal", "note"]
    headers += [f"alpha {p.coders[0]}-{p.coders[1]}" for p in report.pairs]
    _header(ws, 1, headers)
    for r, (name, score) in enumerate(report.fields.items(), 2):
        values = [name, score.level, score.alpha, score.n, score.missing, score.agreement, score.note]
        values += [p.fields[name].alpha for p in report.pairs]
        for c, v in enumerate(values, 1):
            _put(ws, r, c, v)
    ws.freeze_panes = "B2"
    _widths(ws, [18, 10, 10, 10, 18, 12, 40] + [16] * len(report.pairs))
    n = len(report.fields)
    if n:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Krippendorff's alpha per field (all coder pairs)"
        chart.y_axis.title = "alpha"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = -1.0, 1.0
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.legend = None
        chart.height, chart.width = max(7.5, 0.6 * n), 18
        ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")


def _pairs(ws: Any, report: AgreementReport) -> None:
    names = report.shown
    headers = ["article_id", "coder A", "event A", "coder B", "event B", "fields differing"]
    for name in names:
        headers += [f"{name} A", f"{name} B"]
    _header(ws, 1, headers)
    r = 2
    for p in report.pairs:
        for m in p.matched:
            fixed = [m.article_id, p.coders[0], m.a.uid, p.coders[1], m.b.uid]
            cells: list[tuple[Any, Any, bool]] = []
            for name in names:
                va, vb = m.a.values.get(name), m.b.values.get(name)
                level = report.levels.get(name)
                differs = comparable(va, level) != comparable(vb, level) if level else va != vb
                cells.append((va, vb, differs))
            for c, v in enumerate(fixed + [sum(d for _, _, d in cells)], 1):
                _put(ws, r, c, v)
            for k, (va, vb, differs) in enumerate(cells):
                fill = DIFF_FILL if differs else None
                _put(ws, r, 7 + 2 * k, va, fill)
                _put(ws, r, 8 + 2 * k, vb, fill)
            r += 1
    ws.freeze_panes = "G2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(r - 1, 1)}"
    _widths(ws, [10, 10, 34, 10, 34, 10] + [16] * (2 * len(names)))


def _unmatched(ws: Any, report: AgreementReport) -> None:
    names = report.shown
    _header(ws, 1, ["article_id", "coder", "event", "not found by"] + names)
    r = 2
    for p in report.pairs:
        lone: list[tuple[CodedEvent, str]] = [(e, p.coders[1]) for e in p.only_a] + [(e, p.coders[0]) for e in p.only_b]
        for event, other in lone:
            for c, v in enumerate([event.article_id, event.coder, event.uid, other]
                                  + [event.values.get(n) for n in names], 1):
                _put(ws, r, c, v)
            r += 1
    ws.freeze_panes = "E2"
    _widths(ws, [10, 10, 34, 12] + [16] * len(names))


def write_agreement_xlsx(report: AgreementReport, out: Path) -> None:
    """Written beside the target and renamed, so a failure leaves no half file."""
    wb = Workbook()
    _summary(wb.active, report)
    _fields(wb.create_sheet("Fields"), report)
    _pairs(wb.create_sheet("Pairs"), report)
    _unmatched(wb.create_sheet("Only one coder"), report)
    tmp = out.with_name(f".{out.name}.part")
    try:
        wb.save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
