"""Training a spaCy NER from the workspace as a child process of the app (no Qt here): training
holds the GIL for seconds at a time, which would freeze the window in a thread.

`python -m ui.jobs.train_worker --db PATH [--max-minutes N]` speaks ui.jobs.worker_protocol; its
result is {"summary", "name", "cancelled"}. The user's matter: too few coded articles, an
unreadable workspace. A cancel saves nothing."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.jobs.worker_protocol import lower_priority, run_worker  # noqa: E402  (after the path is set)


def main(argv: Optional[Sequence[str]] = None) -> int:
    lower_priority()  # before the imports below
    parser = argparse.ArgumentParser(prog="train_worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    args = parser.parse_args(argv)
    from services.train import TrainRefused
    from storage.db import WorkspaceError

    def work(progress: Callable[..., None], cancelled: Callable[[], bool]) -> dict[str, Any]:
        from services.train import train_workspace
        from storage.repository import Repository

        result = train_workspace(Repository(args.db), max_minutes=args.max_minutes, progress=progress,
                                 cancelled=cancelled)
        return {"summary": result.describe(), "name": result.name, "cancelled": result.cancelled}

    return run_worker(work, (TrainRefused, WorkspaceError))


if __name__ == "__main__":
    sys.exit(main())
