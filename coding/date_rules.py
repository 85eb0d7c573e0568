"""The relative and partial date expressions dateparser gets wrong, resolved against a publication
date (see coding/dates.py for the decisions they implement)."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Optional

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2}
VAGUE_NUMBERS = {"a few": 3, "few": 3, "several": 4}

WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_PART_RE = r"early|mid|middle of|late|end of|beginning of|start of"
_NUMBER_RE = "|".join(sorted(list(NUMBERS) + list(VAGUE_NUMBERS), key=len, reverse=True)) + r"|\d+"
_ORD = r"(?:st|nd|rd|th)?"
# Words around a date that do not change it: "on", "in", "at around 3 pm", "night", "early hours of".
_LEADING = re.compile(r"^(?:on|in|at|during|since|by|from|as of|sometime|some time|around|about|of|the)\s+")
_TIME_OF_DAY = re.compile(
    r"\b(?:at\s+)?(?:around\s+|about\s+)?\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?|hrs|h)\b"
    r"|\b(?:at\s+)?(?:around\s+|about\s+)?\d{1,2}:\d{2}\b"
    r"|\b(?:the\s+)?early hours\b"
    r"|\b(?:early\s+|late\s+)?(?:morning|afternoon|evening|night|dawn|dusk|noon|midday|midnight)\b"
    r"|\blocal time\b")
# "the next day", "two days later": counted from another date in the article, not from publication.
FROM_ANOTHER_DATE = re.compile(
    r"^(?:(?:the\s+)?(?:previous|next|following|same)\s+day|(?:the\s+)?day\s+(?:before|after)|that day"
    rf"|(?:{_NUMBER_RE})\s+(?:day|week|month)s?\s+(?:later|after|afterwards))$")
FROM_ANOTHER_DATE_NOTE = ("This date counts from another date in the article, not from the publication "
                          "date; resolve that date first and enter this one by hand.")
EARLIER_NOTE = "Counted back from the publication date; if the article counts from another date, change it."


@dataclass
class DateResult:
    """A resolved date: the ISO date, ACLED time_precision (1 day, 2 week, 3 month) and a note
    for the coder (how it was read, or why it could not be). date is None when unresolved."""

    date: Optional[dt.date]
    precision: Optional[int]
    note: str = ""
    start: Optional[dt.date] = None  # the range the date was taken from, when it was a period
    end: Optional[dt.date] = None

    @property
    def iso(self) -> str:
        return self.date.isoformat() if self.date else ""


def clean(text: str) -> str:
    """Lower case, possessives, filler and times of day removed: 'On Tuesday's evening' -> 'tuesday'."""
    t = " ".join(text.lower().replace("\u2019", "'").split()).strip(" .,;:()")
    t = re.sub(r"'s\b", "", t)
    t = _TIME_OF_DAY.sub(" ", t)
    t = " ".join(t.split())
    previous = None
    while previous != t:
        previous, t = t, _LEADING.sub("", t).strip(" ,")
    return t


def _count(word: str) -> tuple[int, bool]:
    """(number, vague?) for "two", "3", "a few"."""
    if word.isdigit():
        return int(word), False
    if word in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[word], True
    return NUMBERS[word], False


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _year_of_last(month: int, pub: Optional[dt.date], year_text: Optional[str]) -> Optional[int]:
    """The year written, else that of the most recent `month` that began on or before pub."""
    if year_text:
        return int(year_text)
    if pub is None:
        return None
    return pub.year if month <= pub.month else pub.year - 1


def ranged(start: dt.date, end: dt.date, precision: int, pub: Optional[dt.date], what: str,
           extra: str = "") -> DateResult:
    """The middle day of [start, end] cut at pub, with a note giving the range."""
    if pub is not None:
        end = min(end, pub)
    start = min(start, end)
    middle = start + (end - start) // 2
    if start == end:
        note = f"{what}: {start.isoformat()}."
    else:
        note = f"{what}: {start.isoformat()} to {end.isoformat()}; the middle day is used."
    return DateResult(middle, precision, (note + " " + extra).strip(), start, end)


def _day(day: dt.date, note: str = "") -> DateResult:
    return DateResult(day, 1, note, day, day)


def _span_precision(start: dt.date, end: dt.date) -> int:
    return 2 if (end - start).days <= 6 else 3


# ---- the rules: each takes the cleaned text and pub, returns a DateResult or None ---------------
def _named_days(t: str, pub: dt.date) -> Optional[DateResult]:
    if t in ("today", "earlier today", "this", "tonight", "this day"):
        return _day(pub)
    if t in ("yesterday", "last", "yesterday night"):
        return _day(pub - dt.timedelta(days=1))
    if t == "day before yesterday":
        return _day(pub - dt.timedelta(days=2))
    if t.startswith("overnight"):
        return _day(pub - dt.timedelta(days=1), "Overnight: taken as the night before publication "
                                                 "(the date is the day that night began); check the article.")
    return None


