"""Re-import of an exported workbook (or Events CSV) edited by hand: uid rows update their events, new rows add events.

Every row is checked before anything is written: a row with an invalid value (bad date,
non-integer in an integer column, value outside the codebook's list, unknown article or
event) is reported by row number and column and changes nothing. The valid rows are then
applied in one transaction, so an import lands whole or (on a disk or lock error) not at
all. Derived columns (year, interaction...) are recomputed by the app on export, so edits
to them are ignored; evidence spans are kept.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from sqlmodel import col, select

from storage.db import read_session, write_session
from storage.exporters.cells import EXCEL_MAX_CHARS, workbook_text
from storage.exporters.columns import (
    EVIDENCE_PREFIX, META_COLUMNS, FieldColumn, definition_columns, find_definition, stored_definitions,
)
from storage.exporters.labels import from_text
from storage.exporters.rows import as_date, as_int, to_date, to_int, to_number
from storage.models import Article, Event, utcnow
from storage.progress import CancelFn, Cancelled, ProgressFn, never_cancel, no_progress
from storage.repository import event_fields, set_event_field
from storage.workbook_file import (
    KEEP, MAX_COLUMNS, MAX_ROWS, WorkbookError, check_bounds, event_headers, formula_cells, open_events,
)

# validate(values, article) -> problems ("field: message"); callers pass coding's validator.
Validator = Callable[[dict[str, Any], Any], list[str]]
CHUNK = 500
MAX_REPORTED = 100                    # row problems listed one by one; the rest are counted


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class WorkbookImportReport:
    path: Path
    updated: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    more_rows_rejected: int = 0   # rejected rows past the first MAX_REPORTED problems

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def add_problems(self, found: list[RowProblem]) -> None:
        if len(self.problems) >= MAX_REPORTED:
            self.more_rows_rejected += len({p.row for p in found})
            return
        self.problems.extend(found)

    def problem_lines(self) -> list[str]:
        lines = [str(p) for p in self.problems]
        if self.more_rows_rejected:
            lines.append(f"and {self.more_rows_rejected} more rows rejected (nothing changed for them)")
        return lines

    def describe(self) -> str:
        text = f"{self.path.name}: updated {self.updated} events, added {self.created}, {self.unchanged} unchanged"
        if self.problems:
            text += f"; {len(self.rejected_rows) + self.more_rows_rejected} rows rejected (nothing changed for them): "
            text += "; ".join(str(p) for p in self.problems[:20])
            if len(self.problems) > 20 or self.more_rows_rejected:
                text += f"; and {len(self.problems) - min(20, len(self.problems)) + self.more_rows_rejected} more"
        return text + "".join(f"; {n}" for n in self.notes)


# ---- cell values ------------------------------------------------------------------------
def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


_STRICT: dict[str, tuple[Callable[[Any], Any], str]] = {
    "date": (to_date, "'{}' is not a date (use a date cell or YYYY-MM-DD)"),
    "integer": (to_int, "'{}' is not a whole number"),
    "number": (to_number, "'{}' is not a number"),
}


def parse_cell(column: FieldColumn, v: Any) -> Any:
    """The typed value of a cell, or ValueError with the message for the report. A multiple
    field's cell gives a list; an inter column takes its code or its text label."""
    if _empty(v):
        return None
    if column.multiple:
        items = [parse_one(column, x) for x in str(v).split(column.separator)] if isinstance(v, str) else [parse_one(column, v)]
        return [x for x in items if x is not None] or None
    return parse_one(column, v)


def parse_one(column: FieldColumn, v: Any) -> Any:
    if _empty(v):
        return None
    if column.texts and isinstance(v, str) and not v.strip().lstrip("-").isdigit():
        code = from_text(column, v)
        if code is None:
            raise ValueError(f"'{v}' is neither a code nor a label of {column.name}")
        return code
    if column.kind in _STRICT:
        convert, message = _STRICT[column.kind]
        try:
            return convert(v)
        except (ValueError, TypeError, OverflowError):
            raise ValueError(message.format(v)) from None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if column.type == "extra" and isinstance(v, (int, float)):
        return v  # extra fields keep the JSON type they were exported with
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # "123" typed into a text column comes back as a number
    return v if isinstance(v, str) else str(v)


