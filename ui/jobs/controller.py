"""Starts the window's background jobs (import, suggest, export) and reports how they went."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from storage.repository import Repository
from ui.jobs.dialogs import ExportDialog, JobSummaryDialog
from ui.jobs.work import SuggestOutcome, export_job, import_job
from ui.settings import Settings
from ui.window.status_bar import StatusBar
from ui.jobs.runner import ProcessRunner, TaskRunner
from ui.undo import WorkspaceSignals

log = logging.getLogger(__name__)
SUGGEST_WORKER = "ui.jobs.suggest_worker"
IMPORT_FILTERS = "Articles (*.txt *.html *.htm *.csv *.jsonl *.json *.xlsx *.md);;All files (*)"


class JobController(QObject):
    """One place that knows how each job runs; the window only asks for them."""

    importFinished = Signal(object)  # the ImportReport
    suggestProgress = Signal()  # some articles got suggestions (the open one may be among them)
    suggestFinished = Signal(object)  # SuggestOutcome or None when it failed/stopped
    exportFinished = Signal(object)

    def __init__(self, window: QWidget, repo: Repository, settings: Settings, signals: WorkspaceSignals,
                 status_bar: StatusBar, current_article: Callable[[], Optional[int]],
                 pool: Optional[QThreadPool] = None, show_dialogs: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.repo = repo
        self.settings = settings
        self.signals = signals
        self.status_bar = status_bar
        self.current_article = current_article
        self.pool = pool or QThreadPool.globalInstance()
        self.show_dialogs = show_dialogs  # tests turn the modal summaries off
        self.suggest_after_import = True
        self.suggest_runner: Optional[ProcessRunner] = None
        self.runners: list[TaskRunner] = []

    def _start(self, title: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> TaskRunner:
        # No Qt parent: a job outliving the window (closing while spaCy loads) must not lose its QObject.
        runner = TaskRunner(fn, *args, name=title, pool=self.pool, **kwargs)
        self.status_bar.add_job(runner, title)
        self.runners.append(runner)
        runner.done.connect(lambda r=runner: self.runners.remove(r) if r in self.runners else None)
        runner.failed.connect(lambda msg, t=title: self._failed(t, msg))
        return runner

    def _failed(self, title: str, message: str) -> None:
        self.status_bar.showMessage(f"{title} failed: {message}", 15000)
        if self.show_dialogs:
            QMessageBox.warning(self.window, f"{title} failed", message)

    @staticmethod
    def _show(dialog: QWidget) -> None:
        # open(), not exec(): no nested event loop inside a job's callback.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    def busy(self) -> bool:
        return any(r.is_running() for r in self.runners)

    def cancel_all(self, wait_ms: int = 0) -> None:
        for runner in list(self.runners):
            runner.cancel()
        if wait_ms:
            self.pool.waitForDone(wait_ms)
            for runner in list(self.runners):
                if isinstance(runner, ProcessRunner):
                    runner.wait(wait_ms / 1000)

    # ---- import ---------------------------------------------------------------------------
    def ask_import_files(self) -> Optional[TaskRunner]:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Import articles", self.settings.last_folder,
                                                IMPORT_FILTERS)
        return self.start_import(paths) if paths else None

    def ask_import_folder(self) -> Optional[TaskRunner]:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of articles",
                                                  self.settings.last_folder)
        return self.start_import([folder]) if folder else None

    def start_import(self, paths: Sequence[str | Path], suggest: Optional[bool] = None) -> Optional[TaskRunner]:
        """Import in a worker; afterwards the list reloads, a summary names the failures and the
        new articles get suggestions (unless suggest=False or suggest_after_import is off)."""
        suggest = self.suggest_after_import if suggest is None else suggest
        paths = [str(p) for p in paths if str(p)]
        if not paths:
            return None
        self.settings.last_folder = str(Path(paths[0]).parent if Path(paths[0]).is_file() else Path(paths[0]))
        what = Path(paths[0]).name + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")
        runner = self._start(f"Importing {what}", import_job, self.repo, paths)
        runner.finished.connect(lambda report: self._imported(report, suggest))
        runner.stopped.connect(self.signals.articlesChanged.emit)
        return runner.start()

    def _imported(self, report: Any, suggest: bool) -> None:
        self.signals.articlesChanged.emit()
        self.status_bar.showMessage(report.describe(), 15000)
        self.importFinished.emit(report)
        if suggest and report.article_ids:
            self.start_suggest(report.article_ids)
        if self.show_dialogs and (report.failures or report.imported or report.duplicates):
            failures = [(f.path, f.reason) for f in report.failures]
            summary = report.describe().capitalize() + "."
            if report.imported:
                summary += "\nHighlights are being suggested in the background."
            self._show(JobSummaryDialog("Import finished", summary, failures, self.window))

    # ---- suggestions ----------------------------------------------------------------------
    def start_suggest(self, article_ids: Optional[Sequence[int]] = None) -> Optional[ProcessRunner]:
        """Suggest for these articles (None: all without suggestions) in a child process, so
        spaCy never holds the GUI's GIL. One suggester at a time: a second request waits."""
        if self.suggest_runner is not None and self.suggest_runner.is_running():
            pending = list(article_ids) if article_ids is not None else None
            self.suggest_runner.done.connect(lambda: self.start_suggest(pending))
            return None
        args = ["--db", str(self.repo.target)]
        if self.settings.model_name:
            args += ["--model", self.settings.model_name]
        if article_ids is not None:
            args += ["--ids", ",".join(str(i) for i in article_ids)]
        first = self.current_article()
        if first is not None:
            args += ["--first", str(first)]
        runner = ProcessRunner(SUGGEST_WORKER, args, name="Suggesting highlights")
        self.status_bar.add_job(runner, "Suggesting highlights")  # type: ignore[arg-type]
        self.runners.append(runner)  # type: ignore[arg-type]
        runner.done.connect(lambda: self.runners.remove(runner) if runner in self.runners else None)  # type: ignore[arg-type]
        runner.failed.connect(lambda msg: self._failed("Suggesting", msg))
        runner.progress.connect(lambda *_: self.suggestProgress.emit())
        runner.finished.connect(lambda result: self._suggested(SuggestOutcome(**result)))
        runner.stopped.connect(lambda: self._suggest_ended("Suggesting stopped; Article > Suggest highlights finishes the rest"))
        runner.failed.connect(lambda _msg: self.suggestFinished.emit(None))
        self.suggest_runner = runner
        return runner.start()

    def _suggested(self, outcome: SuggestOutcome) -> None:
        if not outcome.nothing_to_do:
            self._suggest_ended(f"Suggested {outcome.spans:,} highlights in {outcome.articles:,} articles"
                                + (f" ({outcome.model})" if outcome.model else ""))
        self.suggestFinished.emit(outcome)

    def _suggest_ended(self, message: str) -> None:
        self.status_bar.showMessage(message, 10000)
        self.signals.articlesChanged.emit()

    # ---- export ---------------------------------------------------------------------------
    def ask_export(self) -> Optional[TaskRunner]:
        # Two small lookups on the GUI thread; stats() would count every span of the workspace.
        codebooks = sorted({cb.name for cb in self.repo.codebooks()})
        dialog = ExportDialog(self.settings.last_folder, self.window, coders=self.repo.coders(), codebooks=codebooks)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return None
        out, fmt = dialog.out_path(), dialog.fmt()
        if fmt not in ("xlsx", "csv", "jsonl"):
            QMessageBox.warning(self.window, "Export", f"{out.name}: end the file name with .xlsx, .csv or .jsonl")
            return None
        return self.start_export(out, fmt, dialog.statuses(), dialog.filters())

    def start_export(self, out: Path, fmt: str, statuses: Sequence[str] = (),
                     filters: Optional[dict[str, Any]] = None) -> TaskRunner:
        self.settings.last_folder = str(out.parent)
        runner = self._start(f"Exporting {out.name}", export_job, self.repo, out, fmt, tuple(statuses), filters)
        runner.finished.connect(self._exported)
        runner.stopped.connect(lambda: self.status_bar.showMessage(f"Export to {out.name} cancelled; nothing written", 10000))
        return runner.start()

    def _exported(self, summary: Any) -> None:
        text = summary.describe()
        self.status_bar.showMessage(text, 15000)
        self.exportFinished.emit(summary)
        if self.show_dialogs:
            self._show(JobSummaryDialog("Export finished", f"{text}\n\n{summary.path}", (), self.window))


__all__ = ["JobController", "IMPORT_FILTERS"]
