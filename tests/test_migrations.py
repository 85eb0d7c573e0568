"""A workspace of the first schema version opens in this one: backed up first, data intact."""
from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import HEAD_REVISION, SCHEMA_VERSION, WorkspaceError, dispose_engine, latest_backup
from storage import search_index
from storage.repository import Repository
from tests.data import make_fixtures

V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite"
NEW_INDEXES = {"ix_event_coder", "ix_event_event_date", "ix_entityspan_state"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _indexes(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")}
    finally:
        con.close()


def _pragma(path: Path, sql: str):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _rows(path: Path, table: str) -> list[tuple]:
    return _pragma(path, f"SELECT * FROM {table} ORDER BY id")


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    # Brackets and a space: glob characters must not hide the backup.
    target = tmp_path / "old workspace [2024].sqlite"
    shutil.copyfile(V1, target)
    return target


def test_fixture_is_schema_one() -> None:
    assert _pragma(V1, "PRAGMA user_version") == [(1,)]
    assert _pragma(V1, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert not NEW_INDEXES & _indexes(V1)


def test_fixture_script_rebuilds_the_same_content(tmp_path: Path) -> None:
    """The committed file is what make_fixtures.py writes (so it can be rebuilt, not hand-edited)."""
    rebuilt = make_fixtures.build_v1(tmp_path / "v1.sqlite")
    for table in ("article", "entityspan", "event", "evidence", "coder", "learnedpattern"):
        assert _rows(rebuilt, table) == _rows(V1, table), table
    assert _pragma(rebuilt, "SELECT sql FROM sqlite_master ORDER BY name") == _pragma(
        V1, "SELECT sql FROM sqlite_master ORDER BY name")


def test_v1_workspace_opens_migrated_with_backup_first(v1_copy: Path) -> None:
    before = {t: _rows(v1_copy, t) for t in ("article", "entityspan", "event", "evidence", "coder")}
    original_digest = _digest(v1_copy)
    assert latest_backup(v1_copy) is None

    repo = Repository(v1_copy)
    try:
        backup = latest_backup(v1_copy)
        assert backup is not None and backup.parent == v1_copy.parent
        assert "v1" in backup.name
        # The backup is the old workspace: schema 1, same rows, none of the new indexes.
        assert _pragma(backup, "PRAGMA user_version") == [(1,)]
        assert _pragma(backup, "SELECT version_num FROM alembic_version") == [("0001",)]
        assert not NEW_INDEXES & _indexes(backup)
        for table, rows in before.items():
            assert _rows(backup, table) == rows, table
        assert _pragma(backup, "PRAGMA integrity_check") == [("ok",)]

        # The workspace itself is at the current schema, data intact, new indexes present.
        assert _pragma(v1_copy, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        assert _pragma(v1_copy, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
        assert NEW_INDEXES <= _indexes(v1_copy)
        for table, rows in before.items():
            # Later schemas add columns at the end; the old columns keep every value.
            assert [r[:len(r0)] for r, r0 in zip(_rows(v1_copy, table), rows)] == rows, table
            assert len(_rows(v1_copy, table)) == len(rows), table
        # The columns added for teams (0004) take their defaults on old events.
        assert _pragma(v1_copy, "SELECT DISTINCT gold, sources FROM event") == [(0, "[]")]

        # ... and reads through the repository as the old version wrote it.
        ids = repo.article_ids()
        assert len(ids) == len(make_fixtures.ARTICLES)
        goma = repo.get_bundle(min(ids))
        assert goma is not None and goma.article.title == "Clashes near Goma"
        text = goma.article.text
        assert [(text[s.start:s.end], s.label, s.state) for s in goma.spans] == [
            ("Goma", "GPE", "accepted"), ("Monday", "DATE", "accepted"), ("4", "CARDINAL", "rejected")]
        (event,) = goma.events
        assert event.event.uid == make_fixtures.EVENTS[0][0]
        assert event.event.fatalities == 4 and event.event.location == "Goma"
        assert {f: text[e.start:e.end] for f, e in event.evidence.items()} == {
            "location": "Goma", "event_date": "Monday", "fatalities": "4"}
        stats = repo.stats()
        assert stats["events"] == 2 and stats["spans"]["total"] == 5
        assert stats["coders"] == ["ana", "ben"]
        # It can be written at the new version.
        repo.set_status(max(ids), "skipped")
    finally:
        repo.close()
    assert original_digest != _digest(v1_copy)

    # Opening again: already current, no second backup.
    backups = sorted(v1_copy.parent.glob("*.bak*"))
    assert len(backups) == 1
    again = Repository(v1_copy)
    try:
        assert again.get_article(max(again.article_ids())).status == "skipped"  # type: ignore[union-attr]
    finally:
        again.close()
    assert sorted(v1_copy.parent.glob("*.bak*")) == backups
    assert _pragma(v1_copy, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("source", ["fresh", "migrated"])
def test_models_and_migrations_agree(tmp_path: Path, source: str) -> None:
    """What Alembic's autogenerate would add is nothing: models.py and the migrations match."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    path = tmp_path / "ws.sqlite"
    if source == "migrated":
        shutil.copyfile(V1, path)
    repo = Repository(path)
    try:
        with repo.engine.connect() as conn:
            # The search index is a virtual table (with its shadow tables), not a model.
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": lambda name, kind, _: not (
                kind == "table" and name.startswith(search_index.TABLE))})
            assert compare_metadata(ctx, SQLModel.metadata) == []
    finally:
        repo.close()


def test_workspace_from_a_newer_version_is_refused_untouched(v1_copy: Path) -> None:
    con = sqlite3.connect(v1_copy)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    con.close()
    digest = _digest(v1_copy)
    with pytest.raises(WorkspaceError) as err:
        Repository(v1_copy)
    assert str(v1_copy) in str(err.value) and "newer" in str(err.value)
    dispose_engine(v1_copy)
    assert _digest(v1_copy) == digest
    assert latest_backup(v1_copy) is None


def test_migration_downgrade_and_upgrade_again(v1_copy: Path) -> None:
    """0002 is reversible (drops only its indexes) and re-applies cleanly."""
    from alembic import command
    from alembic.config import Config

    from storage.db import MIGRATIONS_DIR

    Repository(v1_copy).close()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{v1_copy}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert not NEW_INDEXES & _indexes(v1_copy)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert NEW_INDEXES <= _indexes(v1_copy)
    finally:
        engine.dispose()
    assert len(_rows(v1_copy, "event")) == 2


# An old Chronicler killed right after a commit: the commit is only in the -wal journal.
KILLED_WRITER = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE article SET status = 'flagged' WHERE id = 3")
con.execute("INSERT INTO coder (name, created_at) VALUES ('late', '2026-11-02 10:00:00.000000')")
con.execute("COMMIT")
print("committed", flush=True)
time.sleep(600)
"""


def test_old_workspace_left_with_a_hot_journal_migrates_with_it(v1_copy: Path) -> None:
    """The last edits of a crashed old version live in the -wal file; the backup and the
    migrated workspace both hold them."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(v1_copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]
    wal = v1_copy.with_name(v1_copy.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    repo = Repository(v1_copy)
    try:
        assert repo.get_article(3).status == "flagged"  # type: ignore[union-attr]
        assert "late" in repo.stats()["coders"]
    finally:
        repo.close()
    backup = latest_backup(v1_copy)
    assert backup is not None
    assert _pragma(backup, "SELECT status FROM article WHERE id = 3") == [("flagged",)]
    assert _pragma(backup, "SELECT count(*) FROM coder WHERE name = 'late'") == [(1,)]
    assert _pragma(backup, "PRAGMA user_version") == [(1,)]
