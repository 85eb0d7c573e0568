"""Dataset exports: options, the summary, and export_dataset dispatching to xlsx, csv or jsonl."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from storage.exporters.cells import EXCEL_MAX_CHARS, CellCounts
from storage.exporters.columns import (CORE_KINDS, EventsLayout, FieldColumn, build_layout, find_definition,
                                       stored_definitions)
from storage.exporters.labels import INTER_SETTINGS, labelled_columns, to_text
from storage.exporters.rows import (
    TYPED, EventFilter, EventRecord, ExportError, event_article_ids, event_codebooks, evidence_fields, extra_keys,
    iter_events, load_articles, parse_day,
)
from storage.progress import CancelFn, Cancelled, ProgressFn, never_cancel, no_progress
from storage.scratch import openpyxl_temp_files_in, scratch_folder

# event_hook(values, article) -> (values with derived fields, problems); see coding.dataset.
EventHook = Callable[[dict[str, Any], Any], tuple[dict[str, Any], list[str]]]
FORMATS = ("xlsx", "csv", "jsonl")


@dataclass
class ExportOptions:
    statuses: Sequence[str] = ()
    coders: Sequence[str] = ()
    date_from: Optional[dt.date | str] = None
    date_to: Optional[dt.date | str] = None
    codebook: Optional[str] = None
    gold_only: bool = False
    event_hook: Optional[EventHook] = None
    # CSV only: prefix formula-looking text with "'" (OWASP) instead of keeping it exactly.
    csv_quote_formulas: bool = False
    # Inter codes and interaction as ACLED's current text labels ("labels") or as numbers.
    inter: str = "labels"

    def event_filter(self) -> EventFilter:
        if self.inter not in INTER_SETTINGS:
            raise ExportError(f"--inter '{self.inter}' is not a setting (use {' or '.join(INTER_SETTINGS)})")
        start, end = parse_day(self.date_from, "--from"), parse_day(self.date_to, "--to")
        if start and end and start > end:
            raise ExportError(f"--from {start} is after --to {end}: no event can match")
        return EventFilter(statuses=tuple(self.statuses or ()), coders=tuple(self.coders or ()),
                           date_from=start, date_to=end, codebook=self.codebook or "",
                           gold_only=self.gold_only)


@dataclass
class ExportSummary:
    path: Path
    fmt: str
    events: int = 0
    articles: int = 0
    entities: int = 0
    invalid_events: int = 0      # events the hook listed problems for
    hook_failures: int = 0       # events the hook raised on (their problems column says why)
    cells: CellCounts = field(default_factory=CellCounts)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        if self.fmt == "jsonl":
            text = f"exported {n(self.articles, 'article')} to {self.path.name}"
        else:
            text = f"exported {n(self.events, 'event')} from {n(self.articles, 'article')} to {self.path.name}"
            if self.events == 0:
                text += " (no events match the filters)"
        c = self.cells
        parts = []
        if c.changed:
            why = []
            if c.cut:
                why.append(f"{c.cut} cut to {EXCEL_MAX_CHARS:,} characters")
            if c.removed:
                why.append(f"{c.removed} had characters Excel cannot hold removed (in article text: replaced by U+FFFD)")
            if self.fmt == "csv" and c.formula_text:
                why.append(f"{c.formula_text} formula-like prefixed with '")
            parts.append(f"{c.changed} cell{'s' if c.changed != 1 else ''} changed: " + ", ".join(why))
        if c.formula_text and self.fmt == "xlsx":
            parts.append(f"{c.formula_text} cell{'s' if c.formula_text != 1 else ''} beginning with =, +, -, "
                         "@ or a tab stored as text, never as formulas")
        elif c.formula_text and self.fmt == "csv" and not c.changed:
            parts.append(f"{c.formula_text} cell{'s' if c.formula_text != 1 else ''} begin with =, +, -, @ or a "
                         "tab and are kept exactly (spreadsheet apps may run them as formulas: open the "
                         ".xlsx export in Excel instead, or import the CSV as text)")
        if self.invalid_events:
            parts.append(f"{n(self.invalid_events, 'event')} with problems (see the problems column)")
        if self.hook_failures:
            parts.append(f"{n(self.hook_failures, 'event')} could not be checked")
        parts.extend(self.notes)
        return text + ("; " + "; ".join(parts) if parts else "")


@dataclass
class EventRow:
    record: EventRecord
    cells: list[Any]     # typed field values in layout order
    valid: Optional[bool]
    problems: str


@dataclass
class Prepared:
    """What both table formats need: the filter, the columns and the hook."""

    repo: Any
    flt: EventFilter
    layout: EventsLayout
    definitions: list[tuple[str, str, Optional[dict[str, Any]]]]
    hook: Optional[EventHook]
    summary: ExportSummary
    article_counts: dict[int, int] = field(default_factory=dict)

    def rows(self, cancelled: CancelFn) -> Iterator[list[EventRow]]:
        """Chunks of typed rows; counts events per article as they pass."""
        engine = self.repo.engine
        fields = self.layout.fields
        names = [f.name for f in fields]
        # Core columns already come typed from the database; only values whose codebook type
        # differs from their column's, that live in `extra`, or that a hook made, are converted.
        convert = [(i, cell_converter(f)) for i, f in enumerate(fields)
                   if self.hook is not None or CORE_KINDS.get(f.name) != f.kind or f.multiple or f.labelled
                   or f.kind == "number"]  # NaN and infinities become empty
        counts = self.article_counts
        for chunk in iter_events(engine, self.flt, cancelled):
            articles = load_articles(engine, {r.article_id for r in chunk}) if self.hook else {}
            out = []
            for rec in chunk:
                values, valid, problems = rec.values, None, ""
                if self.hook is not None:
                    values, valid, problems = self._check(rec, articles.get(rec.article_id))
                cells = list(map(values.get, names))
                for i, conv in convert:
                    cells[i] = conv(cells[i])
                out.append(EventRow(rec, cells, valid, problems))
                counts[rec.article_id] = counts.get(rec.article_id, 0) + 1
            del chunk, articles
            self.summary.events += len(out)
            yield out
            del out
        self.summary.articles = len(counts)

    def _check(self, rec: EventRecord, article: Any) -> tuple[dict[str, Any], bool, str]:
        given = dict(rec.values, codebook_name=rec.codebook_name, codebook_version=rec.codebook_version)
        try:
            values, problems = self.hook(given, article)  # type: ignore[misc]
        except Exception as exc:  # a coding bug must not lose a 100k-row export; the row says it
            self.summary.hook_failures += 1
            return rec.values, False, f"could not be checked: {exc}"
        if problems:
            self.summary.invalid_events += 1
        return dict(values), not problems, "; ".join(problems)


def cell_converter(column: FieldColumn) -> Callable[[Any], Any]:
    """How a column's values become cells: typed by kind; a multiple field's items joined by
    its separator; an inter code as its text label in a labels export."""
    if column.labelled:
        return lambda v: to_text(column, TYPED["integer"](v))
    typed = TYPED.get(column.kind, TYPED["text"])
    if column.multiple:
        joiner = column.separator + " "

        def joined(v: Any) -> Any:
            if isinstance(v, (list, tuple)):
                return joiner.join(str(typed(x)) for x in v if x is not None) or None
            return typed(v)
        return joined
    return typed


def prepare(repo: Any, out: Path, fmt: str, options: ExportOptions) -> Prepared:
    flt = options.event_filter()
    engine = repo.engine
    stored = stored_definitions(repo)
    used = event_codebooks(engine, flt) or ([(flt.codebook, "")] if flt.codebook else [("acled", "1")])
    definitions = [(n, v, find_definition(stored, n, v)) for n, v in used]
    layout = build_layout([d for _n, _v, d in definitions], extra_keys(engine, flt), evidence_fields(engine, flt))
    if options.inter == "labels":
        layout.fields = labelled_columns(layout.fields)
    return Prepared(repo, flt, layout, definitions, options.event_hook, ExportSummary(out, fmt))


def meta_cells(row: EventRow) -> list[Any]:
    rec = row.record
    return [rec.uid, rec.article_id, rec.article_title, rec.article_url, rec.coder, rec.gold,
            " ".join(rec.sources) or None, f"{rec.codebook_name}/{rec.codebook_version}", row.valid, row.problems]


def finish(tmp: Path, out: Path, cancelled: CancelFn) -> None:
    if cancelled():
        tmp.unlink(missing_ok=True)
        raise Cancelled(f"export to {out.name} cancelled; nothing written")
    os.replace(tmp, out)


def export_dataset(repo: Any, out_path: str | Path, fmt: str, options: Optional[ExportOptions] = None,
                   progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> ExportSummary:
    """Export the filtered events as xlsx or csv, or the filtered articles as jsonl."""
    out = Path(out_path)
    options = options or ExportOptions()
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"{out}: unknown export format '{fmt}' (use xlsx, csv or jsonl)")
    if fmt == "jsonl":
        return _export_jsonl(repo, out, options, progress)
    prepared = prepare(repo, out, fmt, options)
    # Written in a private folder beside the target then renamed, so a failed or cancelled
    # export leaves no half file and never clobbers the previous export (see storage.scratch).
    with scratch_folder(out) as folder:
        tmp = folder / "export.part"
        if fmt == "xlsx":
            from storage.exporters.xlsx import write_xlsx

            with openpyxl_temp_files_in(folder):
                write_xlsx(prepared, tmp, progress, cancelled)
        else:
            from storage.exporters.csv_export import write_csv

            write_csv(prepared, tmp, options.csv_quote_formulas, progress, cancelled)
        finish(tmp, out, cancelled)
    return prepared.summary


def _export_jsonl(repo: Any, out: Path, options: ExportOptions, progress: ProgressFn) -> ExportSummary:
    from storage.exporters.rows import article_ids as filtered_article_ids
    from storage.interchange import export_jsonl

    flt = options.event_filter()
    ids: Optional[list[int]] = None
    if flt.statuses or flt.on_events:
        with_events = event_article_ids(repo.engine, flt) if flt.on_events else set()
        ids = [i for chunk in filtered_article_ids(repo.engine, flt, with_events) for i in chunk]
    summary = ExportSummary(out, "jsonl")
    summary.articles = export_jsonl(repo, out, article_ids=ids, progress=progress)
    return summary


__all__ = ["ExportError", "ExportOptions", "ExportSummary", "export_dataset"]
