"""The field widget base (editor, evidence marker, note and messages) and the plain field types:
text, integer, number, choice and derived. Actor, place and date live in ui/lookup_fields.py."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from PySide6.QtCore import QEvent, QKeyCombination, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coding.codebook import FieldSpec

EMPTY_CHOICE = "—"
# Small text under a field: red for a problem, amber for "still required", grey for notes.
MESSAGE_COLOUR, SOFT_COLOUR, NOTE_COLOUR = "#b3261e", "#8a6100", "#555"
# Lines a kept note has from the start: a place note (the place found, how sure) takes three at
# the event panel's usual width, so the first fill moves nothing below it either.
KEPT_NOTE_LINES = 3


def small_style(colour: str, size_pt: float) -> str:
    return f"color: {colour}; font-size: {size_pt:g}pt;"
# Keys the editors would take for themselves that the event panel needs (see the key map).
PANEL_KEYS = (QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_U),)
MARKER_STYLE = "QToolButton { border: none; background: transparent; padding: 0; }"


def _same(a: Any, b: Any) -> bool:
    """Equal as stored values: 1 == 1.0, but '' and None are both 'no value'."""
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b



def _restyle(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: setStyleSheet re-polishes the widget even for the
    same sheet (~0.1 ms), and every field of the form is refreshed after each edit."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)

class FormComboBox(QComboBox):
    """A combo box in the form: the wheel over it scrolls the form unless it has the focus, so
    scrolling never changes a value. Not an event filter: a Python filter is called for every
    event of its widget (each paint too), and each call waits for the interpreter lock while a
    writer or lookup thread holds it, which doubled the form's repaint then."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # goes on to the form's scroll area