def _weekday(t: str, pub: dt.date) -> Optional[DateResult]:
    m = re.fullmatch(rf"(last|this past|past|this|previous)?\s*(?:(?:early|late)\s+)?(?:on\s+)?({WEEKDAY_RE})"
                     rf"(?:\s+(?:to|into|and|-)\s+(?:{WEEKDAY_RE}))?(\s+(?:of\s+)?last week)?", t)
    if not m:
        m2 = re.fullmatch(rf"last week\s+(?:on\s+)?({WEEKDAY_RE})", t)
        if not m2:
            return None
        target, strict, last_week = WEEKDAYS[m2.group(1)], False, True
    else:
        target, last_week = WEEKDAYS[m.group(2)], bool(m.group(3))
        strict = m.group(1) in ("last", "this past", "past", "previous")
    if last_week:  # "Thursday last week": that day of the previous Monday-Sunday week
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        return _day(monday + dt.timedelta(days=target))
    back = (pub.weekday() - target) % 7
    if back == 0 and strict:
        back = 7
    return _day(pub - dt.timedelta(days=back), "The publication day itself." if back == 0 else "")


def _units_ago(t: str, pub: dt.date) -> Optional[DateResult]:
    m = re.fullmatch(rf"({_NUMBER_RE})\s+(day|week|month|fortnight)s?\s+(ago|earlier|before)", t)
    if not m:
        return None
    n, vague = _count(m.group(1))
    unit, counted = m.group(2), m.group(3)
    extra = EARLIER_NOTE if counted != "ago" else ""
    if unit == "fortnight":
        unit, n = "week", 2 * n
    if unit == "day":
        day = pub - dt.timedelta(days=n)
        if vague:
            return DateResult(day, 2, f"'{m.group(1)} days' is vague; {n} days taken. {extra}".strip(), day, day)
        return _day(day, extra)
    if unit == "week":
        day = pub - dt.timedelta(weeks=n)
        return ranged(day - dt.timedelta(days=3), day + dt.timedelta(days=3), 2, pub,
                      f"About {n} week{'s' if n > 1 else ''} before publication", extra)
    y, mo = _shift_month(pub.year, pub.month, -n)
    return ranged(*month_range(y, mo), 3, pub, f"{calendar.month_name[mo]} {y}", extra)


def _weeks(t: str, pub: dt.date) -> Optional[DateResult]:
    monday = pub - dt.timedelta(days=pub.weekday())
    if t in ("last week", "previous week"):
        start = monday - dt.timedelta(days=7)
        return ranged(start, start + dt.timedelta(days=6), 2, pub, "The week before publication")
    if t in ("this week", "earlier this week", "earlier in the week"):
        return ranged(monday, pub, 2, pub, "The publication week")
    if t in ("past week", "this past week", "recent days", "past few days", "last few days", "recently"):
        return ranged(pub - dt.timedelta(days=7), pub - dt.timedelta(days=1), 2, pub, "The days before publication")
    m = re.fullmatch(rf"(?:past|last|previous)\s+({_NUMBER_RE})\s+(day|week)s?", t)
    if m:
        n, _ = _count(m.group(1))
        start = pub - dt.timedelta(days=n * (7 if m.group(2) == "week" else 1))
        end = pub - dt.timedelta(days=1)
        return ranged(start, end, _span_precision(start, end), pub, "The days before publication")
    if t in ("this weekend", "last weekend", "weekend", "over the weekend", "over weekend", "past weekend",
             "this past weekend"):
        saturday = pub - dt.timedelta(days=(pub.weekday() - 5) % 7)
        sunday = min(saturday + dt.timedelta(days=1), pub)
        # A weekend is two days: its Saturday is the date (a middle day would be arbitrary).
        note = f"The weekend of {saturday.isoformat()} to {sunday.isoformat()}; the Saturday is used."
        if t == "this weekend" and 2 <= pub.weekday() <= 4:  # Wed-Fri: the coming one is as likely
            note += " Published late in the week: 'this weekend' may mean the coming weekend; check."
        return DateResult(saturday, 2, note, saturday, sunday)
    return None


