"""Learning from the coder: accepted spans are suggested again, rejected ones are not, undo forgets."""
from __future__ import annotations

import pytest

from coding.learned import Rejections, context_of, forget_decision, record_decision
from coding.suggest import run_suggestions
from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleIn


@pytest.fixture
def service(suggest_service):
    """The session's pipeline, with no workspace patterns left by an earlier test."""
    suggest_service.set_patterns([])
    return suggest_service


def _add(repo, text: str) -> int:
    return repo.add_articles([ArticleIn(text=text)]).added_ids[0]


def _found(repo, aid: int) -> dict[str, tuple[str, str]]:
    text = repo.get_article(aid).text
    return {text[s.start:s.end]: (s.label, s.origin) for s in repo.spans(aid)}


def test_an_added_span_is_suggested_in_the_next_article(repo, service):
    first = "Troops dug in along the sandbag line north of the river."
    a1 = _add(repo, first)
    start = first.index("sandbag line")
    span = EntitySpan(article_id=a1, start=start, end=start + len("sandbag line"), label="FAC",
                      origin=SpanOrigin.CODER.value, state=SpanState.ACCEPTED.value, coder="ana")
    repo.add_span(span)
    record_decision(repo, first, span, "add", coder="ana")
    [pattern] = repo.patterns("accept")
    assert (pattern.text, pattern.label, pattern.coder) == ("sandbag line", "FAC", "ana")

    a2 = _add(repo, "On Monday the sandbag line was shelled again.")
    run_suggestions(repo, article_ids=[a2], service=service)
    assert _found(repo, a2)["sandbag line"] == ("FAC", "learned")


def test_a_relabel_teaches_the_new_label_and_rejects_the_old(repo, service):
    text = "Fighters of the Wagner Group entered the town."
    aid = _add(repo, text)
    start = text.index("Wagner Group")
    span = EntitySpan(article_id=aid, start=start, end=start + 12, label="ORG")
    record_decision(repo, text, span, "relabel", old_label="PERSON")
    assert [(p.text, p.label) for p in repo.patterns("accept")] == [("Wagner Group", "ORG")]
    [reject] = repo.patterns("reject")
    assert (reject.text, reject.label, reject.context) == ("Wagner Group", "PERSON", "the|entered")


def test_a_rejection_is_remembered_in_its_context(repo, service):
    text = "Officials in Kharkiv said on Friday that the market burned."
    a1 = _add(repo, text)
    run_suggestions(repo, service=service)
    friday = next(s for s in repo.spans(a1) if text[s.start:s.end] == "Friday")
    repo.update_span(friday.id, state=SpanState.REJECTED.value)
    record_decision(repo, text, friday, "reject", coder="ana")

    same = _add(repo, "Police in Odesa said on Friday that the port was hit.")
    other = _add(repo, "Friday brought more shelling to Odesa.")
    run_suggestions(repo, service=service)
    assert "Friday" not in _found(repo, same)  # same context: 'on Friday that'
    assert _found(repo, other)["Friday"][0] == "DATE"  # elsewhere still suggested

    # undo: the pattern goes, the suggestion comes back
    forget_decision(repo, text, friday, "reject")
    assert repo.patterns("reject") == []
    run_suggestions(repo, article_ids=[same], redo=True, service=service)
    assert "Friday" in _found(repo, same)


def test_forget_counts_down_repeated_decisions(repo):
    text = "The Azov brigade held."
    span = EntitySpan(article_id=0, start=4, end=8, label="ORG")
    record_decision(repo, text, span, "accept")
    record_decision(repo, text, span, "accept")
    assert repo.patterns("accept")[0].hits == 2
    forget_decision(repo, text, span, "accept")
    assert repo.patterns("accept")[0].hits == 1
    forget_decision(repo, text, span, "accept")
    assert repo.patterns() == []
    with pytest.raises(ValueError):
        record_decision(repo, text, span, "maybe")


def test_rejected_often_enough_means_nowhere():
    class P:
        def __init__(self, context: str) -> None:
            self.text, self.label, self.polarity, self.context = "Kremlin", "ORG", "reject", context

    rejections = Rejections.from_patterns([P("the|said"), P("a|spokesman"), P("in|on")])
    assert rejections.rejects("Kremlin", "ORG", "Nothing like it: Kremlin.", 17, 24)
    assert not rejections.rejects("Kremlin", "GPE", "Kremlin.", 0, 7)


def test_context_is_the_words_around():
    text = "Shelling in Kursk’s centre, on Monday."
    assert context_of(text, 12, 17) == "in|s"
    assert context_of(text, 31, 37) == "on|"
    assert context_of("Kursk", 0, 5) == "|"
