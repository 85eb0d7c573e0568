"""Runs a job (a plain function from services/, storage/ or coding/) off the GUI thread, in a
thread or a child process, and delivers its progress and its result or error by signal."""
from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QProcess, QRunnable, QThreadPool, Signal

from services.errors import UserError
from storage.progress import Cancelled

# Progress reports are coalesced to this interval so a chatty job cannot flood the GUI thread.
PROGRESS_INTERVAL_S = 0.05

ROOT = Path(__file__).resolve().parents[2]
# Runners whose job is still running; keeps them alive even if the caller drops its reference.
_running: set[QObject] = set()


class _Job(QRunnable):
    """The pool-side half: calls the function and reports through the runner's signals."""

    def __init__(self, runner: "Job") -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner

    def run(self) -> None:  # runs on a pool thread
        self._runner._execute()


class WorkerCrashed(Exception):
    """A bug in a job's child process: the message is its last line, `details` its traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def bug_details(error: BaseException) -> str:
    """The traceback of a bug, from this process or from a job's child process."""
    if isinstance(error, WorkerCrashed) and error.details:
        return error.details
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


class Job(QObject):
    """Runs `fn(*args, progress=..., cancelled=..., **kwargs)` on a QThreadPool thread.

    Signals arrive on the GUI thread (the job is created there, emitted from the worker,
    so Qt queues them): `progress(done, total, message)` at most every 50 ms, then exactly one of
    `finished(result)`, `failed(exception)` (a services.errors.UserError for the user's mistake,
    anything else is a bug and keeps its traceback) or `stopped()` (the function raised
    `Cancelled`; work done so far is kept), then `done()`. `cancel()` asks the function to stop
    at its next batch boundary. The function must not touch widgets.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    stopped = Signal()
    done = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "",
                 pool: Optional[QThreadPool] = None, parent: Optional[QObject] = None,
                 **kwargs: Any) -> None:
        super().__init__(parent)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.name = name or getattr(fn, "__name__", "task")
        self._pool = pool or QThreadPool.globalInstance()
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._last_progress = 0.0
        self._started = False
        self.result: Any = None
        self.error: Optional[BaseException] = None

    # ---- GUI thread -----------------------------------------------------------------------
    def start(self) -> "Job":
        if self._started:
            raise RuntimeError(f"task {self.name} already started")
        self._started = True
        _running.add(self)
        # A bound slot of this GUI-thread object: queued, so it runs after the result was delivered.
        self.done.connect(self._forget)
        self._pool.start(_Job(self))
        return self

    def _forget(self) -> None:
        _running.discard(self)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._started and not self._finished.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the job ended (for tests and shutdown only; never in a GUI handler)."""
        return self._finished.wait(timeout_s)

    # ---- worker thread --------------------------------------------------------------------
    def _report(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL_S and (not total or done < total):
            return
        self._last_progress = now
        self._emit(self.progress, int(done), int(total), str(message))

    def _emit(self, signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the runner's QObject is gone (app shutting down): nobody listens
            pass

    def _execute(self) -> None:
        try:
            result = self.fn(*self.args, progress=self._report, cancelled=self._cancel.is_set, **self.kwargs)
        except Cancelled:
            self._finished.set()
            self._emit(self.stopped)
        except Exception as exc:  # a bug or a user's problem: the GUI tells which (ui.jobs.controller)
            self.error = exc
            self._finished.set()
            self._emit(self.failed, self.error)
        else:
            self.result = result
            self._finished.set()
            self._emit(self.finished, result)
        self._emit(self.done)


def finish_thread_jobs(timeout_s: float) -> bool:
    """At quit: ask the thread jobs still running to stop, and wait (up to `timeout_s`) for
    them to end, so none emits its result into an application being torn down (a crash on quit
    when the window was closed just as a count or a check was finishing). True when all ended."""
    jobs = [job for job in list(_running) if isinstance(job, Job)]
    for job in jobs:
        job.cancel()
    # The pool's run() returns after the job's last signal is emitted; the job's own end comes before.
    deadline = time.monotonic() + timeout_s
    return all(pool.waitForDone(max(0, int((deadline - time.monotonic()) * 1000)))
               for pool in {id(job._pool): job._pool for job in jobs}.values())


class ProcessJob(QObject):
    """The same signals as Job for a job run as a child Python process (a module speaking the
    JSON-lines protocol of ui.jobs.suggest_worker): for work whose C code holds the GIL so long
    that a thread would freeze the window (spaCy import and model loading). A failure arrives as
    a UserError, or a WorkerCrashed carrying the child's traceback."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    stopped = Signal()
    done = Signal()

    def __init__(self, module: str, args: list[str], name: str = "", parent: Optional[QObject] = None,
                 env: Optional[dict[str, str]] = None) -> None:
        super().__init__(parent)
        self.module, self.args, self.name = module, list(args), name or module
        self.process = QProcess(self)
        self.process.setProgram(sys.executable)
        self.process.setArguments(["-m", module, *self.args])
        self.process.setWorkingDirectory(str(ROOT))
        if env:  # a secret goes in the child's environment, never on its command line (ps shows that)
            from PySide6.QtCore import QProcessEnvironment

            environment = QProcessEnvironment.systemEnvironment()
            for key, value in env.items():
                environment.insert(key, value)
            self.process.setProcessEnvironment(environment)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._ended)
        self.process.errorOccurred.connect(self._error)
        self._buffer = b""
        self._cancel = False
        self._ended_once = False
        self._started = False
        self.result: Any = None
        self.error: Optional[Exception] = None

    def start(self) -> "ProcessJob":
        _running.add(self)
        self._started = True
        self.process.start()
        return self

    def cancel(self) -> None:
        self._cancel = True
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.write(b"cancel\n")

    def is_cancelled(self) -> bool:
        return self._cancel

    def is_running(self) -> bool:
        return self._started and not self._ended_once

    def wait(self, timeout_s: float | None = None) -> bool:
        return self.process.waitForFinished(int((timeout_s or 30) * 1000))

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                msg = json.loads(line)
            except ValueError:
                continue  # a library printed something; not ours
            if "progress" in msg:
                done, total, message = msg["progress"]
                self.progress.emit(int(done), int(total), str(message))
            elif "result" in msg:
                self.result = msg["result"]
            elif "error" in msg:
                message = str(msg["error"])
                self.error = (UserError(message) if msg.get("user")
                              else WorkerCrashed(message, str(msg.get("traceback", ""))))

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.error = WorkerCrashed(f"could not start {self.module}: {self.process.errorString()}")
            self._ended(-1, QProcess.ExitStatus.CrashExit)

    def _ended(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._ended_once:
            return
        self._ended_once = True
        self._read()
        if self.result is not None:
            if self.result.get("cancelled"):
                self.stopped.emit()
            else:
                self.finished.emit(self.result)
        elif self._cancel:
            self.stopped.emit()
        else:
            if self.error is None:
                err = self.process.readAllStandardError().data().decode("utf-8", "replace").strip()
                last = err.splitlines()[-1] if err else f"{self.module} stopped (exit code {code})"
                self.error = WorkerCrashed(last, err)
            self.failed.emit(self.error)
        self.done.emit()
        _running.discard(self)


__all__ = ["Job", "ProcessJob", "WorkerCrashed", "bug_details", "PROGRESS_INTERVAL_S"]
