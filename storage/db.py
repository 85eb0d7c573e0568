"""One engine per workspace (a SQLite file: WAL, foreign keys, a busy timeout, migrations with a
backup; or a PostgreSQL database, see storage/pg.py), sessions, and change watching."""
from __future__ import annotations

import datetime as dt
import glob
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage.dburl import is_url
from storage.lenient_types import json_dumps
from storage.workspace_files import foreign_wal, restored_copy  # noqa: F401  (restored_copy: for callers)

# Alembic head as a number kept in PRAGMA user_version, so an up-to-date workspace opens
# without importing Alembic at all (cold start matters).
# On PostgreSQL the same number is read from alembic_version (one indexed row).
SCHEMA_VERSION = 6
HEAD_REVISION = "0006"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class WorkspaceError(Exception):
    """A problem with the workspace file the user must hear about (not a bug).

    `path` and `problem` are the two halves of the message; `backup` is the copy written before
    the last migration when one exists beside the file, for the app to offer opening it."""

    def __init__(self, message: str, *, path: Path | None = None, problem: str = "",
                 backup: Path | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.problem = problem or message
        self.backup = backup


SQLITE_MAGIC = b"SQLite format 3\x00"

# SQLite primary result codes (exc.sqlite_errorcode & 0xFF) in the user's words.
_SQLITE_PROBLEMS = {
    3: "permission denied",
    5: "another program is holding the workspace (it stayed busy for 30 s); try again",
    8: "the file or its folder is read-only",
    10: "the disk reported an error while reading or writing",
    11: "the file is damaged (not a valid database any more)",
    13: "the disk is full; free some space and try again",
    14: "the file cannot be opened (missing, or its folder is not accessible)",
    26: "the file is damaged or not a Chronicler workspace",
}


def explain_error(exc: BaseException) -> str:
    """The user-facing reason for an SQLite failure (plain or wrapped by SQLAlchemy)."""
    orig = exc if isinstance(exc, sqlite3.Error) else getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_PROBLEMS:
            return _SQLITE_PROBLEMS[code & 0xFF]
        return str(orig)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def workspace_error(path: Path, problem: str) -> WorkspaceError:
    """A WorkspaceError naming the file and the problem, offering the last backup if any."""
    backup = latest_backup(path)
    message = f"{path}: {problem}"
    if backup is not None:
        message += f". A backup made before the last upgrade is at {backup}"
    return WorkspaceError(message, path=path, problem=problem, backup=backup)


_engines: dict[str, Engine] = {}


def _sqlite_from_hint(self: Any, table: Any, text: str) -> str:
    return text


# SQLAlchemy renders no table hint for SQLite (its compiler returns None), so a query's
# with_hint(Article, "INDEXED BY ix_article_list", "sqlite") was silently dropped: the article
# list of a million rows then sorted the status index's rows instead of walking its own index.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign, assignment]


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits BEGIN itself,
    # which is the documented way to get real SQLite transactions from pysqlite.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # A workspace is a file from anywhere: its schema (views, defaults) may call only the
    # functions SQLite marks harmless.
    cur.execute("PRAGMA trusted_schema=OFF")
    # FULL in WAL mode: a committed edit survives a power cut, not only a killed process.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # Writers take the lock up front (BEGIN IMMEDIATE) so a second process waits for the
    # busy timeout instead of failing with "database is locked" on lock upgrade.
    options = conn.get_execution_options()
    if options.get("relaxed") and conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=NORMAL")  # refused inside a transaction
        # Its commits leave the journal to grow this far before folding it into the database
        # (each fold is two fsyncs); what is left is folded after the import, as after any commit.
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        # The duplicate-key index takes each new text at a random place: with SQLite's 2 MB page
        # cache a million-article workspace reads its pages back again and again.
        conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KB}")
        conn.info[_RELAXED] = True
    if options.get("immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _header_problem(path: Path, head: bytes, size: int) -> str | None:
    """Damage visible from the 100-byte header alone (cheap: no page is read)."""
    if not head.startswith(SQLITE_MAGIC):
        return "not a Chronicler workspace (not an SQLite database)"
    if len(head) < 100:
        return f"the file is cut off ({size} bytes, shorter than a database header)"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "the file is damaged (its header is not valid)"
    wal_problem = foreign_wal(path.with_name(path.name + "-wal"), page_size)
    if wal_problem:
        return wal_problem
    for journal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        if journal.exists() and journal.stat().st_size > 0:
            return None  # pages may live in the journal until SQLite folds it back in
    pages = int.from_bytes(head[28:32], "big")
    # The page count is only valid when the change counter matches "version valid for".
    if pages and head[24:28] == head[92:96] and size < pages * page_size:
        return (f"the file is cut off ({size:,} bytes of the {pages * page_size:,} its header "
                "promises): it was truncated, by a copy or a sync that did not finish")
    return None


def _check_file(path: Path) -> None:
    if not path.exists():
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceError(f"{path}: cannot create the folder ({exc.strerror})",
                                     path=path, problem="cannot create the folder") from exc
        if not os.access(parent, os.W_OK):
            raise WorkspaceError(f"{path}: cannot create the workspace, folder is not writable",
                                 path=path, problem="folder is not writable")
        return
    if path.is_dir():
        raise WorkspaceError(f"{path}: is a folder, not a workspace file", path=path,
                             problem="is a folder, not a workspace file")
    wal = path.with_name(path.name + "-wal")
    try:
        # The journal first: SQLite writes a new file's first page before its journal holds
        # anything, so a journal seen non-empty before the file is seen empty means a workspace
        # lost, while the other order is another process creating this one at the same moment.
        wal_size = wal.stat().st_size if wal.exists() else 0
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise workspace_error(path, f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        # An empty file is a new workspace, unless something shows it once held one.
        if latest_backup(path) is not None or wal_size > 0:
            raise workspace_error(path, "the file is empty (0 bytes): the workspace it held was lost")
        return
    problem = _header_problem(path, head, size)
    if problem:
        raise workspace_error(path, problem)
    # Refused before connecting: even switching the journal to WAL would rewrite the header.
    version = int.from_bytes(head[60:64], "big")
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{path}: written by a newer Chronicler (schema {version}, this one knows {SCHEMA_VERSION})",
            path=path, problem="written by a newer Chronicler")
    # Root ignores permission bits, but not a read-only file system: access() sees both.
    if not os.access(path, os.W_OK):
        raise workspace_error(path, "the file is read-only; Chronicler saves every edit at once, "
                                    "so it needs a workspace it can write (copy it or change its permissions)")
    if not os.access(path.parent, os.W_OK):
        raise workspace_error(path, "its folder is read-only; SQLite keeps its journal (-wal, -shm) "
                                    "beside the workspace, so the folder must be writable")


def get_engine(path: str | Path) -> Engine:
    """The one engine for this workspace (file path or server URL), migrated to the current schema."""
    if is_url(path):
        return _get_server_engine(str(path))
    path = Path(path).expanduser().resolve()
    key = str(path)
    if key in _engines:
        return _engines[key]
    _check_file(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        json_serializer=json_dumps,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "checkin", _on_checkin)
    try:
        _refuse_triggers(engine, path)
        migrate(engine, path)
    except WorkspaceError:
        engine.dispose()
        raise
    except Exception as exc:  # sqlalchemy wraps sqlite errors
        engine.dispose()
        orig = exc if isinstance(exc, sqlite3.Error) else getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.Error):
            raise workspace_error(path, f"cannot be opened: {explain_error(orig)}") from exc
        if isinstance(exc, OSError):
            raise workspace_error(path, f"cannot be opened: {explain_error(exc)}") from exc
        raise
    _engines[key] = engine
    return engine


