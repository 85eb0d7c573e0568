"""Suggesting throughput against raw `nlp.pipe` of the same pipeline over the same texts."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "resources" / "samples" / "samples.jsonl"
GOLD = ROOT / "resources" / "samples" / "gold_entities.json"
GOAL = ">= 0.9x raw nlp.pipe"


def _texts(quick: bool) -> list[str]:
    if SAMPLES.exists():
        base = [json.loads(line)["text"] for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:  # made-up fallback so the bench still runs without the samples
        base = [f"Shelling hit Glushkovo and Serhiivka on Monday, killing {i} people, officials in Kursk said."
                * 20 for i in range(16)]
    return base * (1 if quick else 4)


def _patterns() -> list[SimpleNamespace]:
    """Workspace patterns as a coder would leave them: accepted gold mentions, a few rejections."""
    rows: list[SimpleNamespace] = []
    if GOLD.exists():
        label = {"place": "GPE", "actor": "ORG", "date": "DATE", "count": "CARDINAL"}
        for mentions in json.loads(GOLD.read_text(encoding="utf-8")).values():
            for m in mentions:
                if m["role"] in ("place", "actor") and len(m["text"]) > 3:
                    rows.append(SimpleNamespace(text=m["text"], label=label[m["role"]], polarity="accept", context=""))
    rows += [SimpleNamespace(text="Cyrillic", label="GPE", polarity="reject", context="in|as"),
             SimpleNamespace(text="M23", label="GPE", polarity="reject", context="the|rebel")]
    return rows


def _cpu(fn) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of this process: steadier than wall time on a machine shared with other
    jobs (spaCy's small pipelines run single-threaded)."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def run(quick: bool) -> list[dict]:
    import spacy

    from coding.suggest import DEFAULT_MODEL, PIPE_BATCH, UNREAD_COMPONENTS, SuggestionService

    texts = _texts(quick)
    chars = sum(len(t) for t in texts)
    # The same pipeline without our stages, running what the service runs (it skips the components
    # nothing reads: coding.suggest.UNREAD_COMPONENTS), so the ratio is our stages' cost alone.
    raw = spacy.load(DEFAULT_MODEL, disable=list(UNREAD_COMPONENTS))
    stock = spacy.load(DEFAULT_MODEL)  # every component run, as spacy.load gives it
    full = SuggestionService(DEFAULT_MODEL, places=True)
    full.set_patterns(_patterns())
    bare = SuggestionService(DEFAULT_MODEL, places=False)
    bare.set_patterns([])
    place_stage = full.nlp.get_pipe("chronicler_places")

    def run_raw() -> None:
        for doc in raw.pipe(texts, batch_size=PIPE_BATCH):
            _ = [(e.start_char, e.end_char, e.label_) for e in doc.ents]

    def run_full() -> None:
        place_stage.cache.clear()  # honest: no name probes remembered from the last round
        full.suggest_texts(texts)

    def run_bare() -> None:
        bare.suggest_texts(texts)

    def run_stock() -> None:
        for doc in stock.pipe(texts, batch_size=PIPE_BATCH):
            _ = [(e.start_char, e.end_char, e.label_) for e in doc.ents]

    for fn in (run_raw, run_full, run_bare, run_stock):  # warm up (model load, gazetteer open)
        fn()
    repeats = 5 if quick else 7
    t_raw = t_full = t_bare = t_stock = float("inf")
    for _ in range(repeats):  # interleaved so machine load hits all alike
        t_raw = min(t_raw, _cpu(run_raw))
        t_full = min(t_full, _cpu(run_full))
        t_bare = min(t_bare, _cpu(run_bare))
        t_stock = min(t_stock, _cpu(run_stock))
    # The stages' own cost, measured alone on docs the raw pipeline already parsed: a steadier
    # figure than the end-to-end ratio when other jobs share the machine.
    docs = list(raw.pipe(texts, batch_size=PIPE_BATCH))
    learned_stage = full.nlp.get_pipe("chronicler_learned")
    place_stage.cache.clear()
    t_stages = _cpu(lambda: list(learned_stage.pipe(place_stage.pipe(docs))))
    detail = {"stages_s": round(t_stages, 3), "stages_overhead": round(t_stages / t_raw, 3),"texts": len(texts), "chars": chars, "raw_s": round(t_raw, 3),
              "raw_components": "all but " + ", ".join(UNREAD_COMPONENTS), "stock_pipeline_s": round(t_stock, 3),
              "vs_stock_pipeline": round(t_stock / t_full, 3), "clock": "process CPU time, best of %d" % repeats,
              "raw_chars_per_s": round(chars / t_raw), "data": "resources/samples/samples.jsonl"}
    return [
        {"bench": "suggest", "value": round(t_raw / t_full, 3), "unit": "ratio", "goal": GOAL,
         "variant": "gazetteer + learned patterns", "service_s": round(t_full, 3), **detail},
        {"bench": "suggest_no_gazetteer", "value": round(t_raw / t_bare, 3), "unit": "ratio", "goal": GOAL,
         "variant": "model only (no gazetteer, no patterns)", "service_s": round(t_bare, 3), **detail},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row))
