"""Builds tests/data/workspace_v1.sqlite: a small workspace of the first schema version (0001).

Run from the project root: `.venv/bin/python tests/data/make_fixtures.py`. The schema comes
from migration 0001 itself (not from today's models), the rows are plain SQL, so the file stays
what a Chronicler of schema 1 wrote even as the models move on.
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

V1_FILE = HERE / "workspace_v1.sqlite"
STAMP = "2026-11-01 09:00:00.000000"

# (title, text, source, published, status): short wire-style texts written for the fixture.
ARTICLES = [
    ("Clashes near Goma", "Fighting broke out near Goma on Monday, killing 4 people, officials said.",
     "Kivu Wire", "2026-10-30", "coded"),
    ("Protest in Łódź", "Several hundred farmers marched through Łódź on Tuesday against grain imports.",
     "Baltic Daily", "2026-10-28", "in_progress"),
    ("Quiet day", "No incidents were reported in the capital on Wednesday.", "Kivu Wire", None, "new"),
]
# (article index, span text, label, state, origin): offsets are found in the text.
SPANS = [
    (0, "Goma", "GPE", "accepted", "model"),
    (0, "Monday", "DATE", "accepted", "model"),
    (0, "4", "CARDINAL", "rejected", "model"),
    (1, "Łódź", "GPE", "accepted", "model"),
    (1, "Tuesday", "DATE", "suggested", "model"),
]
# (uid, article index, values, coder, evidence [(field, span text)])
EVENTS = [
    ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", 0,
     dict(event_date="2026-10-27", year=2026, time_precision=1, event_type="Battles",
          sub_event_type="Armed clash", actor1="Unidentified Armed Group (DRC)", inter1=3,
          country="Democratic Republic of Congo", iso=180, location="Goma", fatalities=4,
          latitude=-1.6792, longitude=29.2228, geo_precision=1, notes="Clash near Goma."),
     "ana", [("location", "Goma"), ("event_date", "Monday"), ("fatalities", "4")]),
    ("a1b2c3d4e5f60718293a4b5c6d7e8f90", 1,
     dict(event_date="2026-10-27", year=2026, event_type="Protests", sub_event_type="Peaceful protest",
          actor1="Protesters (Poland)", inter1=6, country="Poland", iso=616, location="Łódź",
          fatalities=0, notes="Farmers march against grain imports."),
     "ben", [("location", "Łódź")]),
]


def offsets(article: int, span_text: str) -> tuple[int, int]:
    """Code-point offsets of span_text in the fixture article (first occurrence)."""
    start = ARTICLES[article][1].index(span_text)
    return start, start + len(span_text)


def _sha(text: str) -> str:
    from storage.repository import normalized_sha256

    return normalized_sha256(text)


def build_v1(target: Path = V1_FILE) -> Path:
    """Write a schema-1 workspace (PRAGMA user_version 1, alembic_version 0001) to target."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    target.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{target}")
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "storage" / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()

    con = sqlite3.connect(target)
    with con:
        for title, text, source, published, status in ARTICLES:
            con.execute(
                "INSERT INTO article (title, text, source, url, published, language, sha256, status,"
                " imported_at, meta) VALUES (?, ?, ?, '', ?, 'en', ?, ?, ?, ?)",
                (title, text, source, published, _sha(text), status, STAMP, json.dumps({"fixture": "v1"})),
            )
        ids = [r[0] for r in con.execute("SELECT id FROM article ORDER BY id")]
        for art, span_text, label, state, origin in SPANS:
            start, end = offsets(art, span_text)
            con.execute(
                'INSERT INTO entityspan (article_id, start, "end", label, origin, state, coder, model_name,'
                " model_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'ana', 'en_core_web_sm', '3.8.0', ?, ?)",
                (ids[art], start, end, label, origin, state, STAMP, STAMP),
            )
        for uid, art, values, coder, evidence in EVENTS:
            cols = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cur = con.execute(
                f"INSERT INTO event (uid, article_id, codebook_name, codebook_version, {cols}, extra, coder,"
                f" created_at, updated_at) VALUES (?, ?, 'acled', '1', {marks}, '{{}}', ?, ?, ?)",
                (uid, ids[art], *values.values(), coder, STAMP, STAMP),
            )
            for field, span_text in evidence:
                start, end = offsets(art, span_text)
                con.execute('INSERT INTO evidence (event_id, field, start, "end") VALUES (?, ?, ?, ?)',
                            (cur.lastrowid, field, start, end))
        for name in ("ana", "ben"):
            con.execute("INSERT INTO coder (name, created_at) VALUES (?, ?)", (name, STAMP))
        con.execute("INSERT INTO learnedpattern (text, label, polarity, context, hits, coder, created_at)"
                    " VALUES ('Goma', 'GPE', 'accept', '', 2, 'ana', ?)", (STAMP,))
    con.execute("PRAGMA user_version=1")
    con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to commit
    con.execute("VACUUM")
    con.close()
    return target


if __name__ == "__main__":
    print(build_v1())
