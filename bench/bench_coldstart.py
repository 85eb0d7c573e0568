"""Cold start: Chronicler's window usable (MainWindow shown, the event loop idle) in <= 1.5x the time
of a bare PySide6 window. Both start in fresh processes in the same run, alternately, several
times; the medians are compared. spaCy must load lazily for this to hold."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL = "<= 1.5x the start of a bare PySide6 window"
READY = "@@ready@@"
LOADED = "@@loaded@@"

# Both processes say "ready" the same way: the first time the GUI thread's event loop is about
# to block (nothing left to do) while a QMainWindow is visible and exposed (its first frame is
# painted: paint events are handled before the loop blocks). "loaded" is the first such moment
# once the window reports its workspace open (MainWindow.is_attached(); a bare window at once):
# a detail, since the app shows its window before the workspace has been read.
PROBE = r'''
from PySide6.QtCore import QAbstractEventDispatcher
from PySide6.QtWidgets import QApplication, QMainWindow

def _install_probe(app):
    said = set()
    def idle():
        window = next((w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()
                       and w.windowHandle() is not None and w.windowHandle().isExposed()), None)
        if window is None:
            return
        try:
            if "ready" not in said:
                said.add("ready")
                print("@@ready@@", flush=True)
            attached = getattr(window, "is_attached", None)
            if not callable(attached) or attached():
                said.add("loaded")
                print("@@loaded@@", flush=True)  # before quit(): closing the window is not timed
        finally:
            if "loaded" in said:
                app.quit()  # even when nobody listens any more (a broken pipe)
    dispatcher = QAbstractEventDispatcher.instance()
    dispatcher.aboutToBlock.connect(idle)
    return idle
'''

# A bare window: the least any Qt app pays (interpreter, PySide6, a platform window).
BARE = PROBE + r'''
import sys
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 800)
window.show()
_keep = _install_probe(app)
app.exec()
'''

# The real entry point (main.py -> ui.app.run_app) with one change: the probe is installed
# when the event loop starts.
APP = PROBE + r'''
import runpy, sys
_exec = QApplication.exec
def _probe_exec(*_args):  # exec is static in PySide6; called on the instance here
    _keep = _install_probe(QApplication.instance())
    return _exec()
QApplication.exec = _probe_exec
sys.argv = [sys.argv[1], "--db", sys.argv[2]]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CHRONICLER_HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / "config")  # QSettings: the coder name, kept apart
    return env


def _time_to_ready(args: list[str], env: dict[str, str], timeout: float = 120) -> tuple[float, float]:
    """Seconds from spawning the process to its ready line, and to its loaded line."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready = None
    try:
        for line in proc.stdout:
            if line.strip() == READY:
                ready = time.perf_counter() - start
            elif line.strip() == LOADED and ready is not None:
                loaded = time.perf_counter() - start
                proc.wait(timeout=timeout)
                return ready, loaded
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"the process ended without a window (exit {proc.wait()}): {err[-800:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _prepare(home: Path) -> Path:
    """A workspace with the sample articles, and a coder name so no first-run dialog shows."""
    setup = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from storage.workspace import open_workspace; open_workspace(sys.argv[2]).close();"
        "from PySide6.QtCore import QCoreApplication;"
        "from ui.settings import APPLICATION, ORGANIZATION, Settings;"
        "QCoreApplication.setOrganizationName(ORGANIZATION); QCoreApplication.setApplicationName(APPLICATION);"
        "Settings().coder_name = 'bench'"
    )
    ws = home / "bench.sqlite"
    subprocess.run([sys.executable, "-c", setup, str(ROOT), str(ws)], check=True, env=_env(home),
                   capture_output=True, timeout=300)
    # Fill it with the samples (as a new default workspace would be) so the list is not empty.
    fill = ("import sys; sys.path.insert(0, sys.argv[1]);"
            "from storage.importers import import_paths; from storage.repository import Repository;"
            "from storage.workspace import SAMPLES_FILE; r = Repository(sys.argv[2]);"
            "import_paths(r, [SAMPLES_FILE]) if SAMPLES_FILE.is_file() else None; r.close()")
    subprocess.run([sys.executable, "-c", fill, str(ROOT), str(ws)], check=True, env=_env(home),
                   capture_output=True, timeout=300)
    return ws


def run(quick: bool) -> list[dict]:
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="chronicler-coldstart-") as tmp:
        home = Path(tmp)
        ws = _prepare(home)
        env = _env(home)
        bare_args = [sys.executable, "-c", BARE]
        app_args = [sys.executable, "-c", APP, str(ROOT / "main.py"), str(ws)]
        # One untimed start of each: the OS file cache is warm for both, as on a second start.
        _time_to_ready(bare_args, env)
        _time_to_ready(app_args, env)
        bare, app, loaded = [], [], []
        for _ in range(runs):
            bare.append(_time_to_ready(bare_args, env)[0])
            ready, done = _time_to_ready(app_args, env)
            app.append(ready)
            loaded.append(done)
    bare_ms, app_ms = statistics.median(bare) * 1000, statistics.median(app) * 1000
    return [{
        "bench": "coldstart", "value": round(app_ms / bare_ms, 2), "unit": "ratio", "goal": GOAL,
        "app_ms": round(app_ms), "bare_ms": round(bare_ms), "runs": runs,
        "app_runs_ms": [round(x * 1000) for x in app], "bare_runs_ms": [round(x * 1000) for x in bare],
        # The window shown with its workspace read and the first article on screen.
        "app_loaded_ms": round(statistics.median(loaded) * 1000),
    }]


if __name__ == "__main__":
    import json

    for result in run(quick="--quick" in sys.argv):
        print(json.dumps(result))