def _get_server_engine(url: str) -> Engine:
    if url not in _engines:
        from storage.pg import open_server_engine

        _engines[url] = open_server_engine(url, HEAD_REVISION, str(MIGRATIONS_DIR))
    return _engines[url]


def _refuse_triggers(engine: Engine, path: Path) -> None:
    """Chronicler makes no triggers: a workspace holding some was made elsewhere, and they
    would run their own SQL on every edit (delete, copy, rewrite rows). Refused, untouched."""
    with engine.connect() as conn:
        names = [str(r[0]) for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise workspace_error(path, f"holds triggers Chronicler never makes ({shown}): they would run on "
                                    "every edit; remove them with the sqlite3 tool if you trust the file")


def dispose_engine(path: str | Path) -> None:
    key = str(path) if is_url(path) else str(Path(path).expanduser().resolve())
    engine = _engines.pop(key, None)
    if engine is not None:
        engine.dispose()


def is_server(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def schema_version(engine: Engine) -> int:
    """The workspace's schema number on either engine (0 for a new one), without Alembic."""
    if is_server(engine):
        from storage.pg import read_revision

        revision = read_revision(engine)
        return int(revision) if revision and revision.isdigit() else 0
    return user_version(engine)


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
    except BaseException:
        # A half-written backup (disk full ...) must not be offered later as "the backup".
        target.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    return target


def latest_backup(path: str | Path) -> Path | None:
    path = Path(path)
    # Escaped: a workspace named "survey [2024].sqlite" must still find its backups.
    pattern = f"{glob.escape(path.stem)}.*.bak{glob.escape(path.suffix)}"
    found = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime)
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
    # The write lock is taken first and the version read again under it: two processes
    # opening a new or old workspace at once must not both migrate (nor fail on upgrade).
    backup = None
    with engine.execution_options(immediate=True).begin() as conn:
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        has_tables = bool(conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='article'").scalar())
        if version == SCHEMA_VERSION and has_tables:
            return None
        if version == 0 and not conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
            from storage.fresh_schema import create_from_snapshot

            if create_from_snapshot(conn, SCHEMA_VERSION):  # a new file: no Alembic needed
                return None
        if has_tables:
            try:
                backup = backup_file(path, engine, f"v{version}")
            except (sqlite3.Error, OSError) as exc:
                # No backup, no migration: the file is left exactly as it was.
                raise workspace_error(path, f"cannot be upgraded to this version of Chronicler, the backup "
                                            f"copy could not be written ({explain_error(exc)})") from exc
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            # The transaction rolls back, so the file is as it was: its copy is not a backup
            # worth keeping, and keeping it would add one at every open and offer the copy
            # that cannot migrate as "the backup" instead of an earlier good one.
            if backup is not None:
                backup.unlink(missing_ok=True)
            raise
    return backup


# A bulk import commits its batches without waiting for the disk (write_session(relaxed=True):
# synchronous=NORMAL, the database stays valid and a power cut can only lose the latest batches
# of the import in flight) and makes them durable with one fsync of the journal when it ends (sync_journal). The
# connection is FULL again as it goes back to the pool, so no other write ever runs relaxed.
_RELAXED = "chronicler_relaxed_sync"
BULK_CHECKPOINT_PAGES = 8192  # 32 MB of 4 KB pages (SQLite's default: 1,000)
BULK_CACHE_KB = 65536  # 64 MB while the import's transaction runs (SQLite's default: 2 MB)


def _on_checkin(dbapi_conn: Any, record: Any) -> None:
    if record.info.pop(_RELAXED, False) and dbapi_conn is not None:
        dbapi_conn.execute("PRAGMA synchronous=FULL")
        dbapi_conn.execute("PRAGMA wal_autocheckpoint=1000")
        dbapi_conn.execute("PRAGMA cache_size=-2000")


def sync_journal(engine: Engine) -> None:
    """What FULL commits would have done for the relaxed ones before: the journal (WAL) on the
    disk. Folding it into the database is left to SQLite, as after any commit: the next
    write's checkpoint (on the writer's thread) or the last connection's close."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path:
        return
    try:
        fd = os.open(path + "-wal", os.O_RDWR)  # Windows flushes only a handle open for writing
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine, relaxed: bool = False) -> Iterator[Session]:
    """A short write transaction, committed on exit (rolled back on error). A connection lost
    during the commit itself raises CommitUncertain: the server may or may not have kept it,
    so it is never retried blindly. `relaxed`: the commit does not wait for the disk (a bulk
    import, which calls sync_journal when it ends)."""
    options = dict(immediate=True, relaxed=True) if relaxed else dict(immediate=True)
    with Session(engine.execution_options(**options), expire_on_commit=False) as session:
        transaction = session.begin()
        try:
            yield session
            session.flush()
        except BaseException:
            transaction.rollback()
            raise
        try:
            transaction.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                from storage.concurrency import CommitUncertain

                raise CommitUncertain(engine) from exc
            raise
    for hook in list(_own_commit_hooks.get(id(engine), ())):
        hook()


# Called right after each commit this process makes through write_session, so a ChangeWatch
# can take its own process's edits as seen (see ChangeWatch.absorb).
_own_commit_hooks: dict[int, list[Callable[[], None]]] = {}


def on_own_commit(engine: Engine, hook: Callable[[], None]) -> None:
    _own_commit_hooks.setdefault(id(engine), []).append(hook)


def remove_own_commit_hook(engine: Engine, hook: Callable[[], None]) -> None:
    hooks = _own_commit_hooks.get(id(engine), [])
    if hook in hooks:
        hooks.remove(hook)


def open_change_watch(target: str | Path, engine: Optional[Engine] = None) -> "ChangeWatch":
    """The watch for other programs' commits that suits the workspace: SQLite's data_version
    for a file, LISTEN/NOTIFY for a server (both offer changed(), absorb() and close())."""
    if is_url(target):
        from storage.dburl import parse_server_url
        from storage.pg import PgChangeWatch

        return PgChangeWatch(parse_server_url(str(target)), engine)  # type: ignore[return-value]
    return ChangeWatch(target, engine)


def integrity_check(path: str | Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


class ChangeWatch:
    """Tells whether anyone else (another window, the command line) committed to the workspace
    since the last look: SQLite's PRAGMA data_version on a connection of its own, which changes
    on every commit made through any other connection. Cheap enough for a GUI timer."""

    def __init__(self, path: str | Path, engine: Optional[Engine] = None) -> None:
        self._conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
        self._lock = threading.Lock()
        self._version = self._read()
        self._engine = engine
        if engine is not None:
            on_own_commit(engine, self.absorb)

    def _read(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def absorb(self) -> None:
        """Take the workspace as seen now: called right after this process's own commits, so
        only other programs' commits count as changes. A commit by another program in the
        microseconds between ours and this call is taken as seen too; its next commit shows."""
        version = self._read()
        with self._lock:
            self._version = version

    def changed(self) -> bool:
        """True once per batch of commits by other connections since the last call."""
        version = self._read()
        with self._lock:
            if version == self._version:
                return False
            self._version = version
        return True

    def close(self) -> None:
        if self._engine is not None:
            remove_own_commit_hook(self._engine, self.absorb)
        self._conn.close()
