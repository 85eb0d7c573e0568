"""The window's suggestion worker stops when the window's process goes away (its stdin closes)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import dispose_engine
from storage.repository import ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_worker_exits_when_its_parent_is_gone(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    repo = Repository(ws)
    line = "Russian forces shelled Kharkiv and Sumy on Monday, officials in Kyiv said. "
    repo.add_articles(ArticleIn(text=f"Report {i}. " + line * 40, title=f"a{i}") for i in range(3000))
    total = repo.count_articles()
    repo.close()
    dispose_engine(ws)
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "ui.jobs.suggest_worker", "--db", str(ws)], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = json.loads(proc.stdout.readline())
        assert "progress" in first
        proc.stdin.close()  # what the parent's death does to the pipe
        code = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()
    assert code == 3
    check = Repository(ws)
    try:
        assert len(check.articles_without_spans()) > total // 2  # it stopped, it did not finish
    finally:
        check.close()
