"""Runs every benchmark (bench/bench_*.py: run(quick) -> list of result dicts) and reports each
against its goal: a table, or with --json one object a line. Each module runs in its own fresh
process, so a crash, a hang or a leak in one cannot spoil the others' figures.

  bench/run.py [--quick] [--json | --markdown] [--readme] [--only NAME ...] [--strict] [--timeout SECONDS]

--readme rewrites the README's table (between its bench-table comments) from the run's results.

--only takes a module (bench_gui or gui) or a benchmark name (list); --strict makes a missed
goal or an error exit 1. Without --strict the exit code is 0 whatever the figures."""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
MARK = "@@bench-results@@"

# The child: import one module, call run(quick), hand the results back on one marked line
# (modules may print what they like before it).
CHILD = r'''
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module = importlib.import_module("bench." + sys.argv[2])
results = module.run(sys.argv[3] == "quick")
print("@@bench-results@@" + json.dumps(list(results), default=str), flush=True)
'''

_GOAL = re.compile(r"^\s*(<=|>=|<|>|==|=)\s*([-+]?\d+(?:\.\d+)?)")


@dataclass
class Outcome:
    module: str
    results: list[dict[str, Any]] = field(default_factory=list)
    error: Optional[str] = None
    seconds: float = 0.0


def discover() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))


def verdict(result: dict[str, Any]) -> Optional[bool]:
    """True/False against the goal; None when it cannot be told. A result's own "pass" wins."""
    if isinstance(result.get("pass"), bool):
        return result["pass"]
    match = _GOAL.match(str(result.get("goal", "")))
    value = result.get("value")
    if not match or not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
        return None
    op, limit = match.group(1), float(match.group(2))
    return {"<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit,
            "==": value == limit, "=": value == limit}[op]


