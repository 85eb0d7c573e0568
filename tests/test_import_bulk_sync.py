"""A streamed import commits its batches without waiting for the disk and syncs once at the end;
no other write of the workspace ever runs relaxed."""
from __future__ import annotations

import json
from pathlib import Path

from storage.db import write_session
from storage.importers import import_paths
from storage.repository import Repository


def _jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"T{i}", "text": f"Article number {i}: the army said so."}) + "\n")
    return path


def _pragmas(repo: Repository) -> tuple[int, int, int]:
    with write_session(repo.engine) as s:
        conn = s.connection()
        return (int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0),
                int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() or 0),
                int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0))


def test_relaxed_commits_do_not_outlive_the_import(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "ws.sqlite")
    report = import_paths(repo, [_jsonl(tmp_path / "a.jsonl", 1200)])
    assert report.imported == 1200
    # The pooled connection the import used is FULL again, with the usual checkpoint size.
    assert _pragmas(repo) == (2, 1000, -2000)
    # The import's journal was folded into the database when it ended.
    with repo.engine.connect() as conn:
        busy, frames, folded = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    assert frames == folded
    assert len(repo.article_ids()) == 1200
    repo.close()


def test_a_relaxed_session_is_reset_even_when_it_fails(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        with write_session(repo.engine, relaxed=True) as s:
            assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    assert _pragmas(repo) == (2, 1000, -2000)
    repo.close()
