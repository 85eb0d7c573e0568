"""The `suggest` job over a workspace on every core: worker processes run the pipeline, this one saves.

spaCy's small pipelines use one core each, so a workspace of many articles is split into
batches handed to one worker process per core. The pipeline is loaded here first (an unknown
model fails before any work) and, where processes fork, the workers inherit it instead of
loading it again. Only this process writes to the workspace, batch by batch in article order,
so a cancel or a crash keeps every batch saved so far and a coder's own spans are never touched.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from types import SimpleNamespace
from typing import Any, Optional, Sequence

from coding.suggest import (
    MAX_SUGGEST_CHARS, SpanSuggestion, SuggestionService, SuggestResult, pending_articles, run_suggestions,
)
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

BATCH = 8          # articles per task: small enough to keep every worker busy to the end
MIN_PARALLEL = 24  # fewer articles than this are not worth starting processes for

# The worker's service: inherited on fork, loaded by _init on spawn.
_SERVICE: Optional[SuggestionService] = None


def _init(model_name: str, patterns: list[tuple[str, str, str, str]], parent: int) -> None:
    global _SERVICE
    _die_with(parent)
    if _SERVICE is None or _SERVICE.model_name != model_name:
        _SERVICE = SuggestionService(model_name)
        _SERVICE.set_patterns(SimpleNamespace(text=t, label=label, polarity=p, context=c)
                              for t, label, p, c in patterns)


def _die_with(parent: int) -> None:
    """A worker ends when the process that started it is gone (kill -9, a crash): it holds
    that process's output pipes, and nobody is left to take its results."""
    try:  # Linux: the kernel sends the signal the moment the parent dies
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)  # it died before the line above ran

    def watch() -> None:  # elsewhere (and as a fallback): look every half second
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _suggest_batch(texts: list[str]) -> list[list[SpanSuggestion]]:
    assert _SERVICE is not None
    return _SERVICE.suggest_texts(texts)


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def suggest_workspace(repo: Any, model_name: Optional[str] = None, article_ids: Optional[Sequence[int]] = None,
                      redo: bool = False, workers: Optional[int] = None, progress: ProgressFn = no_progress,
                      cancelled: CancelFn = never_cancel, first_alone: bool = False) -> SuggestResult:
    """run_suggestions (same articles, same result) spread over `workers` processes (default:
    one per core). `first_alone`: the first article is suggested and saved before any other
    (the one on screen), here, while the workers start."""
    global _SERVICE
    ids = pending_articles(repo, article_ids, redo)
    workers = workers or worker_count()
    if workers <= 1 or len(ids) < MIN_PARALLEL:
        return run_suggestions(repo, model_name, ids, redo=True, progress=progress, cancelled=cancelled,
                               first_alone=first_alone)
    service = SuggestionService(model_name)
    service.nlp  # load now: an unknown model fails here, before any process starts  # noqa: B018
    rows = list(repo.patterns())
    service.set_patterns(rows)
    patterns = [(p.text, p.label, p.polarity, p.context) for p in rows]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _SERVICE = service  # the workers inherit the loaded pipeline
    result = SuggestResult(0, 0, f"{service.model_name} {service.nlp.meta.get('version', '')}".strip())
    total = len(ids)
    progress(0, total, "suggesting")
    if first_alone and not cancelled():
        first = repo.get_article(ids[0])
        if first is not None:
            found = service.suggest_texts([first.text])[0]
            result.spans += sum(repo.replace_suggestions_many([(first.id, found)]))
            result.articles += 1
            result.cut += len(first.text) > MAX_SUGGEST_CHARS
        progress(1, total, f"suggested {result.articles} of {total} articles")
        ids = ids[1:]
    batches = [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                                 initargs=(service.model_name, patterns, os.getpid())) as pool:
            pending: deque[tuple[list[Any], Future[list[list[SpanSuggestion]]]]] = deque()
            todo = iter(batches)
            while True:
                # At most two batches per worker in flight: the texts held stay bounded.
                while len(pending) < 2 * workers and not cancelled():
                    batch = next(todo, None)
                    if batch is None:
                        break
                    articles = [a for a in (repo.get_article(i) for i in batch) if a is not None]
                    pending.append((articles, pool.submit(_suggest_batch, [a.text for a in articles])))
                if not pending:
                    break
                articles, future = pending.popleft()
                # One transaction per batch: still saved batch by batch, at an eighth of the commits.
                result.spans += sum(repo.replace_suggestions_many(list(zip((a.id for a in articles), future.result()))))
                result.articles += len(articles)
                result.cut += sum(len(a.text) > MAX_SUGGEST_CHARS for a in articles)
                progress(result.articles, total, f"suggested {result.articles} of {total} articles")
                if cancelled():
                    result.cancelled = True
                    for _, f in pending:
                        f.cancel()
                    break
    finally:
        _SERVICE = None
    return result
