"""One set of value converters: what the event form checks is what the export and the
workbook re-import read (storage/values.py, used by coding and the exporters alike)."""
from __future__ import annotations

import datetime as dt

import pytest

import coding.values
from storage.exporters.rows import TYPED
from storage.values import to_date, to_int, to_number


def test_coding_and_the_exporters_share_the_converters() -> None:
    assert coding.values.to_date is to_date and coding.values.to_int is to_int
    assert coding.values.CONVERTERS["number"] is to_number


@pytest.mark.parametrize("text, day", [("2024-08-16", dt.date(2024, 8, 16)),
                                       (" 2024-08-16T10:30 ", dt.date(2024, 8, 16)),
                                       ("2024-08-16 10:30:00", dt.date(2024, 8, 16))])
def test_dates_from_iso_text(text: str, day: dt.date) -> None:
    assert to_date(text) == day and TYPED["date"](text) == day


@pytest.mark.parametrize("value, number", [(12, 12), (12.0, 12), ("12", 12), ("1,200", 1200), (" 12.0 ", 12)])
def test_whole_numbers(value: object, number: int) -> None:
    assert to_int(value) == number and TYPED["integer"](value) == number


@pytest.mark.parametrize("bad", [True, "12.5", "twelve", 1.5, "2024-08-16x"])
def test_bad_values_raise_strictly_and_stay_as_they_are_on_export(bad: object) -> None:
    convert = to_date if bad == "2024-08-16x" else to_int
    with pytest.raises(ValueError, match="is not a"):
        convert(bad)
    kind = "date" if convert is to_date else "integer"
    assert TYPED[kind](bad) == bad
    assert TYPED[kind]("  ") is None
