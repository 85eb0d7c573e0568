"""Date highlights to an ISO date and ACLED time precision, resolved against the publication date.

Decisions (ACLED practice where it has one, documented here so coders know what they get):
- A weekday ("on Tuesday", "Tuesday night") is the most recent such day ON OR BEFORE the
  publication date: an article published on a Tuesday saying "on Tuesday" means that day.
  "last Tuesday" is the most recent one strictly before the publication date; "Thursday last
  week" is that day of the previous Monday-Sunday week. Precision 1.
- "yesterday", "last night", "two days ago": exact days, precision 1. "overnight" is the night
  before publication: the date is the day before publication (the day the night began), with a note.
  "four days earlier" counts back from publication too, with a note; "the next day", "two days
  later" count from another date in the article and are left to the coder, with a note.
- A vaguer period is turned into a range of days, cut at the publication date, and the event
  date is the MIDDLE day of that range, with a note giving the range:
  "last week" = the previous Monday-Sunday week -> its Thursday, precision 2;
  "this week" / "earlier this week" = Monday of the publication week up to publication, precision 2;
  "the past week" / "in recent days" = the 7 days before publication, precision 2;
  "5-7 August", "the first week of March": those days, precision 2 (3 if over a week);
  "this weekend" / "last weekend" / "over the weekend" = the most recent Saturday-Sunday that
  began on or before publication -> its Saturday, precision 2 (published Wed-Fri, "this
  weekend" gets a note: it may mean the coming one);
  "in March" = the last March that began on or before publication (this year's March if it
  has begun, else last year's), precision 3; "earlier this month", "last month", "early/mid/late
  March", "earlier this year" likewise, precision 3 (the vaguest ACLED has).
- A date that would fall after publication ("August 20" in an article of 16 August 2024) is
  the year before; a numeric date that only fits after publication as month/day is read
  day/month ("12/08/2024" -> 12 August).
- Never a day from less: a decade ("the 1990s") or a clock time alone ("at 10:30") gives no
  date and a note. A night written as two days ("the night of 14 to 15 August", "в ночь на 7
  января") is the day it began, with a note. "The past 24 hours" is the day before publication
  (note: it may be the publication day); "the past 48 hours" the days before, precision 2.
- A numeric date both ways readable ("04/05/2024") is read day-first in every language but
  English; in English the reading nearer before publication is taken, with a note naming the other.
- Holidays come from the `holidays` package (the event's country, else the language's calendars);
  a movable feast (Eid) gets a note, as its day differs by country.
- Text in another language (fr, es, ru, uk, ar, ...) is first read into English by
  coding/date_language.py (our phrase table, then dateparser's dictionaries).
- Without a publication date, absolute dates ("5 March 2024") still resolve; relative ones
  (and dates without a year) return no date and a note saying the publication date is missing.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Optional

from coding.date_extra import ambiguous_numeric, decade_or_time, hours_back, possessive_head, weekend_of
from coding.date_language import to_english
from coding.date_rules import (FROM_ANOTHER_DATE, FROM_ANOTHER_DATE_NOTE, MONTH_RE, NEEDS_YEAR, WEEKDAY_RE,
                               DateResult, clean, month_period, month_range, ranged, relative)
from coding.values import is_empty, optional_date

__all__ = ["DateResult", "normalize_date", "date_values", "NO_PUBLICATION"]

NO_PUBLICATION = "The article has no publication date, so this relative date cannot be resolved; enter the date by hand."
_RELATIVE_WORDS = re.compile(r"\b(?:today|tonight|yesterday|overnight|ago|last|this|past|previous|earlier|recent|"
                             rf"recently|weekend|week|month|{WEEKDAY_RE})\b")
_NUMERIC_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
# Two distant reference days: a text that parses the same against both needs no publication date.
_PROBES = (dt.datetime(2003, 6, 17, 12), dt.datetime(2011, 2, 9, 12))


def _unreadable(text: str) -> DateResult:
    return DateResult(None, None, f"'{text}' is not a date I can read; enter the date by hand.")


def _dateparser(text: str, base: dt.datetime, day_first: bool = False,
                language: str = "en") -> tuple[Optional[dt.date], Optional[str]]:
    from dateparser.date import DateDataParser  # imported lazily: it takes ~0.3 s to load

    # PREFER_DAY_OF_MONTH first: "March 2023" must not take the reference day (months become ranges here)
    settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": True,
                "PREFER_DAY_OF_MONTH": "first"}
    if day_first:
        settings["DATE_ORDER"] = "DMY"
    languages = ["en"] if language == "en" else [language, "en"]
    try:
        data = DateDataParser(languages=languages, settings=settings).get_date_data(text)
    except ValueError:  # a language dateparser does not know: English only
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if data is None or data.date_obj is None:
        return None, None
    return data.date_obj.date(), data.period


def normalize_date(text: str, published: Any = None, language: Optional[str] = None,
                   country: Optional[str] = None) -> DateResult:
    """Resolve a date highlight against the article's publication date (date, datetime, ISO
    text or None). `language`: the article's (ISO 639-1, default English); `country`: the
    event's (ISO2), for holidays. Relative expressions prefer the past. See the module docstring."""
    if is_empty(text):
        return DateResult(None, None, "No date text.")
    pub = optional_date(published)
    lang = (language or "en").lower()[:2] or "en"
    english = to_english(str(text), lang)
    early = decade_or_time(english, str(text))
    if early is not None:
        return early
    found = _night(english, pub, lang)
    if found is not None:
        return found
    t = clean(possessive_head(english))
    t = re.sub(r"\b(\d{4}) year\b", r"\1", t)  # "31 декабря 2024 года" -> "31 december 2024 year"
    t = re.sub(r"^0 days? ago$", "today", t)
    if FROM_ANOTHER_DATE.fullmatch(t):
        return DateResult(None, None, FROM_ANOTHER_DATE_NOTE)
    hours = hours_back(t, pub)
    if hours is False:
        return DateResult(None, None, NO_PUBLICATION)
    if isinstance(hours, DateResult):
        return hours
    t, is_weekend = weekend_of(t)
    period = month_period(t, pub)
    if period is NEEDS_YEAR:
        return DateResult(None, None, NO_PUBLICATION)
    if isinstance(period, DateResult):
        return _weekend(period) if is_weekend else period
    if pub is not None:
        result = relative(t, pub)
        if result is not None:
            return result
        if not re.search(rf"\d|\b(?:{WEEKDAY_RE}|{MONTH_RE})\b", t):
            from coding.date_holidays import find_holiday

            holiday = find_holiday(str(text), english, pub, lang, country)
            if holiday is not None:
                return holiday
    elif t and relative(t, _PROBES[0].date()) is not None:
        return DateResult(None, None, NO_PUBLICATION)
    candidate = t or str(text).strip()
    if pub is None:
        first, period = _dateparser(candidate, _PROBES[0], language=lang)
        second, _ = _dateparser(candidate, _PROBES[1], language=lang)
        if first is None:
            return _unreadable(str(text))
        if first != second or _RELATIVE_WORDS.search(t):
            return DateResult(None, None, NO_PUBLICATION)
        return _from_period(first, period, None, str(text))
    base = dt.datetime.combine(pub, dt.time(12))
    numeric = ambiguous_numeric(candidate, pub, lang)
    if numeric is not None:
        return numeric
    parsed, period = _dateparser(candidate, base, language=lang)
    if parsed is None and candidate != english.strip():  # our reading failed: dateparser on the original
        parsed, period = _dateparser(str(text).strip(), base, language=lang)
    if parsed is None:
        return _unreadable(str(text))
    return _from_period(parsed, period, pub, str(text))


