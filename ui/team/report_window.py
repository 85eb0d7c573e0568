"""Team > Agreement report: how far the coders agree, computed off the GUI thread: event
existence, alpha per field for every coder pair and overall, and the disagreements, each a
double-click away from the adjudication view."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
    QTableView, QVBoxLayout, QWidget,
)

from services.agreement import AgreementView, Disagreement, agreement_view
from services.agreement_xlsx import write_agreement_xlsx
from services.errors import UserError
from ui.team.report_models import DisagreementsModel, FieldScoresModel

OVERALL = -1  # the pair chooser's data: -1 overall, else the index of the pair in the report


def _figure(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.3f}"


class AgreementReportWindow(QWidget):
    """The report of a workspace. `make_job(title, fn, *args)` gives an unstarted job (the
    window's job runner: progress in its status bar, failures told there)."""

    adjudicateRequested = Signal(int, str, str)  # article id, coder A, coder B
    computed = Signal()  # a report is on screen (tests wait for it)

    def __init__(self, repo: Any, make_job: Callable[..., Any], parent: Optional[QWidget] = None,
                 viewer: Optional[str] = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("agreementReport")
        self.setWindowTitle("Agreement report — Chronicler")
        self.repo, self.make_job, self.viewer = repo, make_job, viewer
        self.view: Optional[AgreementView] = None
        self.job: Any = None

        self.pair = QComboBox(self)
        self.pair.setObjectName("pairChooser")
        self.pair.setMinimumWidth(220)
        self.pair.currentIndexChanged.connect(self._show_pair)
        self.refresh_button = QPushButton("&Recompute", self)
        self.refresh_button.clicked.connect(self.compute)
        self.save_button = QPushButton("&Save workbook…", self)
        self.save_button.setToolTip("The report as an Excel workbook: summary, alpha per field with a chart, "
                                    "the pairs side by side, the events only one coder found")
        self.save_button.clicked.connect(lambda: self.save_workbook())
        top = QHBoxLayout()
        top.addWidget(QLabel("Coders:", self))
        top.addWidget(self.pair)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.save_button)

        self.summary = QLabel("Computing the agreement…", self)
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.fields_model = FieldScoresModel(self)
        self.fields_table = self._table(self.fields_model, "fieldScores")
        header = self.fields_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FieldScoresModel.READING, QHeaderView.ResizeMode.Stretch)

        self.disagreements_model = DisagreementsModel(self)
        self.disagreements_table = self._table(self.disagreements_model, "disagreements")
        header = self.disagreements_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.disagreements_table.doubleClicked.connect(self._open_disagreement)
        self.disagreements_title = QLabel("Disagreements", self)
        self.disagreements_title.setObjectName("panelTitle")

        fields_box = QWidget(self)
        fields_layout = QVBoxLayout(fields_box)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Fields: Krippendorff's alpha on the matched events", self)
        title.setObjectName("panelTitle")
        fields_layout.addWidget(title)
        fields_layout.addWidget(self.fields_table)
        list_box = QWidget(self)
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.disagreements_title)
        list_layout.addWidget(self.disagreements_table)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(fields_box)
        split.addWidget(list_box)
        split.setChildrenCollapsible(False)
        split.setSizes([330, 330])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.resize(1100, 720)
        self._set_busy(False)

    def _table(self, model: Any, name: str) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        return table

    # ---- computing ------------------------------------------------------------------------
    def compute(self) -> Any:
        """Start the report's job (again); the window fills when it ends."""
        if self.job is not None and self.job.is_running():
            return self.job
        self.summary.setText("Computing the agreement…")
        self._set_busy(True)
        self.job = self.make_job("Computing the agreement report", agreement_view, self.repo, viewer=self.viewer)
        self.job.finished.connect(self.show_view)
        self.job.done.connect(lambda: self._set_busy(False))
        self.job.failed.connect(lambda error: self.summary.setText(f"The report could not be computed: {error}"))
        return self.job.start()

    def _set_busy(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy and self.view is not None and bool(self.view.report.pairs)
                                     and not self.view.blind)

    def show_view(self, view: AgreementView) -> None:
        self.view = view
        chosen = self.pair.currentData()
        self.pair.blockSignals(True)
        self.pair.clear()
        report = view.report
        if report.pairs:
            self.pair.addItem(f"All pairs ({', '.join(report.coders)})" if len(report.pairs) > 1
                              else f"{report.pairs[0].coders[0]} and {report.pairs[0].coders[1]}", OVERALL)
            if len(report.pairs) > 1:
                for i, p in enumerate(report.pairs):
                    self.pair.addItem(f"{p.coders[0]} and {p.coders[1]}", i)
        # The same pair as before a recompute (pairs come in the same order for the same coders).
        self.pair.setCurrentIndex(max(self.pair.findData(chosen) if chosen is not None else 0, 0))
        self.pair.blockSignals(False)
        self._show_pair()
        self._set_busy(False)
        self.computed.emit()

    def _show_pair(self) -> None:
        view = self.view
        if view is None:
            return
        report = view.report
        if not report.pairs:
            self.summary.setText("No article was coded by two coders yet: nothing to compare. Assign articles "
                                 "to two coders (Team menu, or the assign command) and let both code them.")
            self.fields_model.set_scores({})
            self.disagreements_model.set_rows([], {}, False)
            self.disagreements_title.setText("Disagreements")
            return
        chosen = self.pair.currentData()
        if chosen is None or chosen == OVERALL or chosen >= len(report.pairs):
            pairs = report.pairs
            only = report.only
            articles, matched, f1, scores = report.articles, report.matched, report.f1, report.fields
        else:
            pair = report.pairs[chosen]
            pairs = [pair]
            only = {pair.coders[0]: len(pair.only_a), pair.coders[1]: len(pair.only_b)}
            articles, matched, f1, scores = len(pair.articles), len(pair.matched), pair.f1, pair.fields
        coders = sorted({c for p in pairs for c in p.coders}, key=report.coders.index)
        only_text = ", ".join(f"only {c} {n}" for c, n in only.items() if c in coders)
        self.summary.setText(
            f"<b>Coders</b> {', '.join(coders)} · <b>articles coded by two</b> {articles} · "
            f"<b>events</b> matched {matched}, {only_text} · <b>F1</b> {_figure(f1)}"
            "<br><span style='color:#4f5965'>Alpha: 1 perfect, 0 chance; ≥ 0.8 reliable, 0.667–0.8 tentative, "
            "below 0.667 (shaded) not to be relied on. F1 = 2 matched / (2 matched + only A + only B).</span>")
        self.fields_model.set_scores(scores)
        rows: list[Disagreement] = [d for p in pairs for d in view.disagreements.get(p.coders, [])]
        self.disagreements_model.set_rows(rows, view.titles, len(pairs) > 1)
        hidden = f"; {view.hidden} more hidden: blind mode, on articles you code" if view.hidden else ""
        self.disagreements_title.setText(f"Disagreements: {len(rows)} (double-click one to adjudicate its article{hidden})")
        # The workbook has every pair side by side: not for a coder still coding blind.
        self.save_button.setEnabled(not view.blind)
        self.save_button.setToolTip("Blind mode: the workbook shows the other coders' values on articles you code"
                                    if view.blind else "")
        self.disagreements_table.resizeColumnsToContents()
        for column in range(self.disagreements_model.columnCount()):
            self.disagreements_table.setColumnWidth(column, min(self.disagreements_table.columnWidth(column), 360))

    # ---- actions --------------------------------------------------------------------------
    def _open_disagreement(self, index: QModelIndex) -> None:
        if index.isValid():
            d = self.disagreements_model.row(index.row())
            self.adjudicateRequested.emit(d.article_id, d.coders[0], d.coders[1])

    def save_workbook(self, path: Optional[Path] = None) -> Any:
        """Write the report as a workbook (asks where when no path is given), off the GUI thread."""
        if self.view is None or self.view.blind:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Save the agreement workbook",
                                                  str(Path.home() / "agreement.xlsx"), "Excel workbook (*.xlsx)")
            if not name:
                return None
            path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        job = self.make_job(f"Saving {path.name}", _write_workbook, self.view.report, path)
        job.finished.connect(lambda _: self.summary.setToolTip(f"Saved {path}"))
        return job.start()


def _write_workbook(report: Any, path: Path, progress: Any = None, cancelled: Any = None) -> Path:
    try:
        write_agreement_xlsx(report, path)
    except OSError as exc:  # the user's to fix (a folder, a file open in Excel): told, not a bug
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return path


__all__ = ["AgreementReportWindow"]
