"""The suggestion service and batch runs: places, persons, cancel, coder decisions, long texts."""
from __future__ import annotations

import pytest
import spacy

from coding.suggest import (
    DEFAULT_MODEL,
    ModelNotFound,
    SuggestionService,
    role_of,
    run_suggestions,
    trim_span,
)
from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleIn


@pytest.fixture
def service(suggest_service):
    """The session's pipeline, with no workspace patterns left by an earlier test."""
    suggest_service.set_patterns([])
    return suggest_service


def _spans(service: SuggestionService, text: str) -> dict[str, tuple[str, str]]:
    return {s.text: (s.label, s.origin) for s in service.suggest_texts([text])[0]}


@pytest.mark.slow
def test_a_small_town_only_the_gazetteer_knows(service):
    text = "Artillery fire damaged three houses in Tetkino overnight, the local administration said."
    bare = SuggestionService(DEFAULT_MODEL, places=False)
    assert "Tetkino" not in {s.text for s in bare.suggest_texts([text])[0]}
    assert _spans(service, text)["Tetkino"] == ("GPE", SpanOrigin.GAZETTEER.value)


def test_a_mislabelled_town_becomes_a_place(service):
    found = _spans(service, "A drone hit a shop in Glushkovo on Tuesday.")
    assert found["Glushkovo"] == ("GPE", "gazetteer")
    assert found["Tuesday"][0] == "DATE"


def test_persons_whose_surnames_are_towns_stay_persons(service):
    text = ("General Carlos Medina told reporters that Mr Reading had resigned. "
            "Police spokesman Ibrahim Kano said the road was closed. Kano added that two people died. "
            "Colonel Ernesto Roxas met Dr. Paris Jordan on Friday.")
    spans = service.suggest_texts([text])[0]
    places = {s.text for s in spans if role_of(s.label) == "place"}
    assert not places & {"Medina", "Reading", "Kano", "Roxas", "Paris", "Jordan"}
    assert {s.text for s in spans if s.label == "PERSON"} >= {"Carlos Medina", "Ibrahim Kano"}


def test_common_words_that_are_towns_are_not_places(service):
    spans = service.suggest_texts(["Police said the protest was peaceful. Mobile phones were cut. "
                                   "Reading the report, officials handed out blankets. Bath towels were given. Nice weather helped."])[0]
    assert not [s for s in spans if s.origin == "gazetteer"]


def test_the_seed_article(service, seed_text):
    spans = service.suggest_texts([seed_text])[0]
    places = {s.text for s in spans if role_of(s.label) == "place"}
    assert {"Glushkovo", "Serhiivka", "Kursk"} <= places
    assert "Volodymyr Zelensky" in {s.text for s in spans if s.label == "PERSON"}
    assert all(seed_text[s.start: s.end] == s.text for s in spans)
    assert {s.model_name for s in spans} == {DEFAULT_MODEL}
    assert all(s.model_version for s in spans)


def test_unknown_model_lists_the_installed_ones():
    with pytest.raises(ModelNotFound) as err:
        SuggestionService("no_such_pipeline_xx").nlp
    message = str(err.value)
    assert "no_such_pipeline_xx" in message and DEFAULT_MODEL in message


def test_roles_follow_the_codebook():
    assert [role_of(x) for x in ("GPE", "PERSON", "DATE", "CARDINAL", "MONEY")] == ["place", "actor", "date", "count", None]
    book = {"roles": {"place": ["GPE"], "actor": ["PERSON", "ORG"], "weapon": ["PRODUCT"]}}
    assert (role_of("LOC", book), role_of("PRODUCT", book), role_of("GPE", book)) == (None, "weapon", "place")


def test_trim_keeps_names_bare():
    text = "the Sumy Regional Military Administration and Sagaing Region's west, Khyber province"
    assert text[slice(*trim_span(text, 0, 41, "ORG"))] == "Sumy Regional Military Administration"
    assert text[slice(*trim_span(text, 46, 62, "GPE"))] == "Sagaing Region"
    assert text[slice(*trim_span(text, 69, 84, "GPE"))] == "Khyber"


