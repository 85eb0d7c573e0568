"""Benchmark "own_list": a coder's own article list (team coding) on a 100,000-article workspace
spread over three coders, a fifth double-coded, opens and filters in < 200 ms like the whole list
(bench_gui "list"), the rows showing the coder's own status."""
from __future__ import annotations

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

from bench.bench_gui import N_ARTICLES, build_big_workspace  # noqa: E402

GOAL = "< 200 ms to open or filter a coder's own list (100,000 articles, 3 coders)"
CODERS = ("ana", "ben", "cem")
OWN_STATUSES = ("new", "new", "in_progress", "coded", "skipped", "flagged")


def assign_all(path: Path) -> int:
    """services.assign's plan over every article, written in one executemany."""
    from services.assign import plan

    con = sqlite3.connect(path)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM article")]
        pairs = plan(ids, CODERS, 0.2, seed=1)
        con.executemany(
            "INSERT INTO assignment(article_id, coder, status, assigned_at, updated_at) "
            "VALUES (?, ?, ?, '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')",
            [(a, c, OWN_STATUSES[(a + k) % len(OWN_STATUSES)]) for k, (a, c) in enumerate(pairs)])
        con.commit()
    finally:
        con.close()
    return len(pairs)


def bench_own_list(quick: bool) -> dict:
    from PySide6.QtWidgets import QApplication

    from storage.repository import ArticleFilter, Repository
    from ui.articles.list_panel import ArticleListPanel

    app = QApplication.instance() or QApplication([])
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        path = build_big_workspace(Path(tmp) / "team.sqlite")
        n_pairs = assign_all(path)
        repo = Repository(path)
        timings: dict[str, list[float]] = {"open": [], "all": [], "status": [], "source": [], "text": []}
        panel = None
        for _ in range(runs):
            if panel is not None:
                panel.close()
                panel.deleteLater()
                app.processEvents()
            t0 = time.perf_counter()
            panel = ArticleListPanel(repo, coder="ana")  # opens on ana's own "To code" view
            panel.resize(600, 900)
            panel.show()
            panel.view.viewport().repaint()
            timings["open"].append((time.perf_counter() - t0) * 1000)
            for key, flt in (("all", ArticleFilter(coder="ana")),
                             ("status", ArticleFilter(statuses=("flagged",), coder="ana")),
                             ("source", ArticleFilter(source="AFP", coder="ana")),
                             ("text", ArticleFilter(search="ambush", coder="ana"))):
                t0 = time.perf_counter()
                panel.model.set_filter(flt)
                panel.view.viewport().repaint()
                timings[key].append((time.perf_counter() - t0) * 1000)
        assert panel is not None
        rows = panel.model.rowCount()
        own = len(repo.coder_article_ids("ana"))
        panel.close()
        panel.deleteLater()
        app.processEvents()
        repo.close()
    med = {k: round(statistics.median(v), 1) for k, v in timings.items()}
    return {"bench": "own_list", "value": max(med.values()), "unit": "ms", "goal": GOAL,
            "articles": N_ARTICLES, "assignments": n_pairs, "own_articles": own, "runs": runs,
            "last_filter_rows": rows, **{f"{k}_ms": v for k, v in med.items()}}


def run(quick: bool) -> list[dict]:
    return [bench_own_list(quick)]


if __name__ == "__main__":
    import json

    print(json.dumps(bench_own_list("--quick" in sys.argv), ensure_ascii=False, default=str))
