"""Recall and precision of suggested places and actors on the sample articles' gold mentions."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "resources" / "samples" / "samples.jsonl"
GOLD = ROOT / "resources" / "samples" / "gold_entities.json"
ROLES = ("place", "actor")
# Persons whose surname is also a town (see resources/samples/README.md): must stay persons.
PERSON_TOWNS = ("Kano", "Diré", "Medina", "Laval", "Roxas", "Calarcá")


def _score(gold: set, pred: set, lenient: bool) -> tuple[int, int, int]:
    """(true positives for recall, true positives for precision, ...) counted exactly or by overlap."""
    if not lenient:
        tp = len(gold & pred)
        return tp, tp, 0
    hit_g = sum(1 for g in gold if any(p[0] < g[1] and g[0] < p[1] for p in pred))
    hit_p = sum(1 for p in pred if any(p[0] < g[1] and g[0] < p[1] for g in gold))
    return hit_g, hit_p, 0


def _raw_spacy(texts: list[str]) -> list[list]:
    """The pipeline's own entities, untouched (no trimming of 'the' / 's, no stages)."""
    import spacy

    from coding.suggest import DEFAULT_MODEL, SpanSuggestion

    nlp = spacy.load(DEFAULT_MODEL)
    return [[SpanSuggestion(e.start_char, e.end_char, e.label_, "model", e.text) for e in doc.ents]
            for doc in nlp.pipe(texts)]


def evaluate(places: bool | None) -> dict[str, dict[str, float]]:
    """places None: raw spaCy; False: our service without the gazetteer; True: with it."""
    from coding.suggest import SuggestionService, role_of

    articles = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold_all = json.loads(GOLD.read_text(encoding="utf-8"))
    texts = [a["text"] for a in articles]
    suggestions = _raw_spacy(texts) if places is None else SuggestionService(places=places).suggest_texts(texts)
    out: dict[str, dict[str, float]] = {}
    person_as_place = 0
    for role in ROLES:
        n_gold = n_pred = tp_exact = tp_g = tp_p = 0
        for art, spans in zip(articles, suggestions):
            gold = {(g["start"], g["end"]) for g in gold_all.get(art["title"], []) if g["role"] == role}
            pred = {(s.start, s.end) for s in spans if role_of(s.label) == role}
            n_gold += len(gold)
            n_pred += len(pred)
            tp_exact += len(gold & pred)
            g_hit, p_hit, _ = _score(gold, pred, lenient=True)
            tp_g += g_hit
            tp_p += p_hit
            if role == "place":
                person_as_place += sum(1 for s in spans if role_of(s.label) == "place"
                                       and any(s.text.endswith(n) for n in PERSON_TOWNS))
        out[role] = {
            "gold": n_gold, "suggested": n_pred,
            "recall": tp_exact / n_gold if n_gold else 0.0,
            "precision": tp_exact / n_pred if n_pred else 0.0,
            "recall_overlap": tp_g / n_gold if n_gold else 0.0,
            "precision_overlap": tp_p / n_pred if n_pred else 0.0,
        }
    out["place"]["person_surnames_as_place"] = person_as_place
    return out


def main() -> None:
    for places, name in ((None, "raw spaCy ents"), (False, "model alone"), (True, "model + gazetteer")):
        result = evaluate(places)
        for role, m in result.items():
            extra = f", person-surname towns as place: {m['person_surnames_as_place']}" if "person_surnames_as_place" in m else ""
            print(f"{name:18} {role:6} gold {m['gold']:4} suggested {m['suggested']:4}  "
                  f"exact R {m['recall']:.3f} P {m['precision']:.3f}  "
                  f"overlap R {m['recall_overlap']:.3f} P {m['precision_overlap']:.3f}{extra}")


if __name__ == "__main__":
    main()
