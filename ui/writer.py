"""The window's one database writer: every edit is written in order on a thread of its own, so
the GUI thread never waits for a lock another program holds or for a server's round trip
(Anki's single database executor). Results come back to the GUI thread in the same order."""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


@dataclass(eq=False)
class WriteJob:
    """One write: `run` is called on the writer thread; `on_result(job)` on the GUI thread once
    it is done (error set when it raised, skipped when an earlier write failed)."""

    run: Callable[[], Any]
    article_id: Optional[int]
    on_result: Optional[Callable[["WriteJob"], None]] = None
    owner: Any = None  # what the GUI side reports to (an undo command)
    submitted: float = field(default_factory=time.monotonic)
    error: Optional[BaseException] = None
    result: Any = None  # what `run` returned (on the writer thread)
    skipped: bool = False
    delivered: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.skipped


class _Bridge(QObject):
    """Parentless, kept alive by the thread: a job finishing after the window is gone emits
    into nothing instead of into a deleted object."""

    finished = Signal()


_RESET = object()  # "the GUI has heard of the failure": writes queued from now on run again
_STOP = object()


class DatabaseWriter(QObject):
    """Runs writes one at a time, in the order submitted, on one thread.

    A write that raises stops the chain: the writes queued after it (made by the coder on top
    of a state that was never saved) are skipped until the GUI thread has heard of the failure;
    each is reported, so its undo command goes too and the panels re-read what is stored."""

    pendingChanged = Signal(int)  # writes submitted and not yet acknowledged on the GUI thread

    def __init__(self, parent: Optional[QObject] = None, name: str = "database writer") -> None:
        super().__init__(parent)
        self._queue: deque[Any] = deque()
        self._ready = threading.Condition()
        self._finished: deque[WriteJob] = deque()
        self._pending: list[WriteJob] = []  # GUI thread only
        self._bridge = _Bridge()
        self._bridge.finished.connect(self.deliver)
        self._stopped = False
        # The writer's Python (SQLAlchemy) holds the GIL in turns with the GUI thread: Python's
        # default 5 ms turns would make a key wait up to that long for each of them.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        self._thread = threading.Thread(target=self._work, args=(self._bridge,), name=name, daemon=True)
        self._thread.start()

    # ---- GUI thread ---------------------------------------------------------------------------
    def submit(self, run: Callable[[], Any], article_id: Optional[int] = None,
               on_result: Optional[Callable[[WriteJob], None]] = None, owner: Any = None) -> WriteJob:
        job = WriteJob(run, article_id, on_result, owner)
        if self._stopped:  # the window is closing: nothing is written any more
            log.warning("a write after the window closed was not saved")
            job.skipped = True
            return job
        self._pending.append(job)
        self._put(job)
        self.pendingChanged.emit(len(self._pending))
        return job

    def pending(self) -> int:
        return len(self._pending)

    def pending_for(self, article_id: int) -> int:
        return sum(1 for job in self._pending if job.article_id == article_id)

    def oldest_wait_s(self) -> float:
        """How long the oldest unacknowledged write has waited (0 with none)."""
        return time.monotonic() - self._pending[0].submitted if self._pending else 0.0

    def wait_for(self, job: WriteJob, timeout: Optional[float] = None) -> bool:
        """Block until `job` is written and acknowledged (with everything before it). Only for
        the few edits whose result the screen needs at once (a new event's id)."""
        finished = job.done.wait(timeout)
        self.deliver()
        return finished

    def wait_idle(self, timeout: Optional[float] = None) -> bool:
        """Block until every write submitted so far is written and acknowledged."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._pending:
            last = self._pending[-1]
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not last.done.wait(left):
                self.deliver()
                return False
            self.deliver()
        return True

    def deliver(self) -> None:
        """Hand finished writes to their owners, in submission order (GUI thread)."""
        delivered = False
        while True:
            with self._ready:
                if not self._finished:
                    break
                job = self._finished.popleft()
            if job.delivered:
                continue
            job.delivered = True
            delivered = True
            if job in self._pending:
                self._pending.remove(job)
            if job.error is not None:
                self._put(_RESET)  # writes submitted after this moment were made knowing it
            if job.on_result is not None:
                try:
                    job.on_result(job)
                except Exception:  # one listener's bug must not stop the others' results
                    log.exception("handling a finished write failed")
        if delivered:
            self.pendingChanged.emit(len(self._pending))

    def stop(self, timeout: float = 0.0, discard: bool = False) -> bool:
        """No more writes; the thread ends after those queued (`discard`: those not started yet
        are dropped, the coder chose to close without them). False if it is still busy."""
        if not self._stopped:
            self._stopped = True
            with self._ready:
                if discard:
                    dropped = [item for item in self._queue if isinstance(item, WriteJob)]
                    self._queue.clear()
                    for job in dropped:  # done, never run: nobody waits for them
                        job.skipped = True
                        self._finished.append(job)
                        job.done.set()
                    if dropped:
                        log.warning("closed with %d edits not saved", len(dropped))
                self._queue.append(_STOP)
                self._ready.notify()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ---- writer thread ------------------------------------------------------------------------
    def _put(self, item: Any) -> None:
        with self._ready:
            self._queue.append(item)
            self._ready.notify()

    def _work(self, bridge: _Bridge) -> None:
        failed = False
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                item = self._queue.popleft()
            if item is _STOP:
                return
            if item is _RESET:
                failed = False
                continue
            job: WriteJob = item
            if failed:
                job.skipped = True
            else:
                try:
                    job.result = job.run()
                except BaseException as exc:  # reported on the GUI thread, never lost here
                    job.error = exc
                    failed = True
            with self._ready:
                self._finished.append(job)
            job.done.set()
            try:
                bridge.finished.emit()
            except RuntimeError:  # the application is going away
                return


__all__ = ["DatabaseWriter", "WriteJob"]
