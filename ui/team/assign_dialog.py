"""The project lead's assignment dialog (Team > Assign articles…): coders, the share coded
twice, the seed; a preview of what each coder gets; the assignment itself runs as a job."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
    QWidget,
)

from services.assign import AssignFacts, preview
from ui.team.dialog_parts import close_and_action, padded_column

# A job runner the window hands in: returns a ui.jobs Job, not started yet (so the dialog
# connects its signals first), whose function runs off the GUI thread.
JobStarter = Callable[..., Any]
COLUMNS = ("Coder", "Assigned now", "Gets", "After")
RANDOM_SEED = 0  # the seed box's "random" value: a new draw each time


@dataclass
class AssignRequest:
    """What the lead asked for: services.assign.assign_articles' arguments."""

    coders: list[str]
    overlap: float
    seed: Optional[int]
    only_unassigned: bool


def _span(low: int, high: int) -> str:
    return f"{low:,}" if low == high else f"{low:,}\u2013{high:,}"


class AssignDialog(QDialog):
    """`load_facts()` and `start_assign(request)` give unstarted jobs: the counts are read and
    the articles assigned off the GUI thread; `assigned(AssignResult)` when one run is done."""

    assigned = Signal(object)

    def __init__(self, load_facts: Callable[[], Any], start_assign: Callable[[AssignRequest], Any],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle("Assign articles to coders")
        self.load_facts, self.start_assign = load_facts, start_assign
        self.facts: Optional[AssignFacts] = None
        self.job: Any = None

        intro = QLabel("Spread the articles over the coders. A share goes to two coders, who code "
                       "it without seeing each other's work when blind mode is on (Team \u203a Blind "
                       "double coding); the agreement report compares them.", self)
        intro.setWordWrap(True)
        self.summary = QLabel("Counting the articles\u2026", self)
        self.summary.setObjectName("assignSummary")
        self.summary.setWordWrap(True)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("assignCoders")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.new_coder = QLineEdit(self)
        self.new_coder.setObjectName("newCoder")
        self.new_coder.setPlaceholderText("Add a coder: name, then Enter")
        self.new_coder.setMaxLength(80)
        self.add_button = QPushButton("&Add", self)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setToolTip("Leave the selected coder out of this assignment (Delete)")
        coder_row = QHBoxLayout()
        coder_row.addWidget(self.new_coder, 1)
        coder_row.addWidget(self.add_button)
        coder_row.addWidget(self.remove_button)

        self.overlap = QSpinBox(self)
        self.overlap.setObjectName("overlap")
        self.overlap.setRange(0, 100)
        self.overlap.setValue(20)
        self.overlap.setSuffix(" %")
        self.overlap.setMaximumWidth(140)
        self.overlap.setToolTip("Share of the articles coded by two coders independently (double coding)")
        self.seed = QSpinBox(self)
        self.seed.setObjectName("seed")
        self.seed.setRange(RANDOM_SEED, 2_000_000_000)
        self.seed.setSpecialValueText("random")
        self.seed.setMaximumWidth(140)
        for box in (self.overlap, self.seed):
            # Typed, or stepped with Up/Down: the app's style draws no arrows, and Qt leaves a
            # styled box without buttons blank, so the buttons are there but take no room.
            box.setStyleSheet("QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; }")
        self.seed.setToolTip("The same seed, coders and articles give the same assignment; "
                             "\u201crandom\u201d draws anew")
        self.only_unassigned = QCheckBox("Only articles not assigned yet", self)
        self.only_unassigned.setObjectName("onlyUnassigned")
        self.only_unassigned.setChecked(True)
        self.only_unassigned.setToolTip("Unticked: articles assigned but not started by any of their "
                                        "coders are spread again too; work begun stays with its coder")
        form = QFormLayout()
        form.addRow("Double-coded share:", self.overlap)
        form.addRow("Seed:", self.seed)
        form.addRow("", self.only_unassigned)

        self.preview_label = QLabel(self)
        self.preview_label.setObjectName("assignPreview")
        self.preview_label.setWordWrap(True)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("assignResult")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.buttons, self.assign_button = close_and_action(self, "A&ssign", "assignButton")
        layout = padded_column(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(coder_row)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(560, 560)

        self.buttons.rejected.connect(self.reject)
        self.assign_button.clicked.connect(self.run)
        self.add_button.clicked.connect(self.add_typed_coder)
        self.new_coder.returnPressed.connect(self.add_typed_coder)
        self.remove_button.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        for box in (self.overlap, self.seed):
            box.valueChanged.connect(self.update_preview)
        self.only_unassigned.toggled.connect(self.update_preview)
        self.update_preview()
        self.reload_facts()

    # ---- coders ---------------------------------------------------------------------------
    def coders(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def add_coder(self, name: str) -> bool:
        name = " ".join(name.split())
        if not name or name in self.coders():
            return False
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.update_preview()
        return True

    def add_typed_coder(self) -> None:
        if self.add_coder(self.new_coder.text()):
            self.new_coder.clear()

    def remove_coder(self, name: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == name:
                self.table.removeRow(r)
                break
        self.update_preview()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self.update_preview()

    # ---- counts and preview ---------------------------------------------------------------
    def reload_facts(self) -> None:
        job = self.load_facts()
        job.finished.connect(self._facts_arrived)
        job.start()

    def _facts_arrived(self, facts: AssignFacts) -> None:
        first = self.facts is None
        self.facts = facts
        if first and not self.table.rowCount():
            for name in facts.coders:  # the coders known in the workspace, to remove or keep
                self.add_coder(name)
        assigned = facts.articles - facts.unassigned
        self.summary.setText(
            f"{facts.articles:,} article{'s' if facts.articles != 1 else ''} in the workspace: "
            f"{assigned:,} assigned ({facts.double:,} to two coders or more), "
            f"{facts.unassigned:,} not assigned yet."
            + (f" {facts.unstarted:,} assigned but not started." if facts.unstarted else ""))
        others = {c: n for c, n in facts.counts.items() if c not in self.coders()}
        if others:
            self.summary.setText(self.summary.text() + " Also assigned: "
                                 + ", ".join(f"{c} ({n:,})" for c, n in sorted(others.items())) + ".")
        self.update_preview()

    def request(self) -> AssignRequest:
        return AssignRequest(self.coders(), self.overlap.value() / 100.0,
                             None if self.seed.value() == RANDOM_SEED else self.seed.value(),
                             self.only_unassigned.isChecked())

    def problem(self) -> str:
        """Why Assign cannot run now ("" when it can)."""
        names = self.coders()
        if not names:
            return "Add at least one coder."
        if self.overlap.value() and len(names) < 2:
            return "Double coding needs two coders or more (or a share of 0 %)."
        if self.facts is None:
            return "Counting the articles\u2026"
        if not self.facts.pool(self.only_unassigned.isChecked()):
            return "No article to assign: every article has its coders."
        return ""

    def update_preview(self) -> None:
        req, facts = self.request(), self.facts
        pool = facts.pool(req.only_unassigned) if facts is not None else 0
        gets, n_double = preview(pool, req.coders, req.overlap)
        for r, name in enumerate(req.coders):
            now = facts.counts.get(name, 0) if facts is not None else 0
            # Spreading unstarted articles again takes them from their coders first: what
            # each keeps is what they began.
            base = now if req.only_unassigned or facts is None else facts.kept.get(name, 0)
            low, high = gets.get(name, (0, 0))
            cells = (f"{now:,}", "+" + _span(low, high), _span(base + low, base + high))
            for c, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        problem = self.problem()
        busy = self.job is not None
        self.assign_button.setEnabled(not problem and not busy)
        if problem:
            self.preview_label.setText(problem)
        else:
            self.preview_label.setText(
                f"{pool:,} article{'s' if pool != 1 else ''} to spread over {len(req.coders)} "
                f"coder{'s' if len(req.coders) != 1 else ''}: {n_double:,} to two coders, "
                f"{pool - n_double:,} to one.")

    # ---- running --------------------------------------------------------------------------
    def run(self) -> None:
        if self.problem() or self.job is not None:
            return
        self.job = self.start_assign(self.request())
        self.job.finished.connect(self._assigned)
        self.job.done.connect(self._ended)
        self.progress.show()
        self.assign_button.setEnabled(False)
        self.preview_label.setText("Assigning\u2026")
        self.job.start()

    def _assigned(self, result: Any) -> None:
        text = result.describe()
        self.result_label.setText("Done: " + text + ".")
        self.result_label.show()
        self.assigned.emit(result)

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()
        self.reload_facts()  # the new counts; the preview then says what is left


__all__ = ["AssignDialog", "AssignRequest"]
