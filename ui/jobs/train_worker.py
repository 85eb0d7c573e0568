"""Training a spaCy NER from the workspace as a child process of the app (no Qt here): training
holds the GIL for seconds at a time, which would freeze the window in a thread.

Protocol (as ui.jobs.suggest_worker): `python -m ui.jobs.train_worker --db PATH [--max-minutes N]`
prints {"progress": [done, total, message]} lines, then {"result": {"summary", "name", "cancelled"}},
or {"error": msg, "user": true} (too few coded articles, unreadable workspace), or
{"error": msg, "traceback": text} for a bug. A "cancel" line on stdin stops it; nothing is saved."""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _watch_stdin(flag: threading.Event) -> None:
    """Cancel on a "cancel" line, or when the app goes away (stdin closed)."""
    for line in sys.stdin:
        if line.strip() == "cancel":
            break
    flag.set()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="train_worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    args = parser.parse_args(argv)
    if hasattr(os, "nice"):
        os.nice(5)  # background work: the coder's window gets the CPU first
    cancel = threading.Event()
    threading.Thread(target=_watch_stdin, args=(cancel,), daemon=True).start()
    try:
        from services.train import TrainRefused, train_workspace
        from storage.db import WorkspaceError
        from storage.repository import Repository

        repo = Repository(args.db)
        result = train_workspace(repo, max_minutes=args.max_minutes,
                                 progress=lambda d, t, m="": _say({"progress": [d, t, m]}), cancelled=cancel.is_set)
    except (TrainRefused, WorkspaceError) as exc:
        _say({"error": str(exc), "user": True})
        return 2
    except Exception as exc:  # a bug: the app reports it with this traceback
        _say({"error": str(exc) or exc.__class__.__name__, "traceback": traceback.format_exc()})
        return 1
    _say({"result": {"summary": result.describe(), "name": result.name, "cancelled": result.cancelled}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
