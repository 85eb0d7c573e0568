"""Benchmark: the xlsx export of 100,000 events against raw openpyxl write-only writing the same
cells (Events + Articles sheets, same values, rows read with raw sqlite3), in the same run.

Each export runs in its own subprocess, so its peak memory is its own: the kernel's high-water
mark of resident memory (VmHWM; a fresh one after exec) minus the RSS after imports. The ratio
is computed on the exporters' CPU time (process_time; both are single-threaded), because on a
shared machine wall time swings with other load; the wall-time ratio is reported beside it."""
from __future__ import annotations

import datetime as dt
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "export"
GOAL = ">= 0.8x raw openpyxl write-only"
SMALL = 10_000
_TYPES = {"Battles": ["Armed clash", "Government regains territory"], "Protests": ["Peaceful protest",
          "Protest with intervention"], "Riots": ["Violent demonstration", "Mob violence"],
          "Violence against civilians": ["Attack", "Abduction/forced disappearance"]}
_PLACES = [("Kyiv", 50.4501, 30.5234), ("Odesa", 46.4825, 30.7233), ("Lagos", 6.5244, 3.3792),
           ("Kharkiv", 49.9935, 36.2304), ("São Paulo", -23.5505, -46.6333)]
_WORDS = ("on Tuesday protesters gathered near the town hall while police fired tear gas and "
          "officials reported people injured; talks were called").split()
_FIELDS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
           "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
           "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
           "fatalities", "tags", "timestamp")


