"""Dates in the article's language, choices that get a note, and what must never become a day."""
from __future__ import annotations

import datetime as dt

import pytest

from coding.date_language import to_english
from coding.dates import normalize_date

D = dt.date


@pytest.mark.parametrize("text, language, published, expected, precision", [
    ("la semaine dernière", "fr", D(2024, 3, 12), D(2024, 3, 7), 2),
    ("dimanche dernier", "fr", D(2024, 3, 12), D(2024, 3, 10), 1),
    ("il y a trois jours", "fr", D(2024, 3, 12), D(2024, 3, 9), 1),
    ("el pasado viernes", "es", D(2023, 11, 27), D(2023, 11, 24), 1),
    ("hace dos días", "es", D(2023, 11, 27), D(2023, 11, 25), 1),
    ("a principios de noviembre", "es", D(2023, 11, 27), D(2023, 11, 5), 3),
    ("в прошлую пятницу", "ru", D(2025, 1, 8), D(2025, 1, 3), 1),
    ("в декабре", "ru", D(2025, 1, 8), D(2024, 12, 16), 3),
    ("31 декабря 2024 года", "ru", D(2025, 1, 8), D(2024, 12, 31), 1),
    ("минулої неділі", "uk", D(2024, 8, 16), D(2024, 8, 11), 1),
    ("у липні", "uk", D(2024, 8, 16), D(2024, 7, 16), 3),
    ("الجمعة الماضية", "ar", D(2024, 3, 12), D(2024, 3, 8), 1),
    ("5 آذار", "ar", D(2024, 3, 12), D(2024, 3, 5), 1),
    ("قبل يومين", "ar", D(2024, 3, 12), D(2024, 3, 10), 1),
])
def test_dates_in_the_articles_language(text, language, published, expected, precision) -> None:
    result = normalize_date(text, published, language=language)
    assert (result.date, result.precision) == (expected, precision), result.note


def test_to_english_leaves_english_alone_and_reads_other_languages() -> None:
    assert to_english("last Friday", "en") == "last Friday"
    assert to_english("dans la nuit du 10 au 11 mars", "fr") == "night of 10 to 11 march"
    assert to_english("за последние сутки", "ru") == "past 24 hours"


@pytest.mark.parametrize("text, language", [
    ("the 1990s", "en"), ("in the '90s", "en"), ("at 10:30", "en"), ("around 3 pm", "en"),
    ("à 10h30", "fr"), ("en la década de 1990", "es"), ("в 1990-х годах", "ru"), ("о 10:30", "uk"),
    ("الساعة 10:30", "ar"), ("في التسعينيات", "ar"),
])
def test_a_decade_or_a_clock_time_never_becomes_a_day(text, language) -> None:
    result = normalize_date(text, D(2024, 8, 16), language=language)
    assert result.date is None
    assert result.note


def test_a_year_is_month_precision_at_best_with_a_note() -> None:
    result = normalize_date("in 2023", D(2024, 8, 16))
    assert result.precision == 3 and result.note


@pytest.mark.parametrize("text, language, expected", [
    ("08/03/2024", "en", D(2024, 8, 3)),  # 3 August is nearer before publication than 8 March
    ("04/05/2024", "en", D(2024, 5, 4)),
    ("12/08", "en", D(2024, 8, 12)),
])
def test_a_numeric_date_readable_both_ways_says_which_reading(text, language, expected) -> None:
    result = normalize_date(text, D(2024, 8, 16), language=language)
    assert result.date == expected
    assert "other reading" in result.note


def test_other_languages_read_numeric_dates_day_first() -> None:
    assert normalize_date("03/02/2024", D(2024, 3, 12), language="fr").date == D(2024, 2, 3)
    assert normalize_date("05/11", D(2023, 11, 27), language="es").date == D(2023, 11, 5)


@pytest.mark.parametrize("text, language, published, expected", [
    ("the night of 14 to 15 August", "en", D(2024, 8, 16), D(2024, 8, 14)),
    ("on the night of August 14-15", "en", D(2024, 8, 16), D(2024, 8, 14)),
    ("в ночь на 7 января", "ru", D(2025, 1, 8), D(2025, 1, 6)),
    ("у ніч на 15 серпня", "uk", D(2024, 8, 16), D(2024, 8, 14)),
    ("la noche del 24 al 25 de noviembre", "es", D(2023, 11, 27), D(2023, 11, 24)),
])
def test_a_night_over_two_days_is_the_day_it_began_with_a_note(text, language, published, expected) -> None:
    result = normalize_date(text, published, language=language)
    assert (result.date, result.precision) == (expected, 1)
    assert "night" in result.note.lower()


def test_possessive_with_a_noun_after_it() -> None:
    assert normalize_date("Saturday's attack", D(2024, 8, 16)).date == D(2024, 8, 10)


def test_the_past_hours() -> None:
    day = normalize_date("in the past 24 hours", D(2024, 8, 16))
    assert (day.date, day.precision) == (D(2024, 8, 15), 1) and "publication day" in day.note
    two = normalize_date("las últimas 48 horas", D(2023, 11, 27), language="es")
    assert (two.date, two.precision) == (D(2023, 11, 25), 2)
    assert normalize_date("the past 24 hours", None).date is None


def test_the_weekend_of_a_date_range() -> None:
    result = normalize_date("the weekend of 10-11 August", D(2024, 8, 16))
    assert (result.date, result.precision) == (D(2024, 8, 10), 2)


@pytest.mark.parametrize("text, language, published, expected, noted", [
    ("on Christmas Day", "en", D(2025, 1, 8), D(2024, 12, 25), False),
    ("на Рождество", "ru", D(2025, 1, 8), D(2025, 1, 7), False),  # the Orthodox calendar
    ("на День Незалежності", "uk", D(2024, 8, 26), D(2024, 8, 24), False),
    ("عيد الفطر", "ar", D(2024, 8, 16), D(2024, 4, 10), True),  # movable: a note
    ("en Nochevieja", "es", D(2025, 1, 8), D(2024, 12, 31), False),
])
def test_holidays(text, language, published, expected, noted) -> None:
    result = normalize_date(text, published, language=language)
    assert result.date == expected
    assert bool(result.note) == noted


def test_the_events_country_picks_the_holiday_calendar() -> None:
    assert normalize_date("Independence Day", D(2024, 8, 1), language="en", country="US").date == D(2024, 7, 4)
