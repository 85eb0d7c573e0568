"""The repository: what the app asks of a workspace, each call committed at once."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from sqlalchemy import text

from storage.db import integrity_check, schema_version, SCHEMA_VERSION
from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleFilter, ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(db_url: str):  # type: ignore[no-untyped-def]
    """This module's tests run on both engines: a SQLite file and a PostgreSQL database."""
    r = Repository(db_url)
    yield r
    r.close()


def _article(i: int, **kw) -> ArticleIn:
    return ArticleIn(text=f"Article {i} body.\r\nClashes near Kherson 🙂 killed {i}.", title=f"T{i}", **kw)


def test_duplicates_are_counted_not_stored_twice(repo: Repository) -> None:
    first = repo.add_articles([_article(1), _article(2)])
    again = repo.add_articles([_article(1), ArticleIn(text="Article 2  body.\nClashes near Kherson 🙂 killed 2.")])
    assert len(first.added_ids) == 2 and first.duplicates == 0
    # Same text with other white space is the same article.
    assert again.added_ids == [] and again.duplicates == 2
    assert repo.count_articles() == 2


def test_text_is_stored_exactly(repo: Repository) -> None:
    text = "Line one\r\nСуджа — e\u0301 🙂\r\n"
    article_id = repo.add_article(ArticleIn(text=text))
    assert repo.get_article(article_id).text == text


def test_filter_and_page_articles(repo: Repository) -> None:
    repo.add_articles([_article(i, source="Northwire" if i % 2 else "Sahel Dispatch",
                                published=dt.date(2024, 1, 1) + dt.timedelta(days=i)) for i in range(10)])
    ids = repo.article_ids()
    assert len(ids) == 10
    rows = repo.article_rows(ids[:3])
    assert [r.published for r in rows] == sorted([r.published for r in rows], reverse=True)
    assert repo.count_articles(ArticleFilter(source="Northwire")) == 5
    assert repo.count_articles(ArticleFilter(search="t3")) == 1
    repo.set_status(ids[0], "coded")
    assert repo.count_articles(ArticleFilter(statuses=["coded"])) == 1
    assert repo.next_article_id(None) == ids[1]
    assert len(repo.list_articles(offset=8, limit=5)) == 2
    assert repo.sources() == ["Northwire", "Sahel Dispatch"]


def test_unknown_status_is_refused(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    with pytest.raises(ValueError):
        repo.set_status(article_id, "done-ish")


def test_span_edits_return_what_undo_needs(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    span = repo.add_span(EntitySpan(article_id=article_id, start=31, end=38, label="GPE"))
    previous = repo.update_span(span.id, state=SpanState.ACCEPTED.value, label="LOC")
    assert previous == {"state": "suggested", "label": "GPE"}
    deleted = repo.delete_span(span.id)
    assert repo.spans(article_id) == []
    repo.restore_span(deleted)
    [back] = repo.spans(article_id)
    assert (back.id, back.label, back.state) == (span.id, "LOC", "accepted")


def test_new_suggestions_never_touch_coder_decisions(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    repo.add_spans([
        EntitySpan(article_id=article_id, start=0, end=7, label="ORG", state="rejected"),
        EntitySpan(article_id=article_id, start=31, end=38, label="GPE", state="accepted"),
        EntitySpan(article_id=article_id, start=40, end=41, label="CARDINAL"),
    ])
    added = repo.replace_suggestions(article_id, [
        EntitySpan(article_id=0, start=0, end=7, label="ORG"),        # overlaps a rejection
        EntitySpan(article_id=0, start=31, end=38, label="PERSON"),   # overlaps an acceptance
        EntitySpan(article_id=0, start=18, end=25, label="NORP"),
    ])
    assert added == 1
    spans = {(s.start, s.end, s.label, s.state) for s in repo.spans(article_id)}
    assert spans == {(0, 7, "ORG", "rejected"), (31, 38, "GPE", "accepted"), (18, 25, "NORP", "suggested")}


def test_events_fields_evidence_and_restore(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    event = repo.add_event(article_id, {"event_type": "Battles", "fatalities": 3, "form": "march"}, coder="ana")
    assert repo.update_event(event.id, {"fatalities": 4, "form": None}) == {"fatalities": 3, "form": "march"}
    assert repo.set_evidence(event.id, "location", 31, 38) is None
    assert repo.set_evidence(event.id, "location", 30, 38) == (31, 38)
    bundle = repo.get_bundle(article_id)
    [ev] = bundle.events
    assert ev.event.fatalities == 4 and ev.event.extra == {}
    assert (ev.evidence["location"].start, ev.evidence["location"].end) == (30, 38)
    saved = repo.delete_event(event.id)
    assert repo.get_bundle(article_id).events == []
    repo.restore_event(saved)
    [back] = repo.get_bundle(article_id).events
    assert back.event.uid == event.uid and back.evidence["location"].end == 38
    assert repo.find_event_by_uid(event.uid).id == event.id


def test_deleting_an_article_cascades(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    event = repo.add_event(article_id, {"event_type": "Riots"})
    repo.set_evidence(event.id, "event_type", 0, 7)
    with repo.engine.begin() as conn:
        conn.execute(text("DELETE FROM article WHERE id=:id"), {"id": article_id})
    assert repo.events() == []


def test_stats_shape(repo: Repository) -> None:
    article_id = repo.add_article(_article(1))
    repo.add_span(EntitySpan(article_id=article_id, start=0, end=7, label="ORG", origin=SpanOrigin.CODER.value,
                             state="accepted", coder="ana"))
    repo.add_event(article_id, {}, coder="ana")
    repo.ensure_coder("ben")
    stats = repo.stats()
    assert stats["articles"]["total"] == 1 and stats["articles"]["new"] == 1
    assert stats["spans"] == {"total": 1, "suggested": 0, "accepted": 1, "rejected": 0}
    assert stats["events"] == 1 and stats["coders"] == ["ana", "ben"]


def test_learned_patterns_count_hits(repo: Repository) -> None:
    repo.learn("Glushkovo", "GPE")
    repo.learn("Glushkovo", "GPE")
    repo.learn("Kursk", "GPE", polarity="reject", context="the|region")
    [accept] = repo.patterns("accept")
    assert accept.hits == 2
    repo.unlearn("Kursk", "GPE", polarity="reject", context="the|region")
    assert repo.patterns("reject") == []


def test_new_workspace_opened_by_several_processes_at_once(tmp_path: Path) -> None:
    db = tmp_path / "ws.sqlite"
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from storage.repository import Repository;"
            "print(Repository(sys.argv[1]).count_articles())")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(ROOT)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(rc == 0 and out.strip() == "0" for out, _err, rc in outcomes), outcomes
    assert integrity_check(db) == "ok"
    assert list(tmp_path.glob("*.bak*")) == []  # a new file needs no backup


def test_schema_version_recorded(repo: Repository) -> None:
    assert schema_version(repo.engine) == SCHEMA_VERSION
