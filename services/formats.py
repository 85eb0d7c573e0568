"""Other tools' formats for both faces: import with detection (or a named format), and export of
accepted spans, with spaCy's DocBin reader and writer (coding) joined to storage's."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional, Union

from storage.formats import FORMATS, FormatProblem
from storage.formats.export import ToolExport, Writer, export_tool
from storage.importers import ImportReport, import_paths
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

# What `import --from` and `export --format` accept.
IMPORT_FORMATS = FORMATS
EXPORT_FORMATS = FORMATS


def _spacy_reader(path: Path) -> Any:
    from coding.formats_spacy import read_docbin

    return read_docbin(path)


def _spacy_writer() -> dict[str, Writer]:
    from coding.formats_spacy import write_docbin

    return {"spacy": write_docbin}


def import_files(repo: Any, paths: Iterable[Union[str, Path]], from_format: Optional[str] = None,
                 progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> ImportReport:
    """Import files and folders of any supported kind; other tools' files are detected from
    their content unless from_format names the tool."""
    if from_format is not None and from_format not in IMPORT_FORMATS:
        raise FormatProblem(f"unknown format '{from_format}' (use {', '.join(IMPORT_FORMATS)})")
    return import_paths(repo, paths, progress=progress, cancelled=cancelled, from_format=from_format,
                        readers={"spacy": _spacy_reader})


def export_spans(repo: Any, out: Union[str, Path], fmt: str, progress: ProgressFn = no_progress,
                 cancelled: CancelFn = never_cancel) -> ToolExport:
    """The workspace's accepted spans (articles that have any) in another tool's format."""
    if fmt not in EXPORT_FORMATS:
        raise FormatProblem(f"unknown format '{fmt}' (use {', '.join(EXPORT_FORMATS)})")
    writers = _spacy_writer() if fmt == "spacy" else None
    return export_tool(repo, Path(out).expanduser(), fmt, writers, progress, cancelled)
