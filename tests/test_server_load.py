"""Many clients on one workspace: a client killed mid-import, and 8 coders editing while 2
importers run, for a few seconds: nothing lost, nothing twice, no deadlock reaching a coder."""
from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

from storage.concurrency import Conflict
from storage.importers import import_paths
from storage.repository import ArticleIn, Repository
from tests.conftest import new_pg_database
from tests.test_import_guarantees import ROOT, _env, _import_cmd, _summary, _write_jsonl

LOAD_SECONDS = 3.0
CODERS = 8
IMPORTERS = 2


def _pg_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])


def test_kill_9_mid_import_on_the_server_then_resume(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = new_pg_database(pg_server)
    src = tmp_path / "10k.jsonl"
    _write_jsonl(src, range(10_000))
    proc = subprocess.Popen(_import_cmd(src, url), cwd=ROOT, env=_env(),  # type: ignore[arg-type]
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while proc.poll() is None and _pg_count(url) == 0:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    kept = _pg_count(url)
    assert 0 < kept < 10_000
    with psycopg.connect(url) as conn:  # whole batches only: every article has its last line's text
        assert conn.execute("SELECT count(DISTINCT sha256) FROM article").fetchone()[0] == kept

    done = subprocess.run(_import_cmd(src, url), cwd=ROOT, env=_env(), capture_output=True,  # type: ignore[arg-type]
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _summary(done.stdout) == (10_000 - kept, kept, 0)
    assert _pg_count(url) == 10_000


def test_two_imports_of_the_same_file_at_once_on_the_server(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Overlapping imports wait for each other's keys instead of deadlocking: one stores each
    article, the other counts it as a duplicate, nobody sees an error."""
    repo = Repository(new_pg_database(pg_server))
    src = tmp_path / "same.jsonl"
    _write_jsonl(src, range(3000), words=16)
    reports: list = []  # type: ignore[type-arg]
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_importer, args=(repo, [src], threading.Event(), reports, errors))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == [] and [r.failures for r in reports] == [[], []]
    assert sum(r.imported for r in reports) == 3000 and sum(r.duplicates for r in reports) == 3000
    assert repo.count_articles() == 3000
    repo.close()


class _Coder(threading.Thread):
    """Edits until told to stop: adds its own events, counts on shared events (read, then
    update naming the version read; a conflict is re-read and redone), flips statuses."""

    def __init__(self, name: str, repo: Repository, shared: list[int], articles: list[int],
                 stop: threading.Event) -> None:
        super().__init__(name=name)
        self.repo, self.shared, self.articles, self.stop = repo, shared, articles, stop
        self.added: list[str] = []
        self.counted: Counter[int] = Counter()
        self.conflicts = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        rnd = random.Random(self.name)
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                roll = rnd.random()
                if roll < 0.3:
                    note = f"{self.name}-{n}"
                    self.repo.add_event(rnd.choice(self.articles), {"notes": note}, coder=self.name)
                    self.added.append(note)  # acknowledged: must be there, once
                elif roll < 0.85:
                    event_id = rnd.choice(self.shared)
                    while True:
                        seen = self.repo.get_event(event_id)
                        try:
                            self.repo.update_event(event_id, {"fatalities": (seen.fatalities or 0) + 1},
                                                   expected_version=seen.version)
                            break
                        except Conflict:
                            self.conflicts += 1
                    self.counted[event_id] += 1
                else:
                    article_id = rnd.choice(self.articles)
                    seen = self.repo.get_article(article_id)
                    try:
                        self.repo.set_status(article_id, rnd.choice(["in_progress", "coded"]),
                                             expected_version=seen.version)
                    except Conflict:
                        self.conflicts += 1
        except BaseException as exc:  # anything but a Conflict reaching a coder fails the test
            self.errors.append(exc)


def _importer(repo: Repository, files: list[Path], stop: threading.Event, reports: list, errors: list) -> None:  # type: ignore[type-arg]
    try:
        for path in files:
            if stop.is_set():
                break
            reports.append(import_paths(repo, [path]))
    except BaseException as exc:
        errors.append(exc)


def test_eight_coders_and_two_importers_lose_nothing(db_url: str, tmp_path: Path) -> None:
    repo = Repository(db_url)
    base = repo.add_articles([ArticleIn(text=f"Seed article {i}: clashes near Goma.") for i in range(20)]).added_ids
    shared = [repo.add_event(base[i], {"fatalities": 0}).id for i in range(4)]
    files: list[list[Path]] = [[], []]
    for k in range(IMPORTERS):
        for j in range(40):
            path = tmp_path / f"imp{k}-{j}.jsonl"
            start = (k * 40 + j) * 100
            _write_jsonl(path, range(start, start + 100), words=16)
            files[k].append(path)
    stop = threading.Event()
    coders = [_Coder(f"coder{i}", repo, shared, base, stop) for i in range(CODERS)]
    reports: list = []  # type: ignore[type-arg]
    import_errors: list[BaseException] = []
    importers = [threading.Thread(target=_importer, args=(repo, files[k], stop, reports, import_errors))
                 for k in range(IMPORTERS)]
    for t in coders + importers:
        t.start()
    time.sleep(LOAD_SECONDS)
    stop.set()
    for t in coders + importers:
        t.join(timeout=120)
    errors = [e for c in coders for e in c.errors] + import_errors
    assert errors == [], errors[:3]
    print(f"load: {sum(len(c.added) for c in coders)} events added, {sum(sum(c.counted.values()) for c in coders)} "
          f"counted, {sum(c.conflicts for c in coders)} conflicts, {sum(r.imported for r in reports)} imported")
    assert all(not r.failures for r in reports), [r.failures for r in reports if r.failures][:1]

    # Every acknowledged event is there exactly once.
    notes = Counter(e.notes for e in repo.events() if e.notes)
    added = [note for c in coders for note in c.added]
    assert added and all(notes[note] == 1 for note in added) and sum(notes.values()) == len(added)
    # No lost update: each shared counter holds exactly the increments acknowledged to coders.
    counted = sum((c.counted for c in coders), Counter())
    for event_id in shared:
        event = repo.get_event(event_id)
        assert event.fatalities == counted[event_id] and event.version == 1 + counted[event_id]
    # Imported articles: all reported ones, none twice.
    imported = sum(r.imported for r in reports)
    assert imported > 0 and sum(r.duplicates for r in reports) == 0
    assert repo.count_articles() == len(base) + imported
    repo.close()
