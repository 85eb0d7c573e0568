"""A new workspace made from the schema snapshot is the one the migrations make."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import fresh_schema
from storage.db import HEAD_REVISION, SCHEMA_VERSION


def test_the_snapshot_is_of_the_current_schema() -> None:
    data = fresh_schema.read_snapshot(SCHEMA_VERSION)
    assert data is not None, "a migration was added: python -m storage.fresh_schema"
    assert data["alembic"] == HEAD_REVISION


def test_a_new_workspace_from_the_snapshot_equals_a_migrated_one(tmp_path: Path) -> None:
    migrated = fresh_schema.schema_of_new_workspace(tmp_path / "migrated.sqlite", snapshot=False)
    made = fresh_schema.schema_of_new_workspace(tmp_path / "made.sqlite", snapshot=True)
    assert made == migrated, "the migrations changed: python -m storage.fresh_schema"
    for name in ("migrated", "made"):
        conn = sqlite3.connect(tmp_path / f"{name}.sqlite")
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()


def test_a_stale_snapshot_falls_back_to_the_migrations(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fresh_schema, "read_snapshot", lambda version, path=None: None)
    made = fresh_schema.schema_of_new_workspace(tmp_path / "made.sqlite", snapshot=True)
    migrated = fresh_schema.schema_of_new_workspace(tmp_path / "migrated.sqlite", snapshot=False)
    assert made == migrated
