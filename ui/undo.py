"""Undoable edits: each is a QUndoCommand whose apply/revert are repository calls, committed at once."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Optional

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import Repository

log = logging.getLogger(__name__)


TEXT, SPANS, EVENTS, STATUS = "text", "spans", "events", "status"
EVERYTHING = frozenset({TEXT, SPANS, EVENTS, STATUS})


@dataclass(frozen=True)
class Change:
    """What changed in one article, so each panel re-reads only its part: saving one field of
    an event must not make the reader re-read and redraw the whole article."""

    article_id: int
    parts: frozenset[str] = EVERYTHING
    by_coder: bool = False  # an edit of the coder's in this window (not a reload, not the suggester)

    def touches(self, *parts: str) -> bool:
        return not self.parts.isdisjoint(parts)


class WorkspaceSignals(QObject):
    """What the panels listen to after an edit hits the database."""

    changed = Signal(object)  # a Change: that article's text/spans/events/status in the DB
    articlesChanged = Signal()  # the article list must reload (import, bulk status ...)
    writeFailed = Signal(str)  # an edit could not be saved: the message names file and reason
    retrying = Signal(str)  # a lost connection or a deadlock: the edit is being tried again


class EditCommand(QUndoCommand):
    """Base of every edit. Subclasses implement apply() and revert() with repository calls;
    redo()/undo() run them and tell the panels which article changed, and which of its parts."""

    touches: frozenset[str] = EVERYTHING

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.signals = signals
        self.article_id = article_id

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self.apply, "save")

    def undo(self) -> None:
        self._run(self.revert, "undo")

    def _run(self, step, verb: str) -> None:  # type: ignore[no-untyped-def]
        """Run apply/revert. If the database refuses (disk full, read-only, damaged), the
        command is made obsolete so QUndoStack drops it: a failed edit must never stay on the
        stack, where a later undo/redo would replay half of it. The panels reload what the
        database really holds and the window tells the coder."""
        try:
            step()
        except Exception as exc:  # a failed write must not take the window down
            log.exception("%s of %r failed", verb, self.text())
            self.setObsolete(True)
            self.signals.writeFailed.emit(_failure_message(self.repo, self.text(), verb, exc))
        self.signals.changed.emit(Change(self.article_id, self.touches, by_coder=True))


def _failure_message(repo: Repository, what: str, verb: str, exc: BaseException) -> str:
    from storage.db import explain_error

    return (f"Could not {verb} \u201c{what}\u201d in {repo.location}: {explain_error(exc)}. "
            "Everything saved before this edit is kept.")


# ---- learning hook ------------------------------------------------------------------------
def _teach(fn_name: str, repo: Repository, article_text: Optional[str], span: EntitySpan,
           decision: str, old_label: Optional[str], coder: Optional[str]) -> None:
    """Call coding.learned.record_decision / forget_decision. Looked up at call time (tests
    swap the module); a learning failure is logged and the coder's edit stands."""
    if article_text is None:
        return
    try:
        from coding import learned

        getattr(learned, fn_name)(repo, article_text, span, decision, old_label=old_label, coder=coder)
    except Exception:
        log.exception("coding.learned.%s failed for span %s", fn_name, span.id)


def detached(span: EntitySpan) -> EntitySpan:
    """A plain copy of a span row, free of any session (model_copy would share ORM state)."""
    return EntitySpan(**span.model_dump())


