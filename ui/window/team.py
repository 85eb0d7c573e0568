"""The window's team work: the Team menu's assignment dialog and blind mode, and File > Merge
workspaces; the dialogs' jobs run through the window's job controller, off the GUI thread."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from services.assign import assign_articles, assign_facts
from services.errors import UserError
from services.merge import MergeError, MergeResult, merge_workspaces
from storage.repository import Repository
from ui.actions import make_action
from ui.team.assign_dialog import AssignDialog, AssignRequest
from ui.team.merge_dialog import MergeDialog
from ui.window.team_windows import TeamWindows


def merge_for_window(repo: Repository, sources: Sequence[str], progress: Callable[[int, int, str], None],
                     cancelled: Callable[[], bool]) -> MergeResult:
    """merge_workspaces as a job: a source that cannot be merged is the user's to fix (told,
    not reported as a bug)."""
    try:
        return merge_workspaces(repo, sources, progress=progress, cancelled=cancelled)
    except MergeError as exc:
        raise UserError(str(exc)) from exc


class TeamActions(QObject):
    """Team > Assign articles…, Team > Blind double coding, File > Merge workspaces…, and the
    agreement report and adjudication windows (ui.window.team_windows).
    `window` is the main window (its repo, jobs, signals, status bar and open article)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.windows = TeamWindows(window)
        self.assign_dialog: Optional[AssignDialog] = None
        self.merge_dialog: Optional[MergeDialog] = None
        self.assign_action = make_action(window, "&Assign articles\u2026", "", self.assign,
                                         "Spread articles over coders, a share to two coders (double coding)")
        self.blind_action = make_action(window, "&Blind double coding", "", None,
                                        "On an article coded by two coders, each sees only their own events "
                                        "and highlight decisions until it is adjudicated")
        self.blind_action.setCheckable(True)
        self.blind_action.setChecked(window.repo.blind_mode)
        self.blind_action.toggled.connect(self.set_blind)
        # "My articles" / "All articles": the status bar counts follow the list.
        window.list_panel.show_combo.currentIndexChanged.connect(lambda *_: window.update_counts())

    # ---- the agreement report and adjudication (ui.window.team_windows) ---------------------
    @property
    def report(self) -> Any:
        return self.windows.report

    @property
    def adjudication(self) -> Any:
        return self.windows.adjudication

    def show_report(self) -> Any:
        return self.windows.show_report()

    def show_adjudication(self, article_id: Optional[int] = None, coder_a: str = "", coder_b: str = "") -> Any:
        return self.windows.show_adjudication(article_id, coder_a, coder_b)

    def actions(self) -> list[QAction]:
        return [self.assign_action, self.blind_action]

    def watch_menu(self, menu: QMenu) -> None:
        """Blind mode is the workspace's: another coder may have switched it; the menu says so."""
        menu.aboutToShow.connect(self.refresh)

    def refresh(self) -> None:
        self.blind_action.blockSignals(True)
        self.blind_action.setChecked(self.window.repo.blind_mode)
        self.blind_action.blockSignals(False)

    # ---- blind mode -----------------------------------------------------------------------
    def set_blind(self, on: bool) -> None:
        """Written by the window's writer, after the edits queued before it: the open article is
        shown again once it is stored (what it shows depends on it), and the menu goes back to
        what is stored if the workspace refuses it."""
        repo, status = self.window.repo, self.window.status

        def stored() -> None:
            self._reopen()
            status.showMessage(
                "Blind double coding on: on a double-coded article each coder sees only their own events and "
                "highlight decisions until it is adjudicated" if on else
                "Blind double coding off: every coder sees everyone's events and highlights", 8000)

        def failed() -> None:
            self.refresh()
            status.showMessage(f"Blind double coding could not be switched {'on' if on else 'off'}: the workspace "
                               "refused the write (the log says why)", 10000)

        self.window.signals.in_order(lambda: repo.set_blind_mode(on), "switching blind double coding", failed, stored)

    def _reopen(self) -> None:
        """What the coder may see of the open article changed: show it again."""
        aid = self.window.current_article_id()
        if aid is not None:
            self.window.open_article(aid)

    # ---- assignments ----------------------------------------------------------------------
    def assign(self) -> AssignDialog:
        jobs, repo = self.window.jobs, self.window.repo

        def start(req: AssignRequest) -> Any:
            return jobs.job("Assigning articles", assign_articles, repo, req.coders, req.overlap, req.seed,
                            req.only_unassigned)

        dialog = AssignDialog(lambda: jobs.job("Counting assignments", assign_facts, repo), start, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.assigned.connect(self._assigned)
        dialog.destroyed.connect(lambda: setattr(self, "assign_dialog", None))
        self.assign_dialog = dialog
        dialog.open()  # not exec(): no nested event loop while its jobs report back
        return dialog

    def _assigned(self, result: Any) -> None:
        self.window.signals.articlesChanged.emit()  # the list (a coder's own list appears) and the open article
        self.window.status.showMessage(result.describe()[:1].upper() + result.describe()[1:], 10000)

    # ---- merge ----------------------------------------------------------------------------
    def merge(self) -> MergeDialog:
        jobs, repo = self.window.jobs, self.window.repo
        dialog = MergeDialog(lambda sources: jobs.job("Merging workspaces", merge_for_window, repo, sources,
                                                      report_failure=False),
                             self.window.settings.last_folder, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._merged)
        dialog.destroyed.connect(lambda: setattr(self, "merge_dialog", None))
        self.merge_dialog = dialog
        dialog.open()
        return dialog

    def _merged(self, result: MergeResult) -> None:
        self.window.signals.articlesChanged.emit()
        n = sum(len(c.conflicts) for c in result.sources)
        self.window.status.showMessage(f"Merged {len(result.sources)} workspace(s)"
                                       + (f"; {n} conflict(s) listed in the merge window" if n else ""), 10000)


__all__ = ["TeamActions", "merge_for_window"]
