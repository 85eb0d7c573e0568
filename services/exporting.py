"""Exporting the dataset (xlsx, csv, jsonl) with coding's derived fields and checks on each event."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional, Sequence

from coding.dataset import event_hook
from services.errors import UserError
from storage.exporters import FORMATS, ExportError, ExportOptions, ExportSummary, export_dataset
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


def export_format(out: Path, fmt: Optional[str] = None) -> str:
    """The format asked for, else the file's extension; UserError when it is not one we write."""
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise UserError(f"{out}: unknown export format '{chosen}' (use .xlsx, .csv or .jsonl, or --format)")
    return chosen


def export(repo: Repository, out: str | Path, fmt: Optional[str] = None, statuses: Sequence[str] = (),
           coders: Sequence[str] = (), date_from: Optional[dt.date | str] = None,
           date_to: Optional[dt.date | str] = None, codebook: Optional[str] = None,
           progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> ExportSummary:
    """Export the filtered events (xlsx, csv) or articles (jsonl); each event row gets its
    derived fields and problems from coding. UserError for a bad format or filter, or a file
    that cannot be written; storage.progress.Cancelled when cancelled (nothing is written)."""
    path = Path(out)
    chosen = export_format(path, fmt)
    options = ExportOptions(statuses=tuple(statuses), coders=tuple(coders), date_from=date_from,
                            date_to=date_to, codebook=codebook, event_hook=event_hook(repo=repo))
    try:
        return export_dataset(repo, path, chosen, options, progress=progress, cancelled=cancelled)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except ExportError as exc:
        raise UserError(str(exc)) from exc


__all__ = ["export", "export_format"]
