"""Adjudication data: two coders' versions side by side with their evidence, differences
marked, and the gold event made from the choices, recording its sources."""
from __future__ import annotations

import datetime as dt

import pytest

from services.adjudication import Edited, adjudicate, article_versions
from storage.repository import ArticleIn, Repository

TEXT = "Clashes near Goma on Monday killed four; protesters marched in Bunia."


def _two_versions(repo: Repository) -> int:
    (aid,) = repo.add_articles([ArticleIn(text=TEXT, published=dt.date(2024, 8, 20))]).added_ids
    repo.assign([(aid, "ana"), (aid, "ben")])
    day = dt.date(2024, 8, 19)
    # Ben codes the protest first, then the clash: pairing must not follow creation order.
    ben_protest = repo.add_event(aid, {"event_date": day, "location": "Bunia", "event_type": "Protests"}, coder="ben")
    ben = repo.add_event(aid, {"event_date": day, "location": "goma", "event_type": "Battles", "fatalities": 5},
                         coder="ben")
    ana = repo.add_event(aid, {"event_date": day, "location": "Goma", "event_type": "Battles", "fatalities": 4},
                         coder="ana")
    four = TEXT.index("four")
    repo.set_evidence(ana.id, "fatalities", four, four + 4)
    repo.set_evidence(ben.id, "location", TEXT.index("Goma"), TEXT.index("Goma") + 4)
    assert ben_protest.id
    return aid


def test_versions_pair_the_same_event_and_mark_differences(repo: Repository) -> None:
    aid = _two_versions(repo)
    clash, protest = article_versions(repo, aid, "ana", "ben")
    assert clash.a.event.coder == "ana" and clash.b.event.coder == "ben"
    by_name = {f.name: f for f in clash.fields}
    assert by_name["fatalities"].differs and (by_name["fatalities"].a, by_name["fatalities"].b) == (4, 5)
    assert not by_name["location"].differs  # "Goma" and "goma" are the same place
    assert not by_name["event_type"].differs
    assert TEXT[slice(*by_name["fatalities"].evidence_a)] == "four"
    assert TEXT[slice(*by_name["location"].evidence_b)] == "Goma"
    assert clash.differing == ["fatalities"]
    # Only ben found the protest: it comes after the pairs, ana's side empty.
    assert protest.a is None and protest.b.event.event_type == "Protests"


def test_adjudication_makes_the_gold_event_with_its_sources(repo: Repository) -> None:
    aid = _two_versions(repo)
    repo.set_blind_mode(True)
    clash, _ = article_versions(repo, aid, "ana", "ben")
    gold = adjudicate(repo, clash, {"fatalities": "b", "notes": Edited("four or five; took the later report")},
                      adjudicator="lead")
    assert gold.gold and gold.coder == "lead"
    assert gold.sources == [clash.a.event.uid, clash.b.event.uid]
    assert gold.fatalities == 5 and gold.location == "Goma" and gold.notes.startswith("four or five")
    (stored,) = repo.gold_events(aid)
    # Evidence follows the side taken: fatalities from ben (none), location from ana (none).
    assert stored.evidence == {}
    assert [s.event.coder for s in repo.gold_sources(stored.event)] == ["ana", "ben"]
    assert repo.is_adjudicated(aid)
    # Gold events are left out of the versions compared.
    assert len(article_versions(repo, aid, "ana", "ben")) == 2


def test_taking_a_side_takes_its_evidence(repo: Repository) -> None:
    aid = _two_versions(repo)
    clash, _ = article_versions(repo, aid, "ana", "ben")
    gold = adjudicate(repo, clash, {"location": "b"}, adjudicator="lead")
    (stored,) = repo.gold_events(aid)
    assert gold.location == "goma"
    assert {k: TEXT[e.start:e.end] for k, e in stored.evidence.items()} == {"location": "Goma", "fatalities": "four"}


def test_double_coded_articles_on_both_engines(db_url: str) -> None:
    """Assigned to two coders, or holding two coders' events: listed with the coders and state."""
    from services.adjudication import double_coded_articles
    from storage.workspace import open_workspace

    repo = open_workspace(db_url, create=True)
    try:
        aid = _two_versions(repo)
        (loose, single) = repo.add_articles([ArticleIn(text="Unassigned, two coders."),
                                             ArticleIn(text="One coder only.")]).added_ids
        repo.add_event(loose, {"event_type": "Riots"}, coder="cai")
        repo.add_event(loose, {"event_type": "Riots"}, coder="ana")
        repo.add_event(single, {"event_type": "Riots"}, coder="ana")
        listed = double_coded_articles(repo)
        assert [(d.article_id, d.coders, d.adjudicated) for d in listed] == \
            [(aid, ["ana", "ben"], False), (loose, ["cai", "ana"], False)]
        clash, _ = article_versions(repo, aid, "ana", "ben")
        adjudicate(repo, clash, {}, adjudicator="lead")
        assert [d.adjudicated for d in double_coded_articles(repo)] == [True, False]
    finally:
        repo.close()


def test_a_typed_gold_value_reads_as_the_field_stores_it() -> None:
    from coding.codebook import default_codebook
    from services.adjudication import parse_gold_value

    specs = {f.name: f for f in default_codebook().fields}
    assert parse_gold_value(specs["fatalities"], " 12 ") == 12
    assert parse_gold_value(specs["event_date"], "2024-08-19") == dt.date(2024, 8, 19)
    assert parse_gold_value(specs["notes"], "  ") is None
    with pytest.raises(ValueError, match="not a whole number"):
        parse_gold_value(specs["fatalities"], "a dozen")
