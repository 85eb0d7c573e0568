"""Importing files and folders of articles into a workspace (the command line's and the GUI's
import), our own formats and other tools' files alike (services.formats)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from services.errors import UserError
from services.formats import import_files
from storage.formats import FormatProblem
from storage.importers import ImportReport
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


def import_articles(repo: Repository, paths: Sequence[str | Path], from_format: Optional[str] = None,
                    progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> ImportReport:
    """Import files and folders; bad files never raise, each is named in the report's failures.
    `from_format` names another tool's format instead of detecting it (UserError when unknown)."""
    try:
        return import_files(repo, [Path(p) for p in paths], from_format=from_format, progress=progress,
                            cancelled=cancelled)
    except FormatProblem as exc:
        raise UserError(str(exc)) from exc


def nothing_imported(report: ImportReport) -> bool:
    """True when every file failed and nothing at all changed: the command exits non-zero."""
    return (report.imported == 0 and bool(report.failures)
            and not (report.events_created or report.events_updated))


__all__ = ["import_articles", "nothing_imported"]
