"""Column types that read a damaged value as empty instead of failing the whole query.

A workspace is a file anyone can edit with any SQLite tool: a date column holding text or a
JSON column holding something else must cost that one value (read as None or {}), not every
export, every list of articles and the article's page in the window. What is stored is left
as it is; only reading is lenient. JSON is written without NaN or Infinity, which Python
would write and SQLite's JSON functions refuse.
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable, Optional

from sqlalchemy import JSON, Date, DateTime, String, Table
from sqlalchemy.types import TypeDecorator


def _lenient(inner: Optional[Callable[[Any], Any]], fallback: Callable[[], Any],
             want: Optional[type] = None) -> Optional[Callable[[Any], Any]]:
    if inner is None:
        return None

    def process(value: Any) -> Any:
        try:
            out = inner(value)
        except (ValueError, TypeError, OverflowError):
            return fallback()
        if want is not None and out is not None and not isinstance(out, want):
            return fallback()
        return out
    return process


class _Lenient:
    """Mixed into a type class: its result processor, made lenient."""

    fallback: Callable[[], Any] = staticmethod(lambda: None)
    want: Optional[type] = None

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        return _lenient(super().result_processor(dialect, coltype), self.fallback, self.want)  # type: ignore[misc]

    @property
    def python_type(self) -> type:
        return self.impl_instance.python_type  # type: ignore[attr-defined,no-any-return]


# Plain types are wrapped in a TypeDecorator: a dialect adapts a plain type to its own class
# (sqlite.DATE), which would drop a subclass's processor, but it keeps a TypeDecorator.
class LenientDate(_Lenient, TypeDecorator):
    impl = Date
    cache_ok = True


class LenientDateTime(_Lenient, TypeDecorator):
    impl = DateTime
    cache_ok = True


class LenientDict(_Lenient, TypeDecorator):
    impl = JSON
    cache_ok = True
    fallback: Callable[[], Any] = staticmethod(dict)
    want = dict


class LenientList(_Lenient, TypeDecorator):
    impl = JSON
    cache_ok = True
    fallback: Callable[[], Any] = staticmethod(list)
    want = list


class LenientJSON(_Lenient, TypeDecorator):
    """Any JSON value (a workspace setting): only an unreadable one reads as None."""

    impl = JSON
    cache_ok = True


class LenientText(TypeDecorator):
    """Text that another tool stored as a blob (invalid UTF-8) or a number reads as text: the
    blob decoded with U+FFFD for what is not UTF-8, the number written out."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value).decode("utf-8", "replace")
        return str(value)


# Tables whose text columns are read leniently: the article's title, source, url... are shown
# as they are read (a label's setText refuses bytes). Not the event table: an export reads
# millions of its cells, and its text values go through the exporters' own cleaning.
LENIENT_TEXT_TABLES = {"article"}

# JSON columns that hold a list, and those that hold any value; the rest hold an object.
LIST_COLUMNS = {"aliases", "sources"}
ANY_COLUMNS = {("setting", "value")}

_subclasses: dict[type, type] = {}


def _lenient_decorator(original: TypeDecorator) -> TypeDecorator:
    """A TypeDecorator (SQLModel's UTCDateTime) as a lenient subclass of itself."""
    cls = type(original)
    if cls not in _subclasses:
        # SQLAlchemy reads cache_ok from the class's own __dict__.
        _subclasses[cls] = type(f"Lenient{cls.__name__}", (_Lenient, cls), {"cache_ok": True})
    lenient: TypeDecorator = object.__new__(_subclasses[cls])
    lenient.__dict__.update(original.__dict__)
    return lenient


def finite(value: Any) -> Any:
    """The value with NaN and infinities (at any depth) as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def json_dumps(value: Any) -> str:
    """The engine's JSON writer: standard JSON only (no NaN), as SQLite's json functions want."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False)


def make_lenient(tables: list[Table]) -> None:
    """Swap the tables' date, datetime and JSON column types for lenient copies of themselves."""
    for table in tables:
        for column in table.columns:
            t = column.type
            if isinstance(t, TypeDecorator):
                if isinstance(t.impl_instance, (Date, DateTime)):
                    column.type = _lenient_decorator(t)
                elif isinstance(t.impl_instance, String) and table.name in LENIENT_TEXT_TABLES:
                    column.type = LenientText()  # SQLModel's AutoString: a String underneath
            elif isinstance(t, JSON):
                if (table.name, column.name) in ANY_COLUMNS:
                    column.type = LenientJSON()
                else:
                    column.type = LenientList() if column.name in LIST_COLUMNS else LenientDict()
            elif isinstance(t, DateTime):
                column.type = LenientDateTime()
            elif isinstance(t, Date):
                column.type = LenientDate()
            elif isinstance(t, String) and table.name in LENIENT_TEXT_TABLES:
                column.type = LenientText()
