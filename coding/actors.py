"""Actors: the workspace's actor list (name, inter code, aliases), inter-code guesses, interaction."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from coding.derived import interaction
from coding.values import is_empty

if TYPE_CHECKING:
    from coding.codebook import Codebook
    from storage.models import Actor
    from storage.repository import Repository

__all__ = ["INTER_LABELS", "interaction", "guess_inter_code", "actor_key", "find_actor", "match_actors",
           "ActorChoice", "choose_actor", "fill_actor"]

INTER_LABELS: dict[int, str] = {
    1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}

# Checked in order, first match wins: "Rebel forces" is a rebel group before "forces" makes it
# state forces; "ethnic militia" is an identity militia before "militia" makes it political;
# "Anti-government protesters" are protesters, so state forces come last.
_INTER_KEYWORDS: list[tuple[int, tuple[str, ...]]] = [
    (8, ("peacekeeper", "peacekeepers", "peacekeeping", "united nations", "un mission", "private security",
         "mercenary", "mercenaries", "multinational", "coalition forces", "nato")),
    (4, ("ethnic militia", "communal militia", "clan militia", "tribal militia", "identity militia",
         "communal", "ethnic", "clan", "tribal", "vigilante", "vigilantes", "self-defense", "self-defence")),
    (2, ("rebel", "rebels", "insurgent", "insurgents", "liberation front", "liberation army",
         "liberation movement", "separatist", "separatists", "jihadist", "jihadists", "islamic state",
         "al-shabaab", "al shabaab", "boko haram", "taliban", "guerrilla", "guerrillas")),
    (3, ("militia", "militias", "militiamen", "armed group", "gunmen", "unidentified armed", "paramilitary")),
    (5, ("rioters", "rioter", "mob", "mobs")),
    (6, ("protesters", "protester", "protestors", "protestor", "demonstrators", "demonstrator",
         "strikers", "marchers", "activists")),
    (7, ("civilians", "civilian", "villagers", "residents", "journalists", "journalist", "farmers",
         "students", "refugees", "aid workers", "health workers", "teachers", "women", "children",
         "worshippers", "passengers", "pedestrians")),
    (1, ("army", "armed forces", "military", "forces", "police", "gendarmerie", "gendarmes", "soldiers",
         "troops", "national guard", "navy", "air force", "security forces", "border guard",
         "border guards", "government forces", "government troops", "state forces")),
]
_KEYWORD_RES = [(code, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I))
                for code, words in _INTER_KEYWORDS]


def guess_inter_code(name: str) -> Optional[int]:
    """A suggested ACLED inter code from words in an actor's name ("Police Forces of Kenya" -> 1,
    "Protesters (Kenya)" -> 6); None when nothing says. Only a suggestion: the coder decides."""
    if is_empty(name):
        return None
    for code, pattern in _KEYWORD_RES:
        if pattern.search(name):
            return code
    return None


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


def choose_actor(repo: Optional["Repository"], text: str, inter_code: Optional[int] = None,
                 remember: bool = True, aliases: Sequence[str] = ()) -> ActorChoice:
    """The coder picked or typed an actor (or turned a highlight into one). A listed actor
    (by name or alias) gives its listed name and inter code; an unlisted one gets the coder's
    code or a keyword guess and, with `remember`, joins the workspace list so the list grows."""
    text = " ".join(str(text).split())
    actor = find_actor(repo, text) if repo is not None else None
    if actor is not None and repo is not None:
        if inter_code is not None and inter_code != actor.inter_code and remember:
            actor = repo.upsert_actor(actor.name, inter_code)  # the coder corrected the code
            return ActorChoice(actor.name, actor.inter_code, "coder", False)
        if actor.inter_code is None and remember:
            guess = inter_code or guess_inter_code(actor.name)
            if guess is not None:
                actor = repo.upsert_actor(actor.name, guess)
                return ActorChoice(actor.name, guess, "coder" if inter_code else "guess", False)
        return ActorChoice(actor.name, actor.inter_code, "workspace" if actor.inter_code else "", False)
    code, origin = (inter_code, "coder") if inter_code is not None else (guess_inter_code(text), "guess")
    if code is None:
        origin = ""
    if repo is not None and remember and text:
        repo.upsert_actor(text, code, aliases)
        return ActorChoice(text, code, origin, True)
    return ActorChoice(text, code, origin, False)


def fill_actor(codebook: "Codebook", field_name: str, choice: ActorChoice) -> dict[str, Any]:
    """The field changes for choosing an actor in `field_name`: the name, and its inter code in
    the field the codebook names as that actor field's inter_field (actor1 -> inter1)."""
    changes: dict[str, Any] = {field_name: choice.name}
    spec = codebook.field(field_name)
    if spec is not None and spec.inter_field and choice.inter_code is not None:
        changes[spec.inter_field] = choice.inter_code
    return changes
