"""Each running job's progress with a Cancel button, shown in the window's status bar."""
from __future__ import annotations

from typing import Optional, Union

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from ui.jobs.job import Job, ProcessJob

AnyJob = Union[Job, ProcessJob]


class JobWidget(QWidget):
    """One running job: "Suggesting  [=====   ] 12/40  Cancel"."""

    def __init__(self, job: AnyJob, title: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobWidget")
        self.job = job
        self.title = title
        self.label = QLabel(title, self)
        self.label.setObjectName("jobLabel")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("jobProgress")
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.count = QLabel("", self)
        self.count.setObjectName("jobCount")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("jobCancel")
        self.cancel_button.setToolTip(f"Stop {title.lower()}; what is done so far is kept")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never steals the coder's focus
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(8)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.count)
        layout.addWidget(self.cancel_button)
        job.progress.connect(self.on_progress)

    def on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.count.setText(f"{done:,}/{total:,}")
        else:
            self.bar.setRange(0, 0)
            self.count.setText(f"{done:,}" if done else "")
        self.setToolTip(f"{self.title}: {message}" if message else self.title)

    def cancel(self) -> None:
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.title} (stopping…)")


class JobProgress:
    """The running jobs' widgets on the right of a status bar (several may run at once); each
    goes away when its job is done."""

    def __init__(self, status_bar: QStatusBar) -> None:
        self.status_bar = status_bar
        self._widgets: dict[AnyJob, JobWidget] = {}

    def add(self, job: AnyJob, title: str) -> JobWidget:
        widget = JobWidget(job, title, self.status_bar)
        self._widgets[job] = widget
        self.status_bar.addPermanentWidget(widget)
        job.done.connect(lambda j=job: self.remove(j))
        return widget

    def remove(self, job: AnyJob) -> None:
        widget = self._widgets.pop(job, None)
        # A job can end after its window closed (closing waits a bounded time for jobs to stop):
        # the bar and its widgets are gone with the window, nothing is left to take away.
        if widget is not None and shiboken6.isValid(self.status_bar) and shiboken6.isValid(widget):
            self.status_bar.removeWidget(widget)
            widget.deleteLater()

    def widgets(self) -> list[JobWidget]:
        return list(self._widgets.values())


__all__ = ["JobWidget", "JobProgress"]