def build_workspace(path: Path, n_events: int, seed: int = 11) -> None:
    """A workspace with n_events events over n_events/10 articles, bulk-inserted with sqlite3
    (setup only: the schema comes from the app, the rows from executemany)."""
    from storage.repository import Repository

    Repository(path).close()
    rng = random.Random(seed)
    n_articles = max(1, n_events // 10)
    now = "2026-01-01 00:00:00.000000"
    arts = []
    for i in range(n_articles):
        place = _PLACES[i % len(_PLACES)][0]
        text = f"Report {i}. Police and protesters met in {place}. " + " ".join(rng.choice(_WORDS) for _ in range(120))
        arts.append((i + 1, f"Report {i}", text, "Wire", f"https://example.org/{i}", f"2024-08-{i % 28 + 1:02d}",
                     "en", uuid.uuid4().hex, "coded", now, "{}"))
    events, evidence = [], []
    base = dt.date(2024, 1, 1)
    for i in range(n_events):
        et = rng.choice(list(_TYPES))
        place, lat, lon = _PLACES[i % len(_PLACES)]
        aid = i * n_articles // n_events + 1
        # The first SMALL events fall in 2023, the rest in 2024: a date filter picks exactly SMALL.
        day = (dt.date(2023, 1, 1) + dt.timedelta(days=i * 365 // SMALL) if i < SMALL
               else base + dt.timedelta(days=(i - SMALL) * 365 // max(1, n_events - SMALL)))
        notes = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 30)))
        core = (f"UKR{i}", day.isoformat(), day.year, 1, "Political violence", et, rng.choice(_TYPES[et]),
                "Police Forces of Ukraine", None, 1, "Protesters (Ukraine)", None, 6, 16, None, 804, "Europe",
                "Ukraine", "Kyivska", None, None, place, lat + rng.random() / 100, lon + rng.random() / 100, 1,
                "Kyiv Post", "National", notes, rng.randint(0, 9), None, 1700000000 + i)
        events.append((i + 1, uuid.uuid4().hex, aid, "acled", "1", *core, "{}", "ana" if i % 2 else "bo", now, now))
        start = 22  # "Police" in the article text
        evidence += [(i + 1, "actor1", start, start + 6), (i + 1, "location", 49, 49 + len(_PLACES[(aid - 1) % 5][0]))]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO article (id, title, text, source, url, published, language, sha256, status, "
                     "imported_at, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?)", arts)
    cols = ", ".join(("id", "uid", "article_id", "codebook_name", "codebook_version") + _FIELDS
                     + ("extra", "coder", "created_at", "updated_at"))
    conn.executemany(f"INSERT INTO event ({cols}) VALUES ({', '.join('?' * (len(_FIELDS) + 9))})", events)
    conn.executemany("INSERT INTO evidence (event_id, field, start, \"end\") VALUES (?,?,?,?)", evidence)
    conn.execute("COMMIT")
    conn.close()


# ---- the two exporters (run in a child process) -------------------------------------------
def _raw_export(db: Path, out: Path, date_to: str | None) -> int:
    """What a hand-written exporter does: one SQL query, ws.append per row, dates parsed."""
    from openpyxl import Workbook

    conn = sqlite3.connect(db)
    wb = Workbook(write_only=True)
    ws, wa = wb.create_sheet("Events"), wb.create_sheet("Articles")
    ev = ", ".join(f"e.{f}" for f in _FIELDS)
    where = "WHERE e.event_date <= ?" if date_to else ""
    sql = (f"SELECT {ev}, e.uid, e.article_id, a.title, a.url, e.coder, e.codebook_name || '/' || e.codebook_version, "
           "NULL, NULL, (SELECT substr(a.text, v.start + 1, v.\"end\" - v.start) FROM evidence v WHERE v.event_id = e.id "
           "AND v.field = 'actor1'), (SELECT substr(a.text, v.start + 1, v.\"end\" - v.start) FROM evidence v "
           f"WHERE v.event_id = e.id AND v.field = 'location') FROM event e JOIN article a ON a.id = e.article_id {where} "
           "ORDER BY e.id")
    ws.append(list(_FIELDS) + ["event_uid", "article_id", "article_title", "article_url", "coder", "codebook",
                               "valid", "problems", "evidence_actor1", "evidence_location"])
    n = 0
    counts: dict[int, int] = {}
    fromiso = dt.date.fromisoformat
    for row in conn.execute(sql, (date_to,) if date_to else ()):
        row = list(row)
        row[1] = fromiso(row[1])
        ws.append(row)
        counts[row[32]] = counts.get(row[32], 0) + 1
        n += 1
    wa.append(["id", "title", "source", "url", "published", "status", "language", "imported_at", "n_events", "text"])
    ids = sorted(counts)
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for r in conn.execute(f"SELECT id, title, source, url, published, status, language, imported_at, text FROM "
                              f"article WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk):
            wa.append([r[0], r[1], r[2], r[3], fromiso(r[4]), r[5], r[6], dt.datetime.fromisoformat(r[7]),
                       counts[r[0]], r[8]])
    wb.save(out)
    conn.close()
    return n


def _our_export(db: Path, out: Path, date_to: str | None) -> int:
    from storage.exporters import ExportOptions, export_dataset
    from storage.repository import Repository

    repo = Repository(db)
    options = ExportOptions(date_to=date_to) if date_to else ExportOptions()
    return export_dataset(repo, out, "xlsx", options).events


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def _peak_mb() -> float:
    """This process's peak RSS. ru_maxrss is not used: Linux carries it over from the parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def child(kind: str, db: str, out: str, date_to: str) -> None:
    """Entry point of the measuring subprocess: prints seconds, rows and RSS figures as JSON."""
    import openpyxl  # noqa: F401  (imports before the start figure, for both exporters)

    import storage.exporters.xlsx  # noqa: F401
    from storage.repository import Repository

    Repository(db).close()  # engine/migration check outside the timing for both
    start_rss = _rss_mb()
    fn = _raw_export if kind == "raw" else _our_export
    t0, c0 = time.perf_counter(), time.process_time()
    n = fn(Path(db), Path(out), date_to or None)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _peak_mb()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": n, "start_mb": start_rss, "peak_mb": peak,
                      "growth_mb": peak - start_rss}))


def _measure(kind: str, db: Path, out: Path, date_to: str = "") -> dict:
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.bench_export import child; child(*sys.argv[1:])"
    res = subprocess.run([sys.executable, "-c", code, kind, str(db), str(out), date_to],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list[dict]:
    n = 30_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        db = d / "ws.sqlite"
        t0 = time.perf_counter()
        build_workspace(db, n)
        setup_s = time.perf_counter() - t0
        small_to = "2023-12-31"
        raw = _measure("raw", db, d / "raw.xlsx")
        ours = _measure("ours", db, d / "ours.xlsx")
        ours_small = _measure("ours", db, d / "small.xlsx", small_to)
        # quick mode skips the raw 10k run (only there to show raw openpyxl's own growth)
        raw_small = raw if quick else _measure("raw", db, d / "raw_small.xlsx", small_to)
    assert raw["rows"] == ours["rows"] == n and ours_small["rows"] == SMALL
    ratio = raw["cpu"] / ours["cpu"]
    detail = {"events": n, "setup_s": round(setup_s, 1), "ours_cpu_s": round(ours["cpu"], 2),
              "raw_cpu_s": round(raw["cpu"], 2), "ours_wall_s": round(ours["seconds"], 2),
              "raw_wall_s": round(raw["seconds"], 2), "wall_ratio": round(raw["seconds"] / ours["seconds"], 3),
              "ours_rows_per_cpu_s": round(n / ours["cpu"]), "raw_rows_per_cpu_s": round(n / raw["cpu"])}
    return [
        {"bench": NAME, "value": round(ratio, 3), "unit": "ratio", "goal": GOAL, **detail},
        {"bench": f"{NAME}_peak_memory", "value": round(ours["growth_mb"], 1), "unit": "MB",
         "goal": "flat: within a few MB of raw openpyxl", "raw_growth_mb": round(raw["growth_mb"], 1),
         "ours_peak_rss_mb": round(ours["peak_mb"], 1), "raw_peak_rss_mb": round(raw["peak_mb"], 1),
         "measure": "peak RSS (VmHWM) minus RSS after imports, each exporter in its own subprocess",
         "events": n},
        {"bench": f"{NAME}_memory_growth_10k_to_full", "value": round(ours["growth_mb"] - ours_small["growth_mb"], 1),
         "unit": "MB", "goal": "<= a few MB", "ours_growth_10k_mb": round(ours_small["growth_mb"], 1),
         "ours_growth_full_mb": round(ours["growth_mb"], 1),
         "raw_growth_10k_mb": None if quick else round(raw_small["growth_mb"], 1),
         "raw_growth_full_mb": round(raw["growth_mb"], 1),
         "events": n},
    ]


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(json.dumps(line, ensure_ascii=False))
