"""The event form's fill functions take the article's language and the event's country, and
keep working without them (the UI passes them when it has them)."""
from __future__ import annotations

import datetime as dt

from coding.codebook import default_codebook
from coding.event_fill import fill_actor_text, fill_date


def test_fill_date_reads_the_articles_language() -> None:
    book = default_codebook()
    spec = book.field("event_date")
    plain = fill_date(book, spec, "yesterday", dt.date(2024, 3, 12))
    assert plain.changes["event_date"] == dt.date(2024, 3, 11)
    french = fill_date(book, spec, "dimanche dernier", dt.date(2024, 3, 12), language="fr")
    assert french.changes == {"event_date": dt.date(2024, 3, 10), "time_precision": 1}


def test_fill_date_says_when_nothing_can_be_filled() -> None:
    book = default_codebook()
    result = fill_date(book, book.field("event_date"), "at 10:30", dt.date(2024, 3, 12))
    assert not result.ok and "time of day" in result.note


def test_fill_actor_text_uses_the_events_country_and_says_it_guessed() -> None:
    book = default_codebook()
    spec = book.field("actor1")
    abroad = fill_actor_text(book, spec, "Russian forces", None, country="UA")
    assert abroad.changes == {"actor1": "Russian forces", "inter1": 8}
    assert abroad.note.startswith("Guessed")
    home = fill_actor_text(book, spec, "Russian forces", None)
    assert home.changes["inter1"] == 1
