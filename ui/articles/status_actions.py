"""Article status actions (coded, skipped, flagged, in progress) as undoable commands, and the
automatic new -> in progress move with the coder's first edit in an article.

Design choice: new -> in_progress is automatic and NOT on the undo stack (Ctrl+Z keeps meaning
"undo my last edit"). It happens with the first highlight decision or event edit, never on
opening: walking the list with the arrow keys leaves every article passed on the way new. The
status the coder sets by hand is always a SetStatusCommand."""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from storage.models import ArticleStatus
from storage.repository import Repository
from ui.actions import make_action
from ui.undo import EVENTS, SPANS, STATUS, Change, SetCoderStatusCommand, SetStatusCommand, WorkspaceSignals



class StatusActions(QObject):
    """The Article menu's status entries. `current` gives the open article id;
    `go_next` moves to the next uncoded article (after coded/skip). On an article assigned to
    `coder` (team coding) the status set is the coder's own."""

    def __init__(self, repo: Repository, undo_stack: QUndoStack, signals: WorkspaceSignals,
                 current: Callable[[], Optional[int]], go_next: Callable[[], object],
                 parent: Optional[QObject] = None, coder: Callable[[], Optional[str]] = lambda: None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.coder = coder
        self.undo_stack = undo_stack
        self.signals = signals
        self.current = current
        self.go_next = go_next
        self._checked: set[int] = set()  # articles whose status was read since it last changed
        signals.changed.connect(self._first_edit)

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
        return make_action(self, text, shortcut, slot, tip)  # the window (Qt's default context)

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
        coder = self.coder()
        own = self.repo.coder_status(aid, coder) if coder else None
        if own is not None:
            if own != status:
                self.undo_stack.push(SetCoderStatusCommand(self.repo, self.signals, aid, coder, status))  # type: ignore[arg-type]
        else:
            article = self.repo.get_article(aid)
            if article is not None and article.status != status:
                self.undo_stack.push(SetStatusCommand(self.repo, self.signals, aid, status,
                                                      expected_version=getattr(article, "version", None)))
        if then_next:
            self.go_next()
        return True

    # ---- automatic new -> in progress -----------------------------------------------------
    def _first_edit(self, change: Change) -> None:
        """The coder's first highlight or event edit in a new article moves it to "in progress"
        (not an undo step of its own). Opening or passing over an article leaves it new. The
        status is read and moved by the window's writer, in order with the edits: the GUI
        thread reads nothing, and asks once per article until its status changes again."""
        aid = change.article_id
        if change.touches(STATUS):
            self._checked.discard(aid)  # it may be new again (set by hand, undone, another program)
        if not change.by_coder or not change.touches(SPANS, EVENTS) or aid in self._checked:
            return
        self._checked.add(aid)
        repo, coder = self.repo, self.coder()

        def move() -> bool:  # the writer's thread: False when the article was not new
            own = repo.coder_status(aid, coder) if coder else None
            if own is not None:  # the coder's own status on an article assigned to them
                if own != ArticleStatus.NEW.value:
                    return False
                repo.set_coder_status(aid, coder, ArticleStatus.IN_PROGRESS.value)  # type: ignore[arg-type]
                return True
            article = repo.get_article(aid)
            if article is None or article.status != ArticleStatus.NEW.value:
                return False
            repo.set_status(aid, ArticleStatus.IN_PROGRESS.value)
            return True

        self.signals.write(aid, move, frozenset({STATUS}))


__all__ = ["StatusActions"]