def _months(t: str, pub: dt.date) -> Optional[DateResult]:
    if t in ("earlier this month", "this month", "earlier in the month", "early this month"):
        start = pub.replace(day=1)
        end = pub - dt.timedelta(days=1) if t.startswith("earlier") and pub.day > 1 else pub
        return ranged(start, end, 3, pub, "The publication month")
    if t in ("last month", "previous month", "past month"):
        y, mo = _shift_month(pub.year, pub.month, -1)
        return ranged(*month_range(y, mo), 3, pub, f"{calendar.month_name[mo]} {y}")
    if t in ("earlier this year", "this year", "earlier in the year"):
        return ranged(dt.date(pub.year, 1, 1), pub, 3, pub, f"Only the year {pub.year} is known",
                      "Precision 3 (month) is the vaguest ACLED has; check the article for the month.")
    m = re.fullmatch(rf"({_PART_RE})?[\s-]*(last month|this month)", t)
    if m:
        year, month = _shift_month(pub.year, pub.month, -1 if m.group(2) == "last month" else 0)
        return _month_part(m.group(1), year, month, pub)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)(?:\s+of\s+(?:this|the)\s+month)?", t)
    if m:
        y, mo = pub.year, pub.month
        if int(m.group(1)) > pub.day:
            y, mo = _shift_month(y, mo, -1)
        try:
            return _day(dt.date(y, mo, int(m.group(1))))
        except ValueError:
            return None
    return None


def _month_part(part: Optional[str], year: int, month: int, pub: Optional[dt.date]) -> DateResult:
    """A month, or its early (1-10), mid (11-20) or late (21-end) part: precision 3."""
    start, end = month_range(year, month)
    name = f"{calendar.month_name[month]} {year}"
    if part in ("early", "beginning of", "start of"):
        return ranged(start, start.replace(day=10), 3, pub, f"Early {name}")
    if part in ("mid", "middle of"):
        return ranged(start.replace(day=11), start.replace(day=20), 3, pub, f"Mid {name}")
    if part in ("late", "end of"):
        return ranged(start.replace(day=21), end, 3, pub, f"Late {name}")
    return ranged(start, end, 3, pub, name)


RELATIVE_RULES: list[Callable[[str, dt.date], Optional[DateResult]]] = [
    _named_days, _weekday, _units_ago, _weeks, _months]


def relative(t: str, pub: dt.date) -> Optional[DateResult]:
    """A cleaned relative expression resolved against pub; None when it is not one of ours."""
    for rule in RELATIVE_RULES:
        result = rule(t, pub)
        if result is not None:
            return result
    return None


# ---- ranges of days and weeks of a month: absolute when a year is written ----------------------
_DAY_RANGE = (
    re.compile(rf"(?:between\s+)?(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|to|and|until|through)\s*(?P<d2>\d{{1,2}}){_ORD}"
               rf"\s+(?:of\s+)?(?P<month>{MONTH_RE})\.?(?:\s*,?\s*(?P<year>\d{{4}}))?"),
    re.compile(rf"(?:between\s+)?(?P<month>{MONTH_RE})\.?\s+(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|to|and|until|through)"
               rf"\s*(?P<d2>\d{{1,2}}){_ORD}(?:\s*,?\s*(?P<year>\d{{4}}))?"),
)
_MONTH_PART = re.compile(rf"(?P<part>{_PART_RE})?[\s-]*(?P<month>{MONTH_RE})\.?(?:\s*,?\s*(?P<year>\d{{4}}))?")
_WEEK_OF = re.compile(rf"(?P<nth>first|second|third|fourth|last|final)\s+week\s+of\s+(?P<month>{MONTH_RE})"
                      rf"(?:\s*,?\s*(?P<year>\d{{4}}))?")
NEEDS_YEAR = object()  # the text is a range without a year and there is no publication date


def month_period(t: str, pub: Optional[dt.date]) -> "DateResult | object | None":
    """'5-7 August', 'between August 5 and 7', 'the first week of March 2024', 'in March',
    'mid-July 2023': the middle day, precision 2 within a week, 3 beyond. Without a year: the
    last such month that began on or before pub, or NEEDS_YEAR when pub is None."""
    for pattern in (*_DAY_RANGE, _WEEK_OF, _MONTH_PART):
        m = pattern.fullmatch(t)
        if not m:
            continue
        month = MONTHS[m.group("month")]
        year = _year_of_last(month, pub, m.group("year"))
        if year is None:
            return NEEDS_YEAR
        if pattern is _MONTH_PART:
            return _month_part(m.group("part"), year, month, pub)
        first, last = month_range(year, month)
        if "nth" in m.groupdict():
            nth = ("first", "second", "third", "fourth").index(m.group("nth")) if m.group("nth") in (
                "first", "second", "third", "fourth") else None
            start = first + dt.timedelta(days=7 * nth) if nth is not None else last - dt.timedelta(days=6)
            end = start + dt.timedelta(days=6)
        else:
            d1, d2 = sorted((int(m.group("d1")), int(m.group("d2"))))
            try:
                start, end = first.replace(day=d1), first.replace(day=d2)
            except ValueError:
                return None
        if pub is not None and start > pub and not m.group("year"):  # not yet this year: last year's
            try:
                start, end = start.replace(year=year - 1), end.replace(year=year - 1)
            except ValueError:  # 29 February
                return None
        return ranged(start, end, _span_precision(start, end), pub, "The days given")
    return None
