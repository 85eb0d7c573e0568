"""Benchmarks of the GUI shell: "list" (the 100,000-article list opens and filters in < 200 ms),
"stall" (the GUI thread never stalls > 16 ms while suggestions run in a background job) and
"stall_places" (nor > 16 ms while places are filled from highlights on a cold gazetteer cache)."""
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

from bench.gui_probe import GapProbe, p99  # noqa: E402

N_ARTICLES = 100_000
LIST_GOAL = "< 200 ms to open or filter 100,000 articles"
STALL_GOAL = "< 16 ms longest GUI-thread gap while suggesting"
STATUSES = ("new", "in_progress", "coded", "skipped", "flagged")
SOURCES = ("Reuters", "AFP", "AP", "BBC Monitoring", "Al Jazeera", "Kyiv Independent", "Premium Times",
           "Dawn", "The Hindu", "Caucasus Bulletin", "Sahel Dispatch", "Rio Bravo Press", "Gulf Desk")


def build_big_workspace(path: Path, n: int = N_ARTICLES) -> Path:
    """A workspace of n light articles, written with one raw executemany (seconds, not minutes);
    the schema comes from the Repository so it is the real one."""
    from storage.repository import Repository
    from storage.search_index import CATCH_UP

    repo = Repository(path)
    repo.close()
    start = dt.date(2020, 1, 1)
    rows = (  # streamed: a million rows are never all in memory
        (f"Clashes reported in district {i % 977} as {('protest', 'strike', 'raid', 'ambush')[i % 4]} "
         f"number {i} unfolds", f"Body of article {i}.", SOURCES[i % len(SOURCES)], "",
         (start + dt.timedelta(days=i % 1500)).isoformat() if i % 50 else None, "en",
         hashlib.sha256(f"article {i}".encode()).hexdigest(), STATUSES[i % len(STATUSES)],
         "2024-01-01 00:00:00.000000", "{}", len(f"Body of article {i}."))
        for i in range(n)
    )
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous=OFF")  # a throwaway file: no fsync while it is built
        con.execute("PRAGMA cache_size=-262144")
        con.executemany(
            "INSERT INTO article(title, text, source, url, published, language, sha256, status, "
            "imported_at, meta, text_length) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
        # As an import leaves it: the new titles in the list's search index.
        con.execute(CATCH_UP)
        con.commit()
    finally:
        con.close()
    return path


def _app():  # type: ignore[no-untyped-def]
    """The application as the window has it: the Fusion style and the app's style sheet (the
    event form's field rules are in it)."""
    from PySide6.QtWidgets import QApplication

    from ui.app import apply_style

    app = QApplication.instance()
    if app is None:
        app = QApplication(["bench", "-style", "Fusion"])
        apply_style(app)
    return app


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
            timed("rare_text", ArticleFilter(search="no such headline"))  # the search index's case
        rows = panel.model.rowCount()
        panel.close()
        panel.deleteLater()
        app.processEvents()
        repo.close()
    med = {k: round(statistics.median(v), 1) for k, v in timings.items()}
    return {"bench": name, "value": max(med.values()), "unit": "ms", "goal": goal,
            "articles": n, "runs": runs, "last_filter_rows": rows,
            **{f"{k}_ms": v for k, v in med.items()}}


def _probe_gaps(make_runner, idle_ms: int = 0):  # type: ignore[no-untyped-def]
    """Longest gaps between 10 ms ticks of a QTimer on the GUI thread while a runner's job runs:
    (gaps, seconds, outcome, idle gaps, GUI-thread CPU ms in each gap). With idle_ms, the same
    probe first watches the machine with nothing to do (its own noise, measured in this run)."""
    from PySide6.QtCore import QEventLoop, QTimer

    probe = GapProbe()
    cpu: list[float] = []
    last = [time.thread_time()]

    def tick() -> None:  # how much of each gap the GUI thread itself was busy
        now = time.thread_time()
        cpu.append((now - last[0]) * 1000)
        last[0] = now

    probe.timer.timeout.connect(tick)
    probe.start()
    idle: list[float] = []
    if idle_ms:
        idle_loop = QEventLoop()
        QTimer.singleShot(idle_ms, idle_loop.quit)
        idle_loop.exec()
        idle = probe.measured()
        probe.clear()
        cpu.clear()
    loop = QEventLoop()
    runner = make_runner()
    outcome: list[object] = []
    runner.finished.connect(outcome.append)
    runner.failed.connect(outcome.append)
    runner.done.connect(loop.quit)
    t0 = time.perf_counter()
    runner.start()
    loop.exec()
    elapsed = time.perf_counter() - t0
    probe.stop()
    return probe.measured(), elapsed, outcome, idle, cpu[1:] or [0.0]


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
        gaps, elapsed, outcome, idle, cpu = _probe_gaps(
            lambda: ProcessJob("ui.jobs.suggest_worker", ["--db", str(path)]), idle_ms=3000)
        spans = repo.stats()["spans"]["total"]
        worst = max(range(len(gaps)), key=gaps.__getitem__)
        row = {"bench": "stall", "value": round(max(gaps), 1), "unit": "ms", "goal": STALL_GOAL,
               "articles": n_articles, "spans": spans, "ticks": len(gaps), "suggest_s": round(elapsed, 2),
               "p99_gap_ms": round(p99(gaps), 1),
               # The machine's own gaps (the same probe, nothing running, this run) and how
               # much of the longest gap the GUI thread spent working (the rest it waited for a core).
               "idle_max_gap_ms": round(max(idle), 1), "idle_p99_gap_ms": round(p99(idle), 1),
               "gui_cpu_in_longest_gap_ms": round(cpu[worst], 2) if worst < len(cpu) else None,
               "gui_cpu_max_per_gap_ms": round(max(cpu), 2),
               "result": outcome[0] if outcome else None}
        if not quick:
            repo2 = Repository(Path(tmp) / "stall2.sqlite")
            import_paths(repo2, [SAMPLES_FILE])
            tgaps, telapsed, *_ = _probe_gaps(lambda: Job(suggest, repo2, None, None))
            row.update(thread_max_gap_ms=round(max(tgaps), 1), thread_suggest_s=round(telapsed, 2))
            repo2.close()
        app.processEvents()
        repo.close()
    return row


PLACES_GOAL = "< 16 ms longest GUI-thread gap filling places from highlights, cold gazetteer cache"
PLACES_TEXT = ("Shelling hit Kharkiv and Glushkovo on Tuesday; later protests in Tripoli, Kano, Sumy, "
               "Odesa, Aleppo, Gao and near Kursk were reported, as were clashes in Mosul and Marawi.")
PLACE_WORDS = ("Kharkiv", "Glushkovo", "Tripoli", "Kano", "Sumy", "Odesa", "Aleppo", "Gao", "near Kursk",
               "Mosul", "Marawi")


def bench_stall_places(quick: bool) -> dict:
    """A first start: an empty cache folder, so the event panel builds the gazetteer index in
    the background while the coder fills the location from place highlights (Ctrl+U on the
    first at once: it waits for the index; then the next ones, each 50 ms after the last showed).
    A 10 ms probe on the GUI thread measures the longest gap from the panel's first paint
    (`panel_first_paint_ms`, its creation) to the last fill shown; `worst_at_ms` and
    `filled_at_ms` tell which gaps are an edit's commit."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QUndoStack

    from coding.codebook import default_codebook
    from storage.models import EntitySpan
    from storage.repository import ArticleIn, Repository
    from ui.events.panel import EventPanel
    from ui.undo import WorkspaceSignals
    from ui.window.heap import settle_heap
    from ui.writer import DatabaseWriter

    app = _app()
    words = PLACE_WORDS[:5] if quick else PLACE_WORDS
    with tempfile.TemporaryDirectory() as tmp:
        saved = {k: os.environ.get(k) for k in ("CHRONICLER_CACHE", "CHRONICLER_HOME")}
        os.environ["CHRONICLER_CACHE"] = str(Path(tmp) / "cold-cache")  # nothing built: a first start
        os.environ["CHRONICLER_HOME"] = str(Path(tmp) / "home")
        try:
            repo = Repository(Path(tmp) / "places.sqlite")
            aid = repo.add_article(ArticleIn(text=PLACES_TEXT, title="Places", published=dt.date(2024, 8, 16)))
            spans = []
            for word in words:
                start = PLACES_TEXT.index(word)
                spans.append(repo.add_span(EntitySpan(article_id=aid, start=start, end=start + len(word), label="GPE")))
            probe = GapProbe()
            probe.start()
            # The machine's own noise first: the same probe for 3 s with nothing else to do.
            idle_loop = QEventLoop()
            QTimer.singleShot(3000, idle_loop.quit)
            idle_loop.exec()
            idle = probe.measured()
            probe.clear()
            t0 = time.perf_counter()
            # As in the window: edits are written by the window's one writer thread, off the GUI
            # thread, and the heap the window is built with is frozen (ui.window.heap).
            writer = DatabaseWriter()
            settle_heap()
            stack = QUndoStack()
            panel = EventPanel(repo, stack, WorkspaceSignals(None, writer, stack), "bench")  # starts building the index
            panel.pick_when_ambiguous = False
            panel.resize(500, 900)
            panel.show()
            panel.set_article(repo.get_bundle(aid), default_codebook())
            panel.add_event()
            form = panel.current_form()
            assert form is not None
            form.focus_field("location")
            # The panel's first paint (about 130 widgets) is its creation, timed apart: the
            # gaps measured are those of the coder's work while the index builds.
            shown = time.perf_counter()
            app.processEvents()
            app.processEvents()
            first_paint_ms = (time.perf_counter() - shown) * 1000
            probe.clear()
            loop = QEventLoop()
            # When each place landed in the form (ms since the panel was made): the first ones
            # wait for the index, the rest are indexed reads.
            filled: list[int] = []
            panel.undo_stack.indexChanged.connect(lambda _i: filled.append(round(probe.now_ms())))
            pending = list(spans)

            def next_fill() -> None:  # the coder's next Ctrl+U once the last place showed
                if panel.lookups_pending():
                    QTimer.singleShot(10, next_fill)
                elif pending:
                    panel.fill_active_field(pending.pop(0))
                    QTimer.singleShot(50, next_fill)
                else:
                    loop.quit()

            QTimer.singleShot(0, next_fill)
            QTimer.singleShot(120_000, loop.quit)  # never hang a benchmark run
            loop.exec()
            elapsed = time.perf_counter() - t0
            probe.stop()
            values = dict(panel.editor.values)
            writer.wait_idle(30)
            writer.stop(10)
            panel.shutdown()
            panel.close()
            panel.deleteLater()
            app.processEvents()
            repo.close()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    gaps, at = probe.measured(), probe.at
    return {"bench": "stall_places", "value": round(max(gaps), 1), "unit": "ms", "goal": PLACES_GOAL,
            "places": len(words), "ticks": len(gaps), "index_build_and_fills_s": round(elapsed, 2),
            "p99_gap_ms": round(p99(gaps), 1), "filled_at_ms": filled,
            "idle_max_gap_ms": round(max(idle), 1), "idle_p99_gap_ms": round(sorted(idle)[int(0.99 * (len(idle) - 1))], 1),
            "last_location": values.get("location"), "country": values.get("country"),
            "panel_first_paint_ms": round(first_paint_ms, 1),
            "worst_at_ms": sorted(((round(g, 1), round(t)) for g, t in zip(gaps, at[1:])), reverse=True)[:6]}


def run(quick: bool) -> list[dict]:
    return [bench_list(quick), bench_stall(quick), bench_stall_places(quick)]


if __name__ == "__main__":
    import json

    which = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    benches = {"list": bench_list, "stall": bench_stall, "stall_places": bench_stall_places}
    for name in which or list(benches):
        print(json.dumps(benches[name](quick), ensure_ascii=False, default=str))
