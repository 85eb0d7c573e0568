"""Benchmark: importing 10,000 articles from a JSONL file through import_paths, against a raw
sqlite3 importer of the same rows (same table, same WAL/synchronous settings, same run)."""
from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from storage.repository import normalized_sha256  # noqa: E402

NAME = "import"
GOAL = ">= 0.7x raw sqlite3 executemany"
_WORDS = ("the army said on Tuesday that protesters gathered near the town hall in Kharkiv, "
          "Lagos and São Paulo while police fired tear gas; officials reported 12 people injured "
          "and called for talks — “a first step”").split()

def write_articles(path: Path, n: int, seed: int = 7) -> None:
    """n distinct wire-style articles (~2 KB each) as interchange JSONL."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body = " ".join(rng.choice(_WORDS) for _ in range(280))
            text = f"Report {i}\n{body}.\nFiled {i % 28 + 1} August 2024."
            fh.write(json.dumps({"title": f"Report {i}", "text": text, "source": "Wire", "url": f"https://example.org/{i}",
                                 "published": f"2024-08-{i % 28 + 1:02d}"}, ensure_ascii=False) + "\n")


def _article_schema(folder: Path) -> list[str]:
    """The article table and its indexes exactly as a workspace has them (fair baseline)."""
    from storage.repository import Repository

    repo = Repository(folder / "schema.sqlite")
    path = repo.path
    repo.close()
    conn = sqlite3.connect(path)
    try:
        return [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'article' AND sql IS NOT NULL ORDER BY type DESC")]
    finally:
        conn.close()


def _raw_connect(path: Path, schema: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # as storage.db sets it
    for sql in schema:
        conn.execute(sql)
    return conn


def _raw_rows(src: Path) -> list[tuple]:  # type: ignore[type-arg]
    rows = []
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            o = json.loads(line)
            rows.append((o.get("title", ""), o["text"], o.get("source", ""), o.get("url", ""), o.get("published"),
                         "en", normalized_sha256(o["text"]), "new", "2026-01-01 00:00:00.000000", "{}",
                         len(o["text"])))
    return rows


def _raw_import(src: Path, db: Path, schema: list[str]) -> tuple[float, float]:
    """(seconds for parse + key + executemany + commit, seconds for executemany + commit alone)."""
    conn = _raw_connect(db, schema)
    t0 = time.perf_counter()
    rows = _raw_rows(src)
    t1 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO article (title, text, source, url, published, language, sha256, status, "
                     "imported_at, meta, text_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    t2 = time.perf_counter()
    conn.close()
    return t2 - t0, t2 - t1


def _our_import(src: Path, db: Path) -> tuple[float, int]:
    from storage.importers import import_paths
    from storage.repository import Repository

    repo = Repository(db)  # schema created before timing, like the raw table
    t0 = time.perf_counter()
    report = import_paths(repo, [src])
    elapsed = time.perf_counter() - t0
    repo.close()
    return elapsed, report.imported


def run(quick: bool) -> list[dict]:  # type: ignore[type-arg]
    n = 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / "articles.jsonl"
        write_articles(src, n)
        schema = _article_schema(folder)
        best_raw = best_insert = best_ours = float("inf")
        imported = 0
        for attempt in range(2 if quick else 3):
            raw_s, insert_s = _raw_import(src, folder / f"raw{attempt}.sqlite", schema)
            ours_s, imported = _our_import(src, folder / f"ours{attempt}.sqlite")
            best_raw, best_insert, best_ours = min(best_raw, raw_s), min(best_insert, insert_s), min(best_ours, ours_s)
    ours_rate, raw_rate, insert_rate = n / best_ours, n / best_raw, n / best_insert
    return [{
        "bench": NAME, "value": round(ours_rate / insert_rate, 3), "unit": "ratio", "goal": GOAL,
        "articles": n, "imported": imported,
        "import_paths_rate_per_s": round(ours_rate), "raw_executemany_rate_per_s": round(insert_rate),
        "baseline": "rows already parsed and keyed; one executemany into the workspace's article table "
                    "(same indexes, WAL, synchronous=FULL) and a commit",
        # The same raw importer timed from the file: json.loads and the normalized sha256 key
        # included, work any importer of this file must do.
        "raw_importer_rate_per_s": round(raw_rate), "ratio_vs_raw_importer": round(ours_rate / raw_rate, 3),
    }]

if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(json.dumps(result))
