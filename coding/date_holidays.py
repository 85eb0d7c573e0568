"""Holidays named in an article ("on Christmas Day", "на Рождество", "عيد الفطر") to their most
recent date on or before publication, from the `holidays` package's calendars and names."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Optional

from coding.date_rules import DateResult

# Whose calendar a language's articles most likely follow (first found wins), then the
# countries whose calendars hold the feasts English news name (Eid, Orthodox Christmas).
CALENDARS = {"en": ("US", "GB"), "fr": ("FR",), "es": ("ES", "MX"), "ru": ("RU",), "uk": ("UA",),
             "ar": ("EG", "SA"), "de": ("DE",), "pt": ("PT", "BR"), "tr": ("TR",)}
FALLBACK = ("EG", "SA", "RU", "UA", "NG", "IN")
# Eves and days no public calendar lists, as (month, day).
FIXED = {"christmas eve": (12, 24), "new year's eve": (12, 31), "new year's day": (1, 1),
         "new year": (1, 1), "christmas day": (12, 25), "christmas": (12, 25)}
# Ukraine's calendar is empty from 2022 under martial law; fixed-date days are read in these years.
_REFERENCE_YEARS = (2019, 2021)
_FILLER = re.compile(r"^(?:on|during|at|for|over|before|after|à|a|en|el|la|le|на|в|у|під час|في|خلال|the)\s+")
_SUFFIX = re.compile(r"\s*\((?:observed|estimated|ملاحظة|[^)]*)\)|\b(?:holidays?|day off)\b|^عطلة\s+", re.I)
MOVABLE_NOTE = "{name} falls on different days by country and moon sighting: {day} is from the {cc} calendar; check it."


def _key(name: str) -> str:
    from coding.date_language import fold

    t = fold(_SUFFIX.sub(" ", name), "ar")  # the Arabic folding is harmless for other scripts
    return " ".join(t.replace("-", " ").split())


@lru_cache(maxsize=64)
def _calendar(country: str, language: Optional[str], year: int) -> tuple[tuple[dt.date, str], ...]:
    import holidays

    try:
        kwargs: dict[str, Any] = {"years": year}
        if language:
            kwargs["language"] = language
        cal = holidays.country_holidays(country, **kwargs)
    except (NotImplementedError, KeyError, ValueError):
        return ()
    return tuple(sorted((day, _key(name)) for day, names in cal.items() for name in names.split("; ")))


def _languages(country: str, language: str) -> list[Optional[str]]:
    import holidays

    try:
        supported = holidays.country_holidays(country).supported_languages
    except (NotImplementedError, KeyError):
        return [None]
    wanted = [lang for lang in supported if lang.split("_")[0] == language]
    return [*wanted[:1], "en_US" if "en_US" in supported else None]


def _matches(text: str, name: str) -> bool:
    words, target = text.split(), name.split()
    if not words or len(words) > len(target):
        return False
    return all(any(t.startswith(w[:max(4, len(w) - 2)]) for t in target) for w in words)


def _first_day_of_run(days: list[dt.date], day: dt.date) -> dt.date:
    """The first day of the run of consecutive holiday days `day` belongs to."""
    while day - dt.timedelta(days=1) in days:
        day -= dt.timedelta(days=1)
    return day


def find_holiday(text: str, english: str, pub: dt.date, language: str = "en",
                 country: Optional[str] = None) -> Optional[DateResult]:
    """The most recent day on or before `pub` of the holiday `text` (or its English reading)
    names, in the calendars of the event's country, then the language's, then others."""
    queries = {_key(_FILLER.sub("", text.strip().lower())), _key(_FILLER.sub("", english.strip().lower()))}
    queries.discard("")
    for query in queries:
        if query in FIXED:
            month, mday = FIXED[query]
            found = dt.date(pub.year, month, mday)
            return DateResult(found if found <= pub else found.replace(year=pub.year - 1), 1, "")
    countries = [c for c in [country.upper() if country else None, *CALENDARS.get(language, ()), *FALLBACK] if c]
    for cc in dict.fromkeys(countries):
        for lang in _languages(cc, language):
            hit = _in_calendar(queries, cc, lang, pub)
            if hit is not None:
                day, name, fixed = hit
                note = "" if fixed else MOVABLE_NOTE.format(name=name.title(), day=day.isoformat(), cc=cc)
                return DateResult(day, 1, note, day, day)
    return None


def _in_calendar(queries: set[str], cc: str, lang: Optional[str], pub: dt.date
                 ) -> Optional[tuple[dt.date, str, bool]]:
    for year in (pub.year, pub.year - 1):
        days = [d for d, n in _calendar(cc, lang, year) if any(_matches(q, n) for q in queries)]
        past = [d for d in days if d <= pub]
        if past:
            names = [n for d, n in _calendar(cc, lang, year) if d == past[-1]]
            first = _first_day_of_run(days, past[-1])
            return first, names[0] if names else "", _is_fixed(queries, cc, lang, first)
    # A calendar left empty in recent years: a fixed-date day from the reference years.
    ref = [[d for d, n in _calendar(cc, lang, y) if any(_matches(q, n) for q in queries)] for y in _REFERENCE_YEARS]
    if all(ref) and (ref[0][0].month, ref[0][0].day) == (ref[1][0].month, ref[1][0].day):
        first = ref[0][0]
        day = first.replace(year=pub.year)
        return (day if day <= pub else day.replace(year=pub.year - 1)), "", True
    return None


def _is_fixed(queries: set[str], cc: str, lang: Optional[str], day: dt.date) -> bool:
    """Whether the holiday falls on the same month and day in other years."""
    for year in _REFERENCE_YEARS:
        other = [d for d, n in _calendar(cc, lang, year) if any(_matches(q, n) for q in queries)]
        if other and (other[0].month, other[0].day) != (day.month, day.day):
            return False
    return True
