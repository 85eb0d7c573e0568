"""The window while the workspace is busy and over a long session: "stall_import" (the GUI
thread's longest gap while a command-line import of 10,000 articles runs on the same workspace
and the coder accepts, rejects and fills a field at a coder's pace; for comparison the same
edits written on the GUI thread, as before the writer) and "soak" (MB per 100 articles visited,
after the first few hundred)."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STALL_GOAL = "< 16 ms longest GUI-thread gap while coding during a 10,000-article import"
SOAK_GOAL = "< 0.1 MB per 100 articles visited, after the first 300"
IMPORT_ARTICLES = 10_000
CODER_PACE_S = 0.25  # a fast coder: four keys a second
TEXT = ("Shelling hit Kharkiv and Izium on Monday, officials said; three people were killed near "
        "Kupiansk, the regional governor wrote. ")
WORDS = (("Kharkiv", "GPE"), ("Izium", "GPE"), ("Monday", "DATE"), ("Kupiansk", "GPE"), ("three", "CARDINAL"))


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _workspace(path: Path, n: int, repeat: int = 3) -> Any:
    from storage.models import EntitySpan
    from storage.repository import ArticleIn, Repository

    repo = Repository(path)
    ids = repo.add_articles([ArticleIn(text=TEXT * repeat + f"Report {i}.", title=f"Report {i}", source="Wire")
                             for i in range(n)]).added_ids
    spans = []
    for aid in ids:
        for word, label in WORDS:
            start = TEXT.index(word)
            spans.append(EntitySpan(article_id=aid, start=start, end=start + len(word), label=label))
    repo.add_spans(spans)
    for aid in ids:
        repo.add_event(aid, {"notes": "first reading"}, coder="bench")
    return repo


def _window(repo: Any, folder: Path) -> Any:
    from PySide6.QtCore import QSettings

    from ui.settings import Settings
    from ui.window.main_window import MainWindow

    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(repo, "bench", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    window.event_panel.pick_when_ambiguous = False
    window.show()
    return window


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _import_file(folder: Path, n: int) -> Path:
    path = folder / "incoming.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"Incoming {i}", "source": "Feed",
                                 "text": f"Item {i}: protesters gathered in Lagos and Abuja on Friday. " * 8}) + "\n")
    return path


def _code_during(app: Any, window: Any, busy: Callable[[], bool], min_edits: int, max_s: float,
                 coding: bool = True) -> dict[str, Any]:
    """Edits at a coder's pace (accept, reject, fill a field) while `busy()`, with a
    10 ms probe timer on the GUI thread; the longest gap is the longest the window did not answer."""
    from PySide6.QtCore import QTimer

    from bench.gui_probe import GapProbe, p99

    probe = GapProbe()
    reader, panel = window.reader, window.event_panel
    edit_ms: list[float] = []
    step = 0

    def edit() -> None:
        nonlocal step
        if not coding:  # the baseline: the same window and import, no keys
            step += 1
            return
        kind, span = step % 3, reader._spans[(step // 3) % len(reader._spans)]
        t0 = time.perf_counter()
        if kind == 0:
            reader._set_current(span)
            reader.accept_current()
        elif kind == 1:
            reader._set_current(span)
            reader.reject_current()
        else:
            panel._push(panel.editor.edited("fatalities", step, merge=False))
        edit_ms.append((time.perf_counter() - t0) * 1000)
        if os.environ.get("BENCH_DEBUG"):
            print("edit", kind, round(edit_ms[-1], 1), file=sys.stderr)
        step += 1

    coder = QTimer()
    coder.setInterval(int(CODER_PACE_S * 1000))
    coder.timeout.connect(edit)
    probe.start()
    coder.start()
    start = time.monotonic()
    while (busy() or step < min_edits) and time.monotonic() - start < max_s:
        app.processEvents()
        time.sleep(0.001)
    coder.stop()
    probe.stop()
    window.writer.wait_idle(60)
    gaps = probe.measured()
    return {"max_gap_ms": round(max(gaps), 1), "p99_gap_ms": round(p99(gaps), 1),
            "edits": step, "max_edit_ms": round(max(edit_ms or [0.0]), 1), "seconds": round(time.monotonic() - start, 1)}


def bench_stall_import(quick: bool) -> dict[str, Any]:
    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "ws.sqlite"
        repo = _workspace(path, 60)
        window = _window(repo, folder)
        window.list_panel.select_article(window.list_panel.model.ids()[0])
        app.processEvents()
        incoming = _import_file(folder, IMPORT_ARTICLES)
        # The machine's own noise first: the same window and probe for 3 s, no import, no keys.
        quiet_from = time.monotonic()
        quiet = _code_during(app, window, lambda: time.monotonic() - quiet_from < 3.0, 0, 10, coding=False)

        def run_import() -> subprocess.Popen:
            env = {**os.environ, "CHRONICLER_HOME": str(folder / "home")}
            return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(incoming), "--db", str(path),
                                     "--no-suggest"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

        proc = run_import()
        t0 = time.monotonic()
        queued = _code_during(app, window, lambda: proc.poll() is None, 8, 600)
        import_s = time.monotonic() - t0
        proc.communicate(timeout=600)
        row: dict[str, Any] = {"bench": "stall_import", "value": queued["max_gap_ms"], "unit": "ms", "goal": STALL_GOAL,
                               "import_articles": IMPORT_ARTICLES, "import_s": round(import_s, 1),
                               **{k: v for k, v in queued.items() if k != "max_gap_ms"},
                               "idle_max_gap_ms": quiet["max_gap_ms"], "idle_p99_gap_ms": quiet["p99_gap_ms"]}
        # Baselines in the same run, each with an import of the same size: the window with no
        # keys pressed (what the machine's load alone costs the GUI thread), and (full run) the
        # same edits written on the GUI thread, as before the writer, waiting for the import's lock.
        def again(tag: str) -> subprocess.Popen:
            text = incoming.read_text(encoding="utf-8").replace("Item ", f"{tag} ")
            incoming.write_text(text, encoding="utf-8")
            return run_import()

        proc = again("Idle")
        idle = _code_during(app, window, lambda: proc.poll() is None, 0, 600, coding=False)
        proc.communicate(timeout=600)
        row.update(import_only_max_gap_ms=idle["max_gap_ms"], import_only_p99_gap_ms=idle["p99_gap_ms"])
        if not quick:
            writer, window.signals.writer = window.signals.writer, None
            proc = again("Direct")
            direct = _code_during(app, window, lambda: proc.poll() is None, 8, 600)
            proc.communicate(timeout=600)
            window.signals.writer = writer
            row.update({f"gui_thread_writes_{k}": v for k, v in direct.items()})
        window.close()
        app.processEvents()
        repo.close()
    return row


def bench_soak(quick: bool) -> dict[str, Any]:
    """Visits articles one after another, accepting a highlight in each (the undo stack grows as
    it does in a session); RSS every 100 articles, the slope after the first 300 by least squares."""
    app = _app()
    n = 600 if quick else 2000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        repo = _workspace(folder / "ws.sqlite", n, repeat=12)
        window = _window(repo, folder)
        reader = window.reader
        ids = window.list_panel.model.ids()
        points: list[tuple[int, float]] = []
        t0 = time.monotonic()
        for i, aid in enumerate(ids):
            window.list_panel.select_article(aid)
            app.processEvents()
            if reader._spans:
                reader._set_current(reader._spans[i % len(reader._spans)])
                reader.accept_current()
            if (i + 1) % 100 == 0:
                window.writer.wait_idle(60)
                app.processEvents()
                gc.collect()
                points.append((i + 1, _rss_mb()))
        seconds = time.monotonic() - t0
        window.close()
        app.processEvents()
        repo.close()
    after = [(x, y) for x, y in points if x > 300]
    mean_x = sum(x for x, _ in after) / len(after)
    mean_y = sum(y for _, y in after) / len(after)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in after) / sum((x - mean_x) ** 2 for x, _ in after)
    return {"bench": "soak", "value": round(slope * 100, 3), "unit": "MB", "goal": SOAK_GOAL, "articles": n,
            "rss_mb": [round(y, 1) for _, y in points], "seconds": round(seconds, 1)}


def run(quick: bool) -> list[dict[str, Any]]:
    return [bench_stall_import(quick), bench_soak(quick)]


if __name__ == "__main__":
    which = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    benches = {"stall_import": bench_stall_import, "soak": bench_soak}
    for name in which or list(benches):
        print(json.dumps(benches[name](quick), ensure_ascii=False, default=str))
