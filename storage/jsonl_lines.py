"""JSON lines out: objects written as standard JSON any reader takes (storage.plain_lines reads them)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from storage.lenient_types import finite


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
