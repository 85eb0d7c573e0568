"""The suggester runs its pipeline without the attribute ruler and the lemmatizer (nothing reads
them but the place stage's common-word guard, which lemmatizes the rare text that needs it):
the suggestions must be exactly those of the whole pipeline."""
from __future__ import annotations

from typing import Any

import pytest

import coding.dictionary_words as dictionary_words
import coding.suggest as suggest
from coding.suggest import DEFAULT_MODEL, UNREAD_COMPONENTS, SuggestionService

# Towns whose names are inflections of dictionary words (angers, springs, barking): the guard
# needs their lemma, in every kind of place a name stands.
TEXTS = [
    "Protesters marched in Angers on Saturday, and police detained 12 people in Worthing.",
    "Angers said on Monday that the talks had failed.",
    "Springs were shelled overnight near Salinas, officials in Cairns said.",
    "Fighting was reported in Barking and Woking; Woodlands residents fled.",
    "Barking dogs woke residents of Springs, a town in Gauteng, before the raid on Angers.",
    "The Woking branch of the union called a strike in Worthing, West Sussex.",
    "Kharkiv and Sumy came under fire; Meads and Cairns were quiet.",
]


def _found(service: SuggestionService) -> list[list[tuple[int, int, str, str]]]:
    return [[(s.start, s.end, s.label, s.origin) for s in spans] for spans in service.suggest_texts(TEXTS)]


@pytest.fixture
def whole_pipeline(monkeypatch: pytest.MonkeyPatch, suggest_service: Any) -> SuggestionService:
    """The same model with every component run, as the suggester loaded it before."""
    monkeypatch.setattr(suggest, "UNREAD_COMPONENTS", ())
    monkeypatch.setattr(suggest, "_PIPELINES", {})
    service = SuggestionService(DEFAULT_MODEL, keep_all_labels=True)
    service.set_patterns([])
    return service


def test_the_suggester_skips_what_nothing_reads(suggest_service: Any) -> None:
    nlp = suggest_service.nlp
    assert set(UNREAD_COMPONENTS) <= set(nlp.component_names)  # loaded: their tables are used
    assert not set(UNREAD_COMPONENTS) & set(nlp.pipe_names)  # ... but not run over every text
    assert "ner" in nlp.pipe_names and "parser" in nlp.pipe_names  # the stage reads sentence starts


def test_suggestions_equal_the_whole_pipelines(whole_pipeline: SuggestionService, suggest_service: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lean = SuggestionService(DEFAULT_MODEL, keep_all_labels=True)
    lean._nlp = suggest_service.nlp  # the session's lean pipeline, loaded before the patch
    lean.set_patterns([])
    lemmatized: list[int] = []
    real = dictionary_words.DictionaryWords.lemmatize

    def counted(self: Any, doc: Any) -> None:
        lemmatized.append(len(doc))
        real(self, doc)

    monkeypatch.setattr(dictionary_words.DictionaryWords, "lemmatize", counted)
    expected = _found(whole_pipeline)
    assert not lemmatized  # the whole pipeline brings its own lemmas
    assert _found(lean) == expected
    assert lemmatized and len(lemmatized) < len(TEXTS)  # only texts with such a word, each once
    assert any(label == "GPE" for spans in expected for _, _, label, _ in spans)


def test_only_a_possible_inflection_of_a_word_needs_a_lemma(suggest_service: Any) -> None:
    dictionary = suggest_service.nlp.get_pipe("chronicler_places").dictionary
    assert "anger" in dictionary.words and "angers" not in dictionary.words
    assert dictionary.may_be_inflection("angers")  # anger + s
    assert dictionary.may_be_inflection("barking")  # bark + ing
    assert not dictionary.may_be_inflection("tetkino") and "tetkino" not in dictionary.words
    assert not dictionary.may_be_inflection("glushkovo")
