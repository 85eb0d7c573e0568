"""Benchmark: how long the reader takes to show an article with 300 highlights (goal < 16 ms, one frame):
set_article on the ReaderPanel plus one synchronous paint, median of several runs."""
from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NAME = "render"
GOAL = "< 16 ms (one frame) for an article with 300 highlights"
N_SPANS = 300

_SENTENCE = ("On Tuesday 😀 protesters gathered in Kyiv near the Verkhovna Rada; police said 300 people "
             "joined. Поліція затримала 12 осіб у Харкові. وقالت الشرطة في بغداد إن 5 أشخاص أصيبوا.\r\n")
_LABELS = ("DATE", "GPE", "FAC", "CARDINAL", "ORG", "PERSON", "NORP", "GPE", "LOC", "TIME")


def make_article(n_spans: int = N_SPANS, variant: int = 0) -> tuple[str, list[tuple[int, int, str, str]]]:
    """A wire-style text (emoji, Cyrillic, Arabic, CRLF) with n_spans word spans spread over it."""
    text = f"Report {variant}\r\n" + _SENTENCE * (n_spans // 6 + 1)
    words = [(i, i + len(w)) for i, w in _word_starts(text) if len(w) > 3]
    step = max(1, len(words) // n_spans)
    states = ("suggested", "accepted", "rejected", "suggested")
    spans = [(a, b, _LABELS[k % len(_LABELS)], states[k % len(states)])
             for k, (a, b) in enumerate(words[::step][:n_spans])]
    return text, spans


def _word_starts(text: str) -> list[tuple[int, str]]:
    out, i = [], 0
    for w in text.split(" "):
        out.append((i, w.strip(".,;\r\n")))
        i += len(w) + 1
    return out


def run(quick: bool) -> list[dict]:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from storage.models import EntitySpan
    from storage.repository import ArticleIn, Repository
    from ui.reader.panel import ReaderPanel
    from ui.undo import WorkspaceSignals

    app = QApplication.instance() or QApplication([])
    runs = 7 if quick else 25
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository(Path(tmp) / "bench.sqlite")
        ids = []
        for variant in (0, 1):  # two articles, shown in turn: every run is a real switch
            text, spans = make_article(N_SPANS, variant)
            aid = repo.add_article(ArticleIn(text=text, title=f"Bench {variant}", published=dt.date(2024, 8, 16)))
            repo.add_spans([EntitySpan(article_id=aid, start=a, end=b, label=l, state=s)  # type: ignore[arg-type]
                            for a, b, l, s in spans])
            ids.append(aid)
        bundles = [repo.get_bundle(i) for i in ids]
        assert all(b is not None and len(b.spans) == N_SPANS for b in bundles)
        panel = ReaderPanel(repo, QUndoStack(), WorkspaceSignals(), "bench")
        panel.resize(1000, 800)
        panel.show()
        app.processEvents()

        cpu: list[float] = []

        def show(i: int) -> float:
            t0, c0 = time.perf_counter(), time.thread_time()
            panel.set_article(bundles[i % 2])
            panel.view.viewport().repaint()  # paint now, highlights included
            cpu.append((time.thread_time() - c0) * 1000)
            return (time.perf_counter() - t0) * 1000

        for i in range(2):  # warm up (fonts, caches)
            show(i)
        cpu.clear()
        switch = [show(i) for i in range(runs)]
        # Refreshing the same article after an edit (spans re-read, text kept).
        refresh = []
        for _ in range(runs):
            t0 = time.perf_counter()
            panel.set_article(bundles[(runs - 1) % 2])
            panel.view.viewport().repaint()
            refresh.append((time.perf_counter() - t0) * 1000)
        panel.close()
        panel.deleteLater()
        app.processEvents()
        repo.close()
    return [{
        "bench": NAME, "value": round(statistics.median(switch), 2), "unit": "ms", "goal": GOAL,
        "spans": N_SPANS, "chars": len(make_article()[0]), "runs": runs,
        "min_ms": round(min(switch), 2), "max_ms": round(max(switch), 2),
        # CPU time of the GUI thread: what the wall time would be on an idle machine (the
        # wall figure swings with whatever else shares the two cores).
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "refresh_median_ms": round(statistics.median(refresh), 2),
    }]


if __name__ == "__main__":
    import json

    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row, ensure_ascii=False))
