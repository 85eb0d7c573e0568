"""One engine per workspace file: WAL, foreign keys, a busy timeout, migrations with a backup."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

# Alembic head as a number kept in PRAGMA user_version, so an up-to-date workspace opens
# without importing Alembic at all (cold start matters).
SCHEMA_VERSION = 1
HEAD_REVISION = "0001"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class WorkspaceError(Exception):
    """A problem with the workspace file the user must hear about (not a bug)."""


_engines: dict[str, Engine] = {}


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits BEGIN itself,
    # which is the documented way to get real SQLite transactions from pysqlite.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL in WAL mode: a committed edit survives a power cut, not only a killed process.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # Writers take the lock up front (BEGIN IMMEDIATE) so a second process waits for the
    # busy timeout instead of failing with "database is locked" on lock upgrade.
    if conn.get_execution_options().get("immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _check_file(path: Path) -> None:
    if not path.exists():
        parent = path.parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
        if not os.access(parent, os.W_OK):
            raise WorkspaceError(f"{path}: cannot create the workspace, folder is not writable")
        return
    if path.is_dir():
        raise WorkspaceError(f"{path}: is a folder, not a workspace file")
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise WorkspaceError(f"{path}: not a Chronicler workspace (not an SQLite database)")


def get_engine(path: str | Path) -> Engine:
    """The one engine for this workspace file, migrated to the current schema."""
    path = Path(path).expanduser().resolve()
    key = str(path)
    if key in _engines:
        return _engines[key]
    _check_file(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    try:
        migrate(engine, path)
    except sqlite3.DatabaseError as exc:
        engine.dispose()
        raise WorkspaceError(f"{path}: the workspace is damaged ({exc})") from exc
    except Exception as exc:  # sqlalchemy wraps sqlite errors
        engine.dispose()
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.DatabaseError):
            raise WorkspaceError(f"{path}: the workspace cannot be opened ({orig})") from exc
        raise
    _engines[key] = engine
    return engine


def dispose_engine(path: str | Path) -> None:
    key = str(Path(path).expanduser().resolve())
    engine = _engines.pop(key, None)
    if engine is not None:
        engine.dispose()


def user_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        n = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='article'"
        ).scalar()
    return bool(n)


def backup_file(path: Path, engine: Engine, tag: str) -> Path:
    """Copy the workspace aside with SQLite's online backup (consistent even under WAL)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{tag}.{stamp}.bak{path.suffix}")
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
        finally:
            dst.close()
    finally:
        raw.close()
    return target


def latest_backup(path: str | Path) -> Path | None:
    path = Path(path)
    found = sorted(path.parent.glob(f"{path.stem}.*.bak{path.suffix}"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def migrate(engine: Engine, path: Path) -> Path | None:
    """Bring the file to the current schema; back an existing file up first. Returns the backup."""
    version = user_version(engine)
    if version == SCHEMA_VERSION and _has_tables(engine):
        return None
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{path}: written by a newer Chronicler (schema {version}, this one knows {SCHEMA_VERSION})"
        )
    backup = backup_file(path, engine, f"v{version}") if _has_tables(engine) else None
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
    return backup


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A short write transaction, committed on exit (rolled back on error)."""
    with Session(engine.execution_options(immediate=True), expire_on_commit=False) as session:
        with session.begin():
            yield session


def integrity_check(path: str | Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
