"""Importing article files and folders into a workspace: the formats, batching, de-duplication
and a report of what was imported, skipped as duplicate, or failed (file and reason).

Formats by suffix: .txt .md .markdown (the file is the text, its first line the title),
.html .htm (visible text only), .csv (one article a row), .jsonl .ndjson (the interchange file
of storage.interchange, with spans, events and evidence). Single-article files are stored in
groups (each article whole, with all it carries, or not at all); CSV and JSONL files stream in
batches of BATCH_SIZE rows (only one batch in memory), committed together about every
COMMIT_SECONDS, so a crash keeps the transactions done and a re-run skips them as duplicates.
A large UTF-8 JSONL file is read, keyed and made into rows by a second process while this one
writes (storage.importers.reading). Cancelling stops at a batch boundary and keeps what is done
(the report says `cancelled`).
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import IO, Any, Callable, Generator, Iterable, Iterator, Mapping, Optional, Sequence, Union

from sqlalchemy.exc import SQLAlchemyError

from storage.db import sync_journal, write_session
from storage.importers.decode import FileProblem, count_lines, open_text
from storage.importers.files import collect_files, is_workspace_file
from storage.importers.records import ArticleRecord
from storage.importers.report import ImportFailure, ImportReport
from storage.importers.stream_items import RowBatch, file_items, has_stray_bytes, reader_items, start_reader
from storage.importers.store import StoreResult, article_writer, store_records, store_workspace_record
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository

BATCH_SIZE = 500
# A server workspace commits each batch (see _store_relaxed): batches this many times larger
# there spend fewer round trips (key check, ids, COPY, commit) per article.
SERVER_BATCH_FACTOR = 4
# A group of small files is also flushed once its texts reach this many characters.
BATCH_CHARS = 32_000_000
# A CSV/JSONL file's batches share one transaction until it has been open this long (or holds
# this much text). Each commit writes every page its rows touched, and the duplicate key puts
# each new text at a random place in its index: at 0.1 s a million articles took 21 s, at 0.5 s
# 15 s (100,000: 1.2 s either way). Other writers (the coder's edits, on the writer's thread)
# wait for the lock no longer than this; the first batch is committed at once.
COMMIT_SECONDS = 0.5
COMMIT_CHARS = 32_000_000
# Past this many bad lines in one file, the rest are only counted.
MAX_LINE_FAILURES = 50

SINGLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
STREAM_SUFFIXES = (".csv", ".jsonl", ".ndjson")
# An exported workbook edited in Excel comes back through storage.workbook_import (events only).
WORKBOOK_SUFFIXES = (".xlsx",)
SUPPORTED_SUFFIXES = SINGLE_SUFFIXES + STREAM_SUFFIXES + WORKBOOK_SUFFIXES
# reader(path) -> storage.formats.ToolRead, for a tool format storage cannot read itself (spaCy).
ToolReader = Callable[[Path], Any]


def _read_single(path: Path) -> ArticleRecord:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from storage.importers.html import read_html_article

        return read_html_article(path)
    from storage.importers.text import read_text_article

    return read_text_article(path)


class _Importer:
    """One run of import_paths: the report, progress, and the group of small files pending."""

    def __init__(self, repo: Repository, progress: ProgressFn, cancelled: CancelFn, total: int) -> None:
        self.repo, self.progress, self.cancelled, self.total = repo, progress, cancelled, total
        self.report = ImportReport()
        self.done = 0
        self.pending: list[tuple[Path, ArticleRecord]] = []
        self.pending_chars = 0

    def fail(self, path: Path | str, reason: str) -> None:
        self.report.failures.append(ImportFailure(str(path), reason))

    def _store(self, records: Sequence[ArticleRecord], on_error: Callable[[str], None]) -> bool:
        try:
            result = store_records(self.repo, records)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            on_error(f"not stored: the workspace refused the write ({getattr(exc, 'orig', None) or exc})")
            return False
        self._account(result)
        return True

    def _account(self, result: StoreResult) -> None:
        self.report.imported += len(result.added)
        self.report.duplicates += result.duplicates
        self.report.article_ids.extend(result.added)

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending, self.pending_chars = self.pending, [], 0

        def on_error(reason: str) -> None:
            for path, _ in batch:
                self.fail(path, reason)

        self._store([rec for _, rec in batch], on_error)

    def single(self, path: Path) -> None:
        try:
            record = _read_single(path)
        except FileProblem as exc:
            self.fail(path, str(exc))
        except Exception as exc:  # a file must never crash the import: name it and go on
            self.fail(path, f"could not be read ({type(exc).__name__}: {exc})")
        else:
            self.pending.append((path, record))
            self.pending_chars += len(record.text)
            if len(self.pending) >= BATCH_SIZE or self.pending_chars >= BATCH_CHARS:
                self.flush()
        self.done += 1
        self.progress(self.done, self.total, path.name)

    def workbook(self, path: Path) -> None:
        self.flush()
        try:
            from storage.workbook_import import import_workbook_path

            created, updated, messages = import_workbook_path(self.repo, path)
        except Exception as exc:  # a file must never crash the import
            created, updated, messages = 0, 0, [f"could not be read ({type(exc).__name__}: {exc})"]
        self.report.events_created += created
        self.report.events_updated += updated
        for message in messages:
            self.fail(path, message)
        self.done += 1
        self.progress(self.done, self.total, path.name)

    def tool_file(self, path: Path, fmt: str, readers: Optional[Mapping[str, ToolReader]]) -> None:
        """Another tool's file (storage.formats): read whole, then stored in one transaction."""
        from storage.formats import FormatProblem, read_tool_file

        self.flush()
        try:
            read = read_tool_file(path, fmt, readers)
        except FormatProblem as exc:
            self.fail(path, f"{fmt}: {exc}")
            return
        except Exception as exc:  # a file must never crash the import: name it and go on
            self.fail(path, f"{fmt}: could not be read ({type(exc).__name__}: {exc})")
            return
        if self._store(read.records, lambda reason: self.fail(path, reason)):
            self.report.notes.extend(f"{path.name}: {note}" if not note.startswith(path.name) else note
                                     for note in read.notes)

    def streamed(self, path: Path, lines: int) -> None:
        """A CSV or JSONL file, in batches; bad lines are reported and skipped."""
        self.flush()
        start_done = self.done
        try:
            stream, encoding = open_text(path)
        except FileProblem as exc:
            self.fail(path, str(exc))
        else:
            with stream:
                self._stream(path, stream, encoding, start_done, lines)
        self.done = start_done + lines
        self.progress(self.done, self.total, path.name)

    def _stream(self, path: Path, stream: IO[str], encoding: str, start_done: int, lines: int) -> None:
        # A server workspace is written in batches of its own size, by one process.
        reader = None if self.repo.is_server else start_reader(path, stream, encoding, lines, BATCH_SIZE)
        items = file_items(path, stream, encoding) if reader is None else reader_items(reader, path, stream, encoding)
        batches = self._batches(path, items, encoding)
        try:
            self._store_batches(path, batches, start_done, lines)
        finally:
            batches.close()
            if reader is not None:
                reader.close()

    def _batches(self, path: Path, items: Iterator[tuple[int, Any]],
                 encoding: str) -> Generator[tuple[str, Any, int], None, None]:
        """The file's items into ("articles", (records, chars), last line) batches, ("rows",
        RowBatch, last line) from a reading process, and ("record", payload, line) workspace
        records. Bad lines are reported here; a problem that ends the file is reported and the
        rows read before it still come (whole and valid)."""
        batch: list[ArticleRecord] = []
        chars = bad = line_no = batch_line = 0
        # Only text read through surrogate escapes can hold a stray byte: the UTF-8 JSONL path
        # parses bytes strictly and reports a bad byte as its line's problem already, so the
        # check (a regex over every field, a quarter of the import's time) is skipped there.
        escaped = not (encoding == "utf-8" and path.suffix.lower() != ".csv")
        size = BATCH_SIZE * SERVER_BATCH_FACTOR if self.repo.is_server else BATCH_SIZE
        try:
            for line_no, item in items:
                if escaped and isinstance(item, ArticleRecord) and has_stray_bytes(item):
                    item = "bytes that are not UTF-8 in this line; line skipped"
                if isinstance(item, ArticleRecord):
                    batch.append(item)
                    chars, batch_line = chars + len(item.text), line_no
                    if len(batch) >= size or chars >= BATCH_CHARS:
                        yield "articles", (batch, chars), line_no
                        batch, chars = [], 0
                elif isinstance(item, RowBatch):
                    if batch:  # in the file's order
                        yield "articles", (batch, chars), batch_line
                        batch, chars = [], 0
                    yield "rows", item, line_no
                elif isinstance(item, tuple):
                    yield "record", item, line_no
                else:
                    bad += 1
                    if bad <= MAX_LINE_FAILURES:
                        self.fail(path, f"line {line_no}: {item}")
        except FileProblem as exc:
            self.fail(path, str(exc))
        except UnicodeDecodeError:
            self.fail(path, f"line {line_no + 1}: not valid {encoding} text; the rest of the file was skipped")
        except OSError as exc:
            self.fail(path, f"cannot read ({exc.strerror or exc})")
        except Exception as exc:  # a file must never crash the import: name it and go on
            self.fail(path, f"line {line_no + 1}: could not be read ({type(exc).__name__}: {exc}); "
                            "the rest of the file was skipped")
        finally:
            if bad > MAX_LINE_FAILURES:
                self.fail(path, f"... and {bad - MAX_LINE_FAILURES} more bad lines")
        if batch:
            yield "articles", (batch, chars), line_no

    def _store_batches(self, path: Path, batches: Iterator[tuple[str, Any, int]], start_done: int,
                       lines: int) -> None:
        relaxed: list[bool] = []
        try:
            self._store_relaxed(path, batches, start_done, lines, relaxed)
        finally:
            if any(relaxed):  # the file's batches durable at once, as a FULL commit of each would be
                sync_journal(self.repo.engine)

    def _store_relaxed(self, path: Path, batches: Iterator[tuple[str, Any, int]], start_done: int,
                       lines: int, relaxed: list[bool]) -> None:
        """Article batches go into transactions of several batches (see COMMIT_SECONDS); progress
        and cancel are checked after each batch, and a cancel commits what is done. Workspace
        records are stored between transactions. The first batch is committed at once, so the
        app shows the first articles (and a crash keeps them) while the rest come."""
        item = next(batches, None)
        hold = 0.0  # seconds the current transaction may stay open
        while item is not None:
            (kind, payload, line_no), item = item, None  # one batch in memory at a time
            if kind == "record":
                self._workspace_record(path, line_no, payload)
                item = next(batches, None)
                continue
            written: list[StoreResult] = []
            chars = 0
            try:
                # Commits that do not wait for the disk (each would be an fsync): the journal is
                # synced once at the end.
                relaxed.append(not self.repo.is_server)
                with write_session(self.repo.engine, relaxed=True) as session:
                    writer, opened = article_writer(session), time.monotonic()
                    while True:
                        if kind == "rows":
                            written.append(writer.add_rows(payload.rows, payload.duplicates))
                            chars += payload.chars
                        else:  # (records, chars), not bound to names: they go with the payload
                            written.append(writer.add(payload[0]))
                            chars += payload[1]
                        payload = None  # the records are in the workspace: let them go
                        self.done = start_done + min(line_no, lines)
                        self.progress(self.done, self.total, f"{path.name}: line {line_no}")
                        if self.cancelled():
                            self.report.cancelled = True
                            break
                        if time.monotonic() - opened >= hold or chars >= COMMIT_CHARS:
                            break
                        item = next(batches, None)
                        if item is None or item[0] == "record":
                            break
                        (kind, payload, line_no), item = item, None
            except (SQLAlchemyError, sqlite3.Error) as exc:
                self.fail(path, f"rows up to line {line_no} not stored: the workspace refused the write "
                                f"({getattr(exc, 'orig', None) or exc})")
                return
            except Exception as exc:  # a file must never crash the import: name it and go on
                self.fail(path, f"rows up to line {line_no} not stored ({type(exc).__name__}: {exc}); "
                                "the rest of the file was skipped")
                return
            # On a server each batch is its own transaction: a commit is cheap there, and a batch's
            # keys are locked in sorted order, so importers of overlapping files never deadlock.
            hold = 0.0 if self.repo.is_server else COMMIT_SECONDS
            for result in written:  # counted once committed
                self._account(result)
            if self.report.cancelled:
                return
            if item is None:  # the transaction ended on time, before reading on (or at the end)
                item = next(batches, None)

    def _workspace_record(self, path: Path, line_no: int, item: tuple) -> None:  # type: ignore[type-arg]
        try:
            store_workspace_record(self.repo, *item)
        except SQLAlchemyError as exc:
            self.fail(path, f"line {line_no}: {item[0]} not stored ({getattr(exc, 'orig', None) or exc})")