def run_module(module: str, quick: bool, timeout: float) -> Outcome:
    started = time.perf_counter()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Its own session, so a timeout ends the benchmark's own child processes too.
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), module, "quick" if quick else "full"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Outcome(module, error=f"timed out after {timeout:.0f} s", seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARK):
            try:
                results = json.loads(line[len(MARK):])
            except json.JSONDecodeError as exc:
                return Outcome(module, error=f"unreadable results ({exc})", seconds=seconds)
            bad = [r for r in results if not isinstance(r, dict) or "bench" not in r]
            if bad:
                return Outcome(module, error=f"results without a 'bench' name: {bad[:2]}", seconds=seconds)
            return Outcome(module, results=results, seconds=seconds)
    tail = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    reason = tail[-1] if tail else f"exit code {proc.returncode}, no results"
    if proc.returncode < 0:
        reason = f"killed by signal {-proc.returncode}; {reason}"
    return Outcome(module, error=reason, seconds=seconds)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def print_table(outcomes: list[Outcome]) -> None:
    rows = [("bench", "value", "unit", "goal", "result")]
    for o in outcomes:
        if o.error:
            rows.append((o.module, "-", "-", "-", f"ERROR: {o.error}"))
        for r in o.results:
            v = verdict(r)
            rows.append((str(r["bench"]), _fmt(r.get("value")), str(r.get("unit", "")), str(r.get("goal", "")),
                         "pass" if v else "FAIL" if v is False else "?"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        if n == 0:
            print("  ".join("-" * w for w in widths) + "  ------")
    details = [(r["bench"], {k: v for k, v in r.items() if k not in ("bench", "value", "unit", "goal")})
               for o in outcomes for r in o.results]
    if any(d for _, d in details):
        print()
        for name, d in details:
            if d:
                print(f"{name}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in d.items()))


def _value(r: dict[str, Any]) -> str:
    unit = str(r.get("unit", ""))
    if unit == "ratio":
        return f"{_fmt(r.get('value'))}x"
    return f"{_fmt(r.get('value'))} {unit}".strip()


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_rows(outcomes: list[Outcome]) -> list[tuple[str, str]]:
    """(benchmark name, its table row) for each result, and a row for each module that failed."""
    rows = []
    for o in outcomes:
        if o.error:
            name = o.module.removeprefix("bench_")
            rows.append((name, f"| {name} | - | - | error: {_cell(o.error)} |"))
        for r in o.results:
            v = verdict(r)
            rows.append((str(r["bench"]), f"| {_cell(r['bench'])} | {_cell(_value(r))} | {_cell(r.get('goal', ''))} | "
                                          f"{'pass' if v else 'FAIL' if v is False else '?'} |"))
    return rows


TABLE_HEAD = "| benchmark | value | goal | result |\n|---|---|---|---|"


def print_markdown(outcomes: list[Outcome]) -> None:
    """The figures as a Markdown table, ready for the README."""
    print(TABLE_HEAD)
    for _, row in markdown_rows(outcomes):
        print(row)


README = ROOT / "README.md"
BEGIN, END = "<!-- bench-table: begin (bench/run.py --readme writes it) -->", "<!-- bench-table: end -->"


def rewrite_readme(outcomes: list[Outcome], quick: bool, keep_others: bool, path: Path = README) -> int:
    """Put this run's figures in the README's table, between the BEGIN and END comments. With
    keep_others (a run of some benchmarks: --only) the rows of the others stay as they were;
    else the table is this run's alone. How many rows were written from this run."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path.name}: no benchmark table markers ({BEGIN} ... {END})")
    kept: dict[str, str] = {}
    notes = [line for line in text[start + len(BEGIN):end].splitlines() if line.startswith("Rows ")]
    for line in text[start + len(BEGIN):end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and cells[0] not in ("benchmark", "---"):
            kept[cells[0]] = line
    fresh = markdown_rows(outcomes)
    rows = dict(kept) if keep_others else {}
    rows.update(fresh)  # a measured benchmark replaces its row; a new one is added at the end
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    names = ", ".join(dict.fromkeys(name for name, _ in fresh))
    note = (f"Rows {'of ' + names + ' ' if keep_others else ''}from `bench/run.py --readme{' --quick' if quick else ''}"
            f"{' --only ...' if keep_others else ''}` of {stamp} "
            f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end of the run).")
    # A partial run adds its line to the earlier runs' (the rows it did not measure are theirs).
    lines = [*(notes[-3:] if keep_others else []), note]
    table = "\n".join([*lines, "", TABLE_HEAD, *rows.values()])
    path.write_text(text[:start + len(BEGIN)] + "\n" + table + "\n" + text[end:], encoding="utf-8")
    return len(fresh)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: all of it in under three minutes")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (for the README)")
    parser.add_argument("--readme", action="store_true",
                        help="rewrite the README's benchmark table with this run's figures (other rows kept)")
    parser.add_argument("--only", action="append", metavar="NAME", help="a module or benchmark name (repeatable)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed or a benchmark fails")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per module (default 600, quick 240)")
    args = parser.parse_args(argv)
    timeout = args.timeout or (240.0 if args.quick else 600.0)

    modules = discover()
    explicit: set[str] = set(modules)  # modules whose every result is wanted
    wanted_benches: set[str] = set()  # benchmark names asked for by --only (not module names)
    if args.only:
        names = {n.removeprefix("bench_") for n in args.only}
        explicit = {m for m in modules if m.removeprefix("bench_") in names}
        wanted_benches = names - {m.removeprefix("bench_") for m in explicit}
        # Which module makes a benchmark is only known by running it, so a benchmark name runs all.
        modules = modules if wanted_benches else sorted(explicit)

    outcomes: list[Outcome] = []
    started = time.perf_counter()
    for module in modules:
        if not args.json:
            print(f"running {module} ...", file=sys.stderr, flush=True)
        outcome = run_module(module, args.quick, timeout)
        if module not in explicit:
            outcome.results = [r for r in outcome.results if str(r["bench"]) in wanted_benches]
        outcomes.append(outcome)
        if args.json:
            if outcome.error:
                print(json.dumps({"bench": outcome.module.removeprefix("bench_"), "error": outcome.error,
                                  "module": outcome.module}), flush=True)
            for r in outcome.results:
                print(json.dumps({**r, "pass": verdict(r)}, ensure_ascii=False, default=str), flush=True)
    if args.readme:
        n = rewrite_readme(outcomes, args.quick, keep_others=bool(args.only))
        print(f"{README.name}: {n} benchmark rows written", file=sys.stderr)
    if args.markdown:
        print_markdown(outcomes)
    elif not args.json:
        print_table(outcomes)
        print(f"\n{len(outcomes)} modules in {time.perf_counter() - started:.0f} s"
              + (" (quick sizes)" if args.quick else ""))
    missed = any(verdict(r) is False for o in outcomes for r in o.results)
    failed = any(o.error for o in outcomes)
    return 1 if args.strict and (missed or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