class _SpanCommand(EditCommand):
    """A span edit that also teaches the suggester (record on apply, forget on revert)
    when the article text is given."""

    decision: str = ""
    touches = frozenset({SPANS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, span: EntitySpan, text: str,
                 coder: Optional[str] = None, article_text: Optional[str] = None) -> None:
        super().__init__(repo, signals, span.article_id, text)
        self.span = detached(span)
        self.coder = coder
        self.article_text = article_text
        self.old_label: Optional[str] = None
        # The version the coder saw: checked on the first apply only (another coder's change
        # since is a conflict, not overwritten); undo and redo are this coder's own steps.
        self._expected: Optional[int] = getattr(span, "version", None) if span.id is not None else None

    def _expected_once(self) -> Optional[int]:
        expected, self._expected = self._expected, None
        return expected

    # True when applying the command takes a decision back (restoring a rejected span):
    # apply forgets, revert records again.
    unlearns: bool = False

    def _learn(self) -> None:
        if self.decision:
            _teach("forget_decision" if self.unlearns else "record_decision", self.repo,
                   self.article_text, self.span, self.decision, self.old_label, self.coder)

    def _forget(self) -> None:
        if self.decision:
            _teach("record_decision" if self.unlearns else "forget_decision", self.repo,
                   self.article_text, self.span, self.decision, self.old_label, self.coder)

    # Blind double coding: a decision on a span that is not this coder's own goes on a copy of
    # their own (TeamsMixin.decide_span), never over the other coder's; undo deletes the copy
    # and redo puts the same row back.
    _copy_id: Optional[int] = None
    _copy: Optional[EntitySpan] = None

    def _decide_blind(self, changes: dict[str, Any]) -> Optional[dict[str, Any]]:
        """Apply `changes` as this coder's own decision when blind mode hides the others' on
        this article: returns the previous values to revert ({} when a copy was made), or None
        when blind mode is not in force here (the caller takes the usual path)."""
        if self._copy is not None:
            self.repo.restore_span(self._copy)
            return {}
        if not self.coder or not self.repo.hides_others(self.article_id, self.coder):
            return None
        self._expected_once()
        mine = {k: v for k, v in changes.items() if k != "coder"}
        new_id, previous = self.repo.decide_span(self.span.id, self.coder, **mine)  # type: ignore[arg-type]
        if new_id != self.span.id:
            self._copy_id = new_id
        return previous

    def _revert_blind(self, previous: dict[str, Any]) -> None:
        if self._copy_id is not None:
            self._copy = self.repo.delete_span(self._copy_id)
        else:
            self.repo.update_span(self.span.id, **previous)  # type: ignore[arg-type]


class SetSpanStateCommand(_SpanCommand):
    """Accept, reject or restore (back to suggested) one span."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, span: EntitySpan, state: str,
                 coder: Optional[str] = None, article_text: Optional[str] = None) -> None:
        state = SpanState(state).value
        names = {"accepted": "Accept", "rejected": "Reject", "suggested": "Restore"}
        super().__init__(repo, signals, span, f"{names[state]} {span.label}", coder, article_text)
        self.state = state
        self.decision = {"accepted": "accept", "rejected": "reject"}.get(state, "")
        if state == SpanState.SUGGESTED.value and span.state == SpanState.REJECTED.value:
            # Restoring a rejected span takes the rejection back (and undo teaches it again).
            self.decision, self.unlearns = "reject", True
        self.previous: dict[str, Any] = {}

    def apply(self) -> None:
        changes: dict[str, Any] = {"state": self.state}
        if self.coder:
            changes["coder"] = self.coder
        blind = self._decide_blind(changes)
        self.previous = blind if blind is not None else \
            self.repo.update_span(self.span.id, self._expected_once(), **changes)  # type: ignore[arg-type]
        self.span.state = self.state
        self._learn()

    def revert(self) -> None:
        self._forget()
        self._revert_blind(self.previous)
        self.span.state = self.previous.get("state", self.span.state)


class RelabelSpanCommand(_SpanCommand):
    """Give a span another label; the coder chose it, so it is accepted too."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, span: EntitySpan, label: str,
                 coder: Optional[str] = None, article_text: Optional[str] = None) -> None:
        super().__init__(repo, signals, span, f"Relabel {span.label} as {label}", coder, article_text)
        self.label = label
        self.old_label = span.label
        self.decision = "relabel"
        self.previous: dict[str, Any] = {}

    def apply(self) -> None:
        changes: dict[str, Any] = {"label": self.label, "state": SpanState.ACCEPTED.value}
        if self.coder:
            changes["coder"] = self.coder
        blind = self._decide_blind(changes)
        self.previous = blind if blind is not None else \
            self.repo.update_span(self.span.id, self._expected_once(), **changes)  # type: ignore[arg-type]
        self.span.label, self.span.state = self.label, SpanState.ACCEPTED.value
        self._learn()

    def revert(self) -> None:
        self._forget()
        self._revert_blind(self.previous)
        self.span.label = self.previous.get("label", self.span.label)
        self.span.state = self.previous.get("state", self.span.state)


