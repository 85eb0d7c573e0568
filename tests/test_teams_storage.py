"""Team coding in the workspace: assignments, each coder's own status, blind mode, gold events."""
from __future__ import annotations

import datetime as dt

import pytest

from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleIn, Repository
from storage.teams import rollup_status

TEXT = "Police clashed with protesters in Goma on Monday; 4 were killed."


def _articles(repo: Repository, n: int) -> list[int]:
    return repo.add_articles([ArticleIn(text=f"{TEXT} ({i})", title=f"A{i}",
                                        published=dt.date(2024, 1, 1) + dt.timedelta(days=i))
                              for i in range(n)]).added_ids


def test_assign_is_idempotent_and_lists_each_coders_own_articles(repo: Repository) -> None:
    ids = _articles(repo, 4)
    assert repo.assign([(ids[0], "ana"), (ids[1], "ana"), (ids[1], "ben"), (ids[2], "ben")]) == 4
    assert repo.assign([(ids[0], "ana"), (ids[1], "ben")]) == 0
    assert repo.assignment_counts() == {"ana": 2, "ben": 2}
    assert repo.unassigned_article_ids() == [ids[3]]
    assert repo.double_coded_ids() == [ids[1]]
    # Newest publication first, as the article list.
    assert repo.coder_article_ids("ana") == [ids[1], ids[0]]
    assert repo.article_coders(ids[1]) == ["ana", "ben"]


def test_status_is_per_coder_and_rolls_up_to_the_article(repo: Repository) -> None:
    ids = _articles(repo, 3)
    repo.assign([(ids[0], "ana"), (ids[0], "ben"), (ids[1], "ana"), (ids[2], "ana")])
    repo.add_event(ids[0], {"event_type": "Protests"}, coder="ana")
    assert repo.set_coder_status(ids[0], "ana", "coded") == "new"
    assert repo.coder_status(ids[0], "ana") == "coded"
    assert repo.coder_status(ids[0], "ben") == "new"
    # One coder done, the other not started: the article is in progress overall.
    assert repo.get_article(ids[0]).status == "in_progress"
    rows = {r.id: r for r in repo.coder_articles("ana")}
    assert rows[ids[0]].status == "coded" and rows[ids[0]].n_events == 1
    (ben_row,) = repo.coder_articles("ben")
    assert ben_row.status == "new" and ben_row.n_events == 0  # ana's event is not ben's
    repo.set_coder_status(ids[0], "ben", "coded")
    assert repo.get_article(ids[0]).status == "coded"
    # Next uncoded follows the coder's own status, in list order, wrapping round.
    assert repo.next_for_coder("ana") == ids[2]
    assert repo.next_for_coder("ana", after_id=ids[2]) == ids[1]
    assert repo.next_for_coder("ben") is None
    # A single coder's article keeps Article.status as before.
    repo.set_coder_status(ids[2], "ana", "skipped")
    assert repo.get_article(ids[2]).status == "skipped"
    with pytest.raises(ValueError):
        repo.set_coder_status(ids[1], "ana", "done")


def test_setting_status_of_an_unassigned_article_assigns_it(repo: Repository) -> None:
    (aid,) = _articles(repo, 1)
    assert repo.set_coder_status(aid, "cem", "in_progress") is None
    assert repo.coder_article_ids("cem") == [aid]


def test_rollup() -> None:
    assert rollup_status([]) == "new"
    assert rollup_status(["coded", "coded"]) == "coded"
    assert rollup_status(["coded", "flagged"]) == "flagged"
    assert rollup_status(["new", "coded"]) == "in_progress"
    assert rollup_status(["new", "skipped"]) == "new"


def _blind_article(repo: Repository) -> tuple[int, dict[str, int]]:
    (aid,) = _articles(repo, 1)
    repo.assign([(aid, "ana"), (aid, "ben")])
    spans = {
        "model": EntitySpan(article_id=aid, start=35, end=39, label="GPE", origin=SpanOrigin.MODEL.value),
        "ana_decided": EntitySpan(article_id=aid, start=0, end=6, label="ORG", origin=SpanOrigin.MODEL.value,
                                  state=SpanState.ACCEPTED.value, coder="ana"),
        "ana_own": EntitySpan(article_id=aid, start=43, end=49, label="DATE", origin=SpanOrigin.CODER.value,
                              state=SpanState.ACCEPTED.value, coder="ana"),
        "ben_rejected": EntitySpan(article_id=aid, start=51, end=52, label="CARDINAL",
                                   origin=SpanOrigin.MODEL.value, state=SpanState.REJECTED.value, coder="ben"),
    }
    ids = {k: repo.add_span(v).id for k, v in spans.items()}
    repo.add_event(aid, {"event_type": "Protests", "location": "Goma"}, coder="ana")
    repo.add_event(aid, {"event_type": "Riots", "location": "Goma"}, coder="ben")
    return aid, ids  # type: ignore[return-value]


