"""The places of the event shown: which field the place picker is about, the gazetteer's
candidates for its name, the coder's pick, and the event's country as context for other fields.
Each gazetteer read is also offered as a plain function for a worker thread."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, cast

from coding.event_fill import place_changes
from storage.event_edits import SetFields

if TYPE_CHECKING:
    from coding.event_editor import EventEditor


class EventPlaces:
    """The event form's place lookups (EventEditor offers them as its own methods)."""

    def __init__(self, form: EventEditor) -> None:
        self.form = form
        self._country_codes: dict[str, Optional[str]] = {}

    def is_place_field(self, name: Optional[str]) -> bool:
        form = self.form
        spec = form.book().field(name) if name and (form.current is not None or form.codebook) else None
        return spec is not None and spec.type == "place"

    def place_field(self) -> Optional[str]:
        """The place field the picker is about: the active one, else the codebook's first."""
        book = self.form.book()
        spec = book.field(self.form.active) if self.form.active else None
        if spec is not None and spec.type == "place":
            return spec.name
        return next((f.name for f in book.fields if f.type == "place"), None)

    def place_choices(self, name: str) -> tuple[str, list[Any], Optional[Any]]:
        """The typed place name, its candidates in the gazetteer and the one chosen now."""
        known = self.known_candidates(name)
        return self.place_choices_from(name, known if known is not None else self.candidates_job(name)())

    def known_candidates(self, name: str) -> Optional[list[Any]]:
        """The candidates the last lookup of this field found (None: to be looked up)."""
        assert self.form.current is not None
        return self.form.memory.candidates.get((cast(int, self.form.current.event.id), name)) or None

    def candidates_job(self, name: str) -> Callable[[], list[Any]]:
        """The gazetteer's candidates for the field's place name, as a function for a worker."""
        from coding.places import resolve_place

        form = self.form
        query, repo, countries = str(form.values.get(name) or ""), form.repo, form.countries
        bundle, book = form.bundle, form.book()
        assert bundle is not None
        return lambda: list(resolve_place(query, repo, tuple(countries.of(bundle, book))).candidates)

    def place_choices_from(self, name: str, candidates: list[Any]) -> tuple[str, list[Any], Optional[Any]]:
        values = self.form.values
        query = str(values.get(name) or "")
        current = next((c for c in candidates if c.name == query and c.country == values.get("country")), None)
        if not candidates:
            self.form.set_note(name, f"No place called \u201c{query}\u201d in the gazetteer.")
        return query, list(candidates), current

    def choose_place(self, name: str, query: str, entry: Any, candidates: list[Any]) -> Optional[SetFields]:
        """The coder picked one of the places of that name: it fills the fields and is remembered."""
        return self.chose_place(name, entry, candidates, self.choose_job(query, entry)())

    def choose_job(self, query: str, entry: Any) -> Callable[[], Any]:
        """Remembering the coder's pick (a workspace write and a lookup), for a worker."""
        from coding.places import choose_place

        form = self.form
        repo, countries, bundle, book = form.repo, form.countries, form.bundle, form.book()
        assert bundle is not None
        return lambda: choose_place(repo, query, entry, tuple(countries.of(bundle, book)))

    def chose_place(self, name: str, entry: Any, candidates: list[Any], result: Any) -> Optional[SetFields]:
        """The edit of a remembered pick (choose_job's result) on the event shown now."""
        form = self.form
        if form.current is None:
            return None
        form.memory.candidates[(form.current.event.id, name)] = list(candidates)  # type: ignore[index]
        form.set_note(name, "Your choice; remembered for this name.")
        spec = form.book().field(name)
        assert spec is not None
        return form.change(name, place_changes(form.book(), spec, result), f"Pick place {entry.name}")

    # ---- the event's country, context for other fields ----------------------------------------
    def event_country(self) -> Optional[str]:
        """The ISO2 code of the event's country (once its place is known), for context. Read
        on the GUI thread: only from a built gazetteer index (never building it), remembered."""
        return country_code_of(self._event_country_name(), self._country_codes)

    def country_job(self) -> Callable[[], Optional[str]]:
        """The event's country code as a function for a worker: the gazetteer read runs there
        unless remembered, so a fill costs the GUI thread no read at all."""
        name, memo = self._event_country_name(), self._country_codes
        return lambda: country_code_of(name, memo)

    def _event_country_name(self) -> Optional[str]:
        form = self.form
        spec = next((f for f in form.book().fields if f.type == "place"), None) if form.current else None
        name = form.values.get(spec.fills.get("country", "country")) if spec is not None else form.values.get("country")
        return str(name) if name else None

    def article_countries(self) -> list[str]:
        """The article's countries (from its place highlights, then its events), for places."""
        form = self.form
        return form.countries.of(form.bundle, form.book()) if form.bundle is not None else []


def country_code_of(name: Optional[str], memo: dict[str, Optional[str]]) -> Optional[str]:
    """The ISO2 code of a country name, remembered in `memo` (a plain dict: a worker may fill
    it while the GUI thread reads it). Only from a built gazetteer index, never building it."""
    from coding.gazetteer import index_ready
    from coding.places import country_code

    if not name:
        return None
    if name not in memo:
        if not index_ready():
            return None  # being built in the background: no holiday or abroad context yet
        memo[name] = country_code(name)
    return memo[name]


__all__ = ["EventPlaces", "country_code_of"]
