"""Import and export stay linear: the rate at 10,000, 100,000 and (with --big) 1,000,000 articles
for import, and 10,000 and 100,000 events (1,000,000 with --big) for the Excel export. Not part of
the suite (minutes at the large sizes); its figures are quoted in the README.

  bench/scale_import_export.py [--big] [--only import|export]"""
from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_export import _our_export, build_workspace  # noqa: E402
from bench.bench_import import _WORDS  # noqa: E402


def write_short_articles(path: Path, n: int, seed: int = 7) -> None:
    """n distinct articles of about 300 characters (a wire brief) as interchange JSONL."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body = " ".join(rng.choice(_WORDS) for _ in range(40))
            fh.write(json.dumps({"title": f"Brief {i}", "text": f"Brief {i}\n{body}.", "source": "Wire",
                                 "url": f"https://example.org/{i}", "published": f"2024-08-{i % 28 + 1:02d}"},
                                ensure_ascii=False) + "\n")


def import_rate(n: int, folder: Path) -> dict:  # type: ignore[type-arg]
    from storage.importers import import_paths
    from storage.repository import Repository

    src = folder / f"articles{n}.jsonl"
    write_short_articles(src, n)
    repo = Repository(folder / f"import{n}.sqlite")
    t0 = time.perf_counter()
    report = import_paths(repo, [src])
    seconds = time.perf_counter() - t0
    repo.close()
    src.unlink()
    return {"what": "import", "n": n, "imported": report.imported, "seconds": round(seconds, 1),
            "per_s": round(n / seconds)}


def export_rate(n: int, folder: Path) -> dict:  # type: ignore[type-arg]
    db = folder / f"export{n}.sqlite"
    build_workspace(db, n)
    t0 = time.perf_counter()
    events = _our_export(db, folder / f"out{n}.xlsx", None)
    seconds = time.perf_counter() - t0
    return {"what": "export xlsx", "n": n, "events": events, "seconds": round(seconds, 1), "per_s": round(n / seconds)}


def main() -> None:
    big = "--big" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    with tempfile.TemporaryDirectory(prefix="chronicler-scale-") as tmp:
        folder = Path(tmp)
        if only in ("", "import"):
            for n in (10_000, 100_000) + ((1_000_000,) if big else ()):
                print(json.dumps(import_rate(n, folder)), flush=True)
        if only in ("", "export"):
            for n in (10_000, 100_000) + ((1_000_000,) if big else ()):
                print(json.dumps(export_rate(n, folder)), flush=True)


if __name__ == "__main__":
    main()
