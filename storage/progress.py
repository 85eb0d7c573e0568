"""The progress and cancel conventions every long job follows (import, suggest, export)."""
from __future__ import annotations

from typing import Callable

# progress(done, total, message): called now and then; total may be 0 when unknown.
ProgressFn = Callable[[int, int, str], None]
# cancelled(): polled between batches; True asks the job to stop at the next batch boundary.
CancelFn = Callable[[], bool]


class Cancelled(Exception):
    """Raised by a job that stopped because it was asked to; work done so far is kept."""


def no_progress(done: int, total: int, message: str = "") -> None:
    return None


def never_cancel() -> bool:
    return False