_NIGHT = (re.compile(r"(?:(?:on|in|during)\s+)?(?:the\s+)?night\s+(?:of|from)\s+(?P<a>.+?)\s+(?:to|into|-|–)\s+(?P<b>.+)"),
          re.compile(rf"(?:(?:on|in|during)\s+)?(?:the\s+)?night\s+of\s+(?P<m>{MONTH_RE})\s+(?P<a>\d{{1,2}})\s*[-–]\s*"
                     r"(?P<b>\d{1,2})(?P<y>\s*,?\s*\d{4})?"),
          re.compile(r"(?:(?:on|in|during)\s+)?(?:the\s+)?night\s+(?:into|before)\s+(?P<b>.+)"))
NIGHT_NOTE = "A night over two days: the date is the day it began ({day}); check the article."


def _night(english: str, pub: Optional[dt.date], language: str) -> Optional[DateResult]:
    """"the night of 14 to 15 August", "night into 7 January": the day the night began."""
    t = " ".join(english.lower().replace("\u2019", "'").split()).strip(" .,;:()")
    for pattern in (_NIGHT[1], _NIGHT[0], _NIGHT[2]):
        m = pattern.fullmatch(t)
        if not m:
            continue
        parts = m.groupdict()
        second = f"{parts['m']} {parts['b']}{parts.get('y') or ''}" if parts.get("m") else parts["b"]
        if parts.get("a") and re.fullmatch(r"\d{1,2}", parts["a"]) is None and not parts.get("m"):
            # "the night of Tuesday to Wednesday": the night began on the first day named
            first = normalize_date(parts["a"], pub, "en")
            if first.date is not None:
                return DateResult(first.date, 1, NIGHT_NOTE.format(day=first.date.isoformat()), first.date, first.date)
        end = normalize_date(second, pub, "en")
        if end.date is None or end.precision != 1:
            return None
        day = end.date - dt.timedelta(days=1)
        return DateResult(day, 1, NIGHT_NOTE.format(day=day.isoformat()), day, end.date)
    return None


