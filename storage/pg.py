"""The PostgreSQL side of a workspace: the engine, errors in the user's words (password masked),
migrations under an advisory lock, and LISTEN/NOTIFY in place of SQLite's data_version."""
from __future__ import annotations

import threading
import uuid
from typing import Any, Optional

from sqlalchemy import Engine, create_engine, text

from storage.dburl import ServerLocation, mask_url

# Any fixed number: every Chronicler client takes the same lock before migrating.
MIGRATION_LOCK_KEY = 0x43687231
# The channel the triggers of migration 0005 notify after each committed write.
CHANGES_CHANNEL = "chronicler_changes"
CONNECT_TIMEOUT_S = 10
APP_PREFIX = "chronicler:"


def explain_pg_error(exc: BaseException, location: Optional[ServerLocation] = None) -> str:
    """One line for a connection or server failure, in the user's words."""
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip()
    where = f"{location.host}:{location.port}" if location else "the server"
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        user = location.user if location else ""
        return f"the server refused the password for user '{user}'"
    if "does not exist" in lowered and "database" in lowered:
        name = location.dbname if location else ""
        return f"there is no database '{name}' on {where} (create it first, e.g. createdb)"
    if "role" in lowered and "does not exist" in lowered:
        return f"there is no user '{location.user if location else ''}' on {where}"
    if "failed to resolve host" in lowered or "could not translate host name" in lowered:
        return f"unknown server host '{location.host if location else ''}'"
    if "connection refused" in lowered:
        return f"nothing answers at {where} (is PostgreSQL running there, on that port?)"
    if "timeout" in lowered or "timed out" in lowered:
        return f"no answer from {where} within {CONNECT_TIMEOUT_S} s"
    if "terminating connection" in lowered or "server closed the connection" in lowered \
            or "connection is lost" in lowered or "consuming input failed" in lowered:
        return f"the connection to {where} was lost"
    first = next((line.strip() for line in message.splitlines() if line.strip()), type(orig).__name__)
    return mask_url(first.replace("FATAL:", "").strip())


def create_pg_engine(location: ServerLocation) -> Engine:
    """An engine whose sessions see UTC (the naive timestamps are UTC, as in SQLite) and that
    checks a pooled connection before use (a server restart costs a reconnect, not an error)."""
    app_name = f"{APP_PREFIX}{uuid.uuid4().hex[:12]}"
    engine = create_engine(
        location.sqlalchemy_url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=20,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": app_name,
                      "options": "-c timezone=UTC"},
    )
    engine.info_app_name = app_name  # type: ignore[attr-defined]
    return engine


def open_server_engine(url: str, head: str, migrations_dir: str) -> Engine:
    """A checked URL's engine, connected and migrated; WorkspaceError (one line, password masked)
    for a bad URL or a server that cannot be reached."""
    from sqlalchemy.exc import DBAPIError

    from storage.db import WorkspaceError
    from storage.dburl import BadWorkspaceURL, parse_server_url

    try:
        location = parse_server_url(url)
    except BadWorkspaceURL as exc:
        raise WorkspaceError(str(exc), problem=str(exc)) from exc
    engine = create_pg_engine(location)
    try:
        migrate_pg(engine, location, head, migrations_dir)
    except WorkspaceError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        problem = explain_pg_error(exc, location)
        raise WorkspaceError(f"{location.display}: cannot connect: {problem}", problem=problem) from exc
    return engine


def app_name(engine: Engine) -> str:
    return str(getattr(engine, "info_app_name", ""))


def read_revision(engine: Engine) -> Optional[str]:
    """The Alembic revision the database is at (None for an empty database): one cheap query."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate_pg(engine: Engine, location: ServerLocation, head: str, migrations_dir: str) -> bool:
    """Bring the database to `head`; True when it ran a migration. The whole upgrade is one
    transaction under an advisory lock, so clients starting together migrate it once and a
    failure leaves the database as it was (PostgreSQL's DDL is transactional)."""
    from storage.db import WorkspaceError

    current = read_revision(engine)
    if current == head:
        return False
    _refuse_newer(current, head, location)
    from alembic import command
    from alembic.config import Config

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is not None
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None
        if current == head:
            return False  # another client migrated while we waited for the lock
        _refuse_newer(current, head, location)
        cfg = Config()
        cfg.set_main_option("script_location", migrations_dir)
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
        except Exception as exc:
            raise WorkspaceError(f"{location.display}: cannot be upgraded: {explain_pg_error(exc, location)}",
                                 problem="cannot be upgraded") from exc
    return True


def _refuse_newer(current: Optional[str], head: str, location: ServerLocation) -> None:
    from storage.db import WorkspaceError

    if current is not None and current.isdigit() and head.isdigit() and int(current) > int(head):
        raise WorkspaceError(f"{location.display}: written by a newer Chronicler (schema {int(current)}, "
                             f"this one knows {int(head)})", problem="written by a newer Chronicler")


class PgChangeWatch:
    """Tells whether another client committed to the workspace since the last look: a connection
    of its own LISTENs on the channel the tables' triggers notify. Notices sent by the engine
    given (this window's own edits) do not count. Cheap enough for a GUI timer: no query, only
    the notices already received are read."""

    def __init__(self, location: ServerLocation, engine: Optional[Engine] = None) -> None:
        self._location = location
        self._own = app_name(engine) if engine is not None else ""
        self._lock = threading.Lock()
        self._conn: Any = None
        self._connect()

    def _connect(self) -> None:
        import psycopg

        self._conn = psycopg.connect(self._location.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                     application_name=f"{APP_PREFIX}watch")
        self._conn.execute(f"LISTEN {CHANGES_CHANNEL}")

    def absorb(self) -> None:
        """Own commits are told apart by their sender, so there is nothing to absorb."""

    def changed(self) -> bool:
        """True once per batch of other clients' commits since the last call. After a lost
        connection it reconnects and answers True: commits may have been missed meanwhile."""
        import psycopg

        with self._lock:
            try:
                seen = False
                for notice in self._conn.notifies(timeout=0):
                    if notice.payload != self._own:
                        seen = True
                return seen
            except psycopg.OperationalError:
                try:
                    self._conn.close()
                    self._connect()
                except psycopg.OperationalError:
                    return False  # still away: tried again on the next call
                return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
