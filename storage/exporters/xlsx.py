"""The Excel workbook: Events, Articles, Entities, Codebook sheets (and a hidden Lists sheet), streamed."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from storage.exporters import EventRow, Prepared, meta_cells
from storage.exporters.cells import (
    EXCEL_MAX_CHARS, CellCounts, cut_to_excel, sheet_offset, sheet_text, text_cell, workbook_text, xlsx_row,
)
from storage.exporters.columns import FieldColumn, definition_columns
from storage.exporters.rows import article_ids
from storage.models import Article, EntitySpan
from storage.progress import CancelFn, ProgressFn

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
HEADER_ALIGN = Alignment(vertical="top")
MAX_WIDTH, MIN_WIDTH = 60, 8
LAST_ROW = 1_048_576
ARTICLE_HEADERS = ["id", "title", "source", "url", "published", "status", "language", "imported_at", "n_events", "text"]
ENTITY_HEADERS = ["article_id", "start", "end", "text", "label", "origin", "state", "coder", "model"]
CODEBOOK_HEADERS = ["codebook", "field", "label", "type", "required", "depends_on", "when", "choices", "help"]


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 19 if isinstance(value, dt.datetime) else 11
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def start_sheet(ws: Any, headers: Sequence[str], sample: Iterable[Sequence[Any]] = ()) -> None:
    """Widths (write-only mode needs them before any row), frozen styled header."""
    widths = [len(h) + 3 for h in headers]  # room for the filter button
    for row in sample:
        for i, v in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _width(v) + 2)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(MIN_WIDTH, min(MAX_WIDTH, w))
    ws.freeze_panes = "A2"
    cells = []
    for h in headers:
        # Header names come from codebooks and extra-field keys: untrusted text, never a formula.
        c = text_cell(ws, workbook_text(h)) if isinstance(h, str) else WriteOnlyCell(ws, value=h)
        c.font, c.fill, c.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        cells.append(c)
    ws.append(cells)


def end_sheet(ws: Any, n_columns: int, n_rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, n_columns))}{n_rows + 1}"


def _event_cells(ws: Any, row: EventRow, evidence: Sequence[str], counts: CellCounts) -> list[Any]:
    ev = row.record.evidence
    return xlsx_row(ws, row.cells + meta_cells(row) + [ev.get(f) for f in evidence], counts)


def write_lists(wb: Workbook, fields: Sequence[FieldColumn]) -> dict[str, str]:
    """The hidden Lists sheet: one column per vocabulary; returns field -> range formula."""
    vocabularies = [(f.name, f.vocabulary()) for f in fields if f.vocabulary()]
    ws = wb.create_sheet("Lists")
    ws.sheet_state = "hidden"
    # Names and choices are codebook data: written through the same rules as any cell.
    counts = CellCounts()
    ws.append([text_cell(ws, workbook_text(name)) for name, _ in vocabularies])
    depth = max((len(v) for _, v in vocabularies), default=0)
    for i in range(depth):
        ws.append(xlsx_row(ws, [v[i] if i < len(v) else None for _, v in vocabularies], counts))
    return {name: f"Lists!${get_column_letter(i)}$2:${get_column_letter(i)}${len(v) + 1}"
            for i, (name, v) in enumerate(vocabularies, 1)}


def add_validations(ws: Any, fields: Sequence[FieldColumn], ranges: dict[str, str]) -> None:
    """Drop-downs on choice columns so edits made in Excel stay in the vocabulary."""
    for i, f in enumerate(fields, 1):
        if f.name not in ranges or f.derived or f.multiple:  # "a; b" is no single list item
            continue
        dv = DataValidation(type="list", formula1=ranges[f.name], allow_blank=True, showErrorMessage=True,
                            errorTitle="Not in the codebook", error=f"{f.name}: pick a value from the list")
        letter = get_column_letter(i)
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.data_validations.append(dv)


def write_codebook(ws: Any, prepared: Prepared, counts: CellCounts) -> None:
    rows: list[list[Any]] = []
    for name, version, definition in prepared.definitions:
        book = f"{name}/{version}" if definition else f"{name}/{version} (core fields: no definition found)"
        specs = definition.get("fields", []) if definition else [{"name": c.name, "type": c.kind} for c in definition_columns(None)]
        for spec in specs:
            if not isinstance(spec, dict):
                continue
            base = [book, spec.get("name"), spec.get("label") or "", spec.get("type") or "text",
                    bool(spec.get("required")), spec.get("depends_on") or ""]
            rows.append(base + ["", _choices_text(spec.get("choices")), spec.get("help") or ""])
            choices_by = spec.get("choices_by")
            for when, items in (choices_by.items() if isinstance(choices_by, dict) else ()):
                rows.append(base + [when, _choices_text(items), ""])
    start_sheet(ws, CODEBOOK_HEADERS, rows[:200])
    for r in rows:
        ws.append(xlsx_row(ws, r, counts))
    end_sheet(ws, len(CODEBOOK_HEADERS), len(rows))


def _choices_text(items: Any) -> str:
    out = []
    for item in items or ():
        if isinstance(item, dict):
            label, value = item.get("label"), item.get("value")
            out.append(str(label) if label and str(value) in str(label) else f"{value} ({label})" if label else str(value))
        elif item not in ("", None):
            out.append(str(item))
    return "; ".join(out)


def _naive(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value


def write_articles_and_entities(prepared: Prepared, ws_a: Any, ws_e: Any, counts: CellCounts,
                                progress: ProgressFn, cancelled: CancelFn) -> None:
    engine = prepared.repo.engine
    a, s = Article.__table__.c, EntitySpan.__table__.c
    start_sheet(ws_a, ARTICLE_HEADERS)
    start_sheet(ws_e, ENTITY_HEADERS)
    n_articles = n_spans = beyond = 0
    n_events = prepared.article_counts
    for ids in article_ids(engine, prepared.flt, set(n_events)):
        if cancelled():
            return
        with engine.connect() as conn:
            arts = conn.execute(select(a.id, a.title, a.source, a.url, a.published, a.status, a.language,
                                       a.imported_at, a.text).where(a.id.in_(ids)).order_by(a.id)).all()
            spans = conn.execute(
                select(s.article_id, s.start, s.end, s.label, s.origin, s.state, s.coder, s.model_name)
                .where(s.article_id.in_(ids)).order_by(s.article_id, s.start, s.end)).all()
        # Offsets point into the text as this sheet writes it (see sheet_text).
        written: dict[int, tuple[str, list[int], int]] = {}
        for r in arts:
            text, dropped = sheet_text(r[8] or "", counts)
            written[r[0]] = (text, dropped, len(cut_to_excel(text)))
            row = [r[0], r[1], r[2], r[3], r[4], r[5], r[6], _naive(r[7]), n_events.get(r[0], 0), text]
            ws_a.append(xlsx_row(ws_a, row, counts))
        for r in spans:
            text, dropped, held = written[r[0]]
            start, end = sheet_offset(r[1], dropped), sheet_offset(r[2], dropped)
            if end > held:
                beyond += 1
            ws_e.append(xlsx_row(ws_e, [r[0], start, end, text[start:end], *r[3:]], counts))
        n_articles += len(arts)
        n_spans += len(spans)
        progress(n_articles, 0, "articles")
    prepared.summary.entities = n_spans
    if beyond:
        prepared.summary.notes.append(
            f"{beyond} entit{'y lies' if beyond == 1 else 'ies lie'} past the {EXCEL_MAX_CHARS:,} characters of "
            "its article an Excel cell holds (the JSONL export has every text whole)")
    end_sheet(ws_a, len(ARTICLE_HEADERS), n_articles)
    end_sheet(ws_e, len(ENTITY_HEADERS), n_spans)


def write_xlsx(prepared: Prepared, path: Path, progress: ProgressFn, cancelled: CancelFn) -> None:
    from storage.exporters.rows import count_events

    layout = prepared.layout
    counts = prepared.summary.cells
    total = count_events(prepared.repo.engine, prepared.flt)
    wb = Workbook(write_only=True)
    # The file holds no formula: nothing to recalculate, so do not ask Excel to on opening.
    wb.calculation.fullCalcOnLoad = False
    ws = wb.create_sheet("Events")
    ws_a, ws_e, ws_c = wb.create_sheet("Articles"), wb.create_sheet("Entities"), wb.create_sheet("Codebook")
    ranges = write_lists(wb, layout.fields)
    add_validations(ws, layout.fields, ranges)
    headers = layout.headers
    chunks = prepared.rows(cancelled)
    first = next(chunks, [])
    # Write-only mode needs the widths before the first row: they come from the first chunk.
    start_sheet(ws, headers, ([r.cells + meta_cells(r) + [r.record.evidence.get(f) for f in layout.evidence]
                               for r in first[:300]]))
    done = 0
    rows: list[EventRow] = first
    del first
    while rows:
        for row in rows:
            ws.append(_event_cells(ws, row, layout.evidence, counts))
        done += len(rows)
        progress(done, total, "events")
        rows = []  # let the chunk go before the next one is fetched
        rows = next(chunks, [])
    end_sheet(ws, len(headers), done)
    if not cancelled():
        write_articles_and_entities(prepared, ws_a, ws_e, counts, progress, cancelled)
        write_codebook(ws_c, prepared, counts)
    # Saved even when cancelled: saving is what closes openpyxl's temporary sheet files;
    # the caller then deletes the partial workbook.
    wb.save(path)
