"""JSONL interchange: export then import into an empty workspace gives the same workspace."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from storage.importers import import_paths
from storage.interchange import export_jsonl
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository, event_fields

@pytest.fixture
def repo(db_url: str):  # type: ignore[no-untyped-def]
    """This module's tests run on both engines: a SQLite file and a PostgreSQL database."""
    r = Repository(db_url)
    yield r
    r.close()


TEXT_A = "Кursk bridge 🌉 destroyed\r\nUkraine’s forces hit the bridge over the Seym near Glushkovo.\r\n"
TEXT_B = "Protest in Lagos\nPolice fired tear gas at “End Bad Governance” marchers on 1 August.\n"


def _fill(repo: Repository) -> tuple[int, int]:
    a = repo.add_article(ArticleIn(text=TEXT_A, title="Bridge", source="Wire", url="https://x.org/a",
                                   published=dt.date(2024, 8, 16), status="coded", meta={"file": "a.txt", "n": [1, 2]}))
    b = repo.add_article(ArticleIn(text=TEXT_B, title="Lagos", language="en", meta={"published_raw": "early Aug"}))
    assert a and b
    glushkovo = TEXT_A.index("Glushkovo")
    repo.add_spans([
        EntitySpan(article_id=a, start=0, end=5, label="GPE", state="accepted", origin="model",
                   model_name="en_core_web_sm", model_version="3.8.0"),
        EntitySpan(article_id=a, start=glushkovo, end=glushkovo + 9, label="GPE", state="suggested", origin="gazetteer"),
        EntitySpan(article_id=a, start=13, end=15, label="CARDINAL", state="rejected", origin="model", coder="ana"),
        EntitySpan(article_id=b, start=12, end=17, label="GPE", state="accepted", origin="coder", coder="bo"),
    ])
    ev = repo.add_event(a, {"event_date": dt.date(2024, 8, 16), "event_type": "Explosions/Remote violence",
                            "fatalities": 0, "latitude": 51.33, "location": "Glushkovo", "custom_note": "bridge",
                            "weapons": ["missile", "drone"]}, coder="ana", codebook_version="2")
    repo.set_evidence(ev.id, "location", glushkovo, glushkovo + 9)
    repo.set_evidence(ev.id, "event_date", 0, 5)
    repo.add_event(b, {"event_type": "Protests", "actor1": "Protesters (Nigeria)"}, coder="bo",
                   codebook_name="protest", codebook_version="0.3")
    repo.learn("Glushkovo", "GPE", coder="ana")
    repo.learn("Glushkovo", "GPE", coder="ana")
    repo.learn("Seym", "PERSON", polarity="reject", context="river")
    repo.save_codebook("protest", "0.3", {"name": "protest", "fields": [{"name": "event_type"}]})
    repo.upsert_actor("Protesters (Nigeria)", 6, ["protesters"])
    return a, b


_EDITS = {"version", "updated_by"}


def _snapshot(repo: Repository) -> list[dict]:
    out = []
    for aid in sorted(repo.article_ids()):
        bundle = repo.get_bundle(aid)
        art = bundle.article
        out.append({
            # version and updated_by count this workspace's edits: not carried by the file.
            "article": art.model_dump(exclude={"id", *_EDITS}),
            "spans": [s.model_dump(exclude={"id", "article_id", *_EDITS}) for s in bundle.spans],
            "events": [{**e.event.model_dump(exclude={"id", "article_id", *_EDITS}), "fields": event_fields(e.event),
                        "evidence": {k: (v.start, v.end, art.text[v.start:v.end]) for k, v in e.evidence.items()}}
                       for e in bundle.events],
        })
    return sorted(out, key=lambda x: x["article"]["sha256"])


def _patterns(repo: Repository) -> list[tuple]:
    return sorted((p.text, p.label, p.polarity, p.context, p.hits, p.coder) for p in repo.patterns())


