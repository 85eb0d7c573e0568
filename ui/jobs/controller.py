"""Starts the window's background jobs (import, suggest, export) and tells how they went: a
user's mistake as a message, a bug as a bug report with its traceback."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from services.errors import UserError
from storage.db import WorkspaceError
from storage.repository import Repository
from ui.jobs.dialogs import ExportDialog, JobSummaryDialog
from ui.jobs.job import Job, ProcessJob, bug_details
from ui.jobs.progress import JobProgress
from ui.settings import Settings
from ui.undo import WorkspaceSignals

log = logging.getLogger(__name__)
SUGGEST_WORKER = "ui.jobs.suggest_worker"
TRAIN_WORKER = "ui.jobs.train_worker"
IMPORT_FILTERS = "Articles (*.txt *.html *.htm *.csv *.jsonl *.json *.xlsx *.md);;All files (*)"


def _needs_suggesting(repo: Repository, progress: Any = None, cancelled: Any = None) -> bool:
    return repo.has_articles_without_spans()


def is_users_mistake(error: BaseException) -> bool:
    """A mistake the user can fix (told as a message); anything else is a bug (reported)."""
    return isinstance(error, (UserError, WorkspaceError))


class JobController(QObject):
    """One place that knows how each job runs; the window only asks for them. Progress and
    messages go to the status bar the window hands in."""

    importFinished = Signal(object)  # the ImportReport
    trainFinished = Signal(object)  # the worker's result: summary, name
    suggestProgress = Signal()  # some articles got suggestions (the open one may be among them)
    exportFinished = Signal(object)  # the ExportSummary

    def __init__(self, window: QWidget, repo: Repository, settings: Settings, signals: WorkspaceSignals,
                 status_bar: QStatusBar, current_article: Callable[[], Optional[int]],
                 pool: Optional[QThreadPool] = None, show_dialogs: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.repo = repo
        self.settings = settings
        self.signals = signals
        self.status_bar = status_bar
        self.progress = JobProgress(status_bar)
        self.current_article = current_article
        self.pool = pool or QThreadPool.globalInstance()
        self.show_dialogs = show_dialogs  # tests turn the modal summaries off
        self.suggest_after_import = True
        self.suggest_job: Optional[ProcessJob] = None
        self.jobs: list[Job | ProcessJob] = []

    def _track(self, job: Job | ProcessJob, title: str) -> None:
        self.progress.add(job, title)
        self.jobs.append(job)
        job.done.connect(lambda j=job: self.jobs.remove(j) if j in self.jobs else None)
        job.failed.connect(lambda error, t=title: self.failed(t, error))

    def _start(self, title: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        # No Qt parent: a job outliving the window (closing while spaCy loads) must not lose its QObject.
        job = Job(fn, *args, name=title, pool=self.pool, **kwargs)
        self._track(job, title)
        return job

    def job(self, title: str, fn: Callable[..., Any], *args: Any, report_failure: bool = True, **kwargs: Any) -> Job:
        """A job for a window's dialog (team work): shown in the status bar with Cancel, not
        started yet so the dialog connects to it first. `report_failure` False: the dialog
        tells a failure itself (a bug is still logged)."""
        job = Job(fn, *args, name=title, pool=self.pool, **kwargs)
        self.progress.add(job, title)
        self.jobs.append(job)
        job.done.connect(lambda j=job: self.jobs.remove(j) if j in self.jobs else None)
        if report_failure:
            job.failed.connect(lambda error, t=title: self.failed(t, error))
        else:
            job.failed.connect(lambda error, t=title: None if is_users_mistake(error) else
                               log.error("%s failed with a bug:\n%s", t, bug_details(error)))
        return job

    def failed(self, title: str, error: BaseException) -> None:
        """Tell the user: their mistake as a warning, a bug as a report with its traceback."""
        if is_users_mistake(error):
            self.status_bar.showMessage(f"{title} failed: {error}", 15000)
            if self.show_dialogs:
                QMessageBox.warning(self.window, f"{title} failed", str(error))
            return
        details = bug_details(error)
        log.error("%s failed with a bug:\n%s", title, details)
        self.status_bar.showMessage(f"{title} failed: a bug in Chronicler ({error.__class__.__name__})", 15000)
        if self.show_dialogs:
            box = QMessageBox(QMessageBox.Icon.Critical, f"{title} failed",
                              f"{title} stopped because of a bug in Chronicler: {error}\n\n"
                              "What was done before it is saved. Please report it with the details below.",
                              QMessageBox.StandardButton.Ok, self.window)
            box.setDetailedText(details)
            self._show(box)

    @staticmethod
    def _show(dialog: QWidget) -> None:
        # open(), not exec(): no nested event loop inside a job's callback.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    def busy(self) -> bool:
        return any(job.is_running() for job in self.jobs)

    def cancel_all(self, wait_ms: int = 0) -> None:
        for job in list(self.jobs):
            job.cancel()
        if wait_ms:
            self.pool.waitForDone(wait_ms)
            for job in list(self.jobs):
                if isinstance(job, ProcessJob):
                    job.wait(wait_ms / 1000)

    # ---- import ---------------------------------------------------------------------------
    def ask_import_files(self) -> Optional[Job]:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Import articles", self.settings.last_folder,
                                                IMPORT_FILTERS)
        return self.start_import(paths) if paths else None

    def ask_import_folder(self) -> Optional[Job]:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of articles",
                                                  self.settings.last_folder)
        return self.start_import([folder]) if folder else None

    def start_import(self, paths: Sequence[str | Path], suggest: Optional[bool] = None) -> Optional[Job]:
        """Import in a worker; afterwards the list reloads, a summary names the failures and the
        new articles get suggestions (unless suggest=False or suggest_after_import is off)."""
        suggest = self.suggest_after_import if suggest is None else suggest
        paths = [str(p) for p in paths if str(p)]
        if not paths:
            return None
        self.settings.last_folder = str(Path(paths[0]).parent if Path(paths[0]).is_file() else Path(paths[0]))
        what = Path(paths[0]).name + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")
        from services.importing import import_articles  # imported on first use: the window shows sooner

        job = self._start(f"Importing {what}", import_articles, self.repo, paths)
        job.finished.connect(lambda report: self._imported(report, suggest))
        job.stopped.connect(self.signals.articlesChanged.emit)
        return job.start()

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

    def _worker_target(self) -> tuple[str, dict[str, str]]:
        """The workspace for a child process: a server URL without its password, which goes in
        the child's environment (PGPASSWORD) where other users' `ps` cannot read it."""
        from urllib.parse import unquote, urlsplit

        from storage.dburl import is_url, url_without_password

        target = str(self.repo.target)
        if not is_url(target):
            return target, {}
        password = urlsplit(target).password
        return url_without_password(target), ({"PGPASSWORD": unquote(password)} if password else {})

    # ---- suggestions ----------------------------------------------------------------------
    def suggest_if_needed(self) -> Job:
        """Start the suggester (a process loading spaCy) only if some article has no spans: a
        short query on a worker thread asks first (the window's start, after the first paint)."""
        job = Job(_needs_suggesting, self.repo, name="look for articles to suggest", pool=self.pool, parent=self)
        self.jobs.append(job)  # cancel_all (the window closing) cancels the suggester it would start
        job.done.connect(lambda: self.jobs.remove(job) if job in self.jobs else None)
        job.finished.connect(lambda needed: self.start_suggest(None) if needed and not job.is_cancelled() else None)
        job.failed.connect(lambda error: log.warning("could not look for articles to suggest: %s", error))
        return job.start()

    def start_suggest(self, article_ids: Optional[Sequence[int]] = None) -> Optional[ProcessJob]:
        """Suggest for these articles (None: all without suggestions) in a child process, so
        spaCy never holds the GUI's GIL. One suggester at a time: a second request waits."""
        if self.suggest_job is not None and self.suggest_job.is_running():
            pending = list(article_ids) if article_ids is not None else None
            self.suggest_job.done.connect(lambda: self.start_suggest(pending))
            return None
        target, env = self._worker_target()
        args = ["--db", target]
        if self.settings.model_name:
            args += ["--model", self.settings.model_name]
        if article_ids is not None:
            args += ["--ids", ",".join(str(i) for i in article_ids)]
        first = self.current_article()
        if first is not None:
            args += ["--first", str(first)]
        job = ProcessJob(SUGGEST_WORKER, args, name="Suggesting highlights", env=env)
        self._track(job, "Suggesting highlights")
        job.progress.connect(lambda *_: self.suggestProgress.emit())
        job.finished.connect(self._suggested)
        job.stopped.connect(lambda: self._suggest_ended("Suggesting stopped; Article > Suggest highlights finishes the rest"))
        self.suggest_job = job
        return job.start()

    def _suggested(self, result: dict[str, Any]) -> None:
        # The worker's result is services.suggesting.SuggestOutcome as a dict, read as one:
        # importing that module here (its multiprocessing imports) froze the window 40 ms.
        if not result.get("nothing_to_do"):
            model = str(result.get("model") or "")
            self._suggest_ended(f"Suggested {int(result.get('spans', 0)):,} highlights in "
                                f"{int(result.get('articles', 0)):,} articles" + (f" ({model})" if model else ""))

    def _suggest_ended(self, message: str) -> None:
        self.status_bar.showMessage(message, 10000)
        self.signals.articlesChanged.emit()

    # ---- training ---------------------------------------------------------------------------
    def start_train(self) -> Optional[ProcessJob]:
        """Train a spaCy NER from this workspace's coded highlights in a child process (training
        holds the GIL); the new pipeline becomes the suggestion model when it is saved."""
        target, env = self._worker_target()
        job = ProcessJob(TRAIN_WORKER, ["--db", target], name="Training the model", env=env)
        self._track(job, "Training the model")
        job.finished.connect(self._trained)
        job.stopped.connect(lambda: self.status_bar.showMessage("Training stopped; nothing saved", 10000))
        return job.start()

    def _trained(self, result: dict[str, Any]) -> None:
        if result.get("cancelled"):
            self.status_bar.showMessage("Training stopped; nothing saved", 10000)
            return
        self.settings.model_name = str(result.get("name") or "")
        self.status_bar.showMessage(f"Trained '{result.get('name')}': new suggestions use it", 15000)
        self.trainFinished.emit(result)
        if self.show_dialogs:
            self._show(JobSummaryDialog("Training finished", str(result.get("summary", "")), (), self.window))

    # ---- export ---------------------------------------------------------------------------
    def ask_export(self) -> Optional[Job]:
        # Two small lookups on the GUI thread; stats() would count every span of the workspace.
        codebooks = sorted({cb.name for cb in self.repo.codebooks()})
        dialog = ExportDialog(self.settings.last_export_folder, self.window, coders=self.repo.coders(), codebooks=codebooks)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return None
        out = dialog.out_path()
        from services.exporting import export_format

        try:
            fmt = export_format(out, dialog.fmt())
        except UserError:  # the dialog has no format choice: the file name decides
            QMessageBox.warning(self.window, "Export", f"{out.name}: end the file name with .xlsx, .csv or .jsonl")
            return None
        return self.start_export(out, fmt, dialog.statuses(), dialog.filters())

    def start_export(self, out: Path, fmt: str, statuses: Sequence[str] = (),
                     filters: Optional[dict[str, Any]] = None) -> Job:
        """Export in a worker; `filters` are the export's other keywords (coders, date_from,
        date_to, codebook), as the export dialog gives them."""
        self.settings.last_export_folder = str(out.parent)
        from services.exporting import export  # with openpyxl's import: on first use

        job = self._start(f"Exporting {out.name}", export, self.repo, out, fmt, tuple(statuses), **(filters or {}))
        job.finished.connect(self._exported)
        job.stopped.connect(lambda: self.status_bar.showMessage(f"Export to {out.name} cancelled; nothing written", 10000))
        return job.start()

    def _exported(self, summary: Any) -> None:
        text = summary.describe()
        self.status_bar.showMessage(text, 15000)
        self.exportFinished.emit(summary)
        if self.show_dialogs:
            self._show(JobSummaryDialog("Export finished", f"{text}\n\n{summary.path}", (), self.window))


__all__ = ["JobController", "IMPORT_FILTERS", "is_users_mistake"]
