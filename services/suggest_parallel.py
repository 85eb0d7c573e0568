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
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import SimpleNamespace
from typing import Any, Iterator, Optional, Sequence

from coding.suggest import (
    MAX_SUGGEST_CHARS, SuggestionService, SuggestResult, pending_articles, run_suggestions,
)
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

BATCH = 8             # most articles per task
MIN_TASK = 2          # fewest (but for the last): nlp.pipe on one text at a time costs a quarter more
TASK_CHARS = 60_000   # ... and about this much text at most, so a few long articles do not stall the end
MIN_PARALLEL = 24     # fewer articles than this are not worth starting processes for
CANCEL_POLL_S = 0.5   # a cancel is seen this soon even while a long article is being suggested

# The worker's service: inherited on fork, loaded by _init on spawn.
_SERVICE: Optional[SuggestionService] = None


def _init(model_name: str, patterns: list[tuple[str, str, str, str]], parent: int) -> None:
    global _SERVICE
    _die_with(parent)
    _keep_freed_memory()
    if _SERVICE is None or _SERVICE.model_name != model_name:
        _SERVICE = SuggestionService(model_name)
        _SERVICE.set_patterns(SimpleNamespace(text=t, label=label, polarity=p, context=c)
                              for t, label, p, c in patterns)


def _keep_freed_memory() -> None:
    """glibc hands the memory a task frees back to the system and the next task faults it in
    again, page by page: in a forked worker, whose heap is the parent's copy-on-write, a quick
    run took 63,000 page faults a worker (0.43 s of system time for 10 s of work). Fixed
    thresholds keep it for the next task: 12,000 faults, 0.15 s. The worker ends with the job."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks below 32 MB come from the heap
        libc.mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD: keep up to 64 MB free at the heap's top
    except (OSError, AttributeError, TypeError):  # not glibc: its allocator's own defaults
        pass


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


def _suggest_task(texts: list[str]) -> list[list[tuple[int, int, str, str]]]:
    """A task's spans as plain (start, end, label, origin) tuples: what the saving process
    stores, at a fraction of a dataclass's pickling (the model's name and version it knows)."""
    assert _SERVICE is not None
    return [[(s.start, s.end, s.label, s.origin) for s in spans] for spans in _SERVICE.suggest_texts(texts)]


def _task_sizes(count: int, workers: int) -> Iterator[int]:
    """Articles per task: BATCH while there is plenty, then smaller (guided scheduling), so the
    workers run out of work together instead of one finishing a whole batch alone."""
    left = count
    while left > 0:
        size = min(left, BATCH, max(MIN_TASK, -(-left // (2 * workers))))
        yield size
        left -= size


def _tasks(repo: Any, ids: Sequence[int], workers: int) -> Iterator[list[tuple[int, str]]]:
    """The articles as tasks of (id, text), read a task at a time (one query each) and cut
    where a task would pass TASK_CHARS: a task's time follows its length, not its count."""
    pos = 0
    for size in _task_sizes(len(ids), workers):
        task: list[tuple[int, str]] = []
        chars = 0
        for article in repo.article_texts(ids[pos:pos + size]):
            if task and chars + len(article[1]) > TASK_CHARS:
                yield task
                task, chars = [], 0
            task.append(article)
            chars += len(article[1])
        if task:
            yield task
        pos += size


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
    (the one on screen), here, before the workers start."""
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
    name, version = service.model_name, service.model_version
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                                 initargs=(service.model_name, patterns, os.getpid())) as pool:
            # Tasks in article order; saved in that order, each run of finished ones in one transaction.
            pending: deque[tuple[list[tuple[int, str]], Future[list[list[tuple[int, int, str, str]]]]]] = deque()
            todo = _tasks(repo, ids, workers)
            more = True
            while True:
                if cancelled():
                    result.cancelled = bool(pending) or more
                    for _, f in pending:
                        f.cancel()
                    break
                # Keep every worker fed even while the oldest task is still running, with a bound on the
                # tasks held (finished or not) so the texts in memory stay bounded.
                while more and len(pending) < 4 * workers and sum(not f.done() for _, f in pending) < 2 * workers:
                    task = next(todo, None)
                    if task is None:
                        more = False
                        break
                    pending.append((task, pool.submit(_suggest_task, [text for _, text in task])))
                if not pending:
                    break
                if not pending[0][1].done():
                    # Woken by any task finishing (to feed its worker), or to look at cancel again.
                    wait([f for _, f in pending if not f.done()], timeout=CANCEL_POLL_S, return_when=FIRST_COMPLETED)
                    continue
                done: list[tuple[int, list[tuple[int, int, str, str]]]] = []
                while pending and pending[0][1].done():
                    task, future = pending.popleft()
                    done.extend(zip((i for i, _ in task), future.result()))
                    result.cut += sum(len(text) > MAX_SUGGEST_CHARS for _, text in task)
                result.spans += sum(repo.replace_suggested_rows(done, name, version))
                result.articles += len(done)
                progress(result.articles, total, f"suggested {result.articles} of {total} articles")
    finally:
        _SERVICE = None
    return result
