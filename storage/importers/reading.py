"""Reading a large UTF-8 JSONL file in a second process (storage.import_reader) while this one
writes: the frames it sends, and stopping it. Any failure to start or a process that ends
without its last frame is the caller's cue to read the rest itself."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import Any, Iterator, Optional

# The importer reads this many lines itself while the process starts (30-40 ms; about 50 lines a ms).
HEAD_LINES = 2_000
# A smaller file is read in this process alone: the reader would take only a few batches.
MIN_LINES = 2 * HEAD_LINES
# -I -S: no site, user folder or environment: the reader imports only what its own code does.
_BOOT = ("import sys; sys.path[:0] = sys.argv[1:3]; from storage.import_reader import main; "
         "raise SystemExit(main(sys.argv[3:]))")
# How long a reader that sent its last frame may take to exit before it is stopped.
EXIT_WAIT_S = 5.0
# Frames read ahead of the writing, in bytes: about four batches of wire-length articles (a
# batch of long articles may be larger: one frame is always let in).
QUEUED_BYTES = 4 << 20
# Linux's default upper bound for an unprivileged process (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1 << 20
_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def _msgspec_folder() -> Optional[str]:
    try:
        import msgspec
    except ImportError:
        return None
    return str(Path(msgspec.__file__).resolve().parent.parent)


def _widen_pipe(stream: Any) -> None:
    """Let the reader run a batch or two ahead (Linux pipes hold 64 KB, a batch is about 1 MB):
    otherwise it waits for each write while the importer writes to the workspace."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass  # not Linux, or more than the system allows: the pipe's own size


class ReadingProcess:
    """The reading process of one file; iterate for its frames (tuples, see storage.import_reader)."""

    def __init__(self, path: Path, offset: int, batch_size: int, line_limit: int, skip: Optional[int] = None) -> None:
        skip = HEAD_LINES if skip is None else skip
        site = _msgspec_folder()
        if site is None or not sys.executable:
            raise OSError("no Python to start a reading process with")
        # Its complaints go to a file, read only if it ends early (a pipe nobody reads could fill).
        self._errors = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _BOOT, _ROOT, site, os.fspath(path), str(offset), str(skip),
                 str(batch_size), str(line_limit)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors)
        except BaseException:
            self._errors.close()
            raise
        self.offset, self.skip = offset, skip
        self.finished = False  # the last frame ("end" or "error") came
        _widen_pipe(self._proc.stdout)
        self._queue: deque[Optional[bytes]] = deque()  # frames read, None once the pipe ended
        self._queued_bytes = 0
        self._ready = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="import-reader", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                data = self._queue.popleft()
                self._queued_bytes -= len(data or b"")
                self._ready.notify_all()
            if data is None:
                return
            frame = marshal.loads(data)
            if frame[0] in ("end", "error"):
                self.finished = True
            yield frame
            if self.finished:
                return

    def _drain(self) -> None:
        """The pipe read on its own thread (reading waits without holding the interpreter): the
        reader goes on while this process commits, up to QUEUED_BYTES ahead."""
        out = self._proc.stdout
        try:
            while out is not None and not self._stopping.is_set():
                head = out.read(4)
                if len(head) < 4:
                    break
                size = int.from_bytes(head, "little")
                data = out.read(size)
                if len(data) < size:
                    break
                self._put(data)
        except (OSError, ValueError):  # closed by close()
            pass
        finally:
            self._put(None)

    def _put(self, data: Optional[bytes]) -> None:
        """Queue a frame once those queued hold less than QUEUED_BYTES (one always goes: a
        batch of long articles may be larger); None, the end, at once."""
        with self._ready:
            while data is not None and self._queue and self._queued_bytes >= QUEUED_BYTES:
                if self._stopping.is_set():
                    return
                self._ready.wait(0.1)
            self._queue.append(data)
            self._queued_bytes += len(data or b"")
            self._ready.notify_all()

    def close(self) -> None:
        """Stop the process if it still runs (a cancel, a refused write) and reap it."""
        proc = self._proc
        self._stopping.set()
        if self.finished:  # its last frame came: it is only exiting
            try:
                proc.wait(EXIT_WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.kill()
        self._thread.join()
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()
        self._errors.close()

    @property
    def status(self) -> Optional[int]:
        """The process's exit status, None while it runs."""
        return self._proc.poll()

    def exit_status(self) -> Optional[int]:
        """The exit status of a process whose output ended (it is exiting): waited for a moment."""
        try:
            return self._proc.wait(EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            return None

    def complaint(self) -> str:
        """The last line the process wrote to its error output (a traceback's last), or ""."""
        try:
            self._errors.seek(0)
            lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):  # closed
            return ""
        return lines[-1] if lines else ""
