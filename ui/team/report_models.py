"""Qt table models of the agreement report: alpha per field, and the disagreements listed."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from coding.agreement import FieldScore
from services.agreement import Disagreement

# The common reading of alpha (Krippendorff): >= 0.8 reliable, 0.667-0.8 tentative, below that
# not to be relied on. Below MIN_PAIRS pairs the figure swings too much with one pair to judge.
RELIABLE, TENTATIVE = 0.8, 0.667
MIN_PAIRS = 10
LOW_BRUSH = QBrush(QColor("#f8cbad"))  # the workbook's shade for a difference
TENTATIVE_BRUSH = QBrush(QColor("#fff2cc"))
MUTED_BRUSH = QBrush(QColor("#6b7480"))  # a field with no alpha to read
DIFF_BRUSH = QBrush(QColor("#fde2d6"))

Index = QModelIndex | QPersistentModelIndex


def judgement(score: FieldScore) -> str:
    """What the figure says, in words: the reading of alpha, or why there is none to read."""
    if score.alpha is None:
        return score.note or "no alpha"
    if score.n < MIN_PAIRS:
        return f"too few pairs to judge (n < {MIN_PAIRS})"
    if score.alpha >= RELIABLE:
        return "reliable"
    if score.alpha >= TENTATIVE:
        return "tentative"
    return "below 0.667: not to be relied on"


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _RowsModel(QAbstractTableModel):
    """A flat table over `_rows` with fixed column HEADERS (the report's two tables)."""

    HEADERS: tuple[str, ...] = ()
    _rows: Sequence[Any]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class FieldScoresModel(_RowsModel):
    """One row a scored field: field, level, alpha, n pairs, missing, share equal, reading."""

    HEADERS = ("Field", "Level", "Alpha", "n pairs", "Only one gave a value", "Share equal", "Reading")
    FIELD, LEVEL, ALPHA, N, MISSING, EQUAL, READING = range(7)

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, FieldScore]] = []

    def set_scores(self, scores: dict[str, FieldScore]) -> None:
        self.beginResetModel()
        self._rows = list(scores.items())
        self.endResetModel()

    def score(self, row: int) -> tuple[str, FieldScore]:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name, score = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.FIELD:
                return name
            if column == self.LEVEL:
                return score.level
            if column == self.ALPHA:
                return "—" if score.alpha is None else f"{score.alpha:.3f}"
            if column == self.N:
                return score.n
            if column == self.MISSING:
                return score.missing
            if column == self.EQUAL:
                return "—" if score.agreement is None else f"{score.agreement:.0%}"
            return judgement(score)
        if role == Qt.ItemDataRole.BackgroundRole and column in (self.ALPHA, self.READING) and score.alpha is not None:
            if score.alpha < TENTATIVE:
                return LOW_BRUSH
            if score.alpha < RELIABLE:
                return TENTATIVE_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and score.alpha is None:
            return MUTED_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            return score.note or judgement(score)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.ALPHA, self.N, self.MISSING, self.EQUAL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DisagreementsModel(_RowsModel):
    """One row a disagreement: article, field (or a whole event one coder missed), A, B."""

    HEADERS = ("Article", "Field", "A", "B")

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self._rows: list[Disagreement] = []
        self._titles: dict[int, str] = {}
        self._pairs = False  # several pairs listed: name the coders in the A and B cells

    def set_rows(self, rows: Sequence[Disagreement], titles: dict[int, str], several_pairs: bool) -> None:
        self.beginResetModel()
        self._rows, self._titles, self._pairs = list(rows), titles, several_pairs
        self.endResetModel()

    def row(self, row: int) -> Disagreement:
        return self._rows[row]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section >= 2 and not self._pairs and self._rows:  # one pair: name its coders
                return f"{self.HEADERS[section]}: {self._rows[0].coders[section - 2]}"
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._titles.get(d.article_id) or f"article {d.article_id}"
            if column == 1:
                return d.field or "whole event (only one coder)"
            value = d.a if column == 2 else d.b
            coder = d.coders[column - 2]
            text = shown_value(value) if (value is not None or d.field) else "not coded"
            return f"{coder}: {text}" if self._pairs else text
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"article {d.article_id}: double-click to adjudicate it"
        if role == Qt.ItemDataRole.BackgroundRole and not d.field and column >= 2:
            return DIFF_BRUSH if (d.a if column == 2 else d.b) is None else None
        return None


__all__ = ["DisagreementsModel", "FieldScoresModel", "MIN_PAIRS", "judgement", "shown_value"]
