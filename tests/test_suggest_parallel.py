"""`suggest` over a workspace on several processes: the same spans as one process, saved by this one."""
from __future__ import annotations

from pathlib import Path

import multiprocessing

import pytest

import services.suggest_parallel as parallel
from coding.suggest import run_suggestions
from services.suggest_parallel import suggest_workspace
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples" / "samples.jsonl"


def _fill(repo: Repository, n: int) -> None:
    import json

    texts = [json.loads(line)["text"] for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i in range(n):
        repo.add_article(ArticleIn(text=f"Report {i}.\r\n" + texts[i % len(texts)], title=f"a{i}"))


def _spans(repo: Repository) -> list[tuple]:
    return sorted((s.article_id, s.start, s.end, s.label, s.origin, s.state, s.coder, s.model_name, s.model_version)
                  for i in repo.article_ids() for s in repo.spans(i))


def test_two_workers_give_the_same_spans_as_one_process(tmp_path: Path, suggest_service) -> None:  # type: ignore[no-untyped-def]
    one, two = Repository(tmp_path / "one.sqlite"), Repository(tmp_path / "two.sqlite")
    try:
        _fill(one, 30)
        _fill(two, 30)
        single = run_suggestions(one, service=suggest_service)
        seen: list[int] = []
        parallel = suggest_workspace(two, workers=2, progress=lambda done, total, msg="": seen.append(done))
        assert (parallel.articles, parallel.spans) == (single.articles, single.spans) == (30, single.spans)
        assert _spans(two) == _spans(one)
        assert seen[-1] == 30 and seen == sorted(seen)
        # Run again: nothing left without spans, nothing redone.
        assert suggest_workspace(two, workers=2).articles == 0
    finally:
        one.close()
        two.close()


def test_cancel_keeps_the_batches_saved(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        _fill(repo, 40)
        saved: list[int] = []

        def cancelled() -> bool:  # the coder cancels once the first articles are saved
            return bool(saved) and saved[-1] > 0

        result = suggest_workspace(repo, workers=2, cancelled=cancelled,
                                   progress=lambda done, total, msg="": saved.append(done))
        assert result.cancelled and 0 < result.articles < 40 and result.articles == saved[-1]
        with_spans = {s.article_id for i in repo.article_ids() for s in repo.spans(i)}
        assert len(with_spans) <= result.articles
    finally:
        repo.close()


def test_redo_keeps_a_coders_spans_as_one_process_does(tmp_path: Path, suggest_service) -> None:  # type: ignore[no-untyped-def]
    """Redone on every core, an article's accepted, rejected and own spans stay and no new
    suggestion overlaps them, exactly as the single-process run leaves them."""
    one, two = Repository(tmp_path / "one.sqlite"), Repository(tmp_path / "two.sqlite")
    try:
        for repo in (one, two):
            _fill(repo, 26)
            ids = repo.article_ids()
            repo.add_spans([
                EntitySpan(article_id=ids[0], start=0, end=6, label="ORG", state="rejected"),
                EntitySpan(article_id=ids[3], start=0, end=9, label="GPE", state="accepted"),
                EntitySpan(article_id=ids[7], start=0, end=6, label="PERSON", origin="coder", coder="ana"),
            ])
        run_suggestions(one, redo=True, service=suggest_service)
        parallel = suggest_workspace(two, redo=True, workers=2)
        assert parallel.articles == 26
        assert _spans(two) == _spans(one)
        kept = {(s.article_id, s.start, s.end) for i in two.article_ids() for s in two.spans(i)
                if s.state != "suggested" or s.origin == "coder"}
        assert len(kept) == 3
    finally:
        one.close()
        two.close()


def test_tasks_shrink_at_the_end_and_stay_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = list(parallel._task_sizes(160, 2))
    assert sum(sizes) == 160 and max(sizes) == parallel.BATCH
    assert sizes == sorted(sizes, reverse=True) and sizes[-2] == parallel.MIN_TASK
    assert list(parallel._task_sizes(1, 2)) == [1]

    monkeypatch.setattr(parallel, "TASK_CHARS", 1_000)
    repo = Repository(tmp_path / "ws.sqlite")
    try:
        lengths = [300, 300, 300, 2_500, 100, 600, 600, 50, 900, 10]
        ids = [int(repo.add_article(ArticleIn(text=f"{i} " + "x" * n, title=str(i))) or 0) for i, n in enumerate(lengths)]
        tasks = list(parallel._tasks(repo, [*ids, 10_000], 2))  # an id gone meanwhile is skipped
        assert [i for task in tasks for i, _ in task] == ids
        assert all(len(task) == 1 or sum(len(t) for _, t in task) <= 1_000 for task in tasks)
        assert all(text == repo.get_article(i).text for task in tasks for i, text in task)  # type: ignore[union-attr]
    finally:
        repo.close()


def _child_opens_its_own_index(parent_con: int, answer: "multiprocessing.Queue[bool]") -> None:
    from coding.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    inherited = getattr(gazetteer._local, "con", None)
    answer.put(inherited is None and id(gazetteer._con()) != parent_con and bool(gazetteer.known(["kyiv"])))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork only")
def test_a_forked_worker_opens_the_place_index_afresh(suggest_service) -> None:  # type: ignore[no-untyped-def]
    """The workers fork from a process that has the gazetteer open: an SQLite connection must
    not be used across fork, so each child opens its own."""
    from coding.gazetteer import get_gazetteer

    con = get_gazetteer()._con()
    context = multiprocessing.get_context("fork")
    answer: "multiprocessing.Queue[bool]" = context.Queue()
    child = context.Process(target=_child_opens_its_own_index, args=(id(con), answer))
    child.start()
    try:
        assert answer.get(timeout=60) is True
    finally:
        child.join(10)
    assert child.exitcode == 0
