"""Importing files and folders of articles into a workspace (the command line's and the GUI's import)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from storage.importers import ImportReport, import_paths
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


def import_articles(repo: Repository, paths: Sequence[str | Path], progress: ProgressFn = no_progress,
                    cancelled: CancelFn = never_cancel) -> ImportReport:
    """Import files and folders; bad files never raise, each is named in the report's failures."""
    return import_paths(repo, [Path(p) for p in paths], progress=progress, cancelled=cancelled)


def nothing_imported(report: ImportReport) -> bool:
    """True when every file failed and nothing at all changed: the command exits non-zero."""
    return (report.imported == 0 and bool(report.failures)
            and not (report.events_created or report.events_updated))


__all__ = ["import_articles", "nothing_imported"]
