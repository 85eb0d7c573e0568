"""Two programs on one workspace at once (two windows, or a window and the command line): nobody
sees "database is locked", no edit is lost, and each sees the other's edits when it reads again."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import ChangeWatch, integrity_check
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent

# One side of the contention: many short write transactions, as a coder clicking fast.
WRITER = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from storage.models import EntitySpan
from storage.repository import Repository
ws, side, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
repo = Repository(ws)
ids = sorted(repo.article_ids())
print("ready", flush=True)
sys.stdin.readline()  # both sides start together
for k, aid in enumerate(ids[side::2][:n]):
    repo.set_status(aid, ("coded", "flagged")[side])
    span = repo.add_span(EntitySpan(article_id=aid, start=0, end=4, label="GPE", origin="coder",
                                    state="suggested", coder=f"coder{side}"))
    repo.update_span(span.id, state="accepted", label=f"SIDE{side}")
    event = repo.add_event(aid, {"notes": f"side {side} edit {k}", "fatalities": k}, coder=f"coder{side}")
    repo.set_evidence(event.id, "notes", 0, 4)
    repo.learn(f"word {side} {k}", "GPE", coder=f"coder{side}")
    # Reads in between see the other side's edits as they land (a fresh transaction each).
    repo.count_articles()
print(json.dumps({"side": side, "done": k + 1}), flush=True)
'''

HOLDER = r'''
import sys, time
sys.path.insert(0, sys.argv[1])
from storage.db import write_session
from storage.models import Article
from storage.repository import Repository
repo = Repository(sys.argv[2])
with write_session(repo.engine) as s:
    article = s.get(Article, int(sys.argv[3]))
    article.status = "skipped"
    s.add(article)
    s.flush()
    print("holding the write lock", flush=True)
    time.sleep(float(sys.argv[4]))  # a long write (a big import batch) in progress
print("released", flush=True)
'''


def _workspace(path: Path, n: int) -> list[int]:
    repo = Repository(path)
    ids = repo.add_articles([ArticleIn(text=f"Rally in Accra number {i}.", title=f"a{i}") for i in range(n)]).added_ids
    repo.close()
    return ids


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.slow
def test_two_writers_many_short_writes_nothing_lost(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    n = 40
    ids = _workspace(ws, 2 * n)
    script = _script(tmp_path, "writer.py", WRITER)
    procs = [subprocess.Popen([sys.executable, str(script), str(ROOT), str(ws), str(side), str(n)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for side in (0, 1)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    # The test is a third party reading (and writing) while both sides write.
    watcher = Repository(ws)
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    seen_events = []
    while any(p.poll() is None for p in procs):
        seen_events.append(watcher.stats()["events"])
        if len(seen_events) % 5 == 1:
            watcher.ensure_coder(f"watcher{len(seen_events) % 3}")
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "locked" not in err and "Traceback" not in err
        assert json.loads(out.strip().splitlines()[-1])["done"] == n
    assert seen_events == sorted(seen_events), "a reader saw edits disappear"

    # Every edit of both sides is there, and the watcher sees them by reading again.
    bundles = [watcher.get_bundle(i) for i in ids]
    for side in (0, 1):
        mine = [b for b in bundles[side::2] if b is not None]
        assert len(mine) == n
        for b in mine:
            assert b.article.status == ("coded", "flagged")[side]
            assert [(s.label, s.state, s.coder) for s in b.spans] == [(f"SIDE{side}", "accepted", f"coder{side}")]
            (ev,) = b.events
            assert ev.event.coder == f"coder{side}" and ev.event.notes.startswith(f"side {side} edit ")
            assert (ev.evidence["notes"].start, ev.evidence["notes"].end) == (0, 4)
    stats = watcher.stats()
    assert stats["events"] == 2 * n and stats["patterns"] == 2 * n
    assert set(stats["coders"]) >= {"coder0", "coder1", "watcher1"}
    watcher.close()
    assert integrity_check(ws) == "ok"


@pytest.mark.slow
def test_a_writer_waits_for_a_long_write_instead_of_failing(tmp_path: Path) -> None:
    """Another program holds the write lock (a long import batch); an edit made meanwhile waits
    for it (busy timeout) and then succeeds; both edits are kept."""
    ws = tmp_path / "ws.sqlite"
    ids = _workspace(ws, 3)
    script = _script(tmp_path, "holder.py", HOLDER)
    repo = Repository(ws)
    proc = subprocess.Popen([sys.executable, str(script), str(ROOT), str(ws), str(ids[0]), "1.5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding the write lock"
        # Readers are never blocked by a writer (WAL): the uncommitted change is not visible yet.
        assert repo.get_article(ids[0]).status == "new"  # type: ignore[union-attr]
        repo.set_status(ids[1], "coded")  # blocks until the holder commits, then goes through
        assert proc.stdout.readline().strip() == "released"
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert repo.get_article(ids[0]).status == "skipped"  # type: ignore[union-attr]
    assert repo.get_article(ids[1]).status == "coded"  # type: ignore[union-attr]
    repo.close()


@pytest.mark.slow
def test_coding_while_the_command_line_imports(tmp_path: Path) -> None:
    """An open workspace (the app) keeps taking edits while `chronicler import` writes batches
    into it, and sees the imported articles when it reads again."""
    ws = tmp_path / "ws.sqlite"
    ids = _workspace(ws, 40)
    src = tmp_path / "batch.jsonl"
    n_import = 3000
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n_import):
            text = f"Farmers blocked roads near Kumasi on day {i}; traffic stopped."
            fh.write(json.dumps({"text": text, "title": f"imp {i}",
                                 "spans": [{"start": 27, "end": 33, "label": "GPE"}]}) + "\n")
    app = Repository(ws)
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", "--no-suggest", "--db", str(ws), str(src)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    edits = 0
    while proc.poll() is None or edits < len(ids):
        aid = ids[edits % len(ids)]
        app.set_status(aid, "coded" if edits % 2 else "in_progress")
        app.add_span(EntitySpan(article_id=aid, start=0, end=5, label="ORG", origin="coder", state="accepted"))
        edits += 1
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    assert f"imported {n_import}," in out and "failed 0" in out
    assert "locked" not in err
    # The app sees the import on its next read, and all of its own edits are there.
    assert app.count_articles() == len(ids) + n_import
    assert sum(len(app.spans(i)) for i in ids) == edits
    assert app.stats()["spans"]["total"] == edits + n_import
    app.close()
    assert integrity_check(ws) == "ok"


def test_change_watch_tells_when_another_program_committed(tmp_path: Path) -> None:
    """What a window polls to know it must reload: another process's commit shows, reads do not."""
    ws = tmp_path / "ws.sqlite"
    ids = _workspace(ws, 2)
    repo = Repository(ws)
    watch = ChangeWatch(ws)
    try:
        assert not watch.changed()
        repo.count_articles()
        assert not watch.changed(), "a read is not a change"
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from storage.repository import Repository;"
                "r = Repository(sys.argv[2]); r.set_status(int(sys.argv[3]), 'coded'); r.close()")
        subprocess.run([sys.executable, "-c", code, str(ROOT), str(ws), str(ids[0])], check=True, timeout=60)
        assert watch.changed()
        assert not watch.changed(), "reported once per change"
        assert repo.get_article(ids[0]).status == "coded"  # type: ignore[union-attr]
        repo.set_status(ids[1], "skipped")  # this program's own commit (another connection) shows too
        assert watch.changed()
    finally:
        watch.close()
        repo.close()


def test_change_watch_ignores_this_process_and_sees_others(tmp_path) -> None:
    """A window must reload for another program's edit, not for each of its own."""
    from storage.db import ChangeWatch
    from storage.repository import ArticleIn, Repository

    path = tmp_path / "ws.sqlite"
    mine = Repository(path)
    article_id = mine.add_article(ArticleIn(text="Protest in Bamako on Friday."))
    watch = ChangeWatch(path, mine.engine)
    mine.set_status(article_id, "coded")
    assert not watch.changed()
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from storage.repository import Repository;"
            "Repository(sys.argv[1]).set_status(1, 'flagged')")
    subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], check=True, timeout=120)
    assert watch.changed()
    assert not watch.changed()
    watch.close()
    mine.set_status(article_id, "new")  # a closed watch no longer hooks the engine
