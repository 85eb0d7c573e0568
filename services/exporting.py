"""Exporting the dataset (xlsx, csv, jsonl) with coding's derived fields and checks on each event,
or the accepted highlights in another tool's format (services.formats)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional, Sequence

from coding.dataset import event_hook
from services.errors import UserError
from services.formats import EXPORT_FORMATS as TOOL_FORMATS
from services.formats import export_spans
from storage.exporters import FORMATS, ExportError, ExportOptions, export_dataset
from storage.formats import FormatProblem
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress
from storage.repository import Repository


def export_format(out: Path, fmt: Optional[str] = None) -> str:
    """The format asked for, else the file's extension; UserError when it is not one we write."""
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in FORMATS and chosen not in TOOL_FORMATS:
        raise UserError(f"{out}: unknown export format '{chosen}' (use .xlsx, .csv or .jsonl, or --format "
                        f"{'|'.join([*FORMATS, *TOOL_FORMATS])})")
    return chosen


def export(repo: Repository, out: str | Path, fmt: Optional[str] = None, statuses: Sequence[str] = (),
           coders: Sequence[str] = (), date_from: Optional[dt.date | str] = None,
           date_to: Optional[dt.date | str] = None, codebook: Optional[str] = None, gold_only: bool = False,
           inter: str = "labels",
           progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> Any:
    """Export the filtered events (xlsx, csv) or articles (jsonl), each event row with its derived
    fields and problems from coding (`inter`: inter codes as ACLED's "labels" or "numbers"); or,
    for another tool's format, the accepted spans. Returns
    a summary with describe(). UserError for a bad format or filter, or a file that cannot be
    written; storage.progress.Cancelled when cancelled (nothing is written)."""
    path = Path(out)
    chosen = export_format(path, fmt)
    try:
        if chosen in TOOL_FORMATS:
            return export_spans(repo, path, chosen, progress=progress, cancelled=cancelled)
        options = ExportOptions(statuses=tuple(statuses), coders=tuple(coders), date_from=date_from,
                                date_to=date_to, codebook=codebook, event_hook=event_hook(repo=repo),
                                gold_only=gold_only, inter=inter)
        return export_dataset(repo, path, chosen, options, progress=progress, cancelled=cancelled)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except (ExportError, FormatProblem) as exc:
        raise UserError(str(exc)) from exc


__all__ = ["export", "export_format"]
