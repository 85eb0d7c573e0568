"""The reading process of a large JSONL import: it reads the file, keys each plain article and
makes its table row, while the importing process only writes. Python runs one thread at a time,
and reading and keying cost as much as SQLite's insert: in a second process they run on a
second core. Standard library and msgspec only (no ORM), so the process starts in milliseconds.

Run as `python -I -S -c BOOT ROOT SITE PATH OFFSET SKIP BATCH LIMIT` (storage.importers.reading); it
writes frames to stdout, each a 4-byte little-endian length and a marshal'ed tuple:
  ("rows", last line, rows, duplicates, characters)  plain articles' rows, keyed (key_rows);
  ("texts", last line, rows, 0, characters)  the same rows before key_rows;
  ("line", line number, bytes or None)  a line the importer reads itself: other shapes (spans,
      events, workspace records), problems to word, or None for a line over the size limit;
  ("end", last line)  the whole file was read;
  ("error", line number, message)  reading stopped (the file could not be read on).
Line numbers count lines as iter_jsonl_bytes does."""
from __future__ import annotations

import datetime as dt
import marshal
import os
import sys
from typing import Any, BinaryIO

from storage.plain_lines import (
    article_row,
    bounded_lines,
    db_datetime,
    key_rows,
    logical_lines,
    plain_article,
    plain_decoder,
)

# A batch also goes once its texts reach this many characters (storage.importers.BATCH_CHARS).
BATCH_CHARS = 32_000_000
# How much lower than the importer's this process's scheduling priority is (os.nice).
NICENESS = 10
# The first batch is small: the importer starts writing while the rest is read.
FIRST_BATCH = 100
# Keying a text costs about as much as reading it: with every batch keyed here the importer
# waits for this process, so every this-many-th batch goes unkeyed ("texts") for it to key.
UNKEYED_EVERY = 3


class _Frames:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def send(self, item: tuple[Any, ...]) -> None:
        data = marshal.dumps(item)
        self.out.write(len(data).to_bytes(4, "little"))
        self.out.write(data)


def read_file(path: str, offset: int, skip: int, batch_size: int, line_limit: int, out: BinaryIO) -> None:
    """Read the file from byte `offset`, leaving its first `skip` lines to the importer (it
    reads them itself while this process starts)."""
    frames = _Frames(out)
    decode = plain_decoder()
    rows: list[tuple[Any, ...]] = []
    size, chars, number, batches = min(FIRST_BATCH, batch_size), 0, 0, 0
    stamp = db_datetime(dt.datetime.now(dt.timezone.utc))

    def flush(last_line: int) -> None:
        nonlocal rows, chars, size, stamp, batches
        if not rows:
            return
        batches += 1
        if batches % UNKEYED_EVERY:
            keyed, duplicates = key_rows(rows)
            frames.send(("rows", last_line, keyed, duplicates, chars))
        else:
            frames.send(("texts", last_line, rows, 0, chars))
        rows, chars, size = [], 0, batch_size
        stamp = db_datetime(dt.datetime.now(dt.timezone.utc))

    try:
        with open(path, "rb") as raw:
            raw.seek(offset)
            for physical in bounded_lines(raw, line_limit):
                if physical is None:
                    flush(number)
                    number += 1
                    if number > skip:
                        frames.send(("line", number, None))
                    continue
                for line in logical_lines(physical):
                    number += 1
                    if number <= skip:
                        continue
                    try:
                        article = plain_article(decode(line))
                    except Exception:  # another shape of line, or none: the importer words it
                        article = None
                    if article is None:
                        if line.strip():
                            flush(number - 1)  # in order: the rows before it are written first
                            frames.send(("line", number, line))
                        continue
                    rows.append(article_row(article, None, article.text, stamp))
                    chars += len(article.text)
                    if len(rows) >= size or chars >= BATCH_CHARS:
                        flush(number)
    except OSError as exc:
        flush(number)
        frames.send(("error", number + 1, f"cannot read ({exc.strerror or exc})"))
        return
    flush(number)
    frames.send(("end", number))


def main(argv: list[str]) -> int:
    path, (offset, skip, batch_size, line_limit) = argv[0], (int(arg) for arg in argv[1:5])
    try:
        # A helper of a background job: when the cores are short, the window (and the importer,
        # which waits for nothing else) go first; with nothing else to run it runs at full speed.
        os.nice(NICENESS)
    except (AttributeError, OSError):  # not on this system
        pass
    out = sys.stdout.buffer
    try:
        read_file(path, offset, skip, batch_size, line_limit, out)
        out.flush()
    except BrokenPipeError:  # the importer stopped (a cancel): nothing more to say
        return 0
    return 0
