"""`suggest` over a workspace on several processes: the same spans as one process, saved by this one."""
from __future__ import annotations

from pathlib import Path

from coding.suggest import run_suggestions
from services.suggest_parallel import suggest_workspace
from storage.repository import ArticleIn, Repository

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples" / "samples.jsonl"


def _fill(repo: Repository, n: int) -> None:
    import json

    texts = [json.loads(line)["text"] for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i in range(n):
        repo.add_article(ArticleIn(text=f"Report {i}.\r\n" + texts[i % len(texts)], title=f"a{i}"))


def _spans(repo: Repository) -> list[tuple]:
    return sorted((s.article_id, s.start, s.end, s.label, s.origin) for i in repo.article_ids() for s in repo.spans(i))


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
        calls = {"n": 0}

        def cancelled() -> bool:
            calls["n"] += 1
            return calls["n"] > 3

        result = suggest_workspace(repo, workers=2, cancelled=cancelled)
        assert result.cancelled and 0 < result.articles < 40
        with_spans = {s.article_id for i in repo.article_ids() for s in repo.spans(i)}
        assert len(with_spans) <= result.articles
    finally:
        repo.close()
