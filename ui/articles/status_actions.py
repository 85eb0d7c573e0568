"""Article status actions (coded, skipped, flagged, in progress) as undoable commands, and the
automatic new -> in progress move when an article has been open for a moment.

Design choice: opening an article is not an edit, so new -> in_progress is automatic and NOT on
the undo stack (Ctrl+Z keeps meaning "undo my last edit"). It happens only once the article has
stayed open for IN_PROGRESS_DWELL_MS, so walking the list with the arrow keys does not flip every
article passed on the way. The status the coder sets by hand is always a SetStatusCommand."""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from storage.models import ArticleStatus
from storage.repository import Repository
from ui.actions import make_action
from ui.undo import SetStatusCommand, WorkspaceSignals

IN_PROGRESS_DWELL_MS = 1500


class StatusActions(QObject):
    """The Article menu's status entries. `current` gives the open article id;
    `go_next` moves to the next uncoded article (after coded/skip)."""

    def __init__(self, repo: Repository, undo_stack: QUndoStack, signals: WorkspaceSignals,
                 current: Callable[[], Optional[int]], go_next: Callable[[], object],
                 parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.undo_stack = undo_stack
        self.signals = signals
        self.current = current
        self.go_next = go_next
        self._dwell = QTimer(self)
        self._dwell.setSingleShot(True)
        self._dwell.setInterval(IN_PROGRESS_DWELL_MS)
        self._dwell.timeout.connect(self._mark_opened)
        self._dwell_article: Optional[int] = None

        self.coded_next = self._action("Mark coded and open next", "Ctrl+Return",
                                       lambda: self.set_status(ArticleStatus.CODED, then_next=True),
                                       "Done with this article: mark it coded and open the next uncoded one")
        self.coded_next.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.coded = self._action("Mark coded", "", lambda: self.set_status(ArticleStatus.CODED))
        self.skip = self._action("Skip (not relevant) and open next", "Ctrl+Shift+K",
                                 lambda: self.set_status(ArticleStatus.SKIPPED, then_next=True),
                                 "Nothing to code here: mark skipped and open the next uncoded one")
        self.flag = self._action("Flag for review", "Ctrl+Shift+F", lambda: self.set_status(ArticleStatus.FLAGGED),
                                 "Ask a colleague to look at this article; it stays open")
        self.in_progress = self._action("Mark in progress", "",
                                        lambda: self.set_status(ArticleStatus.IN_PROGRESS))
        self.new = self._action("Mark as new (unread)", "", lambda: self.set_status(ArticleStatus.NEW))

    def _action(self, text: str, shortcut: str, slot: Callable[[], object], tip: str = "") -> QAction:
        return make_action(self, text, shortcut, slot, tip, Qt.ShortcutContext.WindowShortcut)

    def actions(self) -> list[QAction]:
        return [self.coded_next, self.coded, self.skip, self.flag, self.in_progress, self.new]

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions():
            action.setEnabled(enabled)

    def set_status(self, status: str, then_next: bool = False) -> bool:
        """Push a SetStatusCommand for the open article (the DB changes at once)."""
        aid = self.current()
        if aid is None:
            return False
        status = ArticleStatus(status).value
        self._dwell.stop()  # the coder decided; the automatic move must not overwrite it
        article = self.repo.get_article(aid)
        if article is not None and article.status != status:
            self.undo_stack.push(SetStatusCommand(self.repo, self.signals, aid, status))
        if then_next:
            self.go_next()
        return True

    # ---- automatic new -> in progress -----------------------------------------------------
    def article_opened(self, article_id: Optional[int], status: Optional[str]) -> None:
        self._dwell.stop()
        self._dwell_article = article_id
        if article_id is not None and status == ArticleStatus.NEW.value:
            self._dwell.start()

    def _mark_opened(self) -> None:
        aid = self._dwell_article
        if aid is None or aid != self.current():
            return
        article = self.repo.get_article(aid)
        if article is not None and article.status == ArticleStatus.NEW.value:
            self.repo.set_status(aid, ArticleStatus.IN_PROGRESS.value)
            self.signals.articleChanged.emit(aid)

    def flush_pending(self) -> None:
        """Apply a pending automatic move now (tests; closing the window)."""
        if self._dwell.isActive():
            self._dwell.stop()
            self._mark_opened()


__all__ = ["StatusActions", "IN_PROGRESS_DWELL_MS"]
