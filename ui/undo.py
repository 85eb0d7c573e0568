"""Undoable edits: each is a QUndoCommand whose apply/revert are repository calls, each committed
at once by the window's one writer (ui.writer), in the order they were done on screen."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Optional

from PySide6.QtGui import QUndoCommand

from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import Repository
from ui.signals import (EVENTS, EVERYTHING, SPANS, STATUS, TEXT, Change, WorkspaceSignals,  # re-exported
                        failure_message)
from ui.writer import WriteJob

log = logging.getLogger(__name__)


class EditCommand(QUndoCommand):
    """Base of every edit. Subclasses implement apply() and revert() with repository calls;
    redo()/undo() run them (on the window's writer thread, in order) and tell the panels which
    article changed, and which of its parts, when the write is stored."""

    touches: frozenset[str] = EVERYTHING

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.signals = signals
        self.article_id = article_id
        self.jobs: list[WriteJob] = []  # queued and not yet acknowledged
        # Told (GUI thread) each time a write of this command is stored (True) or failed or dropped.
        self.on_written: Optional[Callable[["EditCommand", bool], None]] = None

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self.apply, "save", True)

    def undo(self) -> None:
        self._run(self.revert, "undo", False)

    def _run(self, step, verb: str, forward: bool) -> None:  # type: ignore[no-untyped-def]
        """Run apply/revert. If the database refuses (disk full, read-only, damaged, a conflict),
        the command is made obsolete so QUndoStack drops it: a failed edit must never stay on the
        stack, where a later undo/redo would replay half of it. The panels reload what the
        database really holds and the window tells the coder."""
        self.signals.previewed.emit(self, forward)
        if self.signals.writer is not None:
            self.signals.write_edit(self, step, verb)
            return
        try:
            step()
        except Exception as exc:  # a failed write must not take the window down
            log.exception("%s of %r failed", verb, self.text())
            self.setObsolete(True)
            self.written(False)
            self.signals.writeFailed.emit(failure_message(self.repo, self.text(), verb, exc))
        else:
            self.written(True)
        self.signals.changed.emit(Change(self.article_id, self.touches, by_coder=True))

    def written(self, ok: bool) -> None:
        """A write of this command was stored (ok) or failed or was dropped (GUI thread).
        Subclasses that override it call this too."""
        if self.on_written is not None:
            self.on_written(self, ok)

    def take_over(self, other: "EditCommand") -> None:
        """`other` is merged into this command (and deleted by the stack): its writes still in
        the queue report to this one."""
        for job in other.jobs:
            job.owner = self
        self.jobs.extend(other.jobs)
        other.jobs = []

    def wait_written(self, timeout: float = 60.0) -> bool:
        """Block until this command's writes are stored: only for the few edits whose result the
        screen needs at once (a new event's or span's id). True when they were stored."""
        writer = self.signals.writer
        if writer is None:
            return not self.isObsolete()
        jobs = list(self.jobs)
        for job in jobs:
            writer.wait_for(job, timeout)
        return all(job.ok for job in jobs)


# ---- learning hook ------------------------------------------------------------------------
# Learning reads the span's text and the word on each side (coding.learned.context_of looks
# 60 characters away): a command keeps this much of the article around its span, not the whole
# text, so a long session's undo stack does not hold every article visited.
LEARNING_CONTEXT = 80
# Steps the undo stack keeps (each holds a few KB): a day's coding is far fewer undos than this.
UNDO_LIMIT = 1000


@dataclass(frozen=True)
class _Shifted:
    """A span's position inside the piece of text a command kept (coding.learned.SpanLike)."""

    start: int
    end: int
    label: str
    id: Optional[int]


def _teach(fn_name: str, repo: Repository, article_text: Optional[str], span: EntitySpan,
           decision: str, old_label: Optional[str], coder: Optional[str], offset: int = 0) -> None:
    """Call coding.learned.record_decision / forget_decision. Looked up at call time (tests
    swap the module); a learning failure is logged and the coder's edit stands. `article_text`
    may be a piece of the article starting at `offset`."""
    if article_text is None:
        return
    try:
        from coding import learned

        where = _Shifted(span.start - offset, span.end - offset, span.label, span.id) if offset else span
        getattr(learned, fn_name)(repo, article_text, where, decision, old_label=old_label, coder=coder)
    except Exception:
        log.exception("coding.learned.%s failed for span %s", fn_name, span.id)


def detached(span: EntitySpan, row_id: Optional[int] = None) -> EntitySpan:
    """A plain copy of a span row, free of any session (model_copy would share ORM state);
    `row_id`: under that id."""
    copy = EntitySpan(**span.model_dump())
    if row_id is not None:
        copy.id = row_id
    return copy


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
        # Only the text around the span (LEARNING_CONTEXT): enough for learning, a few hundred bytes.
        self._offset = max(0, span.start - LEARNING_CONTEXT)
        self.article_text = article_text[self._offset: span.end + LEARNING_CONTEXT] if article_text else article_text
        self.old_label: Optional[str] = None
        # The version the coder saw: checked on the first apply only (another coder's change
        # since is a conflict, not overwritten); undo and redo are this coder's own steps.
        self._expected: Optional[int] = getattr(span, "version", None) if span.id is not None else None
        self._before = {"state": span.state, "label": span.label}  # as shown when the coder acted

    def preview(self, forward: bool) -> Optional[dict[str, Any]]:
        """How the span looks once this step is stored, for a panel to show before that
        (None: nothing to show until then; {"gone": True}: it disappears)."""
        return None

    def _row_id(self) -> int:
        """The span's row id (writer thread): a highlight added in this window and named by its
        temporary key is the row its insert made (storage.pending_ids)."""
        return self.signals.ids.resolve(self.span.id)  # type: ignore[arg-type]

    def _expected_once(self) -> Optional[int]:
        expected, self._expected = self._expected, None
        return expected

    # True when applying the command takes a decision back (restoring a rejected span):
    # apply forgets, revert records again.
    unlearns: bool = False

    def _learn(self) -> None:
        if self.decision:
            _teach("forget_decision" if self.unlearns else "record_decision", self.repo,
                   self.article_text, self.span, self.decision, self.old_label, self.coder, self._offset)

    def _forget(self) -> None:
        if self.decision:
            _teach("record_decision" if self.unlearns else "forget_decision", self.repo,
                   self.article_text, self.span, self.decision, self.old_label, self.coder, self._offset)

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
        row_id = self._row_id()
        new_id, previous = self.repo.decide_span(row_id, self.coder, **mine)
        if new_id != row_id:
            self._copy_id = new_id
        return previous

    def _revert_blind(self, previous: dict[str, Any]) -> None:
        if self._copy_id is not None:
            self._copy = self.repo.delete_span(self._copy_id)
        else:
            self.repo.update_span(self._row_id(), **previous)


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

    def preview(self, forward: bool) -> Optional[dict[str, Any]]:
        return {"state": self.state} if forward else dict(self._before)

    def apply(self) -> None:
        changes: dict[str, Any] = {"state": self.state}
        if self.coder:
            changes["coder"] = self.coder
        blind = self._decide_blind(changes)
        self.previous = blind if blind is not None else \
            self.repo.update_span(self._row_id(), self._expected_once(), **changes)
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

    def preview(self, forward: bool) -> Optional[dict[str, Any]]:
        return {"label": self.label, "state": SpanState.ACCEPTED.value} if forward else dict(self._before)

    def apply(self) -> None:
        changes: dict[str, Any] = {"label": self.label, "state": SpanState.ACCEPTED.value}
        if self.coder:
            changes["coder"] = self.coder
        blind = self._decide_blind(changes)
        self.previous = blind if blind is not None else \
            self.repo.update_span(self._row_id(), self._expected_once(), **changes)
        self.span.label, self.span.state = self.label, SpanState.ACCEPTED.value
        self._learn()

    def revert(self) -> None:
        self._forget()
        self._revert_blind(self.previous)
        self.span.label = self.previous.get("label", self.span.label)
        self.span.state = self.previous.get("state", self.span.state)


class AddSpanCommand(_SpanCommand):
    """A span the coder marked by hand (accepted). It is shown at once under a temporary key
    (storage.pending_ids) that edits queued before its insert name; the writer gives them the
    row's id. Redo after undo puts back the same row id, so later commands keep working."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, start: int,
                 end: int, label: str, coder: Optional[str] = None,
                 article_text: Optional[str] = None) -> None:
        span = EntitySpan(article_id=article_id, start=start, end=end, label=label,
                          origin=SpanOrigin.CODER.value, state=SpanState.ACCEPTED.value, coder=coder)
        span.id = signals.ids.new()
        super().__init__(repo, signals, span, f"Add {label}", coder, article_text)
        self.key = span.id
        self.decision = "add"
        self._saved: Optional[EntitySpan] = None

    def preview(self, forward: bool) -> Optional[dict[str, Any]]:
        return {"added": True} if forward else {"gone": True}

    def apply(self) -> None:
        if self._saved is None:
            row = detached(self.span)
            row.id = None  # the database gives the id; the key stays what the screen knows it by
            added = self.repo.add_span(row)
            self.signals.ids.stored(self.key, int(added.id))  # type: ignore[arg-type]
            self.span = detached(added)
        else:
            self.span = detached(self.repo.restore_span(self._saved))
        self._learn()

    def revert(self) -> None:
        self._forget()
        row_id = self._row_id()
        self._saved = self.repo.delete_span(row_id) or detached(self.span, row_id)

    def written(self, ok: bool) -> None:
        super().written(ok)
        self.signals.ids.heard(self.key)  # the reader may now drop what it showed under the key


class DeleteSpanCommand(_SpanCommand):
    """Remove a span; undo restores the same row (same id, label, state, origin)."""

    def __init__(self, repo: Repository, signals: WorkspaceSignals, span: EntitySpan,
                 coder: Optional[str] = None, article_text: Optional[str] = None) -> None:
        super().__init__(repo, signals, span, f"Delete {span.label}", coder, article_text)
        self._saved: Optional[EntitySpan] = None
        self.previous: Optional[dict[str, Any]] = None  # set when blind mode made it a rejection

    def preview(self, forward: bool) -> Optional[dict[str, Any]]:
        return {"gone": True} if forward else None

    def apply(self) -> None:
        if self.span.coder != self.coder:
            # Blind mode: deleting a highlight that is not this coder's own is their rejection
            # of it; the other coder's decision (or the shared suggestion) stays.
            self.previous = self._decide_blind({"state": SpanState.REJECTED.value})
            if self.previous is not None:
                return
        row_id = self._row_id()
        self._saved = self.repo.delete_span(row_id, self._expected_once()) or detached(self.span, row_id)

    def revert(self) -> None:
        if self.previous is not None:
            self._revert_blind(self.previous)
        elif self._saved is not None:
            self.repo.restore_span(self._saved)


class SetStatusCommand(EditCommand):
    """Move an article to another status (coded, skipped, flagged ...)."""

    touches = frozenset({STATUS})

    def __init__(self, repo: Repository, signals: WorkspaceSignals, article_id: int, status: str,
                 text: Optional[str] = None, expected_version: Optional[int] = None) -> None:
        super().__init__(repo, signals, article_id, text or f"Mark {status.replace('_', ' ')}")
        self.status = status
        self.previous: Optional[str] = None
        # The article's version the coder saw: checked on the first apply only, like span edits.
        self._expected = expected_version

    def apply(self) -> None:
        expected, self._expected = self._expected, None
        self.previous = self.repo.set_status(self.article_id, self.status, expected)

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
    "EVENTS", "STATUS", "UNDO_LIMIT",
]