class AddSpanCommand(_SpanCommand):
    """A span the coder marked by hand (accepted). Redo after undo puts back the same row id,
    so later commands that refer to it keep working."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, start: int,
                 end: int, label: str, coder: Optional[str] = None,
                 article_text: Optional[str] = None) -> None:
        span = EntitySpan(article_id=article_id, start=start, end=end, label=label,
                          origin=SpanOrigin.CODER.value, state=SpanState.ACCEPTED.value, coder=coder)
        super().__init__(repo, signals, span, f"Add {label}", coder, article_text)
        self.decision = "add"
        self._saved: Optional[EntitySpan] = None

    def apply(self) -> None:
        if self._saved is None:
            self.span = detached(self.repo.add_span(detached(self.span)))
        else:
            self.span = detached(self.repo.restore_span(self._saved))
        self._learn()

    def revert(self) -> None:
        self._forget()
        self._saved = self.repo.delete_span(self.span.id) or self.span  # type: ignore[arg-type]


class DeleteSpanCommand(_SpanCommand):
    """Remove a span; undo restores the same row (same id, label, state, origin)."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, span: EntitySpan,
                 coder: Optional[str] = None, article_text: Optional[str] = None) -> None:
        super().__init__(repo, signals, span, f"Delete {span.label}", coder, article_text)
        self._saved: Optional[EntitySpan] = None
        self.previous: Optional[dict[str, Any]] = None  # set when blind mode made it a rejection

    def apply(self) -> None:
        if self.span.coder != self.coder:
            # Blind mode: deleting a highlight that is not this coder's own is their rejection
            # of it; the other coder's decision (or the shared suggestion) stays.
            self.previous = self._decide_blind({"state": SpanState.REJECTED.value})
            if self.previous is not None:
                return
        self._saved = self.repo.delete_span(self.span.id, self._expected_once()) or self.span  # type: ignore[arg-type]

    def revert(self) -> None:
        if self.previous is not None:
            self._revert_blind(self.previous)
        elif self._saved is not None:
            self.repo.restore_span(self._saved)


class SetStatusCommand(EditCommand):
    """Move an article to another status (coded, skipped, flagged ...)."""

    touches = frozenset({STATUS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, status: str,
                 text: Optional[str] = None) -> None:
        super().__init__(repo, signals, article_id, text or f"Mark {status.replace('_', ' ')}")
        self.status = status
        self.previous: Optional[str] = None

    def apply(self) -> None:
        self.previous = self.repo.set_status(self.article_id, self.status)

    def revert(self) -> None:
        if self.previous is not None:
            self.repo.set_status(self.article_id, self.previous)


class SetCoderStatusCommand(EditCommand):
    """Move the coder's own status for an article assigned to them (team coding): the
    article's overall status follows from its coders' (TeamsMixin.set_coder_status)."""

    touches = frozenset({STATUS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, coder: str,
                 status: str) -> None:
        super().__init__(repo, signals, article_id, f"Mark {status.replace('_', ' ')}")
        self.coder, self.status = coder, status
        self.previous: Optional[str] = None

    def apply(self) -> None:
        self.previous = self.repo.set_coder_status(self.article_id, self.coder, self.status)

    def revert(self) -> None:
        if self.previous is None:  # it was not assigned to them before: it is not again
            self.repo.unassign(self.article_id, self.coder)
        else:
            self.repo.set_coder_status(self.article_id, self.coder, self.previous)


__all__ = [
    "SetCoderStatusCommand",
    "AddSpanCommand", "DeleteSpanCommand", "EditCommand", "RelabelSpanCommand",
    "SetSpanStateCommand", "SetStatusCommand", "WorkspaceSignals", "Change", "EVERYTHING", "TEXT", "SPANS",
    "EVENTS", "STATUS",
]
