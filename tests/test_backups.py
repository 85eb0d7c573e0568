"""Backups stay worth having: a failed migration adds no copy, a restored copy is never overwritten."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import WorkspaceError, dispose_engine, latest_backup, restored_copy
from storage.repository import Repository

V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite"


def _v1_that_cannot_migrate(tmp_path: Path) -> Path:
    ws = tmp_path / "ws.sqlite"
    shutil.copyfile(V1, ws)
    con = sqlite3.connect(ws)
    # An index of migration 0002 cannot be created beside a table of that name.
    con.execute("CREATE TABLE ix_event_coder (x)")
    con.commit()
    con.close()
    return ws


def _schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return [con.execute("PRAGMA user_version").fetchone()] + con.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        con.close()


def test_failed_migration_leaves_no_new_backup_at_each_open(tmp_path: Path) -> None:
    ws = _v1_that_cannot_migrate(tmp_path)
    good = tmp_path / "ws.v1.20240101-000000.bak.sqlite"
    shutil.copyfile(V1, good)  # the backup of an earlier, successful migration
    before = _schema(ws)
    for _ in range(3):
        with pytest.raises(Exception):
            Repository(ws)
        dispose_engine(ws)
    assert sorted(p.name for p in tmp_path.glob("*.bak.sqlite")) == [good.name]
    assert latest_backup(ws) == good
    assert _schema(ws) == before  # rolled back: the old schema, untouched


def test_restoring_twice_keeps_the_first_restored_copy(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    backup = tmp_path / "ws.v1.20240101-000000.bak.sqlite"
    shutil.copyfile(V1, backup)
    first = restored_copy(backup, ws)
    first.write_bytes(first.read_bytes() + b"edited since")
    edited = first.read_bytes()
    second = restored_copy(backup, ws)
    assert first.name == "ws.restored.sqlite" and second.name == "ws.restored-2.sqlite"
    assert first.read_bytes() == edited and second.read_bytes() == V1.read_bytes()


def test_restored_copy_of_a_missing_backup_is_an_error_leaving_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    with pytest.raises(OSError):
        restored_copy(tmp_path / "gone.bak.sqlite", ws)
    assert list(tmp_path.iterdir()) == []
    assert WorkspaceError  # the type callers catch besides OSError
