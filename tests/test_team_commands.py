"""The team sub-commands of DESIGN sections 5 and 10: assign, agreement (JSON and workbook), merge."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import krippendorff
import numpy as np
import openpyxl
import pytest

import main
from services.assign import plan
from storage.db import dispose_engine
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _workspace(path: Path, n: int) -> list[int]:
    repo = Repository(path)
    ids = repo.add_articles([ArticleIn(text=f"Protest number {i} in Goma on Monday.", title=f"A{i}")
                             for i in range(n)]).added_ids
    return ids


def test_assign_spreads_evenly_with_the_overlap_double_coded(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ws.sqlite"
    _workspace(db, 20)
    code, out, _ = run(capsys, "assign", "--coders", "ana,ben,cem", "--overlap", "0.25", "--seed", "7",
                       "--db", str(db), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["double"] == 5
    loads = result["coders"]
    assert set(loads) == {"ana", "ben", "cem"} and sum(loads.values()) == 25
    assert max(loads.values()) - min(loads.values()) <= 1
    repo = Repository(db)
    assert len(repo.double_coded_ids()) == 5 and repo.unassigned_article_ids() == []
    assert all(len(set(repo.article_coders(a))) == 2 for a in repo.double_coded_ids())
    # Everything is assigned now: a second run has nothing to do.
    code, out, _ = run(capsys, "assign", "--coders", "ana,ben", "--db", str(db), "--json")
    assert code == 0 and json.loads(out) == {"coders": {"ana": 0, "ben": 0}, "double": 0}


def test_assign_is_deterministic_with_a_seed() -> None:
    ids = list(range(1, 41))
    assert plan(ids, ["ana", "ben"], 0.2, seed=3) == plan(ids, ["ana", "ben"], 0.2, seed=3)
    assert plan(ids, ["ana", "ben"], 0.2, seed=3) != plan(ids, ["ana", "ben"], 0.2, seed=4)


@pytest.mark.parametrize("argv,reason", [
    (["--coders", "ana", "--overlap", "0.2"], "at least two coders"),
    (["--coders", "ana,ana"], "twice"),
    (["--coders", "ana,ben", "--overlap", "1.5"], "between 0 and 1"),
    (["--coders", ","], "names separated by commas"),
])
def test_assign_refuses_bad_input_in_one_line(tmp_path: Path, capsys, argv: list[str], reason: str) -> None:
    code, out, err = run(capsys, "assign", *argv, "--db", str(tmp_path / "ws.sqlite"))
    assert code != 0 and out == ""
    assert err.startswith("chronicler: ") and reason in err and err.count("\n") == 1


def _double_coded(db: Path) -> Repository:
    repo = Repository(db)
    ids = repo.add_articles([ArticleIn(text=f"Clashes {i} near Goma.", published=dt.date(2024, 8, 16))
                             for i in range(3)]).added_ids
    repo.assign([(a, c) for a in ids for c in ("ana", "ben")])
    day = dt.date(2024, 8, 16)
    for coder, fat, kind in (("ana", 4, "Battles"), ("ben", 5, "Battles")):
        repo.add_event(ids[0], {"event_date": day, "location": "Goma", "event_type": kind, "fatalities": fat,
                                "time_precision": 1, "notes": "=cmd|' /C calc'!A0"}, coder=coder)
    for coder, fat, kind in (("ana", 0, "Protests"), ("ben", 0, "Riots")):
        repo.add_event(ids[1], {"event_date": day, "location": "Bunia", "event_type": kind, "fatalities": fat,
                                "time_precision": 2}, coder=coder)
    repo.add_event(ids[2], {"event_date": day, "location": "Sake", "event_type": "Battles"}, coder="ana")
    return repo


def test_agreement_json_and_workbook(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ws.sqlite"
    _double_coded(db)
    out_file = tmp_path / "report.xlsx"
    code, out, _ = run(capsys, "agreement", "--db", str(db), "--json", "--out", str(out_file))
    assert code == 0
    report = json.loads(out)
    assert report["coders"] == ["ana", "ben"] and report["articles"] == 3
    assert report["events"] == {"matched": 2, "only": {"ana": 1, "ben": 0}, "f1": pytest.approx(0.8)}
    fat = report["fields"]["fatalities"]
    assert fat["level"] == "ratio" and fat["n"] == 2
    assert fat["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=np.array([[4, 0], [5, 0]], dtype=float),
                                                            level_of_measurement="ratio"))
    assert report["fields"]["event_type"] == {"alpha": pytest.approx(
        krippendorff.alpha(reliability_data=np.array([[0, 1], [0, 2]], dtype=float), level_of_measurement="nominal")),
        "level": "nominal", "n": 2, "missing": 0, "agreement": 0.5}
    assert len(report["pairs"]) == 1 and report["pairs"][0]["coders"] == ["ana", "ben"]

    wb = openpyxl.load_workbook(out_file)
    assert wb.sheetnames == ["Summary", "Fields", "Pairs", "Only one coder"]
    fields = wb["Fields"]
    assert [c.value for c in fields[1][:4]] == ["field", "level", "alpha", "pairs (n)"]
    by_field = {row[0].value: row for row in fields.iter_rows(min_row=2)}
    assert by_field["fatalities"][2].value == pytest.approx(fat["alpha"])
    assert len(fields._charts) == 1
    pairs = wb["Pairs"]
    header = [c.value for c in pairs[1]]
    assert header[:6] == ["article_id", "coder A", "event A", "coder B", "event B", "fields differing"]
    i = header.index("fatalities A")
    rows = list(pairs.iter_rows(min_row=2, values_only=True))
    assert sorted((r[i], r[i + 1]) for r in rows) == [(0, 0), (4, 5)]
    notes = header.index("notes A") if "notes A" in header else None
    assert notes is None  # free text is not scored, so not in the side by side
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    assert wb["Only one coder"].max_row == 2


def test_agreement_with_unknown_coders_fails_in_one_line(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ws.sqlite"
    _double_coded(db)
    code, _, err = run(capsys, "agreement", "--coders", "ana,zed", "--db", str(db))
    assert code != 0 and err.startswith("chronicler: ") and "zed" in err


def _offline_copy(tmp_path: Path, name: str, coder: str, fatalities: int) -> Path:
    path = tmp_path / f"{name}.sqlite"
    repo = Repository(path)
    (aid,) = repo.add_articles([ArticleIn(text="Clashes near Goma killed four on Monday.", title="Goma")]).added_ids
    repo.add_span(EntitySpan(article_id=aid, start=13, end=17, label="GPE", origin="model"))
    repo.add_span(EntitySpan(article_id=aid, start=33, end=39, label="DATE", origin="coder", state="accepted",
                             coder=coder))
    repo.assign([(aid, coder)])
    repo.set_coder_status(aid, coder, "coded")
    ev = repo.add_event(aid, {"event_type": "Battles", "location": "Goma", "fatalities": fatalities}, coder=coder)
    repo.set_evidence(ev.id, "location", 13, 17)
    repo.learn("Goma", "GPE", coder=coder)
    repo.close()
    return path


def test_merge_keeps_coders_and_merging_twice_adds_nothing(tmp_path: Path, capsys) -> None:
    ana, ben = _offline_copy(tmp_path, "ana", "ana", 4), _offline_copy(tmp_path, "ben", "ben", 5)
    db = tmp_path / "lead.sqlite"
    code, out, _ = run(capsys, "merge", str(ana), str(ben), "--db", str(db), "--json")
    assert code == 0
    first = json.loads(out)
    assert [s["articles"] for s in first["sources"]] == [{"added": 1, "matched": 0}, {"added": 0, "matched": 1}]
    assert [s["events"]["added"] for s in first["sources"]] == [1, 1] and first["conflicts"] == 0

    repo = Repository(db)
    (aid,) = repo.article_ids()
    events = {e.event.coder: e for e in repo.article_events(aid)}
    assert {c: e.event.fatalities for c, e in events.items()} == {"ana": 4, "ben": 5}
    assert (events["ana"].evidence["location"].start, events["ana"].evidence["location"].end) == (13, 17)
    assert {(s.start, s.coder) for s in repo.spans(aid)} == {(13, None), (33, "ana"), (33, "ben")}
    assert {(a.coder, a.status) for a in repo.assignments(aid)} == {("ana", "coded"), ("ben", "coded")}
    assert repo.get_article(aid).status == "coded"
    assert [(p.text, p.hits) for p in repo.patterns()] == [("Goma", 1)]
    before = repo.stats()

    code, out, _ = run(capsys, "merge", str(ana), str(ben), "--db", str(db), "--json")
    again = json.loads(out)
    assert code == 0 and again["conflicts"] == 0
    for s in again["sources"]:
        assert s["articles"]["added"] == s["events"]["added"] == s["events"]["updated"] == 0
        assert s["spans"] == {"added": 0, "updated": 0} and s["assignments"] == s["patterns"] == 0
    assert repo.stats() == before
    assert len(repo.assignments()) == 2


def test_merge_takes_edits_from_one_side_and_reports_edits_on_both(tmp_path: Path, capsys) -> None:
    ana = _offline_copy(tmp_path, "ana", "ana", 4)
    db = tmp_path / "lead.sqlite"
    assert run(capsys, "merge", str(ana), "--db", str(db))[0] == 0
    uid = Repository(db).events()[0].uid

    # Ana edits offline; the lead did not touch it: the edit comes in.
    src = Repository(ana)
    src.update_event(src.find_event_by_uid(uid).id, {"fatalities": 6})
    src.close()
    code, out, _ = run(capsys, "merge", str(ana), "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["sources"][0]["events"]["updated"] == 1
    lead = Repository(db)
    assert lead.find_event_by_uid(uid).fatalities == 6

    # Both edit the same event: a conflict, reported and kept, the lead's version stays.
    lead.update_event(lead.find_event_by_uid(uid).id, {"fatalities": 7})
    dispose_engine(ana)
    src = Repository(ana)
    src.update_event(src.find_event_by_uid(uid).id, {"fatalities": 8})
    src.close()
    code, out, _ = run(capsys, "merge", str(ana), "--db", str(db))
    assert code == 0 and "conflict: event " + uid in out and "fatalities" in out
    assert lead.find_event_by_uid(uid).fatalities == 7
    from storage.merge import stored_conflicts

    (kept,) = stored_conflicts(lead)
    assert kept["uid"] == uid and kept["fields"]["fatalities"] == [7, 8]
    # Reported again on the next merge, kept once.
    run(capsys, "merge", str(ana), "--db", str(db))
    assert len(stored_conflicts(lead)) == 1


def test_merge_refuses_bad_sources_in_one_line(tmp_path: Path, capsys) -> None:
    db = tmp_path / "lead.sqlite"
    junk = tmp_path / "notes.sqlite"
    junk.write_text("not a database at all, just some words here " * 10)
    for source, reason in ((tmp_path / "missing.sqlite", "no such workspace file"), (junk, "not a Chronicler"),
                           (db, "this workspace itself")):
        Repository(db)
        code, out, err = run(capsys, "merge", str(source), "--db", str(db))
        assert code != 0 and err.startswith(f"chronicler: {source}: ") and reason in err, err
    assert junk.read_text().startswith("not a database")


def test_merge_takes_a_coders_later_span_decision_without_duplicating(tmp_path: Path, capsys) -> None:
    ana = _offline_copy(tmp_path, "ana", "ana", 4)
    db = tmp_path / "lead.sqlite"
    assert run(capsys, "merge", str(ana), "--db", str(db))[0] == 0
    src = Repository(ana)
    (aid,) = src.article_ids()
    suggestion = next(s for s in src.spans(aid) if s.coder is None)
    src.update_span(suggestion.id, state="accepted", coder="ana")   # decided on the suggestion
    own = next(s for s in src.spans(aid) if s.origin == "coder")
    src.update_span(own.id, state="rejected")                        # changed her mind
    src.close()
    code, out, _ = run(capsys, "merge", str(ana), "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["sources"][0]["spans"] == {"added": 0, "updated": 2}
    lead = Repository(db)
    (lead_aid,) = lead.article_ids()
    assert sorted((s.start, s.coder, s.state) for s in lead.spans(lead_aid)) == [
        (13, "ana", "accepted"), (33, "ana", "rejected")]


def test_assign_and_agreement_on_both_engines(db_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    """The team commands on a server workspace too: the same plan, the same report."""
    _double_coded(db_url)  # type: ignore[arg-type]
    code, out, err = run(capsys, "agreement", "--db", db_url, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["events"] == {"matched": 2, "only": {"ana": 1, "ben": 0}, "f1": pytest.approx(0.8)}
    repo = Repository(db_url)
    repo.add_articles([ArticleIn(text=f"Unassigned report {i} from Goma.") for i in range(8)])
    code, out, err = run(capsys, "assign", "--coders", "ana,ben", "--overlap", "0.25", "--seed", "3",
                         "--db", db_url, "--json")
    assert code == 0, err
    assert json.loads(out) == {"coders": {"ana": 5, "ben": 5}, "double": 2}
    assert repo.unassigned_article_ids() == []


def test_merge_from_a_server_workspace_into_a_file(pg_server, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A coder's server workspace merged into an offline file: coders kept, twice adds nothing."""
    from tests.conftest import new_pg_database

    url = new_pg_database(pg_server)
    _double_coded(url)  # type: ignore[arg-type]
    db = tmp_path / "offline.sqlite"
    Repository(db).close()
    code, out, err = run(capsys, "merge", url, "--db", str(db), "--json")
    assert code == 0, err
    merged = Repository(db)
    assert sorted({e.event.coder for a in merged.article_ids() for e in merged.article_events(a)}) == ["ana", "ben"]
    events = sum(len(merged.article_events(a)) for a in merged.article_ids())
    assert events == 5
    code, out, err = run(capsys, "merge", url, "--db", str(db), "--json")
    assert code == 0 and sum(len(merged.article_events(a)) for a in merged.article_ids()) == events
