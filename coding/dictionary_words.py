"""Whether a token is an English dictionary word, or an inflection of one ('Marches'), for the
place stage's common-word guard, without lemmatizing every text.

The attribute ruler and the lemmatizer are a quarter of the small English pipeline's time, and
no stage reads their output but this guard, which needs a lemma only for the rare capitalized
word that may be an inflected dictionary word. So the suggester loads them disabled
(coding.suggest.UNREAD_COMPONENTS), and the guard first asks which lemmas the lemmatizer could
give the word under any part of speech: when none is a dictionary word the answer is no, as it
would be with the lemma; otherwise the two components run on that one text, and the guard reads
the very lemma the whole pipeline would have given."""
from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

LEMMA_COMPONENTS = ("attribute_ruler", "lemmatizer")


def word_list(nlp: Language) -> frozenset[str]:
    """English dictionary words from the pipeline's lemmatizer tables (WordNet lemmas)."""
    words: set[str] = set()
    lookups = _lookups(nlp)
    if lookups is not None and "lemma_index" in lookups.tables:
        for values in lookups.get_table("lemma_index").values():
            words.update(values)
    return frozenset(words)


def _lookups(nlp: Language) -> Any:
    if "lemmatizer" not in nlp.component_names:
        return None
    return getattr(nlp.get_pipe("lemmatizer"), "lookups", None)


class DictionaryWords:
    """The dictionary of one pipeline, and the lemmatizer's rules to tell which words may be
    inflections of its words."""

    def __init__(self, nlp: Language) -> None:
        self.words = word_list(nlp)
        # Lemmas come with every doc when the lemmatizer runs in the pipeline itself.
        self.in_pipeline = "lemmatizer" in nlp.pipe_names
        self._steps = [nlp.get_pipe(name) for name in LEMMA_COMPONENTS
                       if name in nlp.component_names and name not in nlp.pipe_names]
        lookups = _lookups(nlp)
        self._rules: list[tuple[str, str]] = []
        self._exceptions: list[dict[str, list[str]]] = []
        if lookups is not None:
            rules = lookups.get_table("lemma_rules", {}) if "lemma_rules" in lookups.tables else {}
            exceptions = lookups.get_table("lemma_exc", {}) if "lemma_exc" in lookups.tables else {}
            self._rules = sorted({(old, new) for pairs in rules.values() for old, new in pairs})
            self._exceptions = list(exceptions.values())
        # The lemmas the attribute ruler sets itself ("'d" -> would), by lower-case form.
        self._set: dict[str, set[str]] = {}
        if "attribute_ruler" in nlp.component_names:
            ruler: Any = nlp.get_pipe("attribute_ruler")
            for pattern in ruler.patterns:
                lemma = pattern.get("attrs", {}).get("LEMMA")
                if not lemma:
                    continue
                for tokens in pattern.get("patterns", []):
                    for spec in tokens:
                        lower = spec.get("LOWER") if isinstance(spec, dict) else None
                        if isinstance(lower, str):
                            self._set.setdefault(lower, set()).add(lemma.lower())
        self._maybe: dict[str, bool] = {}

    def may_be_inflection(self, lower: str) -> bool:
        """Whether some lemma the lemmatizer could give `lower` (other than the word itself)
        is a dictionary word: every rule's form, every exception, under every part of speech."""
        known = self._maybe.get(lower)
        if known is not None:
            return known
        forms = set(self._set.get(lower, ()))
        for old, new in self._rules:
            if lower.endswith(old):
                forms.add(lower[: len(lower) - len(old)] + new)
        for table in self._exceptions:
            forms.update(table.get(lower, ()))
        found = any(form.lower() in self.words for form in forms if form)
        if len(self._maybe) > 100_000:  # bounded: it only saves repeated words
            self._maybe.clear()
        self._maybe[lower] = found
        return found

    def lemmatize(self, doc: Doc) -> None:
        """Give a doc its lemmas as the whole pipeline would (a no-op when they came with it)."""
        for step in self._steps:
            step(doc)
