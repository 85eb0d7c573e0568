"""The main window's team windows (agreement report, adjudication): made on first use, kept
while the window lives (their undo steps refer to them), wired to each other here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from ui.team.adjudication_view import AdjudicationWindow
    from ui.team.report_window import AgreementReportWindow


class TeamWindows:
    """Opens the report and the adjudication view of the window's workspace."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.report: Optional[AgreementReportWindow] = None
        self.adjudication: Optional[AdjudicationWindow] = None

    def show_report(self) -> AgreementReportWindow:
        """Team > Agreement report: computed afresh each time it is asked for."""
        from ui.team.report_window import AgreementReportWindow

        if self.report is None:
            self.report = AgreementReportWindow(self.window.repo, self.window.jobs.job, self.window, viewer=self.window.coder)
            self.report.adjudicateRequested.connect(self.show_adjudication)
        self.report.show()
        self.report.raise_()
        self.report.activateWindow()
        self.report.compute()
        return self.report

    def show_adjudication(self, article_id: Optional[int] = None, coder_a: str = "",
                          coder_b: str = "") -> AdjudicationWindow:
        """Team > Adjudicate article (the open article when it has two coders), or a
        disagreement of the report."""
        from ui.team.adjudication_view import AdjudicationWindow

        window = self.window
        if self.adjudication is None:
            self.adjudication = AdjudicationWindow(window.repo, window.undo_stack, window.signals, window.coder,
                                                   window)
        view = self.adjudication
        view.adjudicator = window.coder
        view.reload_articles()
        if article_id is None:
            current = window.current_article_id()
            article_id = current if any(a.article_id == current for a in view.articles) else None
        view.open_article(article_id, coder_a, coder_b)
        view.show()
        view.raise_()
        view.activateWindow()
        return view


__all__ = ["TeamWindows"]
