"""A streamed import commits its batches without waiting for the disk and syncs its journal once
at the end; no other write of the workspace ever runs relaxed."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

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


def test_relaxed_commits_do_not_outlive_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.db

    synced: list[str] = []
    real_fsync = storage.db.os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").exists() else str(fd))
        real_fsync(fd)

    monkeypatch.setattr(storage.db.os, "fsync", fsync)
    repo = Repository(tmp_path / "ws.sqlite")
    report = import_paths(repo, [_jsonl(tmp_path / "a.jsonl", 1200)])
    assert report.imported == 1200
    # The journal the relaxed commits wrote was put on the disk once, when the import ended.
    assert len(synced) == 1 and synced[0].endswith("-wal")
    # The pooled connection the import used is FULL again, with the usual checkpoint size.
    assert _pragmas(repo) == (2, 1000, -2000)
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
