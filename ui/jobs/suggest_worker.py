"""The suggester as a child process of the app (no Qt here): spaCy's import and model loading
hold the GIL for 100-200 ms at a time, which would freeze the window if they ran in a thread.

Protocol: `python -m ui.jobs.suggest_worker --db PATH [--model NAME] [--ids 1,2,3] [--first ID]`
prints one JSON object a line on stdout: {"progress": [done, total, message]} now and then,
then {"result": {"articles", "spans", "model", "nothing_to_do", "cancelled"}} or
{"error": msg, "user": true} for the user's mistake (unknown model, unreadable workspace) or
{"error": msg, "traceback": text} for a bug.
A line "cancel" on stdin stops it at the next batch boundary (work done so far is kept)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _watch_stdin(flag: threading.Event) -> None:
    """Cancel on a "cancel" line; stop at once when the app goes away (stdin closed: its
    process ended or was killed). Each batch is saved in its own transaction, so leaving in
    the middle of one loses that batch only, never the workspace."""
    for line in sys.stdin:
        if line.strip() == "cancel":
            flag.set()
            return
    os._exit(3)  # nobody is left to read the result; the pipeline may be mid-batch for minutes


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="suggest_worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--model", default="")
    parser.add_argument("--ids", default="", help="comma-separated article ids (default: all without spans)")
    parser.add_argument("--first", type=int, default=None)
    args = parser.parse_args(argv)
    if hasattr(os, "nice"):
        os.nice(5)  # background work: the coder's window gets the CPU first
    cancel = threading.Event()
    threading.Thread(target=_watch_stdin, args=(cancel,), daemon=True).start()
    try:
        from services.errors import UserError
        from services.suggesting import suggest
        from storage.db import WorkspaceError
        from storage.repository import Repository

        ids = [int(x) for x in args.ids.split(",") if x.strip()] if args.ids else None
        repo = Repository(args.db)
        outcome = suggest(repo, args.model or None, ids, args.first,
                          progress=lambda d, t, m="": _say({"progress": [d, t, m]}),
                          cancelled=cancel.is_set)
    except (UserError, WorkspaceError) as exc:
        _say({"error": str(exc), "user": True})
        return 2
    except Exception as exc:  # a bug: the app reports it with this traceback
        _say({"error": str(exc) or exc.__class__.__name__, "traceback": traceback.format_exc()})
        return 1
    _say({"result": asdict(outcome)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
