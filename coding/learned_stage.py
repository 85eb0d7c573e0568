"""The workspace's learned patterns as a spaCy stage: texts coders accepted, with their labels."""
from __future__ import annotations

from typing import Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from coding.place_ruler import ORIGIN_KEY

STAGE = "chronicler_learned"


class LearnedStage:
    """A PhraseMatcher over the texts coders accepted; a match gets the coder's label and
    wins over the model's reading of the same words (the coder knows best)."""

    def __init__(self, nlp: Language) -> None:
        self.vocab = nlp.vocab
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[str, str] = {}
        self.signature: frozenset[tuple[str, str]] = frozenset()
        self._make = nlp.make_doc

    def set_patterns(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(text, label) pairs; rebuilds the matcher only when they changed."""
        signature = frozenset((t, lab) for t, lab in pairs if t.strip())
        if signature == self.signature:
            return
        self.matcher = PhraseMatcher(self.vocab, attr="ORTH")
        self.labels = {}
        # one label per text: the one taught last wins (sorted for a stable choice otherwise)
        for text, label in sorted(signature):
            self.labels[text] = label
        for i, text in enumerate(self.labels):
            self.matcher.add(f"p{i}", [self._make(text)])
        self._keys = {self.vocab.strings[f"p{i}"]: text for i, text in enumerate(self.labels)}
        self.signature = signature

    def __call__(self, doc: Doc) -> Doc:
        if not self.labels:
            return doc
        found = []
        for match_id, start, end in self.matcher(doc):
            label = self.labels[self._keys[match_id]]
            found.append(Span(doc, start, end, label=label))
        if not found:
            return doc
        found = filter_spans(found)
        origins = doc.user_data.setdefault(ORIGIN_KEY, {})
        same = {(e.start, e.end, e.label_) for e in doc.ents}
        kept = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
        doc.ents = filter_spans(found + kept)
        for f in found:
            if (f.start, f.end, f.label_) not in same:
                origins[(f.start_char, f.end_char)] = "learned"
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(STAGE)
def make_learned_stage(nlp: Language, name: str) -> LearnedStage:
    return LearnedStage(nlp)
