"""Benchmark: importing 10,000 articles from a JSONL file into a PostgreSQL workspace through
import_paths, against a raw psycopg bulk insert (executemany, pipelined by the driver) of the
same rows into the same table on the same throwaway server, in the same run."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_import import _raw_rows, write_articles  # noqa: E402

NAME = "pg_import"
GOAL = ">= 0.5x raw psycopg executemany"
_INSERT = ("INSERT INTO article (title, text, source, url, published, language, sha256, status, imported_at, meta, "
           "text_length) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def _fresh_database(server, name: str) -> str:  # type: ignore[no-untyped-def]
    """A migrated workspace database (the same table, indexes and triggers for both sides)."""
    import psycopg

    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE bench_template")
    return server.url(name)


def _raw_insert(url: str, rows: list[tuple]) -> float:  # type: ignore[type-arg]
    import psycopg

    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(_INSERT, rows)
        conn.commit()
        return time.perf_counter() - t0


def _our_import(url: str, src: Path) -> tuple[float, int]:
    from storage.db import dispose_engine
    from storage.importers import import_paths
    from storage.repository import Repository

    repo = Repository(url)  # connected and migrated before timing, like the raw side
    t0 = time.perf_counter()
    report = import_paths(repo, [src])
    elapsed = time.perf_counter() - t0
    dispose_engine(url)
    return elapsed, report.imported


def run(quick: bool) -> list[dict]:  # type: ignore[type-arg]
    import psycopg

    from storage.db import dispose_engine, get_engine
    from tests.pg_server import start_server

    n = 10_000
    server = start_server()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench_template")
        get_engine(server.url("bench_template"))
        dispose_engine(server.url("bench_template"))
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "articles.jsonl"
            write_articles(src, n)
            rows = _raw_rows(src)
            best_raw = best_ours = float("inf")
            imported = 0
            for attempt in range(2 if quick else 3):
                best_raw = min(best_raw, _raw_insert(_fresh_database(server, f"raw{attempt}"), rows))
                ours_s, imported = _our_import(_fresh_database(server, f"ours{attempt}"), src)
                best_ours = min(best_ours, ours_s)
    finally:
        server.stop()
    ours_rate, raw_rate = n / best_ours, n / best_raw
    return [{
        "bench": NAME, "value": round(ours_rate / raw_rate, 3), "unit": "ratio", "goal": GOAL,
        "articles": n, "imported": imported,
        "import_paths_rate_per_s": round(ours_rate), "raw_executemany_rate_per_s": round(raw_rate),
        "baseline": "rows already parsed and keyed; one psycopg executemany into the workspace's article "
                    "table (same indexes and triggers, same server) and a commit",
    }]


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(json.dumps(result))
