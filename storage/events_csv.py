"""An Events CSV export edited by hand: telling it from a CSV of articles, and reading its rows."""
from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import Any, Iterator


def is_events_csv(path: Path) -> bool:
    """Whether a .csv is an Events export (its first row names event_uid and article_id), which
    comes back as events rather than as one article a row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader([fh.readline(64_000)]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return "event_uid" in header and "article_id" in header


@contextlib.contextmanager
def csv_rows(path: Path) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The file's rows as tuples of text (UTF-8, with or without BOM, as the export writes it)."""
    from storage.workbook_import import WorkbookError

    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise WorkbookError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    with fh:
        yield (tuple(row) for row in csv.reader(fh))
