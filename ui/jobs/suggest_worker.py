"""The suggester as a child process of the app (no Qt here): spaCy's import and model loading
hold the GIL for 100-200 ms at a time, which would freeze the window if they ran in a thread.

`python -m ui.jobs.suggest_worker --db PATH [--model NAME] [--ids 1,2,3] [--first ID]` speaks
ui.jobs.worker_protocol; its result is {"articles", "spans", "model", "nothing_to_do",
"cancelled", "cut"}. The user's matter: an unknown model, an unreadable workspace."""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.jobs.worker_protocol import lower_priority, run_worker  # noqa: E402  (after the path is set)


def main(argv: Optional[Sequence[str]] = None) -> int:
    lower_priority()  # before the imports below
    parser = argparse.ArgumentParser(prog="suggest_worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--model", default="")
    parser.add_argument("--ids", default="", help="comma-separated article ids (default: all without spans)")
    parser.add_argument("--first", type=int, default=None)
    args = parser.parse_args(argv)
    from services.errors import UserError
    from storage.db import WorkspaceError

    def work(progress: Callable[..., None], cancelled: Callable[[], bool]) -> dict[str, Any]:
        from services.suggesting import suggest
        from storage.repository import Repository

        ids = [int(x) for x in args.ids.split(",") if x.strip()] if args.ids else None
        return asdict(suggest(Repository(args.db), args.model or None, ids, args.first,
                              progress=progress, cancelled=cancelled))

    return run_worker(work, (UserError, WorkspaceError))


if __name__ == "__main__":
    sys.exit(main())
