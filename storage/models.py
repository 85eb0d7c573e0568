"""The workspace tables (DESIGN section 3): articles, spans, events, evidence and friends."""
from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

if TYPE_CHECKING:
    from sqlalchemy import Table

    class TableModel(SQLModel):
        """What a table=True model has for a type checker too: its SQLAlchemy table."""

        __table__: ClassVar[Table]
else:
    TableModel = SQLModel  # at run time SQLModel itself: nothing changes for SQLAlchemy
from storage.lenient_types import make_lenient


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_uid() -> str:
    return uuid.uuid4().hex


class ArticleStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CODED = "coded"
    SKIPPED = "skipped"
    FLAGGED = "flagged"


# What the coder reads for each status (list, filters, export dialog).
STATUS_LABELS = {
    ArticleStatus.NEW.value: "New",
    ArticleStatus.IN_PROGRESS.value: "In progress",
    ArticleStatus.CODED.value: "Coded",
    ArticleStatus.SKIPPED.value: "Skipped",
    ArticleStatus.FLAGGED.value: "Flagged",
}


class SpanState(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class SpanOrigin(StrEnum):
    MODEL = "model"
    GAZETTEER = "gazetteer"
    LEARNED = "learned"
    CODER = "coder"


class Coder(TableModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Codebook(TableModel, table=True):
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    version: str
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Article(TableModel, table=True):
    __table_args__ = (
        Index("ix_article_status", "status"),
        Index("ix_article_source", "source"),
        # The article list's order (newest first) with its filter columns: lists and filters of
        # 100,000 articles read this index alone, in order (migration 0003).
        Index("ix_article_list", "published", "id", "status", "source", "title"),
        # The stored length alone (migration 0006): on SQLite the column sits after the text.
        Index("ix_article_text_length", "id", "text_length"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = ""
    # Stored exactly as decoded: line endings kept, no Unicode normalization,
    # so span offsets (code points) stay true.
    text: str
    source: str = ""
    url: str = ""
    published: Optional[dt.date] = None
    language: str = "en"
    sha256: str = Field(unique=True)
    status: str = Field(default=ArticleStatus.NEW.value)
    imported_at: dt.datetime = Field(default_factory=utcnow)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Optimistic concurrency (migration 0005): bumped by every edit; an edit naming an older
    # version is refused (storage.concurrency.Conflict). updated_by: who made the last edit.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    updated_by: Optional[str] = None
    # The text's length in code points, stored with it (migration 0006): a 100 MB article's
    # length without reading its text. None for a row another program wrote: length(text) then.
    text_length: Optional[int] = None


class EntitySpan(TableModel, table=True):
    __tablename__ = "entityspan"
    # ix_entityspan_state: migration 0002 (span counts by state).
    __table_args__ = (Index("ix_entityspan_article", "article_id", "start"), Index("ix_entityspan_state", "state"))
    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    start: int
    end: int
    label: str
    origin: str = SpanOrigin.MODEL.value
    state: str = SpanState.SUGGESTED.value
    coder: Optional[str] = None
    model_name: Optional[str] = None
    model_version: Optional[str] = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    # Optimistic concurrency (migration 0005): bumped by every edit; an edit naming an older
    # version is refused (storage.concurrency.Conflict). updated_by: who made the last edit.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    updated_by: Optional[str] = None


class Event(TableModel, table=True):
    """One coded event. The ACLED core fields are columns; other codebooks' fields go to `extra`."""

    # ix_event_coder, ix_event_event_date: migration 0002 (the export filters).
    __table_args__ = (
        Index("ix_event_article", "article_id"),
        Index("ix_event_coder", "coder"),
        Index("ix_event_event_date", "event_date"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    # Stable across exports and re-imports: how an edited workbook row finds its event.
    uid: str = Field(default_factory=new_uid, unique=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    codebook_name: str = "acled"
    codebook_version: str = "1"
    event_id_cnty: Optional[str] = None
    event_date: Optional[dt.date] = None
    year: Optional[int] = None
    time_precision: Optional[int] = None
    disorder_type: Optional[str] = None
    event_type: Optional[str] = None
    sub_event_type: Optional[str] = None
    actor1: Optional[str] = None
    assoc_actor_1: Optional[str] = None
    inter1: Optional[int] = None
    actor2: Optional[str] = None
    assoc_actor_2: Optional[str] = None
    inter2: Optional[int] = None
    interaction: Optional[int] = None
    civilian_targeting: Optional[str] = None
    iso: Optional[int] = None
    region: Optional[str] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    admin3: Optional[str] = None
    location: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    geo_precision: Optional[int] = None
    source: Optional[str] = None
    source_scale: Optional[str] = None
    notes: Optional[str] = None
    fatalities: Optional[int] = None
    tags: Optional[str] = None
    timestamp: Optional[int] = None
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    coder: Optional[str] = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    # Optimistic concurrency (migration 0005): bumped by every edit; an edit naming an older
    # version is refused (storage.concurrency.Conflict). updated_by: who made the last edit.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    updated_by: Optional[str] = None
    # An adjudicated (gold) event and the uids of the coders' events it was made from
    # (uids, not ids: they survive exports, re-imports and merges). Migration 0004.
    gold: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    sources: list[str] = Field(default_factory=list,
                               sa_column=Column(JSON, nullable=False, server_default=text("'[]'")))


# The event columns that hold codebook fields, in ACLED order.
CORE_EVENT_FIELDS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)


class Evidence(TableModel, table=True):
    """The text span that justifies one field of one event."""

    __table_args__ = (UniqueConstraint("event_id", "field"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    field: str
    start: int
    end: int


class Actor(TableModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    inter_code: Optional[int] = None
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Place(TableModel, table=True):
    """A cached gazetteer lookup (or a coder's override) for a place name."""

    __table_args__ = (UniqueConstraint("query", "country_hint"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    query: str
    country_hint: str = ""
    name: str = ""
    country: str = ""
    country_code: str = ""
    admin1: str = ""
    admin2: str = ""
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    geonameid: Optional[int] = None
    population: Optional[int] = None
    geo_precision: Optional[int] = None
    chosen_by_coder: bool = False


class LearnedPattern(TableModel, table=True):
    """What coders taught the suggester: a span text with its label, to suggest again
    (polarity 'accept') or not to suggest in this context (polarity 'reject')."""

    __tablename__ = "learnedpattern"
    __table_args__ = (UniqueConstraint("text", "label", "polarity", "context"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    text: str
    label: str
    polarity: str = "accept"
    context: str = ""
    hits: int = 1
    coder: Optional[str] = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    """Who codes which article, and that coder's own status for it (migration 0004).
    Article.status stays the article's overall status (the single-coder case)."""

    __table_args__ = (UniqueConstraint("article_id", "coder"), Index("ix_assignment_coder", "coder", "status"))
    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    coder: str
    status: str = Field(default=ArticleStatus.NEW.value)
    assigned_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Adjudication(SQLModel, table=True):
    """An article whose coders' versions were adjudicated: blind mode stops hiding them."""

    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", primary_key=True)
    adjudicator: Optional[str] = None
    adjudicated_at: dt.datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    """A workspace setting shared by every coder of the workspace (e.g. blind mode)."""

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class MergedEvent(SQLModel, table=True):
    """The version of an event a merge last brought in (its updated_at there): on the next
    merge, an event unchanged here since then takes the source's edits, and one edited on both
    sides is a conflict (migration 0004)."""

    __tablename__ = "mergedevent"
    uid: str = Field(primary_key=True)
    updated_at: dt.datetime


class Presence(SQLModel, table=True):
    """Who has the workspace open (migration 0005): one row a client, its heartbeat in seen_at."""

    client: str = Field(primary_key=True)
    coder: str = ""
    host: str = ""
    started_at: dt.datetime = Field(default_factory=utcnow)
    seen_at: dt.datetime = Field(default_factory=utcnow, index=True)


# Read damaged dates and JSON as empty, not as a failed query (see storage.lenient_types).
make_lenient([t for t in SQLModel.metadata.sorted_tables])
