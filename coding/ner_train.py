"""Training a spaCy pipeline's NER on a workspace's coded spans, and scoring it per label on
held-out articles. Accepted spans are entities; tokens of rejected spans are explicitly "O"
(not an entity); every other token is missing, so the model is not taught that what the coder
did not mark is not an entity."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from coding.textsplit import split_text
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

PIECE_CHARS = 20_000  # long articles train as pieces: cost and memory stay bounded
BATCH = 8
DROPOUT = 0.2

Span = tuple[int, int, str]


@dataclass
class CodedArticle:
    id: int
    text: str
    accepted: list[Span] = field(default_factory=list)
    rejected: list[Span] = field(default_factory=list)


@dataclass
class LabelScore:
    gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "gold": self.gold, "predicted": self.predicted, "correct": self.correct}


@dataclass
class TrainStats:
    epochs: int = 0
    updates: int = 0
    seconds: float = 0.0
    loss: float = 0.0
    stopped_by: str = "epochs"  # "epochs" | "time" | "cancelled"


def split_articles(articles: Sequence[CodedArticle], seed: int, held_out_share: float) -> tuple[
        list[CodedArticle], list[CodedArticle]]:
    """(train, held out): articles shuffled by a fixed seed, at least one on each side."""
    order = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(order)
    n_held = min(len(order) - 1, max(1, round(len(order) * held_out_share)))
    return order[n_held:], order[:n_held]


def _pieces(article: CodedArticle) -> list[tuple[str, list[Span], list[Span]]]:
    out = []
    for offset, piece in split_text(article.text, PIECE_CHARS):
        end = offset + len(piece)

        def inside(spans: list[Span]) -> list[Span]:
            return [(s - offset, e - offset, label) for s, e, label in spans if offset <= s and e <= end]

        out.append((piece, inside(article.accepted), inside(article.rejected)))
    return out


def make_examples(nlp: Any, articles: Sequence[CodedArticle]) -> list[Any]:
    """spaCy Examples: accepted spans as entities (overlaps: the longest kept), rejected spans'
    tokens as O, all other tokens missing."""
    from spacy.training import Example, offsets_to_biluo_tags
    from spacy.util import filter_spans

    examples = []
    for article in articles:
        for text, accepted, rejected in _pieces(article):
            doc = nlp.make_doc(text)
            ents = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in accepted]
            ents = filter_spans([sp for sp in ents if sp is not None])
            tags = offsets_to_biluo_tags(doc, [(sp.start_char, sp.end_char, sp.label_) for sp in ents], missing="-")
            for s, e, _label in rejected:
                span = doc.char_span(s, e, alignment_mode="contract")
                if span is None:
                    continue
                if all(tags[i] == "-" for i in range(span.start, span.end)):
                    for i in range(span.start, span.end):
                        tags[i] = "O"
            if any(tag != "-" for tag in tags):
                examples.append(Example.from_dict(doc, {"entities": tags}))
    return examples


def train_ner(nlp: Any, examples: list[Any], labels: Sequence[str], epochs: int, max_seconds: float,
              seed: int, progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancel) -> TrainStats:
    """Update the pipeline's `ner` in place (other components untouched), on the CPU, until
    `epochs` passes, `max_seconds`, or cancelled() (polled between batches)."""
    import spacy
    from spacy.util import fix_random_seed, minibatch

    spacy.require_cpu()
    fix_random_seed(seed)
    ner = nlp.get_pipe("ner")
    for label in labels:
        if label not in ner.labels:
            ner.add_label(label)
    stats = TrainStats()
    started = time.monotonic()
    rng = random.Random(seed)
    batches_per_epoch = max(1, -(-len(examples) // BATCH))
    total = batches_per_epoch * epochs
    logging.getLogger("spacy").setLevel(logging.ERROR)  # misaligned-span warnings are expected
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(epochs):
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=BATCH):
                if cancelled():
                    stats.stopped_by = "cancelled"
                    break
                if time.monotonic() - started > max_seconds:
                    stats.stopped_by = "time"
                    break
                nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
                stats.updates += 1
                progress(stats.updates, total, f"epoch {epoch + 1}/{epochs}, loss {losses.get('ner', 0.0):.1f}")
            else:
                stats.epochs += 1
                stats.loss = losses.get("ner", 0.0)
                continue
            break
    stats.seconds = time.monotonic() - started
    return stats


def predict(nlp: Any, texts: Sequence[str], labels: Optional[Sequence[str]] = None) -> list[set[Span]]:
    """The pipeline's entities for each text (code-point offsets), only the given labels."""
    wanted = set(labels) if labels is not None else None
    out: list[set[Span]] = []
    with nlp.select_pipes(enable=["ner"]):
        for text in texts:
            spans: set[Span] = set()
            for offset, piece in split_text(text, PIECE_CHARS):
                for ent in nlp(piece).ents:
                    if wanted is None or ent.label_ in wanted:
                        spans.add((offset + ent.start_char, offset + ent.end_char, ent.label_))
            out.append(spans)
    return out


def score(nlp: Any, articles: Sequence[CodedArticle], labels: Sequence[str]) -> dict[str, LabelScore]:
    """Exact-match precision/recall/F1 per label against the accepted spans (and "all")."""
    scores = {label: LabelScore() for label in labels}
    total = LabelScore()
    for article, predicted in zip(articles, predict(nlp, [a.text for a in articles], labels)):
        gold = {span for span in article.accepted if span[2] in scores}
        for label, sc in scores.items():
            g = {x for x in gold if x[2] == label}
            p = {x for x in predicted if x[2] == label}
            sc.gold += len(g)
            sc.predicted += len(p)
            sc.correct += len(g & p)
        total.gold += len(gold)
        total.predicted += len(predicted)
        total.correct += len(gold & predicted)
    scores["all"] = total
    return scores
