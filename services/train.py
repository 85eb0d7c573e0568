"""`train`: a spaCy NER trained on this workspace's coded spans, scored per label before and
after on held-out articles, saved by name in the user data folder for `suggest --model NAME`."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from sqlmodel import col, or_, select

from storage.db import read_session
from storage.models import Article, EntitySpan, SpanOrigin, SpanState
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

MIN_ARTICLES = 5  # fewer coded articles teach nothing and leave nothing to test on
HELD_OUT_SHARE = 0.2
SEED = 13
EPOCHS = 20


class TrainRefused(Exception):
    """Training cannot start (too few coded articles, a bad name, an unknown base): one line."""


@dataclass
class TrainResult:
    name: str
    path: Optional[Path]
    base: str
    labels: list[str]
    train_articles: int
    held_out_articles: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    epochs: int = 0
    seconds: float = 0.0
    stopped_by: str = "epochs"

    @property
    def cancelled(self) -> bool:
        return self.stopped_by == "cancelled"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path) if self.path else None, "base": self.base,
                "labels": self.labels, "train_articles": self.train_articles,
                "held_out_articles": self.held_out_articles, "epochs": self.epochs,
                "seconds": round(self.seconds, 1), "stopped_by": self.stopped_by,
                "before": self.before, "after": self.after}

    def describe(self) -> str:
        if self.cancelled:
            return f"training cancelled after {self.seconds:.0f} s; nothing saved"
        lines = [f"trained '{self.name}' from {self.base} on {self.train_articles} articles "
                 f"({self.epochs} epochs, {self.seconds:.0f} s, stopped by {self.stopped_by}); "
                 f"held out {self.held_out_articles} articles:",
                 f"  {'label':14} {'before P/R/F1':>20}  {'after P/R/F1':>20}  gold"]
        for label in [*self.labels, "all"]:
            b, a = self.before.get(label, {}), self.after.get(label, {})
            lines.append(f"  {label:14} {_prf(b):>20}  {_prf(a):>20}  {a.get('gold', 0)}")
        lines.append(f"saved to {self.path}; use it with: suggest --model {self.name}")
        return "\n".join(lines)


def _prf(s: dict[str, Any]) -> str:
    return f"{s.get('precision', 0):.2f}/{s.get('recall', 0):.2f}/{s.get('f1', 0):.2f}"


def coded_articles(repo: Any) -> list[Any]:
    """Articles with accepted or coder-added spans, with their accepted and rejected spans."""
    from coding.ner_train import CodedArticle

    with read_session(repo.engine) as s:
        kept = or_(EntitySpan.state == SpanState.ACCEPTED.value, EntitySpan.origin == SpanOrigin.CODER.value)
        ids = sorted(set(s.exec(select(EntitySpan.article_id).where(kept, EntitySpan.state
                                                                     != SpanState.REJECTED.value)).all()))
    articles: list[CodedArticle] = []
    for i in range(0, len(ids), 200):
        part = ids[i: i + 200]
        with read_session(repo.engine) as s:
            texts = dict(s.exec(select(Article.id, Article.text).where(col(Article.id).in_(part))).all())
            spans = s.exec(select(EntitySpan).where(col(EntitySpan.article_id).in_(part))).all()
            by_article: dict[int, CodedArticle] = {aid: CodedArticle(aid, texts[aid]) for aid in part if aid in texts}
            for sp in spans:
                art = by_article.get(sp.article_id)
                if art is None or not 0 <= sp.start < sp.end <= len(art.text):
                    continue
                if sp.state == SpanState.REJECTED.value:
                    art.rejected.append((sp.start, sp.end, sp.label))
                elif sp.state == SpanState.ACCEPTED.value or sp.origin == SpanOrigin.CODER.value:
                    art.accepted.append((sp.start, sp.end, sp.label))
        articles.extend(by_article.values())
    return articles


def default_name(repo: Any) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(repo.path).stem).strip("._-") or "workspace"
    return f"trained_{stem}"[:64]


def _load_base(base: str) -> Any:
    import spacy

    from coding.trained import trained_path

    try:
        nlp = spacy.load(trained_path(base) or base)
    except (OSError, ImportError) as exc:
        from coding.suggest import installed_pipelines

        raise TrainRefused(f"spaCy pipeline '{base}' is not installed "
                           f"(installed: {', '.join(installed_pipelines()) or 'none'})") from exc
    if "ner" not in nlp.pipe_names:
        raise TrainRefused(f"spaCy pipeline '{base}' has no 'ner' component to train")
    return nlp


def train_workspace(repo: Any, base: Optional[str] = None, name: Optional[str] = None,
                    max_minutes: float = 10.0, epochs: int = EPOCHS, seed: int = SEED,
                    min_articles: int = MIN_ARTICLES, progress: ProgressFn = no_progress,
                    cancelled: CancelFn = never_cancel) -> TrainResult:
    """Train, score before/after on the held-out articles, and save (unless cancelled)."""
    from coding.ner_train import make_examples, score, split_articles, train_ner
    from coding.suggest import DEFAULT_MODEL, forget_pipeline
    from coding.trained import models_dir, valid_name

    base = base or DEFAULT_MODEL
    name = name or default_name(repo)
    if not valid_name(name):
        raise TrainRefused(f"'{name}' cannot name a pipeline: use letters, digits, '_', '-' or '.'")
    if name == base:
        raise TrainRefused(f"'{name}' is the base pipeline's name: choose another --name")
    if max_minutes <= 0:
        raise TrainRefused("--max-minutes must be more than 0")
    articles = coded_articles(repo)
    if len(articles) < min_articles:
        raise TrainRefused(f"too few coded articles to learn from: {len(articles)} have accepted spans, "
                           f"training needs at least {min_articles} (some are kept out to test on)")
    train, held = split_articles(articles, seed, HELD_OUT_SHARE)
    labels = sorted({label for a in train for _s, _e, label in a.accepted})
    progress(0, 0, f"loading {base}")
    nlp = _load_base(base)
    before = score(nlp, held, labels)
    examples = make_examples(nlp, train)
    stats = train_ner(nlp, examples, labels, epochs, max_minutes * 60, seed, progress, cancelled)
    result = TrainResult(name, None, base, labels, len(train), len(held), {k: v.as_dict() for k, v in before.items()},
                         epochs=stats.epochs, seconds=stats.seconds, stopped_by=stats.stopped_by)
    if stats.stopped_by == "cancelled" or cancelled():
        result.stopped_by = "cancelled"
        return result
    result.after = {k: v.as_dict() for k, v in score(nlp, held, labels).items()}
    nlp.meta["name"] = name
    nlp.meta["version"] = dt.datetime.now(dt.timezone.utc).strftime("%Y.%m.%d")
    nlp.meta["description"] = f"{base} with its NER trained on a Chronicler workspace"
    nlp.meta["chronicler"] = {"base": base, "workspace": Path(repo.path).name, "labels": labels,
                              "held_out": result.after, "held_out_before": result.before, "seed": seed}
    result.path = _save(nlp, models_dir(), name)
    forget_pipeline(name)
    return result


def _save(nlp: Any, folder: Path, name: str) -> Path:
    """Written beside, then swapped in: a failed save leaves the previous pipeline whole."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".{name}.{int(time.time() * 1000)}.part"
    try:
        nlp.to_disk(tmp)
        if target.exists():
            old = folder / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