def test_blind_mode_hides_other_coders_events_and_span_decisions(repo: Repository) -> None:
    aid, span_ids = _blind_article(repo)
    # Blind mode off: everyone sees everything.
    assert len(repo.visible_bundle(aid, "ben").events) == 2
    assert repo.set_blind_mode(True) is False and repo.blind_mode

    ben = repo.visible_bundle(aid, "ben")
    assert [e.event.coder for e in ben.events] == ["ben"]
    seen = {(s.start, s.end): (s.state, s.coder) for s in ben.spans}
    assert seen[(35, 39)] == ("suggested", None)          # the model's suggestion
    assert seen[(0, 6)] == ("suggested", None)            # ana accepted it: ben sees the suggestion only
    assert (43, 49) not in seen                            # ana's own span: hidden
    assert seen[(51, 52)] == ("rejected", "ben")          # ben's own decision
    ana = repo.visible_bundle(aid, "ana")
    assert [e.event.coder for e in ana.events] == ["ana"]
    assert {(s.start, s.end): s.state for s in ana.spans}[(51, 52)] == "suggested"
    # The stored rows are untouched by what was shown.
    assert repo.spans(aid)[0].state == "accepted"

    # A decision of ben's on a span ana decided goes on ben's own copy.
    new_id, previous = repo.decide_span(span_ids["ana_decided"], "ben", state="rejected")
    assert new_id != span_ids["ana_decided"] and previous == {}
    states = {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (0, 6)}
    assert states == {("ana", "accepted"), ("ben", "rejected")}
    assert {(s.start, s.end): s.state for s in repo.visible_bundle(aid, "ben").spans}[(0, 6)] == "rejected"
    assert {(s.start, s.end): s.state for s in repo.visible_bundle(aid, "ana").spans}[(0, 6)] == "accepted"

    # Someone not coding the article, or without a name, sees everything.
    assert len(repo.visible_bundle(aid, None).events) == 2
    assert len(repo.visible_bundle(aid, "lead").events) == 2
    # Once adjudicated, nothing is hidden any more.
    repo.mark_adjudicated(aid, "lead")
    assert len(repo.visible_bundle(aid, "ben").events) == 2


def test_blind_mode_does_not_hide_on_a_single_coded_article(repo: Repository) -> None:
    (aid,) = _articles(repo, 1)
    repo.assign([(aid, "ana")])
    repo.add_event(aid, {"event_type": "Protests"}, coder="ben")
    repo.set_blind_mode(True)
    assert len(repo.visible_bundle(aid, "ana").events) == 1


def test_coder_view_reads_own_status_and_blindness_as_the_two_questions_do(repo: Repository) -> None:
    """The reader's one read at each switch says what coder_status and hides_others say."""
    aid, _ = _blind_article(repo)
    single, nobody = repo.add_articles([ArticleIn(text=f"{TEXT} {w}", title=w) for w in ("one", "none")]).added_ids
    repo.assign([(single, "ana")])

    def both(article_id: int, coder: str) -> tuple[object, bool]:
        status = repo.coder_status(article_id, coder)
        return status, status is not None and repo.hides_others(article_id, coder)

    cases = [(a, c) for a in (aid, single, nobody) for c in ("ana", "ben", "lead")]
    for blind in (False, True):
        repo.set_blind_mode(blind)
        for article_id, coder in cases:
            assert repo.coder_view(article_id, coder) == both(article_id, coder), (blind, article_id, coder)
    assert repo.coder_view(aid, "ben") == ("new", True)
    repo.mark_adjudicated(aid, "lead")
    assert repo.coder_view(aid, "ben") == ("new", False)


def test_gold_event_records_its_sources_and_ends_blindness(repo: Repository) -> None:
    aid, _ = _blind_article(repo)
    repo.set_blind_mode(True)
    a, b = repo.article_events(aid)
    gold = repo.create_gold_event(aid, {"event_type": "Riots", "location": "Goma", "fatalities": 4},
                                  [a.event.uid, b.event.uid], adjudicator="lead",
                                  evidence={"location": (35, 39)})
    assert gold.gold and gold.coder == "lead" and gold.sources == [a.event.uid, b.event.uid]
    (stored,) = repo.gold_events(aid)
    assert stored.event.fatalities == 4 and stored.evidence["location"].start == 35
    assert [s.event.coder for s in repo.gold_sources(stored.event)] == ["ana", "ben"]
    assert repo.is_adjudicated(aid)
    assert len(repo.visible_bundle(aid, "ben").events) == 3
    # Sources must exist and be on the same article.
    (other,) = repo.add_articles([ArticleIn(text="Another text.")]).added_ids
    with pytest.raises(ValueError, match="not found"):
        repo.create_gold_event(aid, {}, ["nope"])
    with pytest.raises(ValueError, match="another article"):
        repo.create_gold_event(other, {}, [a.event.uid])
    # Deleting a source leaves the record of it.
    repo.delete_event(a.event.id)
    assert [s.event is None for s in repo.gold_sources(stored.event)] == [True, False]


def test_blind_mode_hides_the_other_coders_work_in_a_window_of_a_large_article(repo: Repository) -> None:
    """A very large article is read a window at a time (storage/article_window.py): the window
    must hide what visible_bundle hides, or blind coding leaks on exactly the longest articles."""
    from storage.article_window import read_window

    aid, _ = _blind_article(repo)
    repo.set_blind_mode(True)
    read = read_window(repo, aid, 0, 60, viewer="ben")
    assert read is not None
    ben, _window = read
    assert [e.event.coder for e in ben.events] == ["ben"]
    seen = {(s.start, s.end): (s.state, s.coder) for s in ben.spans}
    assert seen[(0, 6)] == ("suggested", None) and (43, 49) not in seen
    everything, _window = read_window(repo, aid, 0, 60, viewer="lead")  # type: ignore[misc]
    assert len(everything.events) == 2
