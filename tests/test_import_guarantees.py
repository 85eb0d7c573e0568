"""The import promises under abuse: kill -9 mid-import, and two imports at once."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.db import integrity_check
from storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
_SUMMARY = re.compile(r"imported (\d+), skipped (\d+) duplicates, failed (\d+)")


def _write_jsonl(path: Path, ids: range, words: int = 120) -> None:
    filler = " ".join(["Shelling near the bridge damaged houses, officials said."] * (words // 8))
    with path.open("w", encoding="utf-8") as fh:
        for i in ids:
            fh.write(json.dumps({"title": f"Report {i}", "text": f"Report {i}: {filler} Ref {i}.",
                                 "source": "Wire", "published": "2024-08-16"}) + "\n")


def _import_cmd(path: Path, db: Path) -> list[str]:
    return [sys.executable, str(MAIN), "import", str(path), "--db", str(db), "--no-suggest"]


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def _summary(output: str) -> tuple[int, int, int]:
    m = _SUMMARY.search(output)
    assert m, output
    return int(m[1]), int(m[2]), int(m[3])


@pytest.mark.slow
def test_kill_9_mid_import_then_resume(tmp_path: Path) -> None:
    src, db = tmp_path / "20k.jsonl", tmp_path / "ws.sqlite"
    _write_jsonl(src, range(20_000))
    proc = subprocess.Popen(_import_cmd(src, db), cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Poll the database (not the clock): kill as soon as some batches are committed.
        while proc.poll() is None and _count(db) == 0:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert integrity_check(db) == "ok"
    kept = _count(db)
    assert 0 < kept < 20_000

    done = subprocess.run(_import_cmd(src, db), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported, duplicates, failed = _summary(done.stdout)
    assert (imported, duplicates, failed) == (20_000 - kept, kept, 0)
    assert _count(db) == 20_000
    assert integrity_check(db) == "ok"


@pytest.mark.slow
def test_two_imports_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ws.sqlite"
    Repository(db).close()  # an existing workspace, as when the app and a script share it
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _write_jsonl(first, range(0, 6_000), words=40)
    _write_jsonl(second, range(5_000, 11_000), words=40)  # 1,000 articles in both files
    procs = [subprocess.Popen(_import_cmd(p, db), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for p in (first, second)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    results = [_summary(out) for out, _ in outputs]
    assert sum(r[0] for r in results) == 11_000
    assert sum(r[1] for r in results) == 1_000
    assert all(r[2] == 0 for r in results)
    assert _count(db) == 11_000
    assert integrity_check(db) == "ok"
