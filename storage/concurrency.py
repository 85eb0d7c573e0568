"""Several coders on one workspace: edits refused when the row changed since it was read
(Conflict), and transactions re-run after a lost connection or a deadlock, before any commit."""
from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any, Callable, Optional, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.db import WorkspaceError

log = logging.getLogger(__name__)

# A transaction that failed before its commit is run again this many times.
RETRIES = 4
RETRY_PAUSE_S = 0.2
# PostgreSQL's deadlock_detected and serialization_failure: the server rolled the transaction
# back whole, so running it again is safe.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})

F = TypeVar("F", bound=Callable[..., Any])


class Conflict(Exception):
    """An edit named the version of a row it read, and someone changed the row since."""

    def __init__(self, kind: str, row_id: int, expected: int, current: int, by: Optional[str]) -> None:
        who = by or "another coder"
        super().__init__(f"{kind} {row_id} was changed by {who} since you read it "
                         f"(version {current}, you had {expected}); reload it and redo the edit")
        self.kind, self.row_id, self.expected, self.current, self.by = kind, row_id, expected, current, by


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


class ConnectionLost(WorkspaceError):
    """The server could not be reached again after a lost connection; nothing unsaved was
    acknowledged, so the coder only has to try the edit again."""

    def __init__(self, engine: Engine, tries: int) -> None:
        problem = (f"the connection to the server was lost and {tries} attempts to reconnect failed; "
                   "the last edit was not saved, try it again")
        super().__init__(f"{_where(engine)}: {problem}", problem=problem)


class CommitUncertain(WorkspaceError):
    """The connection dropped while the server was committing: it may or may not have kept the
    edit, so it is not run again on its own (it could then be saved twice)."""

    def __init__(self, engine: Engine) -> None:
        problem = ("the connection to the server was lost while saving; the edit may or may not "
                   "have been saved: reload and check it")
        super().__init__(f"{_where(engine)}: {problem}", problem=problem)


def retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


# Told each time a transaction is run again (the app shows "reconnecting..." to the coder).
_retry_listeners: list[Callable[[str], None]] = []


def on_retry(listener: Callable[[str], None]) -> None:
    _retry_listeners.append(listener)


def remove_retry_listener(listener: Callable[[str], None]) -> None:
    if listener in _retry_listeners:
        _retry_listeners.remove(listener)


_depth = threading.local()


def retrying(method: F) -> F:
    """Run a repository method (one transaction, or reads) again when it failed before committing
    on a lost connection, a deadlock or a serialization failure. Only the outermost call retries:
    a method calling another is re-run whole."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_depth, "n", 0):
            return method(self, *args, **kwargs)
        _depth.n = 1
        try:
            for attempt in range(RETRIES + 1):
                try:
                    return method(self, *args, **kwargs)
                except DBAPIError as exc:
                    if not retryable(exc):
                        raise
                    if attempt == RETRIES:
                        if exc.connection_invalidated:
                            raise ConnectionLost(self.engine, RETRIES + 1) from exc
                        raise
                    reason = "connection lost" if exc.connection_invalidated else "deadlock"
                    log.warning("%s in %s: running it again (%d)", reason, method.__name__, attempt + 1)
                    for listener in list(_retry_listeners):
                        listener(f"{reason}: retrying")
                    time.sleep(RETRY_PAUSE_S * (attempt + 1))
            raise AssertionError("unreachable")
        finally:
            _depth.n = 0

    return wrapper  # type: ignore[return-value]


def with_retries(cls: type) -> type:
    """Wrap every public method a class defines (and its mixins define) in `retrying`."""
    names = {name for klass in cls.__mro__[:-1] for name in vars(klass)}
    for name in sorted(names):
        value = getattr(cls, name)
        if name.startswith("_") or name == "close" or not callable(value) or isinstance(value, type):
            continue
        if getattr(value, "__wrapped__", None) is None:
            setattr(cls, name, retrying(value))
    return cls
