"""The jobs both faces run (services/): the user's mistakes come back as UserError naming the
thing at fault, the work itself as plain values."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from services.errors import UserError
from services.exporting import export, export_format
from services.importing import import_articles, nothing_imported
from services.suggesting import articles_to_suggest, suggest
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository


def test_import_reports_each_failure_and_what_was_imported(repo: Repository, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Clashes in Goma on Monday.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    report = import_articles(repo, [str(good), empty])
    assert report.imported == 1 and [Path(f.path).name for f in report.failures] == ["empty.txt"]
    assert not nothing_imported(report)
    assert nothing_imported(import_articles(repo, [empty]))


def test_suggest_picks_the_articles_without_spans_unless_redone(repo: Repository) -> None:
    ids = [repo.add_article(ArticleIn(text=f"Article {i} about Kyiv.")) for i in range(3)]
    repo.replace_suggestions(ids[1], [EntitySpan(article_id=ids[1], start=14, end=18, label="GPE",
                                                 origin="model", state="suggested")])
    assert articles_to_suggest(repo) == [ids[0], ids[2]]
    assert articles_to_suggest(repo, [ids[1], ids[2]]) == [ids[2]]
    assert articles_to_suggest(repo, [ids[1]], redo=True) == [ids[1]]
    assert articles_to_suggest(repo, redo=True) == ids


def test_suggest_with_nothing_to_do_answers_without_a_model(repo: Repository) -> None:
    outcome = suggest(repo)
    assert outcome.nothing_to_do and outcome.articles == 0 and outcome.spans == 0


def test_unknown_model_is_the_users_mistake(repo: Repository) -> None:
    with pytest.raises(UserError, match="no_such_pipeline"):
        suggest(repo, "no_such_pipeline", redo=True)


def test_export_format_from_the_extension_or_the_choice(tmp_path: Path) -> None:
    assert export_format(tmp_path / "a.XLSX") == "xlsx"
    assert export_format(tmp_path / "a.txt", "csv") == "csv"
    with pytest.raises(UserError, match="unknown export format 'pdf'") as caught:
        export_format(tmp_path / "a.pdf")
    assert "a.pdf" in str(caught.value)


def test_export_fills_derived_fields_and_tells_bad_input(repo: Repository, tmp_path: Path) -> None:
    a = repo.add_article(ArticleIn(text="Protesters marched in Kyiv on Monday.", title="Kyiv"))
    repo.add_event(a, {"event_type": "Protests", "event_date": dt.date(2024, 3, 4)}, coder="ana")
    out = tmp_path / "events.csv"
    summary = export(repo, out, coders=["ana"])
    text = out.read_text(encoding="utf-8")
    assert summary.events == 1 and "Demonstrations" in text  # disorder_type derived by coding
    with pytest.raises(UserError, match="cannot write"):
        export(repo, tmp_path / "no" / "such" / "folder" / "events.csv")
    with pytest.raises(UserError, match="--from"):
        export(repo, out, date_from="yesterday-ish")
