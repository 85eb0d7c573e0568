"""File > Merge workspaces…: other coders' workspace files (or a server workspace) brought
into this one as a job, with progress; what came in and every conflict are shown after."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QWidget,
)

from storage.dburl import mask_url
from ui.team.dialog_parts import close_and_action, padded_column

WORKSPACE_FILTERS = "Chronicler workspaces (*.sqlite);;All files (*)"
CONFLICT_COLUMNS = ("Source", "Article", "Event", "Fields: here \u2192 in the source")


def _value(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def conflict_rows(result: Any) -> list[tuple[str, str, str, str]]:
    """One row a conflict of a services.merge.MergeResult: source, article, event, fields."""
    rows = []
    for counts in result.sources:
        for c in counts.conflicts:
            fields = "; ".join(f"{name}: {_value(here)} \u2192 {_value(there)}"
                               for name, (here, there) in c.fields.items())
            rows.append((counts.source, str(c.article_id), c.uid, fields))
    return rows


class MergeDialog(QDialog):
    """`start_merge(sources)` gives an unstarted job running services.merge.merge_workspaces;
    `merged(MergeResult)` once it is done (the window reloads its list then)."""

    merged = Signal(object)

    def __init__(self, start_merge: Callable[[list[str]], Any], folder: str = "",
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge workspaces")
        self.start_merge, self.folder = start_merge, folder
        self.job: Any = None
        self.result: Any = None

        intro = QLabel("Bring in the work of coders who coded in their own workspace: their articles "
                       "(matched by text), events, highlights, assignments and learned patterns, each "
                       "kept with its coder. Merging the same workspace again adds nothing; an event "
                       "edited on both sides is listed as a conflict (this workspace keeps its version, "
                       "the other is kept beside it).", self)
        intro.setWordWrap(True)
        self.sources = QListWidget(self)
        self.sources.setObjectName("mergeSources")
        self.sources.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_files_button = QPushButton("Add &files\u2026", self)
        self.remove_button = QPushButton("&Remove", self)
        self.url = QLineEdit(self)
        self.url.setObjectName("mergeUrl")
        self.url.setPlaceholderText("or a server workspace: postgresql://user@host:port/dbname, then Enter")
        self.add_url_button = QPushButton("Add", self)
        files_row = QHBoxLayout()
        files_row.addWidget(self.add_files_button)
        files_row.addWidget(self.remove_button)
        files_row.addStretch(1)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.add_url_button)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("mergeProgress")
        self.progress.hide()
        self.outcome = QLabel(self)
        self.outcome.setObjectName("mergeOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)  # file names are data, never markup
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflicts = QTableWidget(0, len(CONFLICT_COLUMNS), self)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(CONFLICT_COLUMNS)
        self.conflicts.verticalHeader().setVisible(False)
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts.setWordWrap(True)
        hh = self.conflicts.horizontalHeader()
        for c in range(3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.conflicts.hide()
        self.buttons, self.merge_button = close_and_action(self, "&Merge", "mergeButton")
        layout = padded_column(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Workspaces to merge into this one (Add files…, or type a server's address below):", self))
        layout.addWidget(self.sources, 1)
        layout.addLayout(files_row)
        layout.addLayout(url_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 520)

        self.buttons.rejected.connect(self.reject)
        self.merge_button.clicked.connect(self.run)
        self.add_files_button.clicked.connect(self.ask_files)
        self.add_url_button.clicked.connect(self.add_typed_url)
        self.url.returnPressed.connect(self.add_typed_url)
        self.remove_button.clicked.connect(self.remove_selected)
        self._update_buttons()

    # ---- sources --------------------------------------------------------------------------
    def source_list(self) -> list[str]:
        return [self.sources.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sources.count())]

    def add_sources(self, sources: Sequence[str]) -> None:
        have = set(self.source_list())
        for source in sources:
            source = source.strip()
            if source and source not in have:
                # A server address is shown without its password (kept only for the merge).
                item = QListWidgetItem(mask_url(source) if "://" in source else source)
                item.setData(Qt.ItemDataRole.UserRole, source)
                self.sources.addItem(item)
                have.add(source)
        self._update_buttons()

    def ask_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Workspaces to merge into this one", self.folder,
                                                WORKSPACE_FILTERS)
        self.add_sources(paths)

    def add_typed_url(self) -> None:
        self.add_sources([self.url.text()])
        self.url.clear()

    def remove_selected(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.merge_button.setEnabled(bool(self.source_list()) and self.job is None)

    # ---- running --------------------------------------------------------------------------
    def run(self) -> None:
        sources = self.source_list()
        if not sources or self.job is not None:
            return
        self.job = self.start_merge(sources)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._merged)
        self.job.failed.connect(self._failed)
        self.job.stopped.connect(lambda: self.outcome.setText(
            "Merge cancelled: the workspaces merged before stay merged; merging the rest later adds them."))
        self.job.done.connect(self._ended)
        self.progress.setRange(0, len(sources))
        self.progress.setValue(0)
        self.progress.show()
        self.outcome.setText("Merging\u2026")
        self.conflicts.hide()
        self._update_buttons()
        self.job.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if message:
            self.outcome.setText(message[0].upper() + message[1:] + "\u2026")

    def _merged(self, result: Any) -> None:
        self.result = result
        n = sum(len(c.conflicts) for c in result.sources)
        head = (f"Merged {len(result.sources)} workspace{'s' if len(result.sources) != 1 else ''}"
                + (f"; {n} conflict{'s' if n != 1 else ''}, listed below (none dropped)." if n else "; no conflicts."))
        self.outcome.setText(head + "\n\n" + result.describe())
        rows = conflict_rows(result)
        self.conflicts.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.conflicts.setItem(r, c, item)
        self.conflicts.setVisible(bool(rows))
        self.sources.clear()  # merged: merging them again would add nothing
        self.merged.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.outcome.setText(f"Merge stopped: {error}")

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()
        self._update_buttons()


__all__ = ["MergeDialog", "conflict_rows"]
