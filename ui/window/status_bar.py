"""The status bar: each background job's progress with a cancel button, and workspace counts."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from ui.jobs.runner import TaskRunner


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class JobWidget(QWidget):
    """One running job: "Suggesting  [=====   ] 12/40  Cancel"."""

    def __init__(self, runner: TaskRunner, title: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobWidget")
        self.runner = runner
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
        runner.progress.connect(self.on_progress)

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
        self.runner.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.title} (stopping…)")


class StatusBar(QStatusBar):
    """Jobs on the right (several may run at once), counts on the left, messages in between."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(False)
        self.counts = QLabel("", self)
        self.counts.setObjectName("statusCounts")
        self.addWidget(self.counts)
        self._jobs: dict[TaskRunner, JobWidget] = {}

    def set_counts(self, stats: dict) -> None:
        arts = stats.get("articles", {})
        total = arts.get("total", 0)
        todo = arts.get("new", 0) + arts.get("in_progress", 0)
        self.counts.setText(
            f"{_plural(total, 'article')} · {todo:,} to code · {arts.get('coded', 0):,} coded · "
            f"{arts.get('flagged', 0):,} flagged · {_plural(stats.get('events', 0), 'event')}"
        )

    def add_job(self, runner: TaskRunner, title: str) -> JobWidget:
        widget = JobWidget(runner, title, self)
        self._jobs[runner] = widget
        self.addPermanentWidget(widget)
        runner.done.connect(lambda r=runner: self.remove_job(r))
        return widget

    def remove_job(self, runner: TaskRunner) -> None:
        widget = self._jobs.pop(runner, None)
        if widget is not None:
            self.removeWidget(widget)
            widget.deleteLater()

    def jobs(self) -> list[JobWidget]:
        return list(self._jobs.values())

    def cancel_all(self) -> None:
        for widget in list(self._jobs.values()):
            widget.cancel()


__all__ = ["StatusBar", "JobWidget"]
