"""Learning from the coder: decisions become workspace patterns; rejections are remembered.
spaCy-free on purpose (the GUI calls it on the coder's keystrokes); the spaCy stage that
applies the patterns is coding.learned_stage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Protocol

ACCEPT, REJECT = "accept", "reject"
# A text+label rejected in this many different contexts is not suggested anywhere any more:
# the coder has said often enough that it is never wanted.
REJECT_EVERYWHERE_AFTER = 3
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_WORD_AFTER = re.compile(r"^\W*?(\w+)")


class SpanLike(Protocol):
    start: int
    end: int
    label: str


def context_of(text: str, start: int, end: int) -> str:
    """Where a span sits, independent of tokenization: the lowercase word before and after
    it ('in|on' for 'in Kursk on'). The GUI and the suggester compute it the same way."""
    before = _WORD_BEFORE.search(text[max(0, start - 60): start])
    after = _WORD_AFTER.search(text[end: end + 60])
    return f"{before.group(1).lower() if before else ''}|{after.group(1).lower() if after else ''}"


def record_decision(repo: Any, article_text: str, span: SpanLike, decision: str,
                    old_label: Optional[str] = None, coder: Optional[str] = None) -> None:
    """Teach the suggester what the coder decided about a span.
    accept/add: the text with its label is suggested in later articles; reject: not again
    in this context; relabel: the new label is learned and the old one rejected here."""
    text = article_text[span.start: span.end]
    if not text.strip():
        return
    if decision in ("accept", "add"):
        repo.learn(text, span.label, ACCEPT, "", coder=coder)
    elif decision == "reject":
        repo.learn(text, span.label, REJECT, context_of(article_text, span.start, span.end), coder=coder)
    elif decision == "relabel":
        repo.learn(text, span.label, ACCEPT, "", coder=coder)
        if old_label and old_label != span.label:
            repo.learn(text, old_label, REJECT, context_of(article_text, span.start, span.end), coder=coder)
    else:
        raise ValueError(f"unknown decision {decision!r} (accept, reject, add or relabel)")


def forget_decision(repo: Any, article_text: str, span: SpanLike, decision: str,
                    old_label: Optional[str] = None, coder: Optional[str] = None) -> None:
    """Undo record_decision with the same arguments (one count of the pattern goes away)."""
    text = article_text[span.start: span.end]
    if not text.strip():
        return
    context = context_of(article_text, span.start, span.end)
    if decision in ("accept", "add"):
        repo.unlearn_once(text, span.label, ACCEPT, "")
    elif decision == "reject":
        repo.unlearn_once(text, span.label, REJECT, context)
    elif decision == "relabel":
        repo.unlearn_once(text, span.label, ACCEPT, "")
        if old_label and old_label != span.label:
            repo.unlearn_once(text, old_label, REJECT, context)
    else:
        raise ValueError(f"unknown decision {decision!r} (accept, reject, add or relabel)")


@dataclass
class Rejections:
    """Suggestions the coder turned down: (text, label, context) triples."""

    exact: set[tuple[str, str, str]] = field(default_factory=set)
    everywhere: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def from_patterns(cls, patterns: Iterable[Any]) -> "Rejections":
        exact: set[tuple[str, str, str]] = set()
        contexts: dict[tuple[str, str], set[str]] = {}
        for p in patterns:
            if p.polarity != REJECT:
                continue
            exact.add((p.text, p.label, p.context))
            contexts.setdefault((p.text, p.label), set()).add(p.context)
        everywhere = {k for k, v in contexts.items() if len(v) >= REJECT_EVERYWHERE_AFTER or "" in v}
        return cls(exact, everywhere)

    def rejects(self, text: str, label: str, article_text: str, start: int, end: int) -> bool:
        if (text, label) in self.everywhere:
            return True
        if not self.exact:
            return False
        return (text, label, context_of(article_text, start, end)) in self.exact

    def __bool__(self) -> bool:
        return bool(self.exact or self.everywhere)