def _is_events_csv(path: Path) -> bool:
    from storage.events_csv import is_events_csv

    return is_events_csv(path)


def import_paths(repo: Repository, paths: Iterable[Union[str, Path]], progress: ProgressFn = no_progress,
                 cancelled: CancelFn = never_cancel, from_format: Optional[str] = None,
                 readers: Optional[Mapping[str, ToolReader]] = None) -> ImportReport:
    """Import files and folders; never raises for bad input (each failure is in the report).
    progress(done, total) counts files, and lines within CSV/JSONL files. Other tools' files
    are detected (or named by from_format); readers adds readers storage cannot hold (spaCy)."""
    from storage.formats import SKIP, detect_format

    files, failures = collect_files(paths)
    files = [f for f in files if not is_workspace_file(repo, f)]
    sizes: dict[Path, int] = {}
    for path in files:
        if path.suffix.lower() in STREAM_SUFFIXES:
            try:
                sizes[path] = max(1, count_lines(path))
            except OSError:
                sizes[path] = 1
    total = len(files) - len(sizes) + sum(sizes.values())
    batch = set(files)
    run = _Importer(repo, progress, cancelled, total)
    run.report.failures.extend(failures)
    run.progress(0, total, "")
    for path in files:
        if run.cancelled() or run.report.cancelled:
            run.report.cancelled = True
            break
        tool = detect_format(path, from_format, batch)
        if tool == SKIP:
            continue
        run.report.files += 1
        suffix = path.suffix.lower()
        if tool:
            run.tool_file(path, tool, readers)
            run.done += sizes.get(path, 1)
            run.progress(run.done, total, path.name)
        elif suffix == ".csv" and _is_events_csv(path):
            run.workbook(path)  # an Events export edited by hand: events, not articles
        elif suffix in STREAM_SUFFIXES:
            run.streamed(path, sizes[path])
        elif suffix in SINGLE_SUFFIXES:
            run.single(path)
        elif suffix in WORKBOOK_SUFFIXES:
            run.workbook(path)
        else:
            run.fail(path, "unsupported file type" + (f" ({suffix})" if suffix else ""))
            run.done += 1
    run.flush()
    return run.report


__all__ = ["ImportFailure", "ImportReport", "collect_files", "import_paths", "SUPPORTED_SUFFIXES"]
