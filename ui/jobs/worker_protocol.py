"""The child-process side of ProcessJob (no Qt here): one JSON object a line on stdout, "cancel"
on stdin, and the process gone at once when the app is (its stdin closes).

A worker calls run_worker(work, user_errors): `work(progress, cancelled)` returns the result dict;
the app gets {"progress": [done, total, message]} lines, then {"result": ...}, or
{"error": msg, "user": true} for the user's matter (the exception types in `user_errors`), or
{"error": msg, "traceback": text} for a bug."""
from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from typing import Any, Callable

# A waking GUI thread preempts a worker this much "nicer" at once instead of waiting out its
# time slice; on an idle machine the worker runs as fast as at 0.
WORKER_NICE = 5

Work = Callable[[Callable[..., None], Callable[[], bool]], dict[str, Any]]


def say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _watch_stdin(flag: threading.Event) -> None:
    """Cancel on a "cancel" line; stop at once when the app goes away (stdin closed: its process
    ended or was killed). Work is saved batch by batch, so leaving mid-batch loses that batch
    only, never the workspace (a training run saves nothing until it is done)."""
    for line in sys.stdin:
        if line.strip() == "cancel":
            flag.set()
            return
    os._exit(3)  # nobody is left to read the result; the work may go on for minutes


def lower_priority() -> None:
    """Background work: the coder's window gets the CPU first. Called by a worker before its
    heavy imports (the database layer, spaCy), which are half a second of CPU themselves."""
    if hasattr(os, "nice") and os.nice(0) < WORKER_NICE:
        os.nice(WORKER_NICE - os.nice(0))


def run_worker(work: Work, user_errors: tuple[type[BaseException], ...]) -> int:
    """Run `work` at a lower priority with progress and cancel wired to the app; the exit code."""
    lower_priority()
    cancel = threading.Event()
    threading.Thread(target=_watch_stdin, args=(cancel,), daemon=True).start()
    try:
        result = work(lambda done, total, message="": say({"progress": [done, total, message]}), cancel.is_set)
    except user_errors as exc:
        say({"error": str(exc), "user": True})
        return 2
    except Exception as exc:  # a bug: the app reports it with this traceback
        say({"error": str(exc) or exc.__class__.__name__, "traceback": traceback.format_exc()})
        return 1
    say({"result": result})
    return 0


__all__ = ["run_worker", "say"]
