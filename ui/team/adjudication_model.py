"""The adjudication view's parts without widgets: the field table (A | B | gold) of one pair of
versions, and the undoable steps: taking a side or a value, dropping an event, saving gold."""
from __future__ import annotations

from typing import Any, Optional, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtGui import QUndoCommand

from coding.schema import FieldSpec
from services.adjudication import Edited, Version, adjudicate
from ui.undo import EVENTS, SPANS, STATUS, EditCommand

DIFF_BRUSH = QBrush(QColor("#fde2d6"))
TAKEN_BRUSH = QBrush(QColor("#e3efe0"))
MUTED = QBrush(QColor("#6b7480"))
DROP = "drop"  # the choice under the key "" of a version no gold event is made of
VersionKey = tuple[int, tuple[str, ...]]  # article id, the source events' uids

Index = QModelIndex | QPersistentModelIndex


def shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def gold_of(version: Version, name: str, choices: dict[str, Any]) -> tuple[Any, str]:
    """The gold value of a field and where it comes from, as services.adjudication makes it:
    "A", "B" or "edited" when chosen; "agreed" when the sides do not differ; else side A's
    (or B's when A has no event) "(default)"."""
    f = next(x for x in version.fields if x.name == name)
    choice = choices.get(name)
    if isinstance(choice, Edited):
        return choice.value, "edited"
    if choice in ("a", "b"):
        return (f.a if choice == "a" else f.b), choice.upper()
    if not f.differs:
        return (f.a if version.a is not None else f.b), "agreed"
    return (f.a, "A (default)") if version.a is not None else (f.b, "B (default)")


class VersionFieldsModel(QAbstractTableModel):
    """Field | coder A | coder B | gold | where the gold value comes from, for one version;
    differing rows shaded; the gold cell
    edits (the window turns an edit into an undoable command: goldEdited)."""

    FIELD, A, B, GOLD, FROM = range(5)
    goldEdited = Signal(str, str)  # field name, the text typed

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.version: Optional[Version] = None
        self.choices: dict[str, Any] = {}
        self.coders = ("A", "B")
        self.specs: dict[str, FieldSpec] = {}
        self.names: list[str] = []
        self.show_all = False

    def set_version(self, version: Optional[Version], choices: dict[str, Any], coders: tuple[str, str],
                    specs: dict[str, FieldSpec]) -> None:
        self.beginResetModel()
        self.version, self.choices, self.coders, self.specs = version, choices, coders, specs
        self._pick_rows()
        self.endResetModel()

    def set_show_all(self, show_all: bool) -> None:
        self.beginResetModel()
        self.show_all = show_all
        self._pick_rows()
        self.endResetModel()

    def _pick_rows(self) -> None:
        """Every field with a value on either side (or edited); all of them when asked."""
        if self.version is None:
            self.names = []
            return
        self.names = [f.name for f in self.version.fields
                      if self.show_all or f.a not in (None, "") or f.b not in (None, "") or f.name in self.choices]

    def refresh(self) -> None:
        """The choices changed (same version): redraw the gold column and shading."""
        if self.names:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.names) - 1, self.FROM))

    def row_of(self, name: str) -> int:
        return self.names.index(name) if name in self.names else -1

    def field(self, row: int) -> Any:
        assert self.version is not None
        name = self.names[row]
        return next(f for f in self.version.fields if f.name == name)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Field", f"A: {self.coders[0]}", f"B: {self.coders[1]}", "Gold", "From")[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == self.GOLD else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.version is None:
            return None
        f = self.field(index.row())
        column = index.column()
        value, source = gold_of(self.version, f.name, self.choices)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.FIELD:
                return f"≠ {f.label}" if f.differs and role == Qt.ItemDataRole.DisplayRole else f.label
            if column == self.A:
                return shown(f.a)
            if column == self.B:
                return shown(f.b)
            if column == self.FROM:
                return source
            if role == Qt.ItemDataRole.EditRole:
                return "" if value is None else str(value)
            return shown(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            chosen = self.choices.get(f.name)
            if column == self.A and chosen == "a" or column == self.B and chosen == "b":
                return TAKEN_BRUSH
            if f.differs:
                return DIFF_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.GOLD, self.FROM) and source.endswith("(default)"):
            return MUTED
        if role == Qt.ItemDataRole.FontRole and column == self.FIELD and f.differs:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (self.GOLD, self.FROM):
                return "Left or [ takes A, Right or ] takes B, Enter types a value"
            if column in (self.A, self.B):
                return shown(f.a if column == self.A else f.b)
            if f.differs:
                return "The coders differ on this field"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.isValid() and index.column() == self.GOLD and role == Qt.ItemDataRole.EditRole:
            self.goldEdited.emit(self.names[index.row()], "" if value is None else str(value))
        return False  # the command changes the choice, and the model with it


class ChoiceTarget(Protocol):
    def apply_choice(self, key: VersionKey, name: str, choice: Any) -> None: ...


class ChoiceCommand(QUndoCommand):
    """Take a side, type a value, or drop an event (name "") for one version. No database
    write: the choice lives in the view until the gold event is saved."""

    def __init__(self, target: ChoiceTarget, key: VersionKey, name: str, choice: Any, old: Any, text: str) -> None:
        super().__init__(text)
        self.target, self.key, self.name, self.choice, self.old = target, key, name, choice, old

    def redo(self) -> None:
        self.target.apply_choice(self.key, self.name, self.choice)

    def undo(self) -> None:
        self.target.apply_choice(self.key, self.name, self.old)


class SaveGoldCommand(EditCommand):
    """The gold event of one version (recording its source events); undo deletes it and, when
    the article was not adjudicated before, unmarks it (blind mode hides again)."""

    touches = frozenset({EVENTS, SPANS, STATUS})  # adjudicating lifts blind mode: spans show again

    def __init__(self, repo: Any, signals: Any, version: Version, choices: dict[str, Any],
                 adjudicator: Optional[str]) -> None:
        source = version.a or version.b
        assert source is not None
        super().__init__(repo, signals, source.event.article_id, "Save the gold event")
        self.version, self.choices, self.adjudicator = version, dict(choices), adjudicator
        self.was_adjudicated: Optional[bool] = None
        self.gold_id: Optional[int] = None

    def apply(self) -> None:
        if self.was_adjudicated is None:
            self.was_adjudicated = self.repo.is_adjudicated(self.article_id)
        event = adjudicate(self.repo, self.version, self.choices, self.adjudicator)
        self.gold_id = event.id

    def revert(self) -> None:
        if self.gold_id is not None:
            self.repo.delete_event(self.gold_id)
            self.gold_id = None
        if not self.was_adjudicated:
            self.repo.unmark_adjudicated(self.article_id)


class MarkAdjudicatedCommand(EditCommand):
    """Every version of the article decided with no gold event made (all dropped): the
    article still counts as adjudicated."""

    touches = frozenset({SPANS, EVENTS, STATUS})

    def __init__(self, repo: Any, signals: Any, article_id: int, adjudicator: Optional[str]) -> None:
        super().__init__(repo, signals, article_id, "Mark the article adjudicated")
        self.adjudicator = adjudicator
        self.was = True

    def apply(self) -> None:
        self.was = self.repo.mark_adjudicated(self.article_id, self.adjudicator)

    def revert(self) -> None:
        if not self.was:
            self.repo.unmark_adjudicated(self.article_id)


__all__ = ["ChoiceCommand", "DROP", "MarkAdjudicatedCommand", "SaveGoldCommand", "VersionFieldsModel",
           "VersionKey", "gold_of"]
