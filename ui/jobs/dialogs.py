"""The jobs' dialogs: a job's summary with its failures, and the export options."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

EXPORT_FILTERS = "Excel workbook (*.xlsx);;CSV, one row an event (*.csv);;JSON lines, the whole workspace (*.jsonl)"


class JobSummaryDialog(QDialog):
    """What a finished import/export did, with each failed file and its reason."""

    def __init__(self, title: str, summary: str, failures: Sequence[tuple[str, str]] = (),
                 parent: Optional[QWidget] = None) -> None:
        from PySide6.QtCore import Qt  # here: the start-up dialog above must not load Qt's enums

        super().__init__(parent)
        self.setObjectName("jobSummary")
        self.setWindowTitle(title)
        text = QLabel(summary, self)
        text.setObjectName("summaryText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(text)
        self.table: Optional[QTableWidget] = None
        if failures:
            label = QLabel(f"{len(failures)} file{'s' if len(failures) != 1 else ''} could not be imported:", self)
            self.table = QTableWidget(len(failures), 2, self)
            self.table.setHorizontalHeaderLabels(["File", "Reason"])
            self.table.verticalHeader().setVisible(False)
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.setWordWrap(True)
            for r, (path, reason) in enumerate(failures):
                item = QTableWidgetItem(Path(path).name)
                item.setToolTip(path)
                self.table.setItem(r, 0, item)
                self.table.setItem(r, 1, QTableWidgetItem(reason))
            hh = self.table.horizontalHeader()
            hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            layout.addWidget(label)
            layout.addWidget(self.table, 1)
            self.resize(760, 420)
        else:
            self.setMinimumWidth(420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class ExportDialog(QDialog):
    """Where to export and which articles' events: all statuses, or some."""

    def __init__(self, folder: str = "", parent: Optional[QWidget] = None,
                 coders: Sequence[str] = (), codebooks: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export the dataset")
        self.path = QLineEdit(str(Path(folder or Path.home()) / "events.xlsx"), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        hint = QLabel(".xlsx: the workbook for R/Stata/pandas/Excel · .csv: events only · "
                      ".jsonl: the whole workspace (articles, highlights, events)", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        # Here, not at module level: the coder-name dialog is shown at start, before the
        # workspace (and SQLModel, which storage.models loads) is imported.
        from storage.models import ArticleStatus
        from storage.models import STATUS_LABELS

        group = QGroupBox("Articles to include", self)
        glay = QVBoxLayout(group)
        self.status_boxes: dict[str, QCheckBox] = {}
        for status in ArticleStatus:
            box = QCheckBox(STATUS_LABELS[status.value], group)
            box.setChecked(True)
            self.status_boxes[status.value] = box
            glay.addWidget(box)
        events = QGroupBox("Events to include", self)
        form = QFormLayout(events)
        self.coder = QComboBox(events)
        self.coder.addItem("All coders", "")
        for name in coders:
            self.coder.addItem(name, name)
        self.codebook = QComboBox(events)
        self.codebook.addItem("All codebooks", "")
        for name in codebooks:
            self.codebook.addItem(name, name)
        self.date_from = QLineEdit(events, placeholderText="YYYY-MM-DD (optional)")
        self.date_to = QLineEdit(events, placeholderText="YYYY-MM-DD (optional)")
        form.addRow("Coded by", self.coder)
        form.addRow("Codebook", self.codebook)
        form.addRow("Event date from", self.date_from)
        form.addRow("Event date to", self.date_to)
        self.gold_only = QCheckBox("Gold events only (the adjudicated dataset)", events)
        self.gold_only.setToolTip("Only the events made by adjudicating two coders' versions")
        form.addRow("", self.gold_only)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(QLabel("Export to:", self))
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(group)
        layout.addWidget(events)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), EXPORT_FILTERS)
        if path:
            self.path.setText(path)

    def out_path(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def fmt(self) -> str:
        return self.out_path().suffix.lstrip(".").lower()

    def statuses(self) -> tuple[str, ...]:
        """() when every status is ticked: no filter at all."""
        chosen = tuple(s for s, box in self.status_boxes.items() if box.isChecked())
        return () if len(chosen) == len(self.status_boxes) else chosen

    def filters(self) -> dict[str, Any]:
        """The event filters as ExportOptions keywords; empty ones left out. A bad date is
        reported by the export itself, naming the field."""
        chosen: dict[str, Any] = {}
        if self.coder.currentData():
            chosen["coders"] = (self.coder.currentData(),)
        if self.codebook.currentData():
            chosen["codebook"] = self.codebook.currentData()
        if self.date_from.text().strip():
            chosen["date_from"] = self.date_from.text().strip()
        if self.date_to.text().strip():
            chosen["date_to"] = self.date_to.text().strip()
        if self.gold_only.isChecked():
            chosen["gold_only"] = True
        return chosen


__all__ = ["JobSummaryDialog", "ExportDialog", "EXPORT_FILTERS"]
