"""kill -9 in the middle of coding, suggesting or a JSONL import: every committed edit is there
afterwards, no article is half saved, and the database passes PRAGMA integrity_check.

(The 20,000-article plain import killed half-way is tests/test_import_guarantees.py.)"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.db import dispose_engine, integrity_check
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"

# Edits the way the GUI makes them: undo commands pushed on a QUndoStack (each commits at once),
# one line printed after each edit is committed, describing what must now be in the database.
EDITOR = r'''
import json, sys
sys.path.insert(0, sys.argv[2])
if sys.version_info < (3, 12):  # the PySide6 6.12 / Python 3.11 None refcount bug (see conftest)
    import ctypes
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoStack
from storage.repository import Repository
from ui.undo import (AddSpanCommand, DeleteSpanCommand, RelabelSpanCommand, SetSpanStateCommand,
                     SetStatusCommand, WorkspaceSignals)
from storage.event_edits import AddEvent, SetFields
from ui.events.commands import EventEditCommand

app = QCoreApplication([])
repo = Repository(sys.argv[1])
signals, stack = WorkspaceSignals(), QUndoStack()
changed = []
signals.changed.connect(lambda change: changed.append(change.article_id))
for k, aid in enumerate(sorted(repo.article_ids())):
    bundle = repo.get_bundle(aid)
    # article_text=None: no learning hook (it would import spaCy); the span edits are the same.
    text, spans = None, bundle.spans
    kind = k % 6
    if kind == 0:
        stack.push(SetStatusCommand(repo, signals, aid, "coded"))
        exp = {"status": "coded"}
    elif kind == 1:
        stack.push(SetSpanStateCommand(repo, signals, spans[0], "accepted", "ana", text))
        exp = {"span": spans[0].id, "state": "accepted", "label": spans[0].label}
    elif kind == 2:
        stack.push(AddSpanCommand(repo, signals, aid, 0, 10, "NORP", "ana", text))
        exp = {"added": [0, 10, "NORP"]}
    elif kind == 3:
        stack.push(DeleteSpanCommand(repo, signals, spans[1], "ana", text))
        exp = {"deleted": spans[1].id}
    elif kind == 4:
        add = EventEditCommand(repo, signals, AddEvent(aid, {"event_type": "Protests", "fatalities": k},
                                                      "ana", "acled", "1"))
        stack.push(add)
        stack.push(EventEditCommand(repo, signals, SetFields(aid, add.event_id, "location", {"location": "Lagos"},
                                                             "Set location", evidence=(spans[0].start, spans[0].end),
                                                             set_evidence=True)))
        exp = {"event": add.event_id, "fatalities": k, "location": "Lagos",
               "evidence": [spans[0].start, spans[0].end]}
    else:
        stack.push(RelabelSpanCommand(repo, signals, spans[2], "LOC", "ana", text))
        stack.push(SetSpanStateCommand(repo, signals, spans[0], "rejected", "ana", text))
        stack.undo()  # the rejection taken back: also committed at once
        exp = {"span": spans[2].id, "state": "accepted", "label": "LOC",
               "kept": spans[0].id, "kept_state": spans[0].state}
    assert changed and changed[-1] == aid
    print(json.dumps({"n": k, "article": aid, **exp}), flush=True)
print("done", flush=True)
'''

TEXT = "Protesters gathered in Lagos and Abuja on Friday, police said. Report {i}."


def _coding_workspace(path: Path, n: int) -> Path:
    repo = Repository(path)
    ids = repo.add_articles([ArticleIn(text=TEXT.format(i=i), title=f"Report {i}") for i in range(n)]).added_ids
    spans = []
    for aid in ids:
        for word, label in (("Lagos", "GPE"), ("Abuja", "GPE"), ("Friday", "DATE")):
            start = TEXT.index(word)
            spans.append(EntitySpan(article_id=aid, start=start, end=start + len(word), label=label))
    repo.add_spans(spans)
    repo.close()
    return path


def _start_editor(script: Path, source: str, ws: Path) -> subprocess.Popen:
    """An editor script (offscreen) coding workspace `ws` in its own process, printing its edits."""
    script.write_text(source, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(ws), str(ROOT)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _kill_after_lines(proc: subprocess.Popen, n: int) -> list[dict]:
    lines: list[dict] = []
    assert proc.stdout is not None
    while len(lines) < n:
        line = proc.stdout.readline()
        if not line:
            err = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"the editor stopped after {len(lines)} edits: {err[-2000:]}")
        if line.startswith("{"):
            lines.append(json.loads(line))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # waits, and closes the pipes
    assert proc.returncode == -signal.SIGKILL
    return lines


@pytest.mark.slow
def test_kill_while_coding_keeps_every_committed_edit(tmp_path: Path) -> None:
    ws = _coding_workspace(tmp_path / "ws.sqlite", 200)
    edits = _kill_after_lines(_start_editor(tmp_path / "editor.py", EDITOR, ws), 48)

    assert integrity_check(ws) == "ok"
    dispose_engine(ws)
    repo = Repository(ws)
    try:
        for e in edits:
            bundle = repo.get_bundle(e["article"])
            assert bundle is not None
            by_id = {s.id: s for s in bundle.spans}
            where = f"edit {e['n']} ({e})"
            if "status" in e:
                assert bundle.article.status == e["status"], where
            if "span" in e:
                assert (by_id[e["span"]].state, by_id[e["span"]].label) == (e["state"], e["label"]), where
            if "kept" in e:
                assert by_id[e["kept"]].state == e["kept_state"], where
            if "added" in e:
                assert any([s.start, s.end, s.label] == e["added"] and s.state == "accepted"
                           for s in bundle.spans), where
            if "deleted" in e:
                assert e["deleted"] not in by_id, where
            if "event" in e:
                (ev,) = [x for x in bundle.events if x.event.id == e["event"]]
                assert (ev.event.fatalities, ev.event.location) == (e["fatalities"], e["location"]), where
                assert [ev.evidence["location"].start, ev.evidence["location"].end] == e["evidence"], where
        # Articles never reached are untouched.
        last = max(e["article"] for e in edits)
        untouched = [i for i in repo.article_ids() if i > last + 8]
        assert untouched, "the editor should have been killed well before the end"
        for aid in untouched[-5:]:
            b = repo.get_bundle(aid)
            assert b is not None and b.article.status == "new" and len(b.spans) == 3 and not b.events
        # And the workspace takes edits again.
        repo.set_status(untouched[-1], "flagged")
    finally:
        repo.close()
    assert integrity_check(ws) == "ok"


def _count(ws: Path, sql: str) -> int:
    con = sqlite3.connect(f"file:{ws}?mode=ro", uri=True, timeout=30)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _run_until(cmd: list[str], ws: Path, sql: str, at_least: int, tmp_path: Path) -> subprocess.Popen:
    """Start cmd and SIGKILL it once `sql` counts at least `at_least` rows (polling the file)."""
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"finished before it could be killed: {out} {err[-1500:]}")
            if ws.exists() and _count_safe(ws, sql) >= at_least:
                break
            assert time.monotonic() < deadline, "no progress within two minutes"
            time.sleep(0.01)
    finally:  # killed whether it got there or the test failed: no process or pipe outlives the test
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    return proc


def _count_safe(ws: Path, sql: str) -> int:
    try:
        return _count(ws, sql)
    except sqlite3.DatabaseError:  # the file is still being created: no tables yet
        return 0


def _jsonl_article(i: int) -> dict:
    text = f"Police and protesters clashed in Nairobi on Monday; {i % 7 + 1} people were hurt. Item {i}."
    loc = text.index("Nairobi")
    day = text.index("Monday")
    return {
        "title": f"Item {i}", "text": text, "source": "Test Wire", "published": "2026-11-02", "status": "coded",
        "spans": [{"start": loc, "end": loc + 7, "label": "GPE", "state": "accepted", "origin": "model"},
                  {"start": day, "end": day + 6, "label": "DATE", "state": "suggested", "origin": "model"}],
        "events": [{"fields": {"event_date": "2026-11-02", "event_type": "Riots", "location": "Nairobi",
                               "fatalities": 0, "notes": f"item {i}"},
                    "coder": "ana", "evidence": [{"field": "location", "start": loc, "end": loc + 7}]}],
    }


PER_ARTICLE = """SELECT count(*) FROM article a WHERE
  (SELECT count(*) FROM entityspan s WHERE s.article_id = a.id) != 2
  OR (SELECT count(*) FROM event e WHERE e.article_id = a.id) != 1
  OR (SELECT count(*) FROM evidence v JOIN event e ON v.event_id = e.id WHERE e.article_id = a.id) != 1"""


@pytest.mark.slow
def test_kill_during_jsonl_import_with_spans_and_events(tmp_path: Path) -> None:
    n = 12_000  # several commits (the importer commits every ~0.25 s): the kill lands between
    src = tmp_path / "coded.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(_jsonl_article(i), ensure_ascii=False) + "\n")
    ws = tmp_path / "ws.sqlite"
    cmd = [sys.executable, str(MAIN), "import", "--no-suggest", "--db", str(ws), str(src)]
    _run_until(cmd, ws, "SELECT count(*) FROM event", 1, tmp_path)

    assert integrity_check(ws) == "ok"
    saved = _count(ws, "SELECT count(*) FROM article")
    assert 0 < saved < n
    # No article half saved: each has both its spans, its event and the event's evidence.
    assert _count(ws, PER_ARTICLE) == 0

    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    assert f"imported {n - saved}, skipped {saved} duplicates, failed 0" in again.stdout
    assert _count(ws, "SELECT count(*) FROM article") == n
    assert _count(ws, PER_ARTICLE) == 0
    assert _count(ws, "SELECT count(*) FROM entityspan") == 2 * n
    assert integrity_check(ws) == "ok"


@pytest.mark.slow
def test_kill_during_suggest_then_resume(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    repo = Repository(ws)
    cities = ["Lagos", "Nairobi", "Khartoum", "Kinshasa", "Bamako", "Mogadishu", "Kampala", "Accra"]
    texts = [f"Soldiers and rebels fought near {cities[i % 8]} on Sunday, the army said, and "
             f"{i % 9 + 2} civilians fled to {cities[(i + 3) % 8]}. Report {i}." for i in range(150)]
    ids = repo.add_articles([ArticleIn(text=t) for t in texts]).added_ids
    coded = ids[-1]
    start = texts[-1].index("Sunday")
    repo.add_span(EntitySpan(article_id=coded, start=start, end=start + 6, label="DATE",
                             origin="coder", state="accepted", coder="ana"))
    repo.close()
    cmd = [sys.executable, str(MAIN), "suggest", "--db", str(ws)]
    _run_until(cmd, ws, "SELECT count(DISTINCT article_id) FROM entityspan", 33, tmp_path)

    assert integrity_check(ws) == "ok"
    done = _count(ws, "SELECT count(DISTINCT article_id) FROM entityspan")
    assert done < len(ids)
    dup = "SELECT count(*) FROM (SELECT 1 FROM entityspan GROUP BY article_id, start, \"end\" HAVING count(*) > 1)"
    assert _count(ws, dup) == 0

    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert _count(ws, "SELECT count(*) FROM article WHERE id NOT IN (SELECT article_id FROM entityspan)") == 0
    assert _count(ws, dup) == 0
    # The coder's span was never touched by either run.
    assert _count(ws, f"SELECT count(*) FROM entityspan WHERE article_id = {coded} AND origin = 'coder' "
                      "AND state = 'accepted'") == 1
    assert integrity_check(ws) == "ok"


# The window's way: edits pushed much faster than they are written, the writer thread working
# through its queue; one line printed per edit once its write is acknowledged.
QUEUED_EDITOR = r'''
import json, sys
sys.path.insert(0, sys.argv[2])
if sys.version_info < (3, 12):  # the PySide6 6.12 / Python 3.11 None refcount bug (see conftest)
    import ctypes
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoStack
from storage.event_edits import AddEvent, SetFields
from storage.repository import Repository
from ui.events.commands import EventEditCommand
from ui.undo import SetSpanStateCommand, SetStatusCommand, WorkspaceSignals
from ui.writer import DatabaseWriter

app = QCoreApplication([])
repo = Repository(sys.argv[1])
stack = QUndoStack()
writer = DatabaseWriter()
signals = WorkspaceSignals(None, writer, stack)
waiting = []
for k, aid in enumerate(sorted(repo.article_ids())):
    bundle = repo.get_bundle(aid)
    span, event = bundle.spans[0], bundle.events[0].event
    edits = [
        (SetSpanStateCommand(repo, signals, span, "accepted", "ana", None), {"span": span.id}),
        (EventEditCommand(repo, signals, SetFields(aid, event.id, "notes", {"notes": f"edit {k}", "fatalities": k},
                                                   "Set notes", evidence=(k % 20, k % 20 + 5), set_evidence=True,
                                                   expected_version=event.version)),
         {"event": event.id, "notes": f"edit {k}"}),
        (EventEditCommand(repo, signals, AddEvent(aid, {"notes": f"new {k}"}, "ana", "acled", "1",
                                                  evidence={"notes": (1, 6)})), {"added": f"new {k}"}),
        (SetStatusCommand(repo, signals, aid, "coded", expected_version=bundle.article.version), {"status": "coded"}),
    ]
    for command, exp in edits:
        stack.push(command)
        waiting.append((list(command.jobs), {"article": aid, **exp}))
print("queued", writer.pending(), flush=True)
while waiting:
    app.processEvents()
    writer.wait_idle(0.01)
    while waiting and all(job.delivered for job in waiting[0][0]):
        jobs, exp = waiting.pop(0)
        assert all(job.ok for job in jobs), [job.error for job in jobs]
        print(json.dumps({**exp, "pending": writer.pending()}), flush=True)
print("done", flush=True)
'''

NOTES = "Protesters gathered in Lagos and Abuja on Friday, police said."


@pytest.mark.slow
def test_kill_with_writes_queued_keeps_each_acknowledged_edit_whole(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    repo = Repository(ws)
    ids = repo.add_articles([ArticleIn(text=NOTES + f" Report {i}.", title=f"Report {i}") for i in range(300)]).added_ids
    repo.add_spans([EntitySpan(article_id=aid, start=32, end=37, label="GPE") for aid in ids])
    for aid in ids:
        repo.add_event(aid, {"notes": "first"}, coder="ana")
    repo.close()
    edits = _kill_after_lines(_start_editor(tmp_path / "queued_editor.py", QUEUED_EDITOR, ws), 120)
    assert edits[-1]["pending"] > 0, "the kill should come with writes still queued"

    assert integrity_check(ws) == "ok"
    dispose_engine(ws)
    repo = Repository(ws)
    try:
        for e in edits:
            bundle = repo.get_bundle(e["article"])
            assert bundle is not None
            if "span" in e:
                assert {s.id: s.state for s in bundle.spans}[e["span"]] == "accepted", e
            if "event" in e:
                assert [x.event.notes for x in bundle.events if x.event.id == e["event"]] == [e["notes"]], e
            if "added" in e:
                assert [x.event.notes for x in bundle.events].count(e["added"]) == 1, e
            if "status" in e:
                assert bundle.article.status == "coded", e
        # Each edit stored is stored whole, acknowledged or not: values with their evidence.
        written = 0
        for aid in ids:
            for item in repo.get_bundle(aid).events:
                notes = item.event.notes or ""
                if notes.startswith("edit "):
                    k = int(notes.split()[1])
                    assert item.event.fatalities == k and item.evidence["notes"].start == k % 20, notes
                    written += 1
                elif notes.startswith("new "):
                    assert (item.evidence["notes"].start, item.evidence["notes"].end) == (1, 6), notes
                else:
                    assert notes == "first" and not item.evidence and item.event.fatalities is None, notes
        assert written >= sum(1 for e in edits if "event" in e)
        assert written < len(ids), "the editor should have been killed well before the end"
    finally:
        repo.close()
