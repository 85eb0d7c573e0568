"""Date readings that need a choice or must not become a day: decades and clock times, nights
over two days, "the past N hours", numeric dates both ways readable (see coding/dates.py)."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Optional

from coding.date_rules import WEEKDAY_RE, DateResult, ranged

_DECADE = re.compile(r"\b(?:1[0-9]|20)\d0s\b|(?:^|\s)'\d0s\b|\b(?:nineteen|twenty)-?\w+ies\b")
_CLOCK = re.compile(r"(?:at|around|about|from|by|until|after|before|shortly|just|approximately|\s)*"
                    r"\d{1,2}(?::\d{2}|h\d{2})?\s*(?:a\.?m\.?|p\.?m\.?|hrs|hours|h|o'clock)?"
                    r"(?:\s+(?:local time|gmt|utc))?")
DECADE_NOTE = "'{text}' names a decade, not a date ACLED can code; enter the event's date by hand."
CLOCK_NOTE = "'{text}' is only a time of day; the day is not said. Enter the date by hand."
HOURS_NOTE = ("The {n} hours before publication: the day before it is used; the event may be on the "
              "publication day itself. Check the article.")
_POSSESSIVE = re.compile(rf"^(.*?\b(?:{WEEKDAY_RE}|yesterday|today|tonight|weekend|week|month))['’]s\b.*$", re.I)


def decade_or_time(english: str, original: str) -> Optional[DateResult]:
    """No date for a decade or a clock time alone: a note says why (never the publication day)."""
    t = english.lower().strip(" .,;:()")
    if _DECADE.search(t):
        return DateResult(None, None, DECADE_NOTE.format(text=original))
    if re.search(r"\d", t) and _CLOCK.fullmatch(t) and re.search(r":|h\d|[ap]\.?m|o'clock|hrs", t):
        return DateResult(None, None, CLOCK_NOTE.format(text=original))
    return None


def possessive_head(text: str) -> str:
    """"Saturday's attack" -> "Saturday": a day's possessive with a noun after it."""
    m = _POSSESSIVE.match(text.strip())
    return m.group(1) if m else text


def weekend_of(t: str) -> tuple[str, bool]:
    """("10-11 august", True) for "the weekend of 10-11 August"."""
    m = re.fullmatch(r"(?:the\s+)?weekend\s+of\s+(.+)", t)
    return (m.group(1), True) if m else (t, False)


def hours_back(t: str, pub: Optional[dt.date]) -> "DateResult | None | bool":
    """"the past 24 hours": the day before publication (precision 1, with a note); more hours:
    the days before publication, precision 2. False when there is no publication date."""
    m = re.fullmatch(r"(?:(?:in|over|during|within)\s+)?(?:the\s+)?(?:past|last|previous)\s+(\d+)\s+hours?", t)
    if not m:
        return None
    if pub is None:
        return False
    n = int(m.group(1))
    if n <= 24:
        day = pub - dt.timedelta(days=1)
        return DateResult(day, 1, HOURS_NOTE.format(n=n), day, day)
    days = math.ceil(n / 24)
    result = ranged(pub - dt.timedelta(days=days), pub - dt.timedelta(days=1), 2 if days <= 7 else 3, pub,
                    f"The {n} hours before publication")
    return result


def _valid(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _before(pub: Optional[dt.date], year: Optional[int], month: int, day: int) -> Optional[dt.date]:
    """That day in the year written, else its most recent occurrence on or before pub."""
    if year is not None:
        return _valid(year, month, day)
    if pub is None:
        return None
    found = _valid(pub.year, month, day)
    if found is not None and found <= pub:
        return found
    return _valid(pub.year - 1, month, day)


def ambiguous_numeric(text: str, pub: Optional[dt.date], language: str) -> Optional[DateResult]:
    """"04/05/2024", "12/08": day-first in every language but English; in English, when both
    readings are real past days, the one nearer before publication, with a note naming the other."""
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?", text.strip())
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else None
    if year is not None and year < 100:
        year += 2000 if year <= (pub.year % 100 if pub else 50) + 1 else 1900
    day_first, month_first = _before(pub, year, b, a), _before(pub, year, a, b)
    if pub is not None:
        day_first = day_first if day_first and day_first <= pub else None
        month_first = month_first if month_first and month_first <= pub else None
    if day_first is None and month_first is None:
        return None
    if day_first == month_first or month_first is None:
        chosen, other, how = day_first, None, "day/month"
    elif day_first is None:
        chosen, other, how = month_first, None, "month/day"
    elif language != "en":
        chosen, other, how = day_first, month_first, "day/month"
    else:
        chosen, other = max(day_first, month_first), min(day_first, month_first)
        how = "day/month" if chosen == day_first else "month/day"
    assert chosen is not None  # both readings None returned above
    note = ""
    if other is not None:
        note = (f"'{text}' read as {how} ({chosen.isoformat()}); the other reading would be {other.isoformat()}. "
                "Check the source's convention.")
    elif how == "month/day" or (language == "en" and a <= 12 and b <= 12 and a != b):
        note = f"'{text}' read as {how} ({chosen.isoformat()}); the other reading falls after publication."
    return DateResult(chosen, 1, note, chosen, chosen)