def _articles(repo, texts):
    return repo.add_articles([ArticleIn(text=t, title=f"a{i}") for i, t in enumerate(texts)]).added_ids


def test_cancel_stops_within_one_batch(repo, service):
    ids = _articles(repo, [f"Shelling hit Kharkiv on Monday, killing {i} people." for i in range(6)])
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 1  # let the first batch run, then ask to stop

    result = run_suggestions(repo, batch_articles=2, cancelled=cancelled, service=service)
    assert result.cancelled and result.articles == 2
    assert len(repo.articles_without_spans()) == 4
    done = [i for i in ids if repo.spans(i)]
    assert done == ids[:2]
    again = run_suggestions(repo, service=service)  # resuming does the rest
    assert again.articles == 4 and not repo.articles_without_spans()


def test_coder_decisions_survive_a_rerun(repo, service):
    [aid] = _articles(repo, ["Russian forces shelled Glushkovo and Kursk on Monday, officials in Moscow said."])
    progress = []
    result = run_suggestions(repo, service=service, progress=lambda d, t, m: progress.append((d, t)))
    assert result.articles == 1 and result.spans > 0 and progress[-1] == (1, 1)
    text = repo.get_article(aid).text
    spans = {text[s.start:s.end]: s for s in repo.spans(aid)}
    repo.update_span(spans["Glushkovo"].id, state=SpanState.ACCEPTED.value, coder="ana")
    repo.update_span(spans["Moscow"].id, state=SpanState.REJECTED.value, coder="ana")
    start = text.index("officials")
    repo.add_span(EntitySpan(article_id=aid, start=start, end=start + 9, label="ORG",
                             origin=SpanOrigin.CODER.value, state=SpanState.ACCEPTED.value, coder="ana"))
    start = text.index("forces")  # a coder's span set back to 'suggested' is still the coder's
    repo.add_span(EntitySpan(article_id=aid, start=start, end=start + 6, label="ORG",
                             origin=SpanOrigin.CODER.value, state=SpanState.SUGGESTED.value, coder="ana"))
    again = run_suggestions(repo, service=service, redo=True)
    assert again.articles == 1
    after = repo.spans(aid)
    by_text = {}
    for s in after:
        by_text.setdefault(text[s.start:s.end], []).append(s)
    assert [s.state for s in by_text["Glushkovo"]] == ["accepted"]
    assert [s.state for s in by_text["Moscow"]] == ["rejected"]
    assert [(s.origin, s.state) for s in by_text["officials"]] == [("coder", "accepted")]
    assert [(s.origin, s.state) for s in by_text["forces"]] == [("coder", "suggested")]
    assert [s.state for s in by_text["Monday"]] == ["suggested"]
    # nothing overlaps a coder's span
    for a in after:
        for b in after:
            assert a is b or not (a.start < b.end and b.start < a.end)


def test_unknown_model_in_a_run(repo):
    _articles(repo, ["Text."])
    with pytest.raises(ModelNotFound):
        run_suggestions(repo, model_name="no_such_pipeline_xx")


@pytest.mark.slow
def test_a_one_megabyte_article_keeps_exact_offsets():
    """Through a fast stand-in pipeline (a blank English tokenizer with an entity ruler and
    our stages), so the test checks the piecing, not the model's speed."""
    from coding.place_ruler import STAGE as PLACES  # noqa: F401  (factories)
    from coding.learned_stage import STAGE as LEARNED

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Glushkovo"},
                                               {"label": "DATE", "pattern": "Tuesday"}])
    nlp.add_pipe(LEARNED)
    svc = SuggestionService("stand-in")
    svc._nlp = nlp
    svc.set_patterns([])
    para = "On Tuesday 😀 shells hit Glushkovo, é.\r\n"
    text = (para * 2000 + "\n\n") * 14
    assert len(text) > 1_000_000
    [spans] = svc.suggest_texts([text])
    assert len(spans) == 2 * 2000 * 14
    assert all(text[s.start:s.end] == s.text and s.text in ("Glushkovo", "Tuesday") for s in spans)
    assert spans[-1].end == text.rindex("Glushkovo") + len("Glushkovo")
