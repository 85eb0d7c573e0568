"""The plain values the repository takes and gives: article input, filters, list rows, bundles."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from storage.models import CORE_EVENT_FIELDS, Article, ArticleStatus, EntitySpan, Event, Evidence


@dataclass
class ArticleIn:
    """An article as an importer produced it, before it has an id."""

    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: Optional[dt.date] = None
    language: str = "en"
    status: str = ArticleStatus.NEW.value
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class AddResult:
    added_ids: list[int] = field(default_factory=list)
    duplicates: int = 0


@dataclass
class ArticleFilter:
    statuses: Sequence[str] = ()
    source: str = ""
    search: str = ""  # matched against title and source (and body when search_body)
    search_body: bool = False
    # A coder's own list: only the articles assigned to them, `statuses` then being their own
    # status (team coding, DESIGN section 10); "" lists every article by its overall status.
    coder: str = ""


@dataclass
class ArticleRow:
    """What the article list shows: light, no body text."""

    id: int
    title: str
    published: Optional[dt.date]
    source: str
    status: str
    n_events: int


@dataclass
class EventWithEvidence:
    event: Event
    evidence: dict[str, Evidence]


@dataclass
class ArticleBundle:
    article: Article
    spans: list[EntitySpan]
    events: list[EventWithEvidence]


def event_fields(event: Event) -> dict[str, Any]:
    """All codebook field values of an event: the core columns, then the extras."""
    values = {name: getattr(event, name) for name in CORE_EVENT_FIELDS}
    values.update(event.extra or {})
    return values


def set_event_field(event: Event, name: str, value: Any) -> None:
    if name in CORE_EVENT_FIELDS:
        setattr(event, name, value)
    else:
        extra = dict(event.extra or {})
        if value is None or value == "":
            extra.pop(name, None)
        else:
            extra[name] = value
        event.extra = extra
