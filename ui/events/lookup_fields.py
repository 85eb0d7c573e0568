"""Field widgets that look things up: actors (the actor list), places (the gazetteer) and
dates (resolved against the publication date)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QLineEdit, QWidget

from coding.codebook import FieldSpec
from ui.events.field_widgets import (
    ChoiceField,
    DerivedField,
    FieldWidget,
    FormComboBox,
    LineField,
    ListField,
    MultiLineField,
)


class ClickThroughPopup(QObject):
    """A click outside a completer's list closes the list and still does what it was aimed at.
    On X11 that click was swallowed: with the list open after typing an actor, the first click
    on a highlight in the reader did nothing."""

    def eventFilter(self, popup: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.MouseButtonPress or not isinstance(popup, QWidget) \
                or not isinstance(event, QMouseEvent) or not popup.isVisible():
            return False
        global_pos = event.globalPosition()
        if popup.rect().contains(popup.mapFromGlobal(global_pos.toPoint())):
            return False  # a click on the list itself: the completer's own business
        popup.hide()
        target = QApplication.widgetAt(global_pos.toPoint())
        if target is not None and target is not popup and not popup.isAncestorOf(target):
            local = QPointF(target.mapFromGlobal(global_pos.toPoint()))
            # Press and release: the real release may go to the closed list (X pointer grab).
            for kind, buttons in ((QEvent.Type.MouseButtonPress, event.buttons()),
                                  (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
                QApplication.sendEvent(target, QMouseEvent(kind, local, global_pos, event.button(), buttons,
                                                           event.modifiers()))
        return True


class ActorField(FieldWidget):
    """An actor name with completion from the workspace's actor list; a new name can be added."""

    addActorRequested = Signal(str)

    def build_editor(self) -> QWidget:
        self.combo = FormComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(completer)
        popup = completer.popup()  # created now, so our filter runs before the completer's
        popup.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay, True)  # we forward the click ourselves
        self._click_through = ClickThroughPopup(self)
        popup.installEventFilter(self._click_through)
        completer.activated.connect(lambda text: self._typed(text, typing=False))
        self.combo.lineEdit().textEdited.connect(self._typed)
        self.combo.activated.connect(lambda i: self._typed(self.combo.itemText(i), typing=False))
        self.combo.lineEdit().textChanged.connect(lambda _t: self._update_add_button())
        self._known: set[str] = set()
        self._names: list[str] = []
        return self.combo

    def focus_widgets(self) -> list[QWidget]:
        return [self.combo, self.combo.lineEdit()]

    def add_buttons(self) -> None:
        self.add_button = self._tool("+", "Add this name to the workspace's actor list with a guessed inter code (Enter)")
        self.add_button.clicked.connect(lambda: self.addActorRequested.emit(self.combo.currentText().strip()))
        # Enter confirms the name: a new one joins the actor list (keyboard path to "+").
        self.combo.lineEdit().returnPressed.connect(self._confirm)
        self.add_button.hide()

    def _confirm(self) -> None:
        name = self.combo.currentText().strip()
        if name and not self.is_known(name):
            self.addActorRequested.emit(name)

    def set_actors(self, names: Iterable[str]) -> None:
        names = list(names)
        if names == self._names:
            return  # unchanged: leave the text being typed (and its cursor) alone
        self._names = names
        text = self.combo.currentText()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        self._known = {n.casefold() for n in names}
        self.combo.setEditText(text)
        self.combo.blockSignals(False)
        self._update_add_button()

    def is_known(self, name: str) -> bool:
        return name.strip().casefold() in self._known

    def _update_add_button(self) -> None:
        name = self.combo.currentText().strip()
        self.add_button.setVisible(bool(name) and not self.is_known(name))

    def show_value(self, value: Any) -> None:
        self.combo.setEditText("" if value is None else str(value))
        self.combo.lineEdit().setCursorPosition(0)
        self._update_add_button()

    def current_value(self) -> Any:
        return self.spec.coerce(self.combo.currentText())


