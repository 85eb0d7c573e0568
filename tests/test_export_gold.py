"""Exports keep who coded what: the coder and gold columns, --gold-only, and both read back."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

import main
from storage.importers import import_paths
from storage.repository import ArticleIn, Repository
from storage.workbook_import import import_workbook


@pytest.fixture
def adjudicated(tmp_path: Path) -> tuple[Repository, str, list[str]]:
    repo = Repository(tmp_path / "ws.sqlite")
    (aid,) = repo.add_articles([ArticleIn(text="Clashes near Goma killed four on Monday.", title="Goma",
                                          published=dt.date(2024, 8, 19))]).added_ids
    a = repo.add_event(aid, {"event_type": "Battles", "location": "Goma", "fatalities": 4}, coder="ana")
    b = repo.add_event(aid, {"event_type": "Battles", "location": "Goma", "fatalities": 5}, coder="ben")
    gold = repo.create_gold_event(aid, {"event_type": "Battles", "location": "Goma", "fatalities": 4},
                                  [a.uid, b.uid], adjudicator="lead", evidence={"location": (13, 17)})
    return repo, gold.uid, [a.uid, b.uid]


def test_events_sheet_has_coder_and_gold_and_gold_only_keeps_gold(adjudicated, tmp_path: Path, capsys) -> None:
    repo, gold_uid, sources = adjudicated
    out = tmp_path / "all.xlsx"
    assert main.main(["export", str(out), "--db", str(repo.path)]) == 0
    rows = list(openpyxl.load_workbook(out)["Events"].iter_rows(values_only=True))
    header = rows[0]
    got = {r[header.index("event_uid")]: (r[header.index("coder")], r[header.index("gold")],
                                          r[header.index("sources")]) for r in rows[1:]}
    assert got == {sources[0]: ("ana", False, None), sources[1]: ("ben", False, None),
                   gold_uid: ("lead", True, " ".join(sources))}

    only = tmp_path / "gold.csv"
    assert main.main(["export", str(only), "--db", str(repo.path), "--gold-only"]) == 0
    capsys.readouterr()
    with only.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["event_uid"] == gold_uid and row["coder"] == "lead" and row["gold"].lower() == "true"
    assert row["sources"].split() == sources


def test_jsonl_round_trip_keeps_gold_events_and_their_sources(adjudicated, tmp_path: Path) -> None:
    repo, gold_uid, sources = adjudicated
    out = tmp_path / "ws.jsonl"
    assert main.main(["export", str(out), "--db", str(repo.path)]) == 0
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert [e.get("gold", False) for e in line["events"]] == [False, False, True]
    fresh = Repository(tmp_path / "fresh.sqlite")
    import_paths(fresh, [out])
    (gold,) = fresh.gold_events()
    assert gold.event.uid == gold_uid and gold.event.sources == sources and gold.event.coder == "lead"
    assert [s.event.coder for s in fresh.gold_sources(gold.event)] == ["ana", "ben"]
    assert sorted(e.coder for e in fresh.events() if not e.gold) == ["ana", "ben"]


def test_jsonl_gold_must_be_a_flag(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "Riots in Sumy.", "events": [
        {"fields": {"event_type": "Riots"}, "gold": "maybe"}]}) + "\n", encoding="utf-8")
    repo = Repository(tmp_path / "ws.sqlite")
    report = import_paths(repo, [bad])
    assert report.imported == 0 and "'gold' must be true or false" in report.failures[0].reason


def test_edited_workbook_reads_gold_back(adjudicated, tmp_path: Path) -> None:
    repo, gold_uid, sources = adjudicated
    out = tmp_path / "all.xlsx"
    assert main.main(["export", str(out), "--db", str(repo.path)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Events"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["event_uid"]).value == sources[1]:
            ws.cell(r, col["gold"]).value = "TRUE"  # the adjudicator promotes ben's event
        if ws.cell(r, col["event_uid"]).value == gold_uid:
            ws.cell(r, col["sources"]).value = sources[0]
    wb.save(out)
    report = import_workbook(repo, out)
    assert not report.problems and report.updated == 2
    assert repo.find_event_by_uid(sources[1]).gold is True
    assert repo.find_event_by_uid(gold_uid).sources == [sources[0]]
    wb = openpyxl.load_workbook(out)
    ws = wb["Events"]
    ws.cell(2, col["gold"]).value = "perhaps"
    wb.save(out)
    report = import_workbook(repo, out)
    assert [(p.column, "not TRUE or FALSE" in p.message) for p in report.problems] == [("gold", True)]


def test_jsonl_round_trip_keeps_assignments_statuses_and_adjudication(adjudicated, tmp_path: Path) -> None:
    repo, _gold, _sources = adjudicated
    (aid,) = repo.article_ids()
    repo.assign([(aid, "ana"), (aid, "ben")])
    repo.set_coder_status(aid, "ana", "coded")
    out = tmp_path / "ws.jsonl"
    assert main.main(["export", str(out), "--db", str(repo.path)]) == 0
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["assignments"] == [{"coder": "ana", "status": "coded"}, {"coder": "ben", "status": "new"}]
    assert line["adjudicated"]["by"] == "lead"
    fresh = Repository(tmp_path / "fresh.sqlite")
    import_paths(fresh, [out])
    (fid,) = fresh.article_ids()
    assert [(a.coder, a.status) for a in fresh.assignments(fid)] == [("ana", "coded"), ("ben", "new")]
    assert fresh.is_adjudicated(fid) and fresh.get_article(fid).status == "in_progress"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "Riots in Sumy.", "assignments": [{"coder": "ana", "status": "done"}]})
                   + "\n", encoding="utf-8")
    report = import_paths(fresh, [bad])
    assert report.imported == 0 and "assignment 1: unknown status 'done'" in report.failures[0].reason
