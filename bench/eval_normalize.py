"""Accuracy of date, place and actor normalization on the labelled cases in tests/data/
(normalize_eval_*.jsonl; --set holdout: normalize_holdout_*.jsonl, cases written after the code
and never used to tune it), per kind and per language; --failures lists the cases that fail.

  bench/eval_normalize.py [--set eval|holdout] [--json] [--failures]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data"
KINDS = ("date", "place", "actor")
GOALS = {"date": 0.95, "place": 0.95, "actor": 0.90}
MAX_KM = 25.0


def load_cases(name: str = "eval") -> list[dict[str, Any]]:
    cases = []
    for kind in KINDS:
        path = DATA / f"normalize_{name}_{kind}s.jsonl"
        cases += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return cases


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def problems(case: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """What is wrong with `out` for this case; empty when it is right."""
    want, wrong = case["expect"], []
    if case["kind"] == "date":
        if out.get("date") != want["date"]:
            wrong.append(f"date {out.get('date')} != {want['date']}")
        elif want["date"] is not None and out.get("precision") != want.get("precision"):
            wrong.append(f"precision {out.get('precision')} != {want.get('precision')}")
        if want.get("note") and not out.get("note"):
            wrong.append("no note for a reading that is a choice")
    elif case["kind"] == "place":
        for key in ("iso2", "admin1", "geo_precision", "ambiguous"):
            if key in want and out.get(key) != want[key]:
                wrong.append(f"{key} {out.get(key)!r} != {want[key]!r}")
        if want.get("latitude") is not None:
            if out.get("latitude") is None:
                wrong.append("no coordinates")
            else:
                km = _km(out["latitude"], out["longitude"], want["latitude"], want["longitude"])
                if km > MAX_KM:
                    wrong.append(f"{km:.0f} km off")
        if want.get("ambiguous") and not out.get("note"):
            wrong.append("ambiguous without a note")
    else:
        if out.get("inter") != want["inter"]:
            wrong.append(f"inter {out.get('inter')} != {want['inter']}")
    return wrong


def evaluate(name: str = "eval") -> tuple[dict[str, dict[str, float]], list[tuple[dict, dict, list[str]]]]:
    from services.normalize import normalize_record

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for case in load_cases(name):
        record = {k: v for k, v in case.items() if k != "expect"}
        out = normalize_record(record)
        wrong = problems(case, out)
        groups = [case["kind"]] + ([f"date:{case.get('language', 'en')}"] if case["kind"] == "date" else [])
        for group in groups:
            totals[group][0] += not wrong
            totals[group][1] += 1
        if wrong:
            failures.append((case, out, wrong))
    scores = {g: {"right": r, "cases": n, "accuracy": round(r / n, 4)} for g, (r, n) in sorted(totals.items())}
    return scores, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object a kind")
    parser.add_argument("--failures", action="store_true", help="list the failing cases")
    parser.add_argument("--set", default="eval", choices=["eval", "holdout"], help="which labelled set")
    args = parser.parse_args()
    scores, failures = evaluate(args.set)
    for group, s in scores.items():
        if args.json:
            goal = GOALS.get(group)
            print(json.dumps({"bench": f"normalize_{args.set}_{group}", "value": s["accuracy"], "unit": "ratio",
                              "goal": f">= {goal}" if goal else "", "cases": s["cases"]}))
        else:
            goal = f"(goal >= {GOALS[group]:.0%})" if group in GOALS else ""
            print(f"{group:10} {s['accuracy']:7.1%}  {s['right']}/{s['cases']} {goal}")
    if args.failures:
        for case, out, wrong in failures:
            print(f"FAIL {case['kind']} {case.get('language', case.get('countries', case.get('country', '')))} "
                  f"{case['text']!r}: {'; '.join(wrong)} | note: {out.get('note', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