class FieldWidget(QWidget):
    """A field's editor with its evidence marker, an optional note line and its messages.
    Subclasses build the editor and turn between its text and the stored value."""

    # Said in the note line while the field has no note of its own; a field with one keeps its
    # note's place from the start, so the note a fill brings moves nothing below it.
    empty_note = ""
    valueEdited = Signal(object, bool)  # new stored value, typing (consecutive edits merge)
    focusEntered = Signal()
    focusLeft = Signal()
    evidenceClicked = Signal()
    evidenceCleared = Signal()
    missingChanged = Signal(bool)  # required and still empty (see is_missing)

    def __init__(self, spec: FieldSpec, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("active", False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 1, 2, 1)
        outer.setSpacing(1)
        self.row = QHBoxLayout()
        self.row.setSpacing(3)
        outer.addLayout(self.row)
        self._editor = self.build_editor()
        self._editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.row.addWidget(self._editor, 1)
        self.add_buttons()
        self.marker = QToolButton(self)
        self.marker.setAutoRaise(True)
        self.marker.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.marker.setFixedWidth(20)
        self.marker.clicked.connect(self.evidenceClicked)
        # Right-click on the mark: forget the evidence (the value stays). A menu built on
        # demand: actions added to a QToolButton would turn it into a menu button.
        self.marker.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.marker.customContextMenuRequested.connect(self._marker_menu)
        self.row.addWidget(self.marker)
        self.note = QLabel(self)
        self.small_pt = 9.0
        self.note.setStyleSheet(small_style(NOTE_COLOUR, self.small_pt))
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # in a kept place too
        self.note.hide()
        outer.addWidget(self.note)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        outer.addWidget(self.message)
        self._input_error: Optional[str] = None
        self._problems: list[str] = []
        self._soft = False
        if spec.help and not self._editor.toolTip():  # a subclass may have said more
            self._editor.setToolTip(spec.help)
        self._note_floor, self._note_fresh = 0, False
        if self.empty_note:
            self.set_note("")
        self.set_evidence(None)
        for w in self.focus_widgets():
            if isinstance(w, QComboBox):
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not focused by the wheel either

    # ---- for subclasses --------------------------------------------------------------------
    def build_editor(self) -> QWidget:
        raise NotImplementedError

    def add_buttons(self) -> None:
        """Extra buttons right of the editor (never in the Tab chain)."""

    def focus_widgets(self) -> list[QWidget]:
        return [self._editor]

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def current_value(self) -> Any:
        """The stored value the editor holds now; ValueError if its text does not fit."""
        raise NotImplementedError

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.row.addWidget(button)
        return button

    # ---- shared behaviour ------------------------------------------------------------------
    def editor(self) -> QWidget:
        return self._editor

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """On the focused editor only (EventForm installs it there): keys the panel needs."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.keyCombination() in PANEL_KEYS:
            return True  # not overridden: the panel's shortcut wins (Ctrl+U clears a line on X11)
        return False

    def set_value(self, value: Any) -> None:
        """Show a stored value without emitting valueEdited."""
        widgets = list(dict.fromkeys([self._editor, *self.focus_widgets()]))
        blocked = [w.blockSignals(True) for w in widgets]
        try:
            self.show_value(value)
        finally:
            for w, old in zip(widgets, blocked):
                w.blockSignals(old)
        self._input_error = None
        self._refresh_message()

    def matches(self, value: Any) -> bool:
        try:
            return _same(self.current_value(), value)
        except ValueError:
            return False

    def _typed(self, text: str, typing: bool = True) -> None:
        """The coder changed the text: emit the stored value, or show why the text does not fit."""
        try:
            value = self.spec.coerce(text)
        except ValueError as exc:
            self._input_error = str(exc)
            self._refresh_message()
            return
        self._input_error = None
        self._refresh_message()
        self.valueEdited.emit(value, typing)

    def set_problems(self, problems: list[str], soft: bool = False) -> None:
        """Validation messages; soft ones (a required field still empty) are not a line under the
        field but a mark on its label (missingChanged)."""
        self._problems, self._soft = list(problems), soft
        self._refresh_message()

    def messages(self) -> list[str]:
        return ([self._input_error] if self._input_error else []) + self._problems

    def is_missing(self) -> bool:
        """A required field still empty: a to-do the form shows on the field's label."""
        return self._soft and bool(self._problems) and not self._input_error

    def _refresh_message(self) -> None:
        # A to-do is not a line under the field: one under every empty required field made a
        # new event's form a third longer, and each line going as its field was filled moved
        # every field below it (a repaint of the form at each fill).
        missing = self.is_missing()
        lines = [] if missing else self.messages()
        shown = (tuple(lines), missing, self.small_pt)
        if getattr(self, "_message_shown", None) == shown:
            return  # every edit sets every field's problems: an unchanged line costs nothing
        was_missing = getattr(self, "_message_shown", (None, None))[1]
        self._message_shown = shown
        self.message.setVisible(bool(lines))
        self.message.setText("\n".join(lines))
        _restyle(self.message, small_style(MESSAGE_COLOUR, self.small_pt))
        self._fit_wrapped_lines()
        if missing or was_missing:  # the label's mark, and its tooltip naming the to-do
            self.missingChanged.emit(missing)

    def set_small_size(self, size_pt: float) -> None:
        """The size of the note and message lines (follows the app's font size)."""
        self.small_pt = size_pt
        self.note.setStyleSheet(small_style(NOTE_COLOUR, size_pt))
        self._refresh_message()

    def set_note(self, text: str) -> None:
        if getattr(self, "_note_shown", None) == text and not self._note_fresh:
            return  # every edit sets every field's note: unchanged, it costs nothing
        if self._note_fresh:
            self._note_fresh, self._note_floor = False, 0
        self._note_shown = text
        if self.empty_note:  # the note's place is kept, saying what fills the field
            self.note.setText(text or self.empty_note)
            self.note.setVisible(True)
        else:
            self.note.setText(text)
            self.note.setVisible(bool(text))
        self._fit_wrapped_lines()

    def _fit_wrapped_lines(self) -> None:
        """QFormLayout sizes a field by its height at another width than the one it gives it, so
        a wrapped note or message got fewer lines than its text and was cut off at both ends:
        each asks for the height its text takes at the width it has. A field that keeps its
        note's place never gives back a line of it while the width stays: a note one line
        shorter than the last would move every field below it, twice per fill."""
        margins = self.layout().contentsMargins()
        width = self.width() - margins.left() - margins.right()
        for label in (self.note, self.message):
            need = 0
            if label.text() and not label.isHidden() and width > 0:
                held = label.minimumHeight()
                label.setMinimumHeight(0)  # QLabel's height for a width is never under its minimum
                need = label.heightForWidth(width)
                label.setMinimumHeight(held)
            if label is self.note and self.empty_note:
                lines = label.fontMetrics().lineSpacing() * KEPT_NOTE_LINES
                need = self._note_floor = max(self._note_floor, need, lines)
            if label.minimumHeight() != need:
                label.setMinimumHeight(need)

    def release_note_space(self) -> None:
        """Another event is shown: a kept note goes back to its first lines when that event's
        note is set (the note in it now is still the last event's)."""
        self._note_fresh = True

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._note_floor = 0
            self._fit_wrapped_lines()

    def _marker_menu(self, pos: QPoint) -> None:
        if not self.has_evidence:
            return
        menu = QMenu(self)
        menu.addAction("Forget this evidence", self.evidenceCleared.emit)
        menu.exec(self.marker.mapToGlobal(pos))

    def set_evidence(self, text: Optional[str]) -> None:
        """Mark whether the field has an evidence span (its text in the tooltip). Unchanged, it
        costs nothing: every edit sets all fields' evidence, and a style sheet set is ~0.3 ms."""
        if getattr(self, "_evidence_shown", False) and self._evidence_text == text:
            return
        self._evidence_shown, self._evidence_text = True, text
        self.has_evidence = text is not None
        if text is None:
            self.marker.setText("")
            _restyle(self.marker, MARKER_STYLE)
            self.marker.setToolTip("No evidence yet: with this field active, use a highlight (Space or Ctrl+U).")
            self.marker.setEnabled(False)
        else:
            self.marker.setText("❝")
            _restyle(self.marker, MARKER_STYLE + "QToolButton { color: #1a5fb4; font-weight: bold; font-size: 15px; }")
            short = text if len(text) <= 80 else text[:77] + "..."
            self.marker.setToolTip(f"Evidence: \u201c{short}\u201d (click to show it in the text; right-click to forget it)")
            self.marker.setEnabled(True)

    def set_active(self, active: bool) -> None:
        if self.property("active") == active:
            return
        self.setProperty("active", active)
        self.style().unpolish(self)
        self.style().polish(self)


class LineField(FieldWidget):
    """Text, integer and number fields: a line edit; typing is saved when the coder pauses or
    leaves the field (one undo step per visit)."""

    def build_editor(self) -> QWidget:
        self.line = QLineEdit(self)
        self.line.setClearButtonEnabled(False)
        self.line.textEdited.connect(self._typed)
        return self.line

    def show_value(self, value: Any) -> None:
        self.line.setText("" if value is None else self.spec.display(value))
        self.line.setCursorPosition(0)

    def current_value(self) -> Any:
        return self.spec.coerce(self.line.text())


class ListField(LineField):
    """A field of several values (PLOVER's actors, contexts, sectors): one line, the items
    separated by the codebook's separator; a highlight adds an item."""

    def build_editor(self) -> QWidget:
        line = super().build_editor()
        sep = self.spec.separator
        choices = self.spec.all_choices()
        tip = f"Several values, separated by \u201c{sep}\u201d."
        if choices:
            tip += " Choices: " + ", ".join(self.spec.display(c) for c in choices)
        line.setPlaceholderText(f"one{sep} another")
        line.setToolTip(f"{self.spec.help}\n{tip}".strip())
        return line

    def show_value(self, value: Any) -> None:
        # Raw values, not choice labels: the text is what the coder edits and what coerce reads.
        items = value if isinstance(value, list) else ([] if value is None else [value])
        self.line.setText(f"{self.spec.separator} ".join(str(v) for v in items))
        self.line.setCursorPosition(0)


class MultiLineField(FieldWidget):
    """A longer text (notes): a small plain-text box; Tab leaves it."""

    def build_editor(self) -> QWidget:
        self.box = QPlainTextEdit(self)
        self.box.setTabChangesFocus(True)
        self.box.setFixedHeight(self.box.fontMetrics().lineSpacing() * 3 + 12)
        self.box.textChanged.connect(lambda: self._typed(self.box.toPlainText()))
        return self.box

    def show_value(self, value: Any) -> None:
        self.box.setPlainText("" if value is None else str(value))

    def current_value(self) -> Any:
        return self.spec.coerce(self.box.toPlainText())


class DerivedField(FieldWidget):
    """Computed from other fields: shown, never typed; not in the Tab chain."""

    def build_editor(self) -> QWidget:
        self.line = QLineEdit(self)
        self.line.setReadOnly(True)
        self.line.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.line.setPlaceholderText("computed")
        return self.line

    def show_value(self, value: Any) -> None:
        self.line.setText(self.spec.display(value))

    def current_value(self) -> Any:
        return self.spec.coerce(self.line.text())


class ChoiceField(FieldWidget):
    """A fixed list (combo box); a dependent field's list is replaced when its parent changes.
    A stored value outside the list is still shown, so validation can point at it."""

    def build_editor(self) -> QWidget:
        self.combo = FormComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.activated.connect(self._chosen)
        self._choices: list[Any] = []
        self._value: Any = None
        self.set_choices(self.spec.choices if not self.spec.depends_on else [])
        return self.combo

    def set_choices(self, choices: Iterable[Any]) -> None:
        wanted = [c for c in choices if c != ""]
        if wanted == getattr(self, "_choices", None) and self.combo.count():
            return  # every edit sets them again: rebuilding the combo costs ~10 ms
        self._choices = wanted
        self._rebuild()

    def _rebuild(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(EMPTY_CHOICE, None)
        for value in self._choices:
            self.combo.addItem(self.spec.display(value), value)
        if self._value is not None and self._value not in self._choices:
            self.combo.addItem(f"{self.spec.display(self._value)} (not a choice here)", self._value)
        index = self.combo.findData(self._value) if self._value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        if self.spec.depends_on and not self._choices:
            self.combo.setToolTip(f"Choose {self.spec.depends_on.replace('_', ' ')} first. {self.spec.help}")
        elif self.spec.help:
            self.combo.setToolTip(self.spec.help)

    def _chosen(self, index: int) -> None:
        value = self.combo.itemData(index)
        if _same(value, self._value):
            return
        self._value = value
        self.valueEdited.emit(self.spec.coerce(value) if value is not None else None, False)

    def show_value(self, value: Any) -> None:
        self._value = None if value in ("", None) else value
        self._rebuild()

    def current_value(self) -> Any:
        return self._value
