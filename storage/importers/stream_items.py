"""The items of a streamed file (CSV or JSONL), each with its line number: articles, workspace
records, problems in words, and the row batches of a reading process (storage.import_reader)
for a large UTF-8 JSONL file."""
from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import IO, Any, Iterator, NamedTuple, Optional

from storage.importers import reading
from storage.importers.decode import FileProblem, stray_bytes
from storage.importers.reading import ReadingProcess
from storage.importers.records import ArticleRecord

log = logging.getLogger(__name__)


def start_reader(path: Path, stream: IO[str], encoding: str, lines: int, batch_size: int) -> Optional[ReadingProcess]:
    """A second process to read a large UTF-8 JSONL file, or None (this process reads it)."""
    if encoding != "utf-8" or path.suffix.lower() not in (".jsonl", ".ndjson") or lines < reading.MIN_LINES:
        return None
    from storage.interchange import MAX_LINE_BYTES

    try:
        offset = stream.buffer.tell()  # type: ignore[attr-defined]
        return ReadingProcess(path, offset, batch_size, MAX_LINE_BYTES)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def file_items(path: Path, stream: IO[str], encoding: str) -> Iterator[tuple[int, Any]]:
    """(line number, article / workspace record / problem) for a streamed file."""
    if path.suffix.lower() == ".csv":
        from storage.importers.tabular import iter_csv

        return iter_csv(stream)
    from storage.interchange import iter_jsonl, iter_jsonl_bytes

    if encoding == "utf-8":
        # Nothing was read through the text layer yet: its buffer is at the first line.
        return iter_jsonl_bytes(stream.buffer)  # type: ignore[attr-defined]
    return iter_jsonl(stream)


class RowBatch(NamedTuple):
    """Article rows a reading process made (storage.import_reader): table rows, the duplicates
    it dropped, and the characters of their texts."""

    rows: list[tuple[Any, ...]]
    duplicates: int
    chars: int


def reader_items(reader: ReadingProcess, path: Path, stream: IO[str], encoding: str) -> Iterator[tuple[int, Any]]:
    """file_items of a file a reading process reads: the first lines read here while it starts,
    then its row batches and the lines it leaves to this process. If it ends early, the rest
    of the file is read here."""
    from storage.interchange import line_item, too_long_line
    from storage.plain_lines import key_rows

    last = 0
    for line_no, item in file_items(path, stream, encoding):
        if line_no > reader.skip:
            break
        last = line_no
        yield line_no, item
    for frame in reader:
        kind, last = frame[0], frame[1]
        if kind == "rows":
            yield last, RowBatch(frame[2], frame[3], frame[4])
        elif kind == "texts":
            rows, duplicates = key_rows(frame[2])
            yield last, RowBatch(rows, duplicates, frame[4])
        elif kind == "line":
            item = too_long_line() if frame[2] is None else line_item(frame[2])
            if item is not None:
                yield last, item
        elif kind == "error":
            raise FileProblem(frame[2])
    if not reader.finished:
        # Nothing is lost: the lines after the last one delivered are read in this process.
        log.warning("%s: the reading process ended at line %d (status %s%s); reading the rest here",
                    path, last, reader.exit_status(), f": {why}" if (why := reader.complaint()) else "")
        stream.buffer.seek(reader.offset)  # type: ignore[attr-defined]
        for line_no, item in file_items(path, stream, encoding):
            if line_no > last:
                yield line_no, item


def has_stray_bytes(record: ArticleRecord) -> bool:
    """A line read through surrogate escapes (see decode.open_text) that held a bad byte."""
    fields = [record.text, record.title, record.source, record.url]
    if record.meta:
        fields += [str(v) for item in record.meta.items() for v in item]
    return any(stray_bytes(v) for v in fields if v)