def _weekend(period: DateResult) -> DateResult:
    """'the weekend of 10-11 August': its first day, precision 2."""
    day = period.start or period.date
    return DateResult(day, 2, f"The weekend of {period.start} to {period.end}; the Saturday is used.",
                      period.start, period.end)


def _from_period(day: dt.date, period: Optional[str], pub: Optional[dt.date], text: str) -> DateResult:
    """A dateparser result turned into a precision (its period: day, week, month, year)."""
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return ranged(monday, monday + dt.timedelta(days=6), 2, pub, "The week")
    if period == "month":
        return ranged(*month_range(day.year, day.month), 3, pub, f"{calendar.month_name[day.month]} {day.year}")
    if period == "year":
        return ranged(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), 3, pub, f"Only the year {day.year} is known",
                      "Precision 3 (month) is the vaguest ACLED has; check the article for the month.")
    note = ""
    if pub is not None and day > pub:
        note = f"'{text}' falls after the publication date ({pub.isoformat()}); check it."
    return DateResult(day, 1, note, day, day)


# The normalizer's precisions (ACLED's time_precision) as the words a codebook's precision_map uses.
PRECISION_NAMES = {1: "day", 2: "week", 3: "month"}


def codebook_precision(spec: Any, precision: Optional[int]) -> Any:
    """The normalizer's precision on the field's own scale (its precision_map), e.g. UCDP's
    date_prec 1 exact day, 3 week, 4 month; the number as is without a map."""
    if precision is None or not getattr(spec, "precision_map", None):
        return precision
    return spec.precision_map.get(PRECISION_NAMES.get(precision, ""), precision)


def date_changes(codebook: Any, spec: Any, result: DateResult) -> dict[str, Any]:
    """What a resolved date sets: the date, its precision on the codebook's scale, and for a
    range (end_field) the first day in the field and the last in its end field."""
    if result.date is None:
        return {}
    changes: dict[str, Any] = {spec.name: result.date}
    target = getattr(spec, "precision_field", None)
    if target and codebook.field(target) is not None and result.precision is not None:
        changes[target] = codebook_precision(spec, result.precision)
    end_field = getattr(spec, "end_field", None)
    if end_field and codebook.field(end_field) is not None:
        changes[spec.name] = result.start or result.date
        changes[end_field] = result.end or result.date
    return changes


def date_values(codebook: Any, field_name: str, result: DateResult) -> dict[str, Any]:
    """The field changes a resolved date makes (date_changes), dates as ISO text."""
    spec = codebook.field(field_name)
    if spec is None or result.date is None:
        return {}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in date_changes(codebook, spec, result).items()}
