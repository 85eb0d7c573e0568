"""Small lookups off the GUI thread: a plain function (from coding/ or storage/) runs on the
runner's own pool thread and its result or error comes back to the GUI thread in a callback.
For work too short to be a job in the Jobs panel (a place lookup) but too slow, at times, for
the GUI thread (the first lookup builds the gazetteer index)."""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Callback = Callable[[Any], None]


class _Task(QRunnable):
    def __init__(self, runner: "TaskRunner", ticket: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        # What the task needs of its runner, held here: the runner may be deleted meanwhile.
        self._stop, self._delivered = runner._stop, runner._delivered
        self._ticket, self._fn = ticket, fn

    def run(self) -> None:  # a pool thread; nothing may escape into Qt from here
        result: Any = None
        error: Optional[BaseException] = None
        if not self._stop.is_set():
            try:
                result = self._fn()
            except Exception as exc:  # delivered to the caller's on_failed, never lost
                error = exc
        try:
            self._delivered.emit(self._ticket, result, error)
        except (RuntimeError, AttributeError):  # the runner is gone (its window closed): nobody waits
            pass


class TaskRunner(QObject):
    """Runs functions one after another on one pool thread (lookups share the gazetteer, whose
    first use builds it: one at a time, in order). `message(text)` may be emitted from a task
    (say()) to tell the coder about a long step. `idle` is emitted when nothing is left."""

    _delivered = Signal(int, object, object)
    message = Signal(str)
    idle = Signal()

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the thread: its gazetteer connection is reused
        self._callbacks: dict[int, tuple[Callback, Callback]] = {}
        self._next = 0
        self._stop = threading.Event()
        self._delivered.connect(self._deliver)
        stop = self._stop  # closed without shutdown() (a parent deleted): a long task stops too
        self.destroyed.connect(lambda *_: stop.set())

    def run(self, fn: Callable[[], Any], on_done: Callback, on_failed: Callback) -> int:
        """Queue `fn()`; `on_done(result)` or `on_failed(error)` runs later on the GUI thread.
        Returns a ticket (increasing), for callers that drop results a newer request replaced."""
        self._next += 1
        self._callbacks[self._next] = (on_done, on_failed)
        self._pool.start(_Task(self, self._next, fn))
        return self._next

    def pending(self) -> int:
        """Tasks queued or running whose result has not been delivered yet."""
        return len(self._callbacks)

    def say(self, text: str) -> None:
        """From a task: a line for the status bar (queued to the GUI thread)."""
        try:
            self.message.emit(text)
        except RuntimeError:  # the runner is gone: nobody reads the status bar
            pass

    def stopping(self) -> bool:
        """For a long task to check now and then: the window is closing."""
        return self._stop.is_set()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """The window closes: queued tasks are skipped, a running one is asked to stop."""
        self._stop.set()
        self._pool.clear()
        self._pool.waitForDone(timeout_ms)
        self._callbacks.clear()

    def _deliver(self, ticket: int, result: Any, error: Optional[BaseException]) -> None:
        callbacks = self._callbacks.pop(ticket, None)
        if callbacks is not None and not self._stop.is_set():
            on_done, on_failed = callbacks
            if error is None:
                on_done(result)
            else:
                on_failed(error)
        if not self._callbacks:
            self.idle.emit()


__all__ = ["TaskRunner"]