class PlaceField(FieldWidget):
    """A place name; Enter (or leaving the field) resolves it, Pick... chooses among candidates.
    The note line shows what it resolved to: admin1, country, coordinates, precision."""

    empty_note = "Space on a place highlight fills it, with the country and coordinates."
    resolveRequested = Signal(str)
    pickRequested = Signal()

    def build_editor(self) -> QWidget:
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("place name + Enter")
        self.line.textEdited.connect(self._typed)
        self.line.textEdited.connect(lambda _t: setattr(self, "_dirty", True))
        self.line.editingFinished.connect(self._finished)
        self._dirty = False
        return self.line

    def add_buttons(self) -> None:
        self.pick_button = self._tool("Pick…", "Choose among the gazetteer's places of this name (F4)")
        self.pick_button.clicked.connect(self.pickRequested)

    def _finished(self) -> None:
        if self._dirty and self.line.text().strip():
            self._dirty = False
            self.resolveRequested.emit(self.line.text().strip())

    def show_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)
        self._dirty = False

    def current_value(self) -> Any:
        return self.spec.coerce(self.line.text())


class DateField(FieldWidget):
    """An ISO date; other text ("last Tuesday") is resolved against the publication date on
    Enter. When empty, a button offers the publication date."""

    resolveRequested = Signal(str)

    def build_editor(self) -> QWidget:
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("YYYY-MM-DD")  # or words + Enter: see the tooltip
        self.line.textEdited.connect(self._date_typed)
        self.line.returnPressed.connect(self._return)
        self._published: Optional[dt.date] = None
        return self.line

    def add_buttons(self) -> None:
        self.line.setToolTip(" ".join(x for x in (self.spec.help, "Type YYYY-MM-DD, or words such as "
                                                   "\u201clast Tuesday\u201d and press Enter.") if x))
        self.pub_button = self._tool("", "Use the article's publication date")
        self.pub_button.clicked.connect(lambda: self.resolveRequested.emit(self._published.isoformat())
                                        if self._published else None)
        self.pub_button.hide()

    def set_published(self, published: Optional[dt.date]) -> None:
        self._published = published
        self.pub_button.setText(f"= {published.isoformat()}" if published else "")
        self.pub_button.setToolTip(f"Use the article's publication date ({published.isoformat()})" if published else "")
        self._update_pub_button()

    def _update_pub_button(self) -> None:
        self.pub_button.setVisible(self._published is not None and not self.line.text().strip())

    def _date_typed(self, text: str) -> None:
        self._update_pub_button()
        stripped = text.strip()
        try:
            value = self.spec.coerce(stripped) if len(stripped) in (0, 10) else None
        except ValueError:
            value = None
        if stripped and value is None:
            self._input_error = "Not a YYYY-MM-DD date yet: press Enter to resolve this text."
            self._refresh_message()
            return
        self._typed(stripped)

    def _return(self) -> None:
        text = self.line.text().strip()
        if text and self._input_error:
            self.resolveRequested.emit(text)

    def show_value(self, value: Any) -> None:
        self.line.setText("" if value is None else self.spec.display(value))
        self._update_pub_button()

    def current_value(self) -> Any:
        return self.spec.coerce(self.line.text())


def make_field_widget(spec: FieldSpec, parent: Optional[QWidget] = None) -> FieldWidget:
    """The widget for a field's type."""
    if spec.type == "derived":
        return DerivedField(spec, parent)
    if spec.multiple:
        return ListField(spec, parent)
    if spec.type == "choice":
        return ChoiceField(spec, parent)
    if spec.type == "actor":
        return ActorField(spec, parent)
    if spec.type == "place":
        return PlaceField(spec, parent)
    if spec.type == "date":
        return DateField(spec, parent)
    if spec.type == "text" and (spec.extra.get("multiline") or spec.name == "notes"):
        return MultiLineField(spec, parent)
    return LineField(spec, parent)
