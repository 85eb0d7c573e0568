"""Places and actors found by the stock pipeline vs one trained on the sample articles' gold
annotation (coding.ner_train, as `python main.py train` does), on held-out articles: articles
split in folds by a fixed seed, each fold held out once (quick: one fold). Exact spans."""
from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "resources" / "samples" / "samples.jsonl"
GOLD = ROOT / "resources" / "samples" / "gold_entities.json"
ROLES = ("place", "actor")
DEFAULT_LABEL = {"place": "GPE", "actor": "ORG"}
SEED = 13
FOLDS = 4
GOAL = ">= 1.0x the stock pipeline's F1 on held-out articles"


def _coded(stock) -> list:  # type: ignore[no-untyped-def]
    """The samples as coded articles: gold places and actors, labelled as the stock pipeline
    labels the same span when it does (else GPE / ORG), so only mistakes are taught."""
    from coding.ner_train import CodedArticle
    from coding.suggest import role_of

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    lines = [json.loads(x) for x in SAMPLES.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = []
    for i, art in enumerate(lines, 1):
        text = art["text"]
        stock_labels = {(e.start_char, e.end_char): e.label_ for e in stock(text).ents}
        accepted = []
        for m in gold.get(art["title"], []):
            if m["role"] not in ROLES:
                continue
            label = stock_labels.get((m["start"], m["end"]))
            if label is None or role_of(label) != m["role"]:
                label = DEFAULT_LABEL[m["role"]]
            accepted.append((m["start"], m["end"], label))
        out.append(CodedArticle(i, text, accepted))
    return out


def _counts(nlp, articles) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """(gold, predicted, correct) per role, exact spans."""
    from coding.ner_train import predict
    from coding.suggest import role_of

    out = {}
    predicted = predict(nlp, [a.text for a in articles])
    for role in ROLES:
        gold_n = pred_n = correct = 0
        for art, pred in zip(articles, predicted):
            g = {(s, e) for s, e, label in art.accepted if role_of(label) == role}
            p = {(s, e) for s, e, label in pred if role_of(label) == role}
            gold_n, pred_n, correct = gold_n + len(g), pred_n + len(p), correct + len(g & p)
        out[role] = (gold_n, pred_n, correct)
    return out


def _f1(gold: int, predicted: int, correct: int) -> float:
    precision, recall = correct / predicted if predicted else 0.0, correct / gold if gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(quick: bool) -> tuple[dict[str, dict[str, float]], int]:
    """F1 per role for "stock" and "trained", summed over the folds; and the held-out count."""
    import spacy

    from coding.ner_train import make_examples, train_ner
    from coding.suggest import DEFAULT_MODEL

    stock = spacy.load(DEFAULT_MODEL)
    articles = _coded(stock)
    order = list(articles)
    random.Random(SEED).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)][: 1 if quick else FOLDS]
    sums = {name: {r: [0, 0, 0] for r in ROLES} for name in ("stock", "trained")}
    for held in folds:
        train = [a for a in articles if a not in held]
        nlp = spacy.load(DEFAULT_MODEL)
        labels = sorted({label for a in train for _s, _e, label in a.accepted})
        train_ner(nlp, make_examples(nlp, train), labels, epochs=15, max_seconds=600, seed=SEED)
        for name, model in (("stock", stock), ("trained", nlp)):
            for role, counts in _counts(model, held).items():
                sums[name][role] = [a + b for a, b in zip(sums[name][role], counts)]
    f1 = {name: {role: _f1(*c) for role, c in roles.items()} for name, roles in sums.items()}
    return f1, sum(len(h) for h in folds)


def run(quick: bool = True) -> list[dict]:  # type: ignore[type-arg]
    started = time.perf_counter()
    f1, held_out = evaluate(quick)
    seconds = time.perf_counter() - started
    rows = []
    for role in ROLES:
        stock, trained = f1["stock"][role], f1["trained"][role]
        rows.append({"bench": f"train_{role}_f1", "value": round(trained / stock, 3) if stock else None,
                     "unit": "ratio", "goal": GOAL, "stock_f1": round(stock, 3), "trained_f1": round(trained, 3),
                     "held_out_articles": held_out, "seconds": round(seconds, 1)})
    return rows


def main() -> None:
    quick = "--quick" in sys.argv
    for row in run(quick):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