def same_value(column: FieldColumn, stored: Any, new: Any) -> bool:
    """Whether a cell still holds the stored value as the export wrote it."""
    if _empty(stored) and new is None:
        return True
    if stored is None or new is None:
        return False
    if column.kind == "date":
        return as_date(stored) == new
    if column.kind == "integer":
        return as_int(stored) == new
    if column.kind == "number":
        try:
            return math.isclose(float(stored), new, rel_tol=1e-12, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    if isinstance(stored, (list, dict)):
        # Written as its JSON text (exporters.rows.as_text): that text read back is no edit.
        return new == json.dumps(stored, ensure_ascii=False) or new == stored
    if isinstance(stored, str) and isinstance(new, str):
        # Text the export cut or cleaned, or whose CR the XML dropped, is not an edit.
        def norm(t: str) -> str:
            return t.replace("\r\n", "\n").replace("\r", "\n")
        return norm(workbook_text(stored)) == norm(new) or norm(stored) == norm(new)
    return stored == new or str(stored) == str(new)


# ---- the workbook ------------------------------------------------------------------------
# How a gold cell reads back: Excel's TRUE/FALSE, or what a person types.
GOLD_WORDS = {"": False, "false": False, "0": False, "no": False, "true": True, "1": True, "yes": True}

@dataclass
class _Op:
    row: int
    event_id: Optional[int]       # None: a new event
    article_id: int
    changes: dict[str, Any]
    coder: Optional[str]
    codebook: tuple[str, str]
    gold: Optional[tuple[bool, list[str]]] = None  # (gold, sources) when the row changes them


class _Checker:
    """Turns rows into operations or problems, with the codebook columns of each event."""

    def __init__(self, repo: Any, headers: list[str], validate: Optional[Validator]) -> None:
        self.repo = repo
        self.validate = validate
        self.stored = stored_definitions(repo)
        self.fields = [h for h in headers if h and h not in META_COLUMNS and not h.startswith(EVIDENCE_PREFIX)]
        self.index = {h: i for i, h in enumerate(headers) if h}
        self._columns: dict[tuple[str, str], dict[str, FieldColumn]] = {}
        self.default_book = self._default_book()
        self.cell_limit: Optional[int] = EXCEL_MAX_CHARS  # a CSV has no cell limit: None

    def _default_book(self) -> tuple[str, str]:
        definition = find_definition(self.stored, "acled", "1")
        return ("acled", str((definition or {}).get("version") or "1"))

    def columns(self, book: tuple[str, str]) -> dict[str, FieldColumn]:
        if book not in self._columns:
            cols = {c.name: c for c in definition_columns(find_definition(self.stored, *book))}
            self._columns[book] = cols
        return self._columns[book]

    def cell(self, row: tuple[Any, ...], name: str) -> Any:
        i = self.index.get(name)
        return row[i] if i is not None and i < len(row) else None

    def check(self, n: int, row: tuple[Any, ...], event: Optional[Event], article: Optional[Article],
              reject: Callable[[list[RowProblem]], None]) -> Optional[_Op]:
        bad: list[RowProblem] = []
        raw_article = self.cell(row, "article_id")
        if event is not None:
            book = (event.codebook_name, event.codebook_version)
            current = event_fields(event)
            if not _empty(raw_article) and as_int(raw_article) != event.article_id:
                bad.append(RowProblem(n, "article_id", f"the event belongs to article {event.article_id}; "
                                      "an event cannot move to another article"))
        else:
            book = self._book_of(self.cell(row, "codebook"))
            current = {}
        columns = self.columns(book)
        changes: dict[str, Any] = {}
        column: Optional[FieldColumn]  # None only in the codebook check below
        for name in self.fields:
            column = columns.get(name) or FieldColumn(name=name, type="extra")
            raw = self.cell(row, name)
            if raw is KEEP:
                continue
            if self.cell_limit is not None and isinstance(raw, str) and len(raw) > self.cell_limit:
                # No spreadsheet app writes such a cell (our export cuts to the limit).
                bad.append(RowProblem(n, name, f"{len(raw):,} characters, more than the {self.cell_limit:,} "
                                      "a cell may hold"))
                continue
            try:
                value = parse_cell(column, raw)
            except ValueError as exc:
                bad.append(RowProblem(n, name, str(exc)))
                continue
            if event is not None and same_value(column, current.get(name), value):
                continue
            if column.derived:
                # The export fills derived columns (through the caller's hook) whether or not
                # they are stored, so a difference here is not a user's edit: never imported.
                continue
            if event is None and value is None:
                continue
            changes[name] = value
        merged = {**current, **changes}
        # A changed value must be in its list; so must a dependent value whose parent changed
        # (sub_event_type after an event_type edit).
        to_check = set(changes) | {c.name for c in columns.values() if c.depends_on in changes}
        for name in (n for n in dict.fromkeys([*columns, *changes]) if n in to_check):
            column, value = columns.get(name), merged.get(name)
            allowed = column.allowed(merged) if column is not None else ()
            if allowed and value is not None and any(v not in allowed for v in (value if isinstance(value, list) else [value])):
                assert column is not None  # only a column gives allowed values
                bad.append(RowProblem(n, name, f"'{value}' is not in the codebook's list"
                                      + (f" for {column.depends_on} '{merged.get(column.depends_on)}'"
                                         if column.depends_on and merged.get(column.depends_on) in column.choices_by else "")))
        coder = self.cell(row, "coder")
        coder = str(coder).strip() if not _empty(coder) else None
        if event is not None and (coder is None or coder == event.coder):
            coder = None
        gold = self._gold(n, row, event, bad)
        if event is None and not changes:
            bad.append(RowProblem(n, "article_id", "a new row needs at least one field value"))
        if not bad and self.validate is not None and (changes or event is None):
            before = set(self.validate(dict(current), article)) if event is not None else set()
            new = [p for p in self.validate(dict(merged), article) if p not in before]
            for p in new:
                name, _, message = p.partition(":")
                column_name = name.strip() if message and name.strip() in self.index else "-"
                bad.append(RowProblem(n, column_name, p))
        if bad:
            reject(bad)
            return None
        if event is not None and not changes and coder is None and gold is None:
            return _Op(n, event.id, event.article_id, {}, None, book)  # unchanged
        article_id = event.article_id if event is not None else int(article.id)  # type: ignore[union-attr, arg-type]
        return _Op(n, event.id if event is not None else None, article_id, changes, coder, book, gold)

    def _gold(self, n: int, row: tuple[Any, ...], event: Optional[Event],
              bad: list[RowProblem]) -> Optional[tuple[bool, list[str]]]:
        """(gold, source uids) from the row when they differ from the event's (or it is new)."""
        if "gold" not in self.index:
            return None
        raw = self.cell(row, "gold")
        text = "" if _empty(raw) else str(raw).strip().lower()
        if text not in GOLD_WORDS:
            bad.append(RowProblem(n, "gold", f"'{raw}' is not TRUE or FALSE"))
            return None
        gold = GOLD_WORDS[text]
        cell = self.cell(row, "sources")
        sources = [] if _empty(cell) else str(cell).replace(",", " ").split()
        if event is None:
            return (gold, sources) if gold or sources else None
        if gold == event.gold and sources == list(event.sources or []):
            return None
        return gold, sources

    def _book_of(self, cell: Any) -> tuple[str, str]:
        if _empty(cell):
            return self.default_book
        name, _, version = str(cell).strip().partition("/")
        if not version:
            definition = find_definition(self.stored, name, "")
            version = str((definition or {}).get("version") or "1")
        return (name, version)


def _lookup(repo: Any, uids: list[str], article_ids: list[int]) -> tuple[dict[str, Event], dict[int, Article]]:
    with read_session(repo.engine) as s:
        events = {e.uid: e for e in s.exec(select(Event).where(col(Event.uid).in_(uids))).all()} if uids else {}
        ids = set(article_ids) | {e.article_id for e in events.values()}
        articles = {a.id: a for a in s.exec(select(Article).where(col(Article.id).in_(list(ids)))).all()} if ids else {}
    return events, articles  # type: ignore[return-value]


def _check_chunk(checker: _Checker, chunk: list[tuple[int, tuple[Any, ...]]],
                 report: WorkbookImportReport) -> list[_Op]:
    uids = [str(u).strip() for _n, r in chunk if not _empty(u := checker.cell(r, "event_uid"))]
    wanted = [a for _n, r in chunk if isinstance(a := as_int(checker.cell(r, "article_id")), int)]
    events, articles = _lookup(checker.repo, uids, wanted)
    ops = []
    for n, row in chunk:
        uid, raw_article = checker.cell(row, "event_uid"), checker.cell(row, "article_id")
        event = article = None
        if uid is KEEP or raw_article is KEEP:
            report.add_problems([RowProblem(n, "event_uid" if uid is KEEP else "article_id",
                                            "a formula without a saved result (recalculate the file in Excel)")])
            continue
        if not _empty(uid):
            event = events.get(str(uid).strip())
            if event is None:
                report.add_problems([RowProblem(n, "event_uid", f"no event '{uid}' in this workspace "
                                                "(deleted? clear the cell to add the row as a new event)")])
                continue
            article = articles.get(event.article_id)
        else:
            aid = as_int(raw_article)
            if _empty(raw_article):
                report.add_problems([RowProblem(n, "article_id", "a new row needs the id of its article")])
                continue
            if not isinstance(aid, int) or aid not in articles:
                report.add_problems([RowProblem(n, "article_id", f"no article with id '{raw_article}'")])
                continue
            article = articles[aid]
        op = checker.check(n, row, event, article, report.add_problems)
        if op is not None:
            ops.append(op)
    return ops


def _apply(repo: Any, ops: list[_Op], report: WorkbookImportReport) -> None:
    now = utcnow()
    created: list[Event] = []
    event: Optional[Event]  # None only for an edited event that is gone
    with write_session(repo.engine) as s:
        for op in ops:
            if op.event_id is None:
                event = Event(article_id=op.article_id, coder=op.coder, codebook_name=op.codebook[0],
                              codebook_version=op.codebook[1])
                for k, v in op.changes.items():
                    set_event_field(event, k, v)
                if op.gold is not None:
                    event.gold, event.sources = op.gold
                s.add(event)
                created.append(event)
            elif op.changes or op.coder or op.gold is not None:
                event = s.get(Event, op.event_id)
                if event is None:
                    continue
                for k, v in op.changes.items():
                    set_event_field(event, k, v)
                if op.coder:
                    event.coder = op.coder
                if op.gold is not None:
                    event.gold, event.sources = op.gold
                event.updated_at = now
                s.add(event)
                report.updated += 1
            else:
                report.unchanged += 1
        s.flush()
        report.created = len(created)
        report.created_ids = [int(e.id) for e in created]  # type: ignore[arg-type]


def import_workbook(repo: Any, path: str | Path, validate: Optional[Validator] = None,
                    progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> WorkbookImportReport:
    """Take back an exported workbook's Events sheet, or an exported Events CSV (see the module
    docstring). A workbook is checked against the bounds first (storage.workbook_file)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        from storage.events_csv import csv_rows

        try:
            with csv_rows(path) as rows:
                return _import_rows(repo, path, rows, 0, None, validate, progress, cancelled, cell_limit=None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise WorkbookError(f"{path.name}: not a readable CSV export ({exc})") from exc
    has_formulas = check_bounds(path)
    wb, ws = open_events(path)
    formulas = open_events(path, data_only=False) if has_formulas else None
    try:
        if (ws.max_row or 0) > MAX_ROWS + 1:
            raise WorkbookError(f"{path.name}: the Events sheet has {ws.max_row - 1:,} rows, more than the "
                                f"{MAX_ROWS:,} a workbook may have")
        first = list(next(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), None) or ())
        while first and first[-1] in (None, ""):
            first.pop()  # read-only rows are padded to max_col
        if len(first) > MAX_COLUMNS:
            raise WorkbookError(f"{path.name}: the Events sheet has more than {MAX_COLUMNS:,} columns")
        width = max(1, len(first))
        rows = ws.iter_rows(values_only=True, max_col=width)
        cells = formulas[1].iter_rows(min_row=2, max_col=width) if formulas else None
        total = max(0, (ws.max_row or 1) - 1)
        return _import_rows(repo, path, rows, total, cells, validate, progress, cancelled)
    finally:
        wb.close()
        if formulas:
            formulas[0].close()


def _import_rows(repo: Any, path: Path, rows: Iterator[tuple[Any, ...]], total: int, cells: Optional[Iterator[Any]],
                 validate: Optional[Validator], progress: ProgressFn, cancelled: CancelFn,
                 cell_limit: Optional[int] = EXCEL_MAX_CHARS) -> WorkbookImportReport:
    """The rows after the header row become operations (or problems), then one transaction.
    `cells`: the same rows with their formulas (a formula without a saved result keeps its field)."""
    report = WorkbookImportReport(path)
    checker = _Checker(repo, event_headers(path, next(rows, None)), validate)
    checker.cell_limit = cell_limit
    ops: list[_Op] = []
    chunk: list[tuple[int, tuple[Any, ...]]] = []
    kept = 0
    for n, row in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            raise WorkbookError(f"{path.name}: the Events sheet has more than the {MAX_ROWS:,} rows "
                                "a workbook may have; nothing was imported")
        if cells is not None:
            row, n_kept = formula_cells(row, next(cells, ()))
            kept += n_kept
        if all(_empty(v) for v in row):
            continue
        chunk.append((n, row))
        if len(chunk) >= CHUNK:
            if cancelled():
                raise Cancelled(f"{path.name}: import cancelled; nothing changed")
            ops.extend(_check_chunk(checker, chunk, report))
            progress(n - 1, total, "checking rows")
            chunk = []
    if chunk:
        ops.extend(_check_chunk(checker, chunk, report))
    if kept:
        report.notes.append(f"{kept} formula cell{'s' if kept != 1 else ''} without a saved result (the file "
                            "was never recalculated) left their fields as they were")
    _apply(repo, ops, report)
    progress(total, total, "done")
    return report


def import_workbook_path(repo: Any, path: str | Path,
                         validate: Optional[Validator] = None) -> tuple[int, int, list[str]]:
    """For storage.importers' .xlsx dispatch: (events added, events updated, failure messages).
    The messages do not repeat the file name (the importer's failure names the file)."""
    path = Path(path)
    try:
        report = import_workbook(repo, path, validate)
    except WorkbookError as exc:
        return 0, 0, [str(exc).removeprefix(f"{path.name}: ")]
    return report.created, report.updated, report.problem_lines() + report.notes


__all__ = ["RowProblem", "WorkbookError", "WorkbookImportReport", "import_workbook", "import_workbook_path"]
