"""The coder's input into the event shown: which field a highlight fills, what using some text
for a field makes of it (a date read, a place looked up, an actor listed), a choice picked by its
number, a value typed by hand with the inter code guessed for a new actor. Each comes out as an
edit (storage.event_edits) with the note the form shows under the field."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, cast

from coding.codebook import FieldSpec
from coding.event_fill import Fill, fill_from_text, precision_field
from coding.values import is_empty
from storage.event_edits import SetFields

if TYPE_CHECKING:
    from coding.event_editor import EventEditor

# The field type a highlight of each role naturally fills: a place goes to the place field
# (which fills country, admin1 ... itself), not to the first of those text fields.
KIND_OF_ROLE = {"place": "place", "actor": "actor", "date": "date", "count": "integer"}


def takes(spec: FieldSpec, role: Optional[str]) -> bool:
    """Whether a field the coder went to takes a highlight of `role`: its own roles, any text
    for free-text and choice fields, and a place for an actor (a country acting: "Ukraine
    destroyed ..."). A date field never takes a place, nor a count a name."""
    if spec.derived:
        return False
    if role is not None and role in spec.roles:
        return True
    if spec.type in ("text", "choice") and not spec.roles:
        return True
    return spec.type == "actor" and role in ("actor", "place")


@dataclass
class FillOutcome:
    """What using some text for the active field gave: the edit (None when it did not fit) and
    whether the coder should pick among several places of that name."""

    edit: Optional[SetFields]
    note: str = ""
    ambiguous: bool = False
    field: Optional[str] = None  # the field it was used for
    pending: bool = False  # a place being looked up in the background: the edit comes later


class EventInput:
    """The event form's input from highlights, digits and typing (EventEditor offers it as its
    own methods)."""

    def __init__(self, form: EventEditor) -> None:
        self.form = form

    # ---- highlights ----------------------------------------------------------------------
    def target_for(self, label: str) -> Optional[str]:
        """Where a highlight of `label` goes: the active field when it takes that kind of
        highlight (takes()) and no highlight filled it since the coder went there (but a place
        goes to the event's empty place field before an actor field takes it as a country);
        else the first empty field of that kind (a date to the event date, a place to the
        location, an actor to actor1 then actor2, a number to fatalities)."""
        form = self.form
        if form.current is None:
            return None
        book = form.book()
        role = book.role_of_label(label)
        active = book.field(form.active) if form.active else None
        # A list field (PLOVER's actors) keeps taking highlights: each one adds an item.
        if active is not None and (not form.active_filled or active.multiple) and takes(active, role):
            place_first = role == "place" and active.type == "actor" and self._empty_field_for("place")
            if not place_first:  # an actor field takes a country once the event has its place
                return active.name
        return self._empty_field_for(role) if role is not None else None

    def _empty_field_for(self, role: str) -> Optional[str]:
        """The first empty field of a role's natural kind (the place field for a place)."""
        fields = self.form.book().fields_for_role(role)
        natural = [f for f in fields if f.type == KIND_OF_ROLE.get(role)] or fields
        return next((f.name for f in natural if is_empty(self.form.values.get(f.name))), None)

    def fill_highlight(self, start: int, end: int, label: str) -> FillOutcome:
        """Space on a highlight: it fills the field target_for() picks and becomes its evidence."""
        target = self.target_for(label)
        if target is None:
            return self.no_target(label)
        assert self.form.bundle is not None
        outcome = self.fill(target, self.form.bundle.article.text[start:end], evidence=(start, end))
        return self.filled_from_highlight(target, outcome, start, end, label)

    def no_target(self, label: str) -> FillOutcome:
        """What Space on a highlight says when no field of the event takes it."""
        role = self.form.book().role_of_label(label) if self.form.current is not None else None
        note = (f"Every {role} field of this event is filled: go to one (Ctrl+J) to replace it."
                if role else "Go to the field this highlight is for (Ctrl+J), then use it again.")
        return FillOutcome(None, note)

    def filled_from_highlight(self, target: str, outcome: FillOutcome, start: int, end: int,
                              label: str) -> FillOutcome:
        """The second half of fill_highlight (also for a fill whose lookup ran in a worker)."""
        form = self.form
        assert form.bundle is not None
        if outcome.edit is not None and target == form.active:
            form.active_filled = True
        elif outcome.edit is not None:
            # Chosen by the highlight's kind, not by the coder: say so, so a number of people
            # detained put in fatalities is caught (ACLED's fatalities count deaths only).
            spec = form.book().field(target)
            words = " ".join(form.bundle.article.text[start:end].split())
            why = (f"Filled because \u201c{words}\u201d is a {form.book().role_of_label(label)} highlight; "
                   "check it belongs here" + (" (fatalities count only the killed)." if spec is not None
                                              and spec.type == "integer" else "."))
            note = " ".join(x for x in (outcome.note, why) if x)
            form.set_note(target, note)
            outcome.note = note
        outcome.field = target
        return outcome

    def fill_active(self, start: int, end: int) -> FillOutcome:
        """A highlight (its code-point span) fills the active field and becomes its evidence."""
        form = self.form
        if form.active is None or form.bundle is None or form.current is None:
            return FillOutcome(None)
        return self.fill(form.active, form.bundle.article.text[start:end], evidence=(start, end))

    # ---- text used for a field -------------------------------------------------------------
    def fill(self, name: str, text: str, evidence: Optional[tuple[int, int]] = None) -> FillOutcome:
        """Use some text for a field by its type (a date is read against the publication date,
        a place looked up, an actor taken from the list); with `evidence`, the span is kept.
        A place field's lookup may build the gazetteer: the window runs lookup_job() in a
        worker and gives its result to fill_with() instead."""
        form = self.form
        if form.book().field(name) is None or form.current is None or form.bundle is None:
            return FillOutcome(None)
        return self.fill_with(name, self.lookup_job(name, text)(), evidence)

    def lookup_job(self, name: str, text: str) -> Callable[[], Fill]:
        """What using `text` for a field computes, as a plain function over a snapshot of the
        event (for a worker thread: it touches no state of this editor). For a place: the
        article's countries, the gazetteer and the workspace's place cache."""
        form = self.form
        book, bundle = form.book(), form.bundle
        spec = book.field(name)
        assert spec is not None and bundle is not None
        values, repo, countries = dict(form.values), form.repo, form.countries
        published, language = form.published(), bundle.article.language or None
        # The event's country is a gazetteer read: looked up in the job (the worker) unless
        # remembered, so a place fill costs the GUI thread no read at all.
        country_of = form.places.country_job()

        def job() -> Fill:
            # Only places need the article's countries (which needs the gazetteer).
            context = tuple(countries.of(bundle, book)) if spec.type == "place" else ()
            return fill_from_text(book, spec, text, values, published=published, repo=repo,
                                  context_countries=context, language=language, country=country_of())
        return job

    def fill_with(self, name: str, result: Fill, evidence: Optional[tuple[int, int]] = None) -> FillOutcome:
        """The edit a computed fill makes (lookup_job's result) on the event shown now."""
        form = self.form
        spec = form.book().field(name)
        if spec is None or form.current is None or form.bundle is None:
            return FillOutcome(None)
        if spec.type == "place":
            form.memory.candidates[(form.current.event.id, name)] = result.candidates  # type: ignore[index]
        if spec.type == "actor":
            form.refresh_actors()
        form.set_note(name, result.note)
        if not result.ok:
            return FillOutcome(None, result.note)
        verb = "Fill" if evidence is not None else "Resolve"
        what = f"{verb} {form.label(name)}" + (" from text" if evidence is not None else "")
        return FillOutcome(form.change(name, result.changes, what, evidence=evidence), result.note, result.ambiguous)

    # ---- values chosen or typed ------------------------------------------------------------
    def choose_by_number(self, number: int) -> Optional[SetFields]:
        """A digit while a choice field is active picks that choice (the n-th on offer)."""
        form = self.form
        if form.current is None or form.active is None:
            return None
        spec = form.book().field(form.active)
        if spec is None or spec.type != "choice":
            return None
        choices = form.book().choices_for(spec.name, form.values) or spec.all_choices()
        if not 1 <= number <= len(choices):
            return None
        value: Any = choices[number - 1]
        if spec.multiple:  # a digit adds the choice to the list, or takes it out again
            items = list(form.values.get(spec.name) or [])
            value = [v for v in items if v != value] if value in items else [*items, value]
        return self.edited(spec.name, value, merge=False)

    def edited(self, name: str, value: Any, merge: bool) -> Optional[SetFields]:
        """The coder set a field's value by hand (typed text or a choice)."""
        form = self.form
        if form.current is None:
            return None
        key = (cast(int, form.current.event.id), name)  # an event on screen is stored: its id is set
        form.memory.notes.pop(key, None)  # a note about an earlier fill no longer applies
        form.memory.guessed_inter.pop(key, None)  # the coder chose it
        changes = {name: value}
        book = form.book()
        spec = book.field(name)
        target = precision_field(book, spec) if spec is not None and spec.type == "date" else None
        if target and value is not None and form.values.get(target) is None:
            changes[target] = 1  # a full date typed by hand: the day is known
        if spec is not None and spec.type == "actor":
            self._guess_inter(spec, value, changes)
        if spec is not None and spec.type == "choice":
            self._remember_inter(name, value)
        return form.change(name, changes, f"Edit {form.label(name)}", merge=merge)

    def _remember_inter(self, inter: str, code: Any) -> None:
        form = self.form
        actor_spec = next((f for f in form.book().fields if f.type == "actor" and f.inter_field == inter), None)
        name = form.values.get(actor_spec.name) if actor_spec is not None else None
        if not is_empty(name) and isinstance(code, int):
            form.actors.remember_code(str(name), code)

    def _guess_inter(self, spec: FieldSpec, value: Any, changes: dict[str, Any]) -> None:
        """An actor not in the list: its inter code guessed from its name (when the inter field
        is empty or still holds our earlier guess), shown as a note the coder can overrule."""
        from coding.actors import INTER_LABELS, guess_inter_code

        form = self.form
        inter = spec.inter_field
        if not inter or form.book().field(inter) is None or is_empty(value) or form.current is None:
            return
        if form.actors.code_of(value) is not None:
            return  # a listed actor: its own code follows (with_follow_ups)
        key = (int(form.current.event.id), inter)  # type: ignore[arg-type]
        current = form.values.get(inter)
        if not is_empty(current) and current != form.memory.guessed_inter.get(key):
            return  # the coder's own choice stays
        guess = guess_inter_code(str(value), country=form.places.event_country())
        if guess is None or guess == current:
            return
        changes[inter] = guess
        form.memory.guessed_inter[key] = guess
        form.memory.notes[key] = (f"Guessed from \u201c{value}\u201d: {guess} ({INTER_LABELS.get(guess, '')}). "
                                  "Change it if wrong.")

    def add_actor(self, name: str, text: str) -> Optional[SetFields]:
        """A new actor typed into an actor field joins the workspace's list (inter code guessed)."""
        from coding.actors import INTER_LABELS, choose_actor, fill_actor

        form = self.form
        if not text.strip() or form.current is None:
            return None
        choice = choose_actor(form.repo, text, remember=True)
        form.refresh_actors()
        code = choice.inter_code
        if choice.new:
            form.set_note(name, f"Added to the actor list, inter code {code} ({INTER_LABELS.get(code, '')}): "
                                "a guess, change it if wrong." if code else "Added to the actor list; choose its inter code.")
        return form.change(name, fill_actor(form.book(), name, choice), f"Add actor {choice.name}")


__all__ = ["EventInput", "FillOutcome", "KIND_OF_ROLE", "takes"]
