"""How values get into the event form's fields: the active field, filling from a highlight
(Space, Ctrl+U), place lookups in the background, a choice by number, typed text saved when the
coder pauses. A part of EventPanel (its attributes: editor, bundle, current, lookups, forms),
kept apart so the panel's own file is about listing and showing events."""
from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import QTimer

from coding.event_input import FillOutcome
from storage.event_edits import SetFields
from storage.models import EntitySpan

FillReport = Callable[[FillOutcome], None]


class FieldInput:
    """EventPanel's field input (a mixin: EventPanel is the only class that uses it)."""
    # ---- the active field ------------------------------------------------------------------
    def active_field_name(self) -> Optional[str]:
        return self.editor.active

    def has_active_field(self) -> bool:
        """A field the coder last focused, on a shown event: highlights will fill it."""
        form = self.current_form()
        return self.current is not None and form is not None and self.editor.active in form.widgets

    def _field_focused(self, name: str) -> None:
        self.editor.focus(name)
        self._show_evidence(name)

    def _show_evidence(self, name: str) -> None:
        span = self.editor.evidence_span(name)
        if span is not None:
            self.evidenceRequested.emit(*span)

    def step_field(self, step: int) -> None:
        """Alt+Down/Alt+Up: the next/previous field. Inside the form focus moves with it; from
        the reader only the active mark moves, so the coder can keep walking highlights."""
        form = self.current_form()
        name = form.step_field(step) if form is not None else None
        if form is None or name is None:
            return
        if form.has_focus_inside():
            form.focus_field(name)
        else:
            form.set_active_field(name)
            self._field_focused(name)

    def focus_main(self) -> None:
        """Ctrl+3 (main window): into the form, on the active field (or the first one)."""
        form = self.current_form()
        if form is None:
            self.list.setFocus()
            return
        active = self.editor.active
        form.focus_field(active if active in form.widgets else form.first_field())

    # ---- filling from the text -------------------------------------------------------------
    def use_current_highlight(self) -> bool:
        """Ctrl+U: the reader's current highlight fills the active field."""
        span = self._span_provider() if self._span_provider is not None else None
        if span is None or self.bundle is None:
            return False
        return self.fill_active_field(span)

    def fill_active_field(self, span: EntitySpan, _text: str = "") -> bool:
        """Ctrl+U: set the active field from a highlight and keep the highlight as its evidence
        (one undo step). False when there is no active field or the text does not fit it; a
        place is looked up in the background (True: the edit follows)."""
        if not self.has_active_field() or self.bundle is None:
            return False
        self.flush_edits()
        name = self.editor.active
        assert name is not None
        if self.editor.is_place_field(name):
            evidence = (span.start, span.end)
            self._look_up_place(name, self.bundle.article.text[span.start:span.end],
                                lambda fill: self._use_outcome(self.editor.fill_with(name, fill, evidence)))
            return True
        return self._use_outcome(self.editor.fill_active(span.start, span.end))

    def fill_from_highlight(self, span: EntitySpan, also: Optional[Callable[[], None]] = None,
                            report: Optional[FillReport] = None) -> FillOutcome:
        """Space on a highlight: the active field when it takes that kind of highlight, else the
        first empty field of its kind (EventEditor.target_for), scrolled into view. `also`: an
        edit to make in the same undo step when the fill works (accepting the highlight).
        A place is looked up in the background: the outcome returned is `pending` and
        `report(outcome)` is called when the edit was made (at once for the other kinds)."""
        self.flush_edits()
        editor = self.editor
        target = editor.target_for(span.label) if self.bundle is not None else None
        if target is None:
            outcome = editor.no_target(span.label)
        elif editor.is_place_field(target):
            assert self.bundle is not None
            words = " ".join(self.bundle.article.text[span.start:span.end].split())

            def apply(fill: Any) -> None:
                self.flush_edits()
                result = editor.fill_with(target, fill, evidence=(span.start, span.end))
                self._finish_highlight(editor.filled_from_highlight(target, result, span.start, span.end,
                                                                    span.label), also, report)
            self._look_up_place(target, words, apply)
            return FillOutcome(None, f"looking \u201c{words}\u201d up in the gazetteer\u2026", field=target,
                               pending=True)
        else:
            assert self.bundle is not None
            outcome = editor.fill(target, self.bundle.article.text[span.start:span.end], evidence=(span.start, span.end))
            outcome = editor.filled_from_highlight(target, outcome, span.start, span.end, span.label)
        self._finish_highlight(outcome, also, None)
        return outcome

    def _finish_highlight(self, outcome: FillOutcome, also: Optional[Callable[[], None]],
                          report: Optional[FillReport]) -> None:
        if outcome.edit is not None and also is not None:
            self.undo_stack.beginMacro(outcome.edit.text)  # one undo step for both
            self._use_outcome(outcome)
            also()
            self.undo_stack.endMacro()
        else:
            self._use_outcome(outcome)
        form = self.current_form()
        if outcome.edit is not None and outcome.field and form is not None:
            form.show_field(outcome.field)
        if report is not None:
            report(outcome)

    def _use_outcome(self, outcome: FillOutcome) -> bool:
        self._push(outcome.edit)
        if outcome.edit is not None and outcome.ambiguous and self.pick_when_ambiguous and self.isVisible():
            # After this call returns (the reader's key handling ends first); Esc keeps the guess.
            QTimer.singleShot(0, self.pick_place)
        return outcome.edit is not None

    # ---- place lookups in the background ---------------------------------------------------
    def _where(self) -> tuple[Any, ...]:
        """The article and event a lookup's result is for."""
        return (self.bundle.article.id if self.bundle else None,
                self.editor.ids.stable(self.current.event.id) if self.current else None)  # the same once stored

    def _look_up_place(self, name: str, text: str, apply: Callable[[Any], None]) -> None:
        """Look `text` up for the place field `name` in the background; `apply(fill)` runs when
        it comes back, unless the coder went to another article or event, or asked again."""
        self.lookups.run(name, self.editor.lookup_job(name, text), apply, f"\u201c{text}\u201d")

    def lookups_pending(self) -> int:
        """Place lookups still running or queued (tests and benchmarks wait for 0)."""
        return self.lookups.pending()

    def shutdown(self) -> None:
        """The window closes: a lookup or index build running is stopped, queued ones dropped."""
        self.lookups.shutdown()

    def choose_by_number(self, number: int) -> bool:
        """A digit typed in the reader while a choice field is active picks the n-th choice."""
        if not self.has_active_field():
            return False
        edit = self.editor.choose_by_number(number)
        self._push(edit)
        return edit is not None

    def choice_field_active(self) -> bool:
        spec = self.editor.book().field(self.editor.active) if self.has_active_field() else None
        return spec is not None and spec.type == "choice"

    def go_to_field(self) -> None:
        """Ctrl+J: a field picker with type-ahead; Enter goes to the field."""
        from ui.events.field_picker import pick_field

        form = self.current_form()
        if form is None:
            return
        book = self.editor.book()
        fields = [(name, book.field(name).label or name) for name in form.editable_fields()]  # type: ignore[union-attr]
        name = pick_field(fields, self)
        if name:
            self.window().activateWindow()  # back from the dialog at once, keys going to the field
            form.focus_field(name)

    def _resolve_text(self, name: str, text: str) -> None:
        """Enter in a date or place field: read the typed text like a highlight (no evidence)."""
        self.flush_edits()
        if self.editor.is_place_field(name):
            self._look_up_place(name, text, lambda fill: self._push(self.editor.fill_with(name, fill).edit))
            return
        self._push(self.editor.fill(name, text).edit)

    def _field_edited(self, name: str, value: Any, typing: bool) -> None:
        """The coder changed a field. Typing is kept pending and saved when the coder pauses
        (one undo step per visit to the field); a choice is saved at once."""
        editor = self.editor
        if editor.current is None or editor.bundle is None:
            return
        same_field = editor.pending_is(name)
        if typing:
            if editor.pending is not None and not same_field:
                self.flush_edits()
            editor.type_text(name, value)
            self._set_pending_field(name)
            self._typing_timer.start()
            form = self.current_form()
            if form is not None:
                form.set_problems(editor.problems(), {**editor.values, name: value})
            return
        if same_field:  # e.g. a completer choice after typing: it replaces the typed text
            self._drop_pending()
        else:
            self.flush_edits()
        self._push(editor.edited(name, value, merge=same_field), merge=same_field)

    def flush_edits(self, quiet: bool = False) -> None:
        """Save the text being typed now (idle timer, focus leaving the field, another event or
        article, undo/redo, closing). `quiet`: the event list is being changed by the coder;
        the reload this save causes waits until that is done."""
        if self.editor.pending is None:
            return
        edit = self.editor.take_pending()
        self._drop_pending()
        self._flushing_quietly = quiet
        try:
            self._push(edit, merge=isinstance(edit, SetFields) and edit.merge_key is not None)
        finally:
            self._flushing_quietly = False

    def has_pending_edit(self) -> bool:
        return self.editor.pending is not None

    def _drop_pending(self) -> None:
        self.editor.pending = None
        self._typing_timer.stop()
        self._set_pending_field(None)

    def _set_pending_field(self, name: Optional[str]) -> None:
        for form in self._forms.values():
            form.pending_field = name

    def pick_place(self) -> None:
        """F4 / Pick…: choose among the places of this name; the choice is remembered. The
        candidates and the remembering are looked up in the background."""
        name = self.editor.place_field() if self.current is not None else None
        if name is None or not self.editor.values.get(name):
            return
        known = self.editor.known_candidates(name)
        if known is not None:
            self._pick_among(name, known)
        else:
            self.lookups.run(name, self.editor.candidates_job(name), lambda found: self._pick_among(name, found),
                             f"\u201c{self.editor.values.get(name)}\u201d")

    def _pick_among(self, name: str, candidates: list[Any]) -> None:
        from ui.events.place_picker import pick_place

        query, candidates, current = self.editor.place_choices_from(name, candidates)
        self._refresh_form_details()
        if not candidates:
            return
        entry = pick_place(query, candidates, self, current)
        if entry is not None:
            self.lookups.run(name, self.editor.choose_job(query, entry),
                             lambda result: self._push(self.editor.chose_place(name, entry, candidates, result)),
                             f"\u201c{entry.name}\u201d")


__all__ = ["FieldInput", "FillReport"]
