"""A new workspace file gets its tables from a snapshot of what the migrations make (storage/
migrations/fresh_schema.json), without importing Alembic: half a second off a new user's first
start. The snapshot names the schema version it was taken at; when it is not the current one,
the migrations run as before. Taken by `python -m storage.fresh_schema` after a new migration
(tests/test_fresh_schema.py fails until it is)."""
from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

SNAPSHOT = Path(__file__).with_name("migrations") / "fresh_schema.json"
# Off while a snapshot is taken (and in the test that compares both ways): the migrations run.
use_snapshot = True


def schema_of(conn: Any) -> list[str]:
    """The CREATE statements of a database, in the order SQLite keeps them (each one after
    what it needs). `conn`: anything with exec_driver_sql (SQLAlchemy) or execute (sqlite3)."""
    run = getattr(conn, "exec_driver_sql", None) or conn.execute
    rows = run("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    # A virtual table (the FTS5 search index) makes its own shadow tables when it is created.
    virtual = [name for _, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return [sql for kind, name, sql in rows
            if not (kind == "table" and any(name.startswith(v + "_") for v in virtual))]


def read_snapshot(schema_version: int, path: Path = SNAPSHOT) -> Optional[dict[str, Any]]:
    """The snapshot if it was taken at this schema version (else None: migrate instead)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema_version") != schema_version:
        return None
    if not isinstance(data.get("sql"), list) or not isinstance(data.get("alembic"), str):
        return None
    return data


def create_from_snapshot(conn: Any, schema_version: int) -> bool:
    """Inside the caller's write transaction on an empty database: the tables, Alembic's
    revision row and the user_version the migrations would leave. False when the snapshot does
    not fit this schema version (nothing done)."""
    data = read_snapshot(schema_version) if use_snapshot else None
    if data is None:
        return False
    for sql in data["sql"]:
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (data["alembic"],))
    conn.exec_driver_sql(f"PRAGMA user_version={int(schema_version)}")
    return True


def schema_of_new_workspace(path: Path, snapshot: bool) -> list[str]:
    """The schema a new workspace file at `path` gets, from the snapshot or from the migrations."""
    global use_snapshot
    from storage.db import get_engine

    before, use_snapshot = use_snapshot, snapshot
    try:
        sqlite3.connect(path).close()
        engine = get_engine(path)
        with engine.connect() as conn:
            sql = schema_of(conn)
    finally:
        use_snapshot = before
    return sql


def take_snapshot(out: Path = SNAPSHOT) -> dict[str, Any]:
    """Migrate a scratch workspace with Alembic and write its schema down."""
    from storage.db import HEAD_REVISION, SCHEMA_VERSION

    with tempfile.TemporaryDirectory(prefix="chronicler-schema-") as tmp:
        sql = schema_of_new_workspace(Path(tmp) / "fresh.sqlite", snapshot=False)
    data = {"schema_version": SCHEMA_VERSION, "alembic": HEAD_REVISION, "sql": sql}
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


if __name__ == "__main__":
    # Through the imported module: its use_snapshot is the one storage.db reads (this file run
    # as __main__ is a second copy), so the migrations run even when a snapshot of this version exists.
    from storage import fresh_schema

    taken = fresh_schema.take_snapshot()
    print(f"{SNAPSHOT.name}: schema {taken['schema_version']}, {len(taken['sql'])} statements")
    sys.exit(0)
