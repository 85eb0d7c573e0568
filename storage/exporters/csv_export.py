"""The Events table as CSV (UTF-8 with BOM, ISO dates) for R, Stata and pandas.

Formula-looking text (a cell that begins with =, +, -, @, tab or CR) is written exactly as
coded. A CSV is a data file: R's read.csv, pandas.read_csv and Stata's import delimited read
the value as text and never evaluate it, and silently adding OWASP's "'" prefix would change
the data those tools see (a note "-5 killed" would read back as "'-5 killed"). The risk
OWASP describes is a spreadsheet app opening the CSV by double-click; the export summary says
how many such cells there are and points to the .xlsx, where they are stored as text cells
that Excel never evaluates. Callers that must hand a CSV to spreadsheet users can set
ExportOptions.csv_quote_formulas to get the OWASP prefix (counted as changed cells).
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from storage.exporters import Prepared, meta_cells
from storage.exporters.cells import CellCounts, blob_text, csv_text
from storage.exporters.rows import count_events
from storage.progress import CancelFn, ProgressFn


def csv_cell(value: Any, counts: CellCounts, quote_formulas: bool) -> Any:
    if value is None:
        return ""
    cls = value.__class__
    if cls is str:
        return csv_text(value, counts, quote_formulas)
    if cls is bytes:
        return csv_text(blob_text(value), counts, quote_formulas)
    if cls is bool:
        return "TRUE" if value else "FALSE"  # read as logical by R and as bool by pandas
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if cls is float:
        return repr(value)
    return value


def write_csv(prepared: Prepared, path: Path, quote_formulas: bool, progress: ProgressFn,
              cancelled: CancelFn) -> None:
    layout = prepared.layout
    counts = prepared.summary.cells
    total = count_events(prepared.repo.engine, prepared.flt)
    done = 0
    # newline="" lets the csv module write its own \r\n row ends and keep \n inside quoted cells.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(layout.headers)
        for rows in prepared.rows(cancelled):
            for row in rows:
                ev = row.record.evidence
                values = row.cells + meta_cells(row) + [ev.get(f) for f in layout.evidence]
                writer.writerow([csv_cell(v, counts, quote_formulas) for v in values])
            done += len(rows)
            progress(done, total, "events")
