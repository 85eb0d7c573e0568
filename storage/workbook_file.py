"""Opening a workbook from outside: bounds checked before parsing, formula cells found, the Events headers."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, Optional

# Bounds for a file from outside: checked before openpyxl parses anything (the zip's declared
# sizes) or while the rows stream, each a one-line error that changes nothing.
MAX_WORKBOOK_BYTES = 200 * 2**20      # the .xlsx file itself
MAX_XML_BYTES = 512 * 2**20           # all its parts unzipped (a 1 MB zip can hold a 1 GB cell)
MAX_ROWS = 200_000                    # rows of the Events sheet
MAX_COLUMNS = 1_000                   # columns of the Events sheet


class _Keep:
    """A formula cell without a saved result: the field keeps its stored value."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


class WorkbookError(ValueError):
    """The file is not a workbook this app can take back (named in the message)."""


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def check_bounds(path: Path) -> bool:
    """Refuse a workbook too large to take back before parsing it; True when a worksheet
    holds formulas (their results need a second look, see _formula_cells)."""
    try:
        size = path.stat().st_size
        if size > MAX_WORKBOOK_BYTES:
            raise WorkbookError(f"{path.name}: {size / 2**20:.0f} MB is more than the "
                                f"{MAX_WORKBOOK_BYTES // 2**20} MB a workbook may have")
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            unzipped = sum(i.file_size for i in infos)
            if unzipped > MAX_XML_BYTES:
                raise WorkbookError(f"{path.name}: its parts unzip to {unzipped / 2**20:.0f} MB, more than the "
                                    f"{MAX_XML_BYTES // 2**20} MB a workbook may have (a zip bomb or a giant cell)")
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with z.open(info) as fh:  # reads at most the declared size
                        tail = b""
                        while chunk := fh.read(1 << 20):
                            if _FORMULA_TAG.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise WorkbookError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    return False


def open_events(path: Path, data_only: bool = True) -> tuple[Any, Any]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise WorkbookError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    if "Events" not in wb.sheetnames:
        wb.close()
        raise WorkbookError(f"{path.name}: not a workbook exported by Chronicler (it has no 'Events' sheet; "
                            f"its sheets are {', '.join(wb.sheetnames) or 'none'})")
    return wb, wb["Events"]


def event_headers(path: Path, row: Optional[Iterable[Any]]) -> list[str]:
    headers = [str(h).strip() if h is not None else "" for h in (row or ())]
    missing = [h for h in ("event_uid", "article_id") if h not in headers]
    if missing:
        raise WorkbookError(f"{path.name}: the Events sheet is not a Chronicler export (no "
                            f"{' or '.join(missing)} column in its first row)")
    named = [h for h in headers if h]
    dupes = sorted({h for h in named if named.count(h) > 1})
    if dupes:
        raise WorkbookError(f"{path.name}: the Events sheet has the column {', '.join(dupes)} twice")
    return headers


def formula_cells(values: tuple[Any, ...], cells: Iterable[Any]) -> tuple[tuple[Any, ...], int]:
    """The row's values with each formula cell that has no saved result marked KEEP: its
    cached value is what the user saw, but no value at all must not clear a field."""
    out = list(values)
    kept = 0
    for i, cell in enumerate(cells):
        if i < len(out) and getattr(cell, "data_type", None) == "f" and out[i] is None:
            out[i] = KEEP
            kept += 1
    return tuple(out), kept