def test_round_trip_into_empty_workspace(repo: Repository, tmp_path: Path) -> None:
    _fill(repo)
    out = tmp_path / "ws.jsonl"
    assert export_jsonl(repo, out) == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = lines[0]
    assert first["text"] == TEXT_A and all(first["text"][s["start"]:s["end"]] == s["text"] for s in first["spans"])
    assert first["events"][0]["uid"] and first["events"][0]["fields"]["custom_note"] == "bridge"

    other = Repository(tmp_path / "empty.sqlite")
    try:
        report = import_paths(other, [out])
        assert (report.imported, report.duplicates, report.failures) == (2, 0, [])
        assert _snapshot(other) == _snapshot(repo)
        assert _patterns(other) == _patterns(repo)
        assert [(c.name, c.version, c.definition) for c in other.codebooks()] == \
            [(c.name, c.version, c.definition) for c in repo.codebooks()]
        assert [(a.name, a.inter_code, a.aliases) for a in other.actors()] == \
            [(a.name, a.inter_code, a.aliases) for a in repo.actors()]
        assert set(other.stats()["coders"]) == {"ana", "bo"}
        # And back again: the second export is the same file.
        out2 = tmp_path / "again.jsonl"
        export_jsonl(other, out2)
        strip = lambda p: [{k: v for k, v in json.loads(x).items() if k != "id"} for x in p.read_text().splitlines()]
        assert strip(out2) == strip(out)
    finally:
        other.close()


def test_reimport_into_same_workspace_is_all_duplicates(repo: Repository, tmp_path: Path) -> None:
    _fill(repo)
    before = _snapshot(repo)
    out = tmp_path / "ws.jsonl"
    export_jsonl(repo, out)
    report = import_paths(repo, [out])
    assert (report.imported, report.duplicates, report.failures) == (0, 2, [])
    assert _snapshot(repo) == before  # no span or event imported twice
    assert [p.hits for p in repo.patterns()] == [2, 1]


def test_export_subset_and_no_partial_file(repo: Repository, tmp_path: Path) -> None:
    a, b = _fill(repo)
    out = tmp_path / "one.jsonl"
    assert export_jsonl(repo, out, article_ids=[b]) == 1
    articles = [json.loads(x) for x in out.read_text().splitlines() if "text" in json.loads(x)]
    assert [x["title"] for x in articles] == ["Lagos"]
    assert not list(tmp_path.glob("*.part"))


def test_events_with_taken_uid_get_a_new_one(repo: Repository, tmp_path: Path) -> None:
    a, _ = _fill(repo)
    uid = repo.events([a])[0].uid
    line = {"text": "A different article about the same event.", "events": [{"uid": uid, "fields": {"fatalities": "2"}}]}
    (tmp_path / "x.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "x.jsonl"])
    assert report.imported == 1
    new = repo.events(report.article_ids)[0]
    assert new.uid != uid and new.fatalities == 2


@pytest.mark.parametrize("event, reason", [
    ({"fields": {"fatalities": "many"}}, "event 1: field 'fatalities': 'many' is not a int"),
    ({"fields": {}, "evidence": [{"field": "location", "start": 5, "end": 500}]}, "outside the text"),
    ({"fields": {}, "evidence": [{"start": 0, "end": 2}]}, "evidence 1 needs a field name"),
])
def test_bad_events_reject_the_whole_article(repo: Repository, tmp_path: Path, event: dict, reason: str) -> None:
    line = {"text": "Some article text here.", "events": [event]}
    (tmp_path / "x.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "x.jsonl"])
    assert report.imported == 0 and repo.count_articles() == 0  # never half an article
    assert report.failures[0].reason.startswith("line 1: ") and reason in report.failures[0].reason


def test_span_text_must_match_offsets(repo: Repository, tmp_path: Path) -> None:
    # A tool counting UTF-16 units puts "Kyiv" two units late after an emoji.
    text = "😀😀 Kyiv is the capital"
    line = {"text": text, "spans": [{"start": 5, "end": 9, "label": "GPE", "text": "Kyiv"}]}
    (tmp_path / "x.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "x.jsonl"])
    assert report.imported == 0 and "does not match offsets" in report.failures[0].reason


def test_other_tools_keys_go_to_meta(repo: Repository, tmp_path: Path) -> None:
    line = {"text": "Scraped article text.", "author": "R. Staff", "section": "World", "id": 99, "meta": {"a": 1}}
    (tmp_path / "x.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_paths(repo, [tmp_path / "x.jsonl"])
    assert repo.get_article(report.article_ids[0]).meta == {"a": 1, "author": "R. Staff", "section": "World"}
