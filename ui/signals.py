"""What the window's panels hear about edits (Change, WorkspaceSignals) and how an edit reaches
the window's writer: queued in order, the Change when it is stored, a failure told and its
command (with those queued after it) taken off the undo stack."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from storage.pending_ids import PendingIds
from storage.repository import Repository
from ui.writer import DatabaseWriter, WriteJob

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
    # What the article holds now, read off the GUI thread after the write (by the writer) or by
    # a reload's worker: key (a panel's, see WorkspaceSignals.add_fresh_read) -> its reading.
    # A panel whose key is here shows it without a database read on the GUI thread.
    fresh: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def touches(self, *parts: str) -> bool:
        return not self.parts.isdisjoint(parts)


# A panel's read for a change: (article id, parts) -> None (nothing to read for it) or
# (key, read) where read() runs on the writer's thread after the write and never touches Qt.
FreshRead = Callable[[int, frozenset[str]], Optional[tuple[str, Callable[[], Any]]]]


class WorkspaceSignals(QObject):
    """What the panels listen to after an edit hits the database. With a writer (the window's)
    edits are written on its thread and `changed` comes when the write is acknowledged; without
    one (tools, some tests) they are written at once on the caller's thread."""

    changed = Signal(object)  # a Change: that article's text/spans/events/status in the DB
    articlesChanged = Signal()  # the article list must reload (import, bulk status ...)
    writeFailed = Signal(str)  # an edit could not be saved: the message names file and reason
    retrying = Signal(str)  # a lost connection or a deadlock: the edit is being tried again
    # An edit is on its way to the database: (command, True for redo / False for undo). Panels
    # that can show its result before the write is acknowledged do so (the reader's highlights).
    previewed = Signal(object, bool)

    def __init__(self, parent: Optional[QObject] = None, writer: Optional[DatabaseWriter] = None,
                 undo_stack: Optional[QUndoStack] = None) -> None:
        super().__init__(parent)
        self.writer, self.undo_stack = writer, undo_stack
        # New events and highlights are shown and edited under temporary keys until stored.
        self.ids = PendingIds()
        self.dropping = False  # failed edits are being taken off the undo stack (not the coder's undo)
        self._parts: dict[int, set[str]] = {}
        self._fresh: dict[int, dict[str, Any]] = {}
        self._by_coder: dict[int, bool] = {}
        self._fresh_reads: list[FreshRead] = []
        self._drop_due = False

    def add_fresh_read(self, read: FreshRead) -> None:
        """A panel's re-read after a change, done by the writer right after the write: the
        Change brings its result (Change.fresh), so the GUI thread reads nothing."""
        self._fresh_reads.append(read)

    def reads_for(self, article_id: int, parts: frozenset[str]) -> Optional[Callable[[], dict[str, Any]]]:
        """The panels' reads for a change of these parts, as one function for another thread
        (None when no panel shows that article). A read that fails is left out: its panel
        reads for itself."""
        reads = [r for r in (fn(article_id, parts) for fn in self._fresh_reads) if r is not None]
        if not reads:
            return None

        def read() -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, fn in reads:
                try:
                    out[key] = fn()
                except Exception:
                    log.warning("reading %s after a write failed", key, exc_info=True)
            return out
        return read

    def _then_read(self, article_id: Optional[int], run: Callable[[], Any],
                   parts: frozenset[str]) -> Callable[[], Any]:
        """`run`, then the panels' reads of what it changed: (run's result, their readings)."""
        read = self.reads_for(article_id, parts) if article_id is not None else None

        def both() -> tuple[Any, Optional[dict[str, Any]]]:
            result = run()
            return result, (read() if read is not None and result is not False else None)
        return both

    def write(self, article_id: int, run: Callable[[], Any], parts: frozenset[str]) -> None:
        """A write outside the undo stack (the automatic new -> in progress), in order with the
        edits; the panels hear of it when it is stored. A failure is logged, not shown."""
        if self.writer is None:
            if run() is not False:
                self.changed.emit(Change(article_id, parts))
            return

        def written(job: WriteJob) -> None:
            if job.error is not None:
                log.error("automatic write failed", exc_info=job.error)
            result, fresh = job.result if job.ok else (None, None)
            # run() returning False wrote nothing (e.g. the status was no longer "new").
            self._note(article_id, frozenset() if result is False else parts, by_coder=False, fresh=fresh)

        self.writer.submit(self._then_read(article_id, run, parts), article_id, written)

    def in_order(self, run: Callable[[], Any], what: str = "a queued write",
                 failed: Optional[Callable[[], None]] = None,
                 stored: Optional[Callable[[], None]] = None) -> None:
        """Run `run` after every write queued so far (on the writer's thread when there is one).
        A failure is logged as `what`, and `failed()` is called on the GUI thread; `stored()`
        once it is written."""
        if self.writer is None:
            try:
                run()
            except Exception:
                log.exception("%s failed", what)
                if failed is not None:
                    failed()
                return
            if stored is not None:
                stored()
            return

        def done(job: WriteJob) -> None:
            if not job.ok:
                log.error("%s failed", what, exc_info=job.error)
                if failed is not None:
                    failed()
            elif stored is not None:
                stored()

        self.writer.submit(run, None, done)

    def write_edit(self, command: Any, step: Callable[[], Any], verb: str) -> None:
        """Queue an undo command's apply/revert; its Change (or its failure) comes when written."""
        assert self.writer is not None
        what, touches = command.text(), command.touches

        def written(job: WriteJob) -> None:
            owner = job.owner  # the command that survived a merge, when this one was merged into it
            if job in owner.jobs:
                owner.jobs.remove(job)
            owner.written(job.ok)
            if not job.ok:
                owner.setObsolete(True)
                self._drop_obsolete_soon()
            if job.error is not None:
                log.error("%s of %r failed", verb, what, exc_info=job.error)
                message = failure_message(owner.repo, what, verb, job.error)
                later = self.writer.pending() if self.writer is not None else 0
                if later:
                    message += (f" The {later} edit{'s' if later != 1 else ''} made after it and not saved yet "
                                "were not saved either; the window shows what the workspace holds.")
                self.writeFailed.emit(message)
            fresh = job.result[1] if job.ok else None
            self._note(job.article_id, touches, by_coder=True, fresh=fresh)

        run = self._then_read(command.article_id, step, touches)
        command.jobs.append(self.writer.submit(run, command.article_id, written, owner=command))

    def _note(self, article_id: Optional[int], parts: frozenset[str], by_coder: bool,
              fresh: Optional[Mapping[str, Any]] = None) -> None:
        """Tell the panels once the article's last queued write is stored: re-reading after an
        earlier one would take back, for a moment, what the later ones already show. The
        readings after each write are merged, the later ones winning."""
        if article_id is None:
            return
        touched_so_far = self._parts.setdefault(article_id, set())
        if parts:  # a write that changed nothing leaves what the earlier ones said standing
            if fresh is not None:
                # A later write re-read every panel its parts concern: its readings replace the
                # earlier ones; those it left alone still hold (what it changed is not theirs).
                self._fresh.setdefault(article_id, {}).update(fresh)
            else:  # failed or not read: the panels read for themselves
                self._fresh[article_id] = {}
            touched_so_far.update(parts)
            self._by_coder[article_id] = by_coder
        if self.writer is not None and self.writer.pending_for(article_id):
            return
        touched = frozenset(self._parts.pop(article_id))
        readings = self._fresh.pop(article_id, None)
        by = self._by_coder.pop(article_id, by_coder)
        if touched:
            self.changed.emit(Change(article_id, touched, by_coder=by, fresh=readings or {}))

    def _drop_obsolete_soon(self) -> None:
        if not self._drop_due:
            self._drop_due = True
            QTimer.singleShot(0, self._drop_obsolete)

    def _drop_obsolete(self) -> None:
        """Take failed (obsolete) commands off the stack around its index: QUndoStack deletes an
        obsolete command on undo/redo without running it. Later commands queued after a failure
        were dropped with it, so they sit next to it."""
        self._drop_due = False
        stack = self.undo_stack
        if stack is None:
            return
        self.dropping = True
        try:
            for i in range(stack.count()):
                command = stack.command(i)
                if not command.isObsolete() and _has_obsolete_child(command):
                    command.setObsolete(True)  # a macro with a failed step goes whole
            while True:
                index = stack.index()
                if index > 0 and stack.command(index - 1).isObsolete():
                    stack.undo()
                elif index < stack.count() and stack.command(index).isObsolete():
                    stack.redo()
                else:
                    break
        finally:
            self.dropping = False


def _has_obsolete_child(command: QUndoCommand) -> bool:
    return any(command.child(i).isObsolete() or _has_obsolete_child(command.child(i))
               for i in range(command.childCount()))


def failure_message(repo: Repository, what: str, verb: str, exc: BaseException) -> str:
    from storage.db import explain_error

    return (f"Could not {verb} \u201c{what}\u201d in {repo.location}: {explain_error(exc)}. "
            "Everything saved before this edit is kept.")


__all__ = ["Change", "EVENTS", "EVERYTHING", "FreshRead", "SPANS", "STATUS", "TEXT", "WorkspaceSignals", "failure_message"]
