"""Date highlights resolved against a fixed publication date: Friday 16 August 2024."""
from __future__ import annotations

import datetime as dt

import pytest

from coding.codebook import default_codebook, find_codebook
from coding.dates import NO_PUBLICATION, date_values, normalize_date

FRIDAY = dt.date(2024, 8, 16)
D = dt.date


@pytest.mark.parametrize("text, expected, precision", [
    # weekdays: the most recent one on or before publication; "last X" strictly before
    ("on Tuesday", D(2024, 8, 13), 1),
    ("Tuesday night", D(2024, 8, 13), 1),
    ("on Tuesday at around 3 pm", D(2024, 8, 13), 1),
    ("Saturday", D(2024, 8, 10), 1),
    ("Friday", D(2024, 8, 16), 1),
    ("last Friday", D(2024, 8, 9), 1),
    # exact days back
    ("two days ago", D(2024, 8, 14), 1),
    ("3 days ago", D(2024, 8, 13), 1),
    ("yesterday", D(2024, 8, 15), 1),
    ("last night", D(2024, 8, 15), 1),
    ("today", D(2024, 8, 16), 1),
    ("overnight", D(2024, 8, 15), 1),
    ("on the 5th", D(2024, 8, 5), 1),
    # weeks: the middle day of the range
    ("last week", D(2024, 8, 8), 2),  # Mon 5 - Sun 11 August -> Thursday 8
    ("this week", D(2024, 8, 14), 2),  # Mon 12 - Fri 16
    ("this weekend", D(2024, 8, 10), 2),
    ("over the weekend", D(2024, 8, 10), 2),
    ("a week ago", D(2024, 8, 9), 2),
    # months
    ("earlier this month", D(2024, 8, 8), 3),  # 1 - 15 August
    ("in March", D(2024, 3, 16), 3),
    ("in December", D(2023, 12, 16), 3),  # the past December
    ("last month", D(2024, 7, 16), 3),
    ("in mid-July", D(2024, 7, 15), 3),
    ("early August", D(2024, 8, 5), 3),
    # absolute
    ("March 5", D(2024, 3, 5), 1),
    ("5 March 2024", D(2024, 3, 5), 1),
    ("August 20", D(2023, 8, 20), 1),  # would be after publication: last year's
    ("2024-08-01", D(2024, 8, 1), 1),
    ("on Monday, August 12", D(2024, 8, 12), 1),
    ("12/08/2024", D(2024, 8, 12), 1),  # month/day would be December: read day/month
    # more phrasings news use
    ("early Tuesday", D(2024, 8, 13), 1),
    ("in the early hours of Thursday", D(2024, 8, 15), 1),
    ("on the night of Tuesday to Wednesday", D(2024, 8, 13), 1),
    ("Monday's", D(2024, 8, 12), 1),
    ("on Thursday last week", D(2024, 8, 8), 1),
    ("5-7 August", D(2024, 8, 6), 2),
    ("between August 5 and 7", D(2024, 8, 6), 2),
    ("20-25 August", D(2023, 8, 22), 2),  # not yet this year: last year's
    ("the first week of August", D(2024, 8, 4), 2),
    ("last three days", D(2024, 8, 14), 2),
    ("past two weeks", D(2024, 8, 8), 3),
    ("a fortnight ago", D(2024, 8, 2), 2),
    ("late last month", D(2024, 7, 26), 3),
    ("earlier this year", D(2024, 4, 24), 3),
])
def test_relative_and_absolute_dates(text, expected, precision):
    result = normalize_date(text, FRIDAY)
    assert (result.date, result.precision) == (expected, precision), result.note


def test_publication_as_datetime_or_text():
    assert normalize_date("yesterday", dt.datetime(2024, 8, 16, 23, 30)).date == D(2024, 8, 15)
    assert normalize_date("yesterday", "2024-08-16").date == D(2024, 8, 15)


def test_weekday_on_the_publication_day_says_so():
    assert "publication day" in normalize_date("on Friday", FRIDAY).note


def test_ranges_are_explained_in_the_note():
    result = normalize_date("last week", FRIDAY)
    assert (result.start, result.end) == (D(2024, 8, 5), D(2024, 8, 11))
    assert "2024-08-05 to 2024-08-11" in result.note


def test_this_weekend_on_a_weekday_warns():
    assert "coming weekend" in normalize_date("this weekend", FRIDAY).note
    monday = normalize_date("this weekend", D(2024, 8, 19))
    assert monday.date == D(2024, 8, 17) and monday.note.count("coming") == 0


def test_periods_never_pass_the_publication_date():
    wednesday = D(2024, 8, 14)
    result = normalize_date("this week", wednesday)
    assert result.end == wednesday and result.date <= wednesday
    assert normalize_date("in August", wednesday).date <= wednesday


@pytest.mark.parametrize("text", ["on Tuesday", "two days ago", "yesterday", "last week", "earlier this month",
                                  "in March", "March 5", "this weekend", "overnight", "last month", "5-7 August"])
def test_without_publication_relative_dates_tell_the_coder(text):
    result = normalize_date(text, None)
    assert result.date is None and result.note == NO_PUBLICATION


@pytest.mark.parametrize("text, expected, precision", [
    ("5 March 2024", D(2024, 3, 5), 1), ("2024-08-01", D(2024, 8, 1), 1), ("August 12, 2024", D(2024, 8, 12), 1),
    ("1-3 March 2023", D(2023, 3, 2), 2), ("March 2023", D(2023, 3, 16), 3)])
def test_without_publication_absolute_dates_still_work(text, expected, precision):
    result = normalize_date(text, None)
    assert (result.date, result.precision) == (expected, precision)


@pytest.mark.parametrize("text", ["the previous day", "the next day", "two days later"])
def test_dates_counted_from_another_date_are_left_to_the_coder(text):
    result = normalize_date(text, FRIDAY)
    assert result.date is None and "another date in the article" in result.note


def test_counting_back_with_earlier_warns():
    result = normalize_date("four days earlier", FRIDAY)
    assert result.date == D(2024, 8, 12) and "another date" in result.note


def test_unreadable_text():
    result = normalize_date("the day of the big storm", FRIDAY)
    assert result.date is None and "enter the date by hand" in result.note
    assert normalize_date("", FRIDAY).date is None


def test_date_values_fill_the_codebooks_precision_field():
    result = normalize_date("last week", FRIDAY)
    assert date_values(default_codebook(), "event_date", result) == {"event_date": "2024-08-08", "time_precision": 2}
    protest = find_codebook("protest")
    assert date_values(protest, "protest_date", result) == {"protest_date": "2024-08-08", "date_precision": 2}
    assert date_values(protest, "protest_date", normalize_date("on Tuesday", None)) == {}
