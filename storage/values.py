"""Turning field values as typed, stored or read from a workbook (str, int, date...) into the
types a codebook expects: the one set of converters coding's validation and the exporters share."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Optional


def is_empty(value: Any) -> bool:
    """None, an empty or blank string, an empty list: the field has no value."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple)) and not value)


def to_date(value: Any) -> dt.date:
    """A date from a date, a datetime or an ISO string ("2024-08-16", "2024-08-16T10:00")."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD.")


def optional_date(value: Any) -> Optional[dt.date]:
    """A date when the value holds one, else None (empty or unreadable: no date known)."""
    if is_empty(value):
        return None
    try:
        return to_date(value)
    except ValueError:
        return None


def to_int(value: Any) -> int:
    """A whole number from an int, a float without fraction or a string like "12", "1,200" or "12.0"."""
    if value.__class__ is int:  # the common case first: exports convert every cell
        return value
    if isinstance(value, bool):  # True is not a count
        raise ValueError(f"'{value}' is not a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = None
            if number is not None and number.is_integer():
                return int(number)
    raise ValueError(f"'{value}' is not a whole number.")


def to_number(value: Any) -> float:
    """A number from an int, a float or a string like "12.5"."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number.")
    number: Optional[float] = None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
    if number is not None and math.isfinite(number):
        return number
    raise ValueError(f"'{value}' is not a number.")


def to_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def lenient(strict: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The converter for exports: empty is None, a value it cannot convert is kept as it is
    (the problems column says what is wrong) instead of raising."""
    def convert(value: Any) -> Any:
        if value is None or (value.__class__ is str and not value.strip()):
            return None
        try:
            return strict(value)
        except (ValueError, TypeError, OverflowError):
            return value
    return convert


CONVERTERS = {"integer": to_int, "number": to_number, "date": to_date, "text": to_text}
