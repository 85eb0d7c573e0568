"""The status bar: workspace counts on the left, messages (the jobs add their progress: ui.jobs.progress)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

if TYPE_CHECKING:
    from ui.tasks import TaskRunner
    from ui.writer import DatabaseWriter

log = logging.getLogger(__name__)

# Edits stored within this are not worth a word; waiting longer, the status bar says how many
# are not saved yet (another program holds the workspace, or the server is slow).
UNSAVED_AFTER_MS = 300


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class StatusBar(QStatusBar):
    """Counts on the left, messages in between, running jobs on the right (added by ui.jobs)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(False)
        self.counts = QLabel("", self)
        self.counts.setObjectName("statusCounts")
        self.addWidget(self.counts)
        self.counts.installEventFilter(self)
        self.unsaved = QLabel("", self)  # edits waiting for the workspace longer than a moment
        self.unsaved.setObjectName("statusUnsaved")
        self.unsaved.setStyleSheet("color: #8a6100;")
        self.unsaved.hide()
        self.addPermanentWidget(self.unsaved)
        self._writer: Optional[DatabaseWriter] = None
        self._unsaved_timer = QTimer(self, interval=100, timeout=self._show_unsaved)
        self._counter: Optional[TaskRunner] = None  # made at the first count_later
        self._count_next: Optional[tuple[Callable[[], dict], bool]] = None
        self.colleagues = QLabel("", self)  # who else has a server workspace open
        self.colleagues.setObjectName("statusColleagues")
        self.addPermanentWidget(self.colleagues)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # type: ignore[override]
        # A job's widget added or removed while a message shows rebuilds the layout, which
        # shows the counts again under the message (both drawn, unreadable): they stay hidden
        # until the message ends, as Qt's own message handling has them.
        if watched is getattr(self, "counts", None) and event.type() == QEvent.Type.Show and self.currentMessage():
            self.counts.hide()
            self.counts.setAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide, False)
        return super().eventFilter(watched, event)

    def watch_writer(self, writer: DatabaseWriter) -> None:
        """Say "Saving… N unsaved" while some edits wait longer than UNSAVED_AFTER_MS."""
        self._writer = writer
        writer.pendingChanged.connect(self._pending_changed)

    def _pending_changed(self, pending: int) -> None:
        if pending and not self._unsaved_timer.isActive():
            self._unsaved_timer.start()
        self._show_unsaved()

    def _show_unsaved(self) -> None:
        writer = self._writer
        pending = writer.pending() if writer is not None else 0
        if not pending:
            self._unsaved_timer.stop()
            self.unsaved.hide()
        elif writer is not None and writer.oldest_wait_s() * 1000 >= UNSAVED_AFTER_MS:
            self.unsaved.setText(f"Saving… {pending:,} unsaved")
            self.unsaved.setToolTip("Edits waiting for the workspace (another program is writing to it, "
                                    "or the server is slow); they are written in order, nothing is lost.")
            self.unsaved.show()

    def set_colleagues(self, names: list[str]) -> None:
        shown = ", ".join(dict.fromkeys(n for n in names if n))
        self.colleagues.setText(f"also working here: {shown}" if shown else "")

    def count_later(self, read: Callable[[], dict], own: bool = False) -> None:
        """The counts read by `read()` off the GUI thread (they count every article: tens of ms
        on a large workspace), then shown; one read at a time, the last asked for meanwhile next."""
        from ui.tasks import TaskRunner

        if self._counter is None:
            self._counter = TaskRunner(self)
        if self._counter.pending():
            self._count_next = (read, own)
            return

        def counted(stats: Any) -> None:
            self.set_counts(stats, own)
            following, self._count_next = self._count_next, None
            if following is not None:
                self.count_later(*following)

        def failed(error: BaseException) -> None:  # e.g. the workspace closed meanwhile: counts wait
            log.warning("counting the workspace failed: %s", error)
            self._count_next = None

        self._counter.run(read, counted, failed)

    def set_counts(self, stats: dict, own: bool = False) -> None:
        """`own`: the counts are the coder's own (their articles, status and events)."""
        arts = stats.get("articles", {})
        total = arts.get("total", 0)
        todo = arts.get("new", 0) + arts.get("in_progress", 0)
        self.counts.setText(
            ("Yours: " if own else "") + f"{_plural(total, 'article')} · {todo:,} to code · {arts.get('coded', 0):,} coded · "
            f"{arts.get('flagged', 0):,} flagged · {_plural(stats.get('events', 0), 'event')}"
        )


__all__ = ["StatusBar", "UNSAVED_AFTER_MS"]
