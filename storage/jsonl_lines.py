"""JSON lines in and out: lines read within a size bound, objects written as standard JSON."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterator

from storage.lenient_types import finite


def bounded_lines(stream: Any, limit: int) -> Iterator[Any]:
    """The stream's lines (bytes or text), None in place of a line longer than `limit`."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) > limit and not line.endswith(newline):
            while True:  # the rest of that line, read in bounded pieces and dropped
                more = stream.readline(1 << 20)
                if not more or more.endswith(newline):
                    break
            yield None
        else:
            yield line


def json_line(obj: Any) -> str:
    """One line of standard JSON any reader takes: NaN and infinities (a damaged workspace)
    as null; a lone surrogate (a file name that was not UTF-8, kept in meta) as its escape."""
    try:
        line = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=_jsonable)
    except ValueError:
        line = json.dumps(finite(obj), ensure_ascii=False, allow_nan=False, default=_jsonable)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(finite(obj), ensure_ascii=True, allow_nan=False, default=_jsonable)
    return line + "\n"


def _jsonable(value: Any) -> Any:
    """A value json cannot write (a BLOB where text belongs): as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
