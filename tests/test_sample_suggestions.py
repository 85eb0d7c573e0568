"""The sample workspace's suggestions ship made: a new default workspace shows highlights at once
when the installed pipeline made them, and leaves them to the suggester otherwise; the article
on screen is suggested first when suggestions are needed."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import storage.sample_suggestions as shipped
from coding.suggest import DEFAULT_MODEL, SpanSuggestion, run_suggestions
from storage.importers import import_paths
from storage.repository import Repository
from storage.workspace import SAMPLES_FILE, default_workspace_path, open_workspace


def _sample_keys() -> set[str]:
    from storage.repository import normalized_sha256

    return {normalized_sha256(json.loads(line)["text"]) for line in SAMPLES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip()}


def test_the_shipped_file_is_the_default_pipelines_for_every_sample() -> None:
    data = shipped.read_shipped()
    assert data is not None
    assert data["model"] == DEFAULT_MODEL  # a new default pipeline needs the file made again
    assert set(data["articles"]) == _sample_keys()
    assert all(data["articles"].values())  # every sample has highlights


def test_a_new_default_workspace_opens_with_the_shipped_highlights() -> None:
    data = shipped.read_shipped()
    assert data is not None and shipped.usable(data, None), "the default pipeline at the file's version is installed"
    repo = open_workspace()
    try:
        assert repo.path == default_workspace_path().resolve()
        ids = repo.article_ids()
        assert len(ids) == 16
        assert repo.articles_without_spans() == []  # nothing left for the suggester
        for aid in ids:
            article = repo.get_article(aid)
            spans = repo.spans(aid)
            assert article is not None and spans
            want = data["articles"][article.sha256]
            assert sorted([s.start, s.end, s.label, s.origin] for s in spans) == sorted(want)
            assert {(s.state, s.model_name, s.model_version) for s in spans} == {
                ("suggested", data["model"], data["version"])}
    finally:
        repo.close()


@pytest.mark.parametrize("why", ["another version installed", "another pipeline chosen"])
def test_shipped_highlights_are_left_to_the_suggester_when_they_do_not_fit(
        why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    model = None
    if why == "another version installed":
        monkeypatch.setattr(shipped, "installed_version", lambda name: "0.0.1")
    else:
        model = "xx_other_pipeline"
    repo = open_workspace(model=model)
    try:
        assert len(repo.article_ids()) == 16
        assert sorted(repo.articles_without_spans()) == sorted(repo.article_ids())
    finally:
        repo.close()


def test_an_existing_workspace_is_never_given_them(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "mine.sqlite")
    try:
        import_paths(repo, [SAMPLES_FILE])
        # Only a new default workspace takes them: this one is suggested by the suggester.
        again = open_workspace(tmp_path / "mine.sqlite")
        assert len(again.articles_without_spans()) == 16
    finally:
        repo.close()


def test_a_span_past_the_end_of_its_text_is_not_taken(tmp_path: Path) -> None:
    data = shipped.read_shipped()
    assert data is not None
    key = next(iter(data["articles"]))
    data["articles"] = {key: [[0, 10**6, "GPE", "model"], [0, 5, "GPE", "model"]]}
    bad = tmp_path / "suggestions.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        import_paths(repo, [SAMPLES_FILE])
        assert shipped.load_shipped_suggestions(repo, None, path=bad) == 1
    finally:
        repo.close()


class _CountingService:
    """A stand-in pipeline that records the batches it is given."""

    model_name = "stub"
    model_version = "1"

    def __init__(self) -> None:
        self.nlp = SimpleNamespace(meta={"version": "1"})
        self.batches: list[int] = []

    def set_patterns(self, patterns: Any) -> None:
        pass

    def suggest_texts(self, texts: list[str]) -> list[list[SpanSuggestion]]:
        self.batches.append(len(texts))
        return [[SpanSuggestion(0, 4, "GPE", "model", t[:4], "stub", "1")] for t in texts]


def test_the_article_on_screen_is_a_batch_of_its_own(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        import_paths(repo, [SAMPLES_FILE])
        ids = repo.article_ids()
        first = ids[7]
        order = [first] + [i for i in ids if i != first]
        seen: list[tuple[int, bool]] = []
        service = _CountingService()
        run_suggestions(repo, article_ids=order, service=service, first_alone=True,
                        progress=lambda done, total, _msg="": seen.append((done, bool(repo.spans(first)))))
        assert service.batches == [1, 15]
        assert seen[1] == (1, True)  # saved (and told) before any other article is suggested
        assert repo.articles_without_spans() == []
    finally:
        repo.close()


def test_the_shipped_file_is_what_the_suggester_makes_today(tmp_path: Path) -> None:
    """Made again after a change of the samples or the suggester (python -m services.sample_suggestions)."""
    out = tmp_path / "suggestions.json"
    from services.sample_suggestions import make

    make(out)
    assert json.loads(out.read_text(encoding="utf-8")) == shipped.read_shipped()
