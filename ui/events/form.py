"""The event form, built from a codebook: one labelled widget per field, in codebook order."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any, Mapping, Optional

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from coding.codebook import Codebook, FieldSpec
from coding.values import is_empty
from ui.events.field_widgets import SOFT_COLOUR, ChoiceField, FieldWidget
from ui.events.lookup_fields import ActorField, DateField, PlaceField, make_field_widget

REQUIRED_MARK = '<span style="color:#b3261e">&nbsp;*</span>'


def _label_html(spec: FieldSpec, missing: bool) -> str:
    text = html.escape(spec.label)
    if missing:
        text = f'<span style="color:{SOFT_COLOUR}">{text}</span>'
    return text + (REQUIRED_MARK if spec.required else "")


class EventForm(QWidget):
    """Shows one event's values, evidence marks and validation messages, and reports what the
    coder does; the panel turns that into undoable commands. Knows nothing about the database."""

    fieldEdited = Signal(str, object, bool)  # field, new value, typing
    resolveRequested = Signal(str, str)  # field, text to resolve (date or place)
    pickRequested = Signal(str)  # place field: choose among candidates
    addActorRequested = Signal(str, str)  # actor field, name
    fieldFocused = Signal(str)
    fieldLeft = Signal(str)  # focus left the field: its typed text is saved
    evidenceClicked = Signal(str)
    evidenceCleared = Signal(str)

    def __init__(self, codebook: Codebook, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.widgets: dict[str, FieldWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.active_field: Optional[str] = None
        self._shown: dict[str, Any] = {}
        # The field holding typed text not saved yet: reloads leave it alone.
        self.pending_field: Optional[str] = None
        self._field_of_editor: dict[QObject, str] = {}
        # Focus is followed once for the application, and the key filters sit on the focused
        # editor alone: a Python filter on every editor was called for each of their events
        # (every paint), waiting each time for the interpreter lock a writer thread held.
        self._filtered: Optional[QWidget] = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(self.scroll_area)
        inner = QWidget()
        self.form = QFormLayout(inner)
        self.form.setContentsMargins(6, 4, 6, 8)
        self.form.setHorizontalSpacing(8)
        self.form.setVerticalSpacing(2)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for spec in codebook.fields:
            self._add_row(spec)
        self.scroll_area.setWidget(inner)
        self._chain_tab_order()
        self._reserve_label_width()

    # ---- building --------------------------------------------------------------------------
    def _add_row(self, spec: FieldSpec) -> None:
        widget = make_field_widget(spec)
        label = QLabel(_label_html(spec, missing=False))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)  # wider than its text
        label.setToolTip(spec.help)
        label.setBuddy(widget.editor())
        # Align the label with the editor line, not the note/message under it.
        label.setContentsMargins(0, 5, 0, 0)
        self.form.addRow(label, widget)
        self.widgets[spec.name], self.labels[spec.name] = widget, label
        name = spec.name
        for editor in [widget.editor(), *widget.editor().findChildren(QWidget)]:
            self._field_of_editor[editor] = name
        widget.valueEdited.connect(lambda value, typing, n=name: self.fieldEdited.emit(n, value, typing))
        widget.focusEntered.connect(lambda n=name: self._focused(n))
        widget.focusLeft.connect(lambda n=name: self.fieldLeft.emit(n))
        widget.evidenceClicked.connect(lambda n=name: self.evidenceClicked.emit(n))
        widget.evidenceCleared.connect(lambda n=name: self.evidenceCleared.emit(n))
        widget.missingChanged.connect(lambda missing, n=name: self._mark_missing(n, missing))
        if isinstance(widget, (DateField, PlaceField)):
            widget.resolveRequested.connect(lambda text, n=name: self.resolveRequested.emit(n, text))
        if isinstance(widget, PlaceField):
            widget.pickRequested.connect(lambda n=name: self.pickRequested.emit(n))
        if isinstance(widget, ActorField):
            widget.addActorRequested.connect(lambda text, n=name: self.addActorRequested.emit(n, text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Ctrl+Z in a field undoes the last saved edit (the window's Undo), as the Edit menu
        says; the field's own text undo only while the coder is typing in it, not yet saved."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            name = self._field_of_editor.get(watched)  # type: ignore[call-overload]
            if name is not None and name != self.pending_field:
                event.ignore()  # not taken by the field: the shortcut goes to the window's action
                return True
        return super().eventFilter(watched, event)

    def _focus_moved(self, old: Optional[QWidget], new: Optional[QWidget]) -> None:
        old_name = self._field_of_editor.get(old) if old is not None else None  # type: ignore[call-overload]
        new_name = self._field_of_editor.get(new) if new is not None else None  # type: ignore[call-overload]
        if old_name is None and new_name is None:
            return
        if self._filtered is not None:
            self._filtered.removeEventFilter(self)
            self._filtered.removeEventFilter(self.widgets[self._field_of_editor[self._filtered]])
            self._filtered = None
        if new_name is not None and new is not None:
            new.installEventFilter(self.widgets[new_name])  # Ctrl+U and the like reach the panel
            new.installEventFilter(self)  # Ctrl+Z: the window's undo unless typing
            self._filtered = new
        if old_name != new_name:
            if old_name is not None:
                self.widgets[old_name].focusLeft.emit()
            if new_name is not None:
                self.widgets[new_name].focusEntered.emit()

    def _chain_tab_order(self) -> None:
        """Tab follows the codebook order, skipping computed fields."""
        editors = [w.editor() for w in self.widgets.values() if w.spec.type != "derived"]
        for first, second in zip(editors, editors[1:]):
            QWidget.setTabOrder(first, second)

    # ---- showing values --------------------------------------------------------------------
    def set_values(self, values: Mapping[str, Any], force: bool = False) -> None:
        """Show the event's values. Only fields whose stored value changed since the last call
        are touched (unless `force`), so the text being typed and its cursor stay put."""
        for name, widget in self.widgets.items():
            value = values.get(name)
            if force:
                widget.release_note_space()
            if isinstance(widget, ChoiceField) and widget.spec.depends_on:
                widget.set_choices(self.codebook.choices_for(name, values))
            if name == self.pending_field:
                continue  # the coder is typing there: the text on screen is newer than `values`
            changed = force or name not in self._shown or self._shown[name] != value
            if changed and (force or not widget.matches(value)):
                widget.set_value(value)
        self._shown = dict(values)

    def set_problems(self, problems: Mapping[str, list[str]], values: Mapping[str, Any]) -> None:
        for name, widget in self.widgets.items():
            messages = problems.get(name, [])
            # A required field not filled yet is a to-do, not an error: marked on its label.
            soft = bool(messages) and is_empty(values.get(name))
            widget.set_problems(messages, soft=soft)

    def _mark_missing(self, name: str, missing: bool) -> None:
        """A required field still empty: its label in amber, saying so in its tooltip. The text
        keeps its width (only its colour changes), so nothing in the form moves."""
        widget, label = self.widgets[name], self.labels[name]
        label.setText(_label_html(widget.spec, missing))
        todo = "\n".join(widget.messages()) if missing else ""
        label.setToolTip("\n".join(x for x in (widget.spec.help, todo) if x))

    def missing_fields(self) -> list[str]:
        """The fields whose labels say they are required and still empty, in form order."""
        return [name for name, widget in self.widgets.items() if widget.is_missing()]

    def set_evidence(self, texts: Mapping[str, str]) -> None:
        for name, widget in self.widgets.items():
            widget.set_evidence(texts.get(name))

    def set_note(self, name: str, text: str) -> None:
        if name in self.widgets:
            self.widgets[name].set_note(text)

    def set_published(self, published: Optional[dt.date]) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, DateField):
                widget.set_published(published)

    def set_actors(self, names: list[str]) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, ActorField):
                widget.set_actors(names)

    def set_small_size(self, size_pt: float) -> None:
        for widget in self.widgets.values():
            widget.set_small_size(size_pt)
        self._reserve_label_width()

    def _reserve_label_width(self) -> None:
        """The label column as wide as its widest label in bold: the active field's label turns
        bold, and the whole form must not shift sideways when it does."""
        if not self.labels:
            return
        font = next(iter(self.labels.values())).font()
        font.setBold(True)
        metrics = QFontMetrics(font)
        width = max(metrics.horizontalAdvance(spec.label + ("\u00a0*" if spec.required else ""))
                    for spec in self.codebook.fields if spec.name in self.labels) + 4
        for label in self.labels.values():
            if label.minimumWidth() != width:
                label.setMinimumWidth(width)

    # ---- the active field ------------------------------------------------------------------
    def _focused(self, name: str) -> None:
        self.set_active_field(name)
        self.fieldFocused.emit(name)

    def set_active_field(self, name: Optional[str]) -> None:
        """Mark the field highlights will fill; it stays marked while focus is elsewhere."""
        if name is not None and name not in self.widgets:
            name = None
        for field_name, widget in self.widgets.items():
            widget.set_active(field_name == name)
            font = self.labels[field_name].font()
            font.setBold(field_name == name)
            self.labels[field_name].setFont(font)
        self.active_field = name
        self._reserve_label_width()
        if name is not None:
            self.scroll_area.ensureWidgetVisible(self.widgets[name], 20, 20)

    def show_field(self, name: str) -> None:
        """Scroll a field into view (one a highlight just filled), with the note and message the
        fill gave it: the layouts waiting to take them in run first, or the field would be
        scrolled to by the height it had before and its new lines left below the view."""
        widget = self.widgets.get(name)
        if widget is not None:
            # A note's new height reaches the form a layout at a time (the note's, the field's,
            # the form's), and a layout request posted while they are sent waits for the next
            # round: three rounds take it all the way up.
            for _ in range(3):
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.scroll_area.ensureWidgetVisible(widget, 20, 20)

    def focus_field(self, name: str) -> None:
        widget = self.widgets.get(name)
        if widget is not None:
            widget.editor().setFocus(Qt.FocusReason.OtherFocusReason)
            if self.active_field != name:  # no FocusIn when the window is not active
                self._focused(name)

    def editable_fields(self) -> list[str]:
        return [n for n, w in self.widgets.items() if w.spec.type != "derived"]

    def first_field(self) -> str:
        """Where a new event starts: the first required field (not an optional ID that a
        highlight should not fill by accident)."""
        names = self.editable_fields()
        return next((n for n in names if self.widgets[n].spec.required), names[0])

    def step_field(self, step: int) -> Optional[str]:
        """The editable field `step` places after (or before) the active one, wrapping around."""
        names = self.editable_fields()
        if not names:
            return None
        if self.active_field in names:
            index = (names.index(self.active_field) + step) % len(names)
        else:
            index = 0 if step > 0 else len(names) - 1
        return names[index]

    def has_focus_inside(self) -> bool:
        focus = self.focusWidget()
        return focus is not None and self.isAncestorOf(focus) and focus.hasFocus()
