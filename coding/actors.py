"""Actors: the workspace's actor list (name, inter code, aliases), inter-code guesses, interaction."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from coding.actor_inter import guess_inter
from coding.derived import interaction
from coding.values import is_empty

if TYPE_CHECKING:
    from coding.codebook import Codebook
    from storage.models import Actor
    from storage.repository import Repository

__all__ = ["INTER_LABELS", "interaction", "guess_inter_code", "actor_key", "find_actor", "match_actors",
           "ActorChoice", "choose_actor", "describe_actor", "fill_actor"]

INTER_LABELS: dict[int, str] = {
    1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}

def guess_inter_code(name: str, country: Optional[str] = None) -> Optional[int]:
    """A suggested ACLED inter code from an actor's name and the event's country (ISO2):
    "Police Forces of Kenya" -> 1, "Russian forces" in "UA" -> 8, "striking teachers" -> 6;
    None when nothing says. Only a suggestion: the coder decides (see coding/actor_inter.py)."""
    if is_empty(name):
        return None
    return guess_inter(name, country).code


def actor_key(name: str) -> str:
    """The form actor names are compared in: case-folded, spaces folded, a leading 'the' dropped."""
    key = " ".join(str(name).casefold().replace("\u2019", "'").split())
    return key[4:] if key.startswith("the ") else key


def _names(actor: "Actor") -> list[str]:
    return [actor.name, *(actor.aliases or [])]


def find_actor(repo_or_actors: "Repository | Iterable[Actor]", text: str) -> Optional["Actor"]:
    """The workspace actor whose name or an alias is `text` (case and spacing ignored), or None.
    Takes a Repository or an already fetched actor list (the GUI keeps one)."""
    key = actor_key(text)
    if not key:
        return None
    actors = repo_or_actors.actors() if hasattr(repo_or_actors, "actors") else repo_or_actors
    for actor in actors:
        if any(actor_key(n) == key for n in _names(actor)):
            return actor
    return None


def match_actors(actors: Iterable["Actor"], text: str, limit: int = 20) -> list["Actor"]:
    """Actors for a completer: names/aliases starting with `text` first, then containing it."""
    key = actor_key(text)
    starts, contains = [], []
    for actor in actors:
        keys = [actor_key(n) for n in _names(actor)]
        if any(k.startswith(key) for k in keys):
            starts.append(actor)
        elif any(key in k for k in keys):
            contains.append(actor)
    return (starts + contains)[:limit]


@dataclass
class ActorChoice:
    """What choosing an actor gives the form: its name as listed, its inter code and where the
    code came from ('workspace' list, 'guess' from keywords, 'coder', or '' when unknown)."""

    name: str
    inter_code: Optional[int]
    origin: str
    new: bool  # the actor was added to the workspace list by this choice
    note: str = ""  # how the code was found; says "Guessed" when it is a guess


def choose_actor(repo: Optional["Repository"], text: str, inter_code: Optional[int] = None,
                 remember: bool = True, aliases: Sequence[str] = (), country: Optional[str] = None) -> ActorChoice:
    """The coder picked or typed an actor (or turned a highlight into one). A listed actor
    (by name or alias) gives its listed name and inter code; an unlisted one gets the coder's
    code or a guess from its name and the event's `country` (ISO2) and, with `remember`, joins
    the workspace list so the list grows and the coder's choice is remembered."""
    text = " ".join(str(text).split())
    actor = find_actor(repo, text) if repo is not None else None
    if actor is not None and repo is not None:
        if inter_code is not None and inter_code != actor.inter_code and remember:
            actor = repo.upsert_actor(actor.name, inter_code)  # the coder corrected the code
            return ActorChoice(actor.name, actor.inter_code, "coder", False, "Set by the coder; remembered.")
        if actor.inter_code is None and remember:
            guess = guess_inter(actor.name, country)
            code = inter_code or guess.code
            if code is not None:
                actor = repo.upsert_actor(actor.name, code)
                return ActorChoice(actor.name, code, "coder" if inter_code else "guess", False,
                                   "" if inter_code else guess.note)
        note = "From the workspace's actor list." if actor.inter_code else "Listed without an inter code; choose one."
        return ActorChoice(actor.name, actor.inter_code, "workspace" if actor.inter_code else "", False, note)
    if inter_code is not None:
        code, origin, note = inter_code, "coder", "Set by the coder."
    else:
        guess = guess_inter(text, country)
        code, origin, note = guess.code, "guess", guess.note
    if code is None:
        origin = ""
    if repo is not None and remember and text:
        repo.upsert_actor(text, code, aliases)
        return ActorChoice(text, code, origin, True, note)
    return ActorChoice(text, code, origin, False, note)


def describe_actor(repo: Optional["Repository"], text: str, country: Optional[str] = None) -> ActorChoice:
    """What choosing `text` would give, without changing the workspace's list."""
    return choose_actor(repo, text, remember=False, country=country)


def fill_actor(codebook: "Codebook", field_name: str, choice: ActorChoice) -> dict[str, Any]:
    """The field changes for choosing an actor in `field_name`: the name, and its inter code in
    the field the codebook names as that actor field's inter_field (actor1 -> inter1)."""
    changes: dict[str, Any] = {field_name: choice.name}
    spec = codebook.field(field_name)
    if spec is not None and spec.inter_field and choice.inter_code is not None:
        changes[spec.inter_field] = choice.inter_code
    return changes
