"""The gazetteer as a spaCy stage after `ner`: places the model missed or mislabelled."""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from coding.dictionary_words import DictionaryWords
from coding.gazetteer import get_gazetteer, name_key

STAGE = "chronicler_places"
MAX_NAME_TOKENS = 6  # longest place name looked for, in tokens
ORIGIN_KEY = "chronicler_origin"  # doc.user_data[ORIGIN_KEY][(start_char, end_char)] = origin
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Model labels a place name may wrongly carry and that may be corrected (Glushkovo as ORG,
# Kursk as PRODUCT, Belgorod as NORP). PERSON only with a strong place cue; dates, numbers never.
CORRECTABLE = {"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE", "NORP"}
DEMONYM = re.compile(r"(an|ans|ese|ish|i|is|ch|ic|ics|ian|ians)$", re.I)
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "lady", "lord", "general", "gen",
    "colonel", "col", "lieutenant", "lt", "major", "maj", "captain", "capt", "sergeant", "sgt",
    "commander", "cmdr", "admiral", "adm", "president", "minister", "governor", "gov", "mayor",
    "senator", "sen", "rep", "judge", "justice", "king", "queen", "prince", "princess", "sheikh",
    "imam", "pastor", "father", "bishop", "chief", "commissioner", "ambassador", "secretary",
    "premier", "chancellor", "spokesman", "spokeswoman", "spokesperson", "brigadier", "marshal",
    "officer", "inspector", "deputy", "saint", "st", "emir", "sultan", "pope", "rev", "reverend",
}
# Lower-case particles inside longer names (Maguindanao del Sur, Val-de-Marne): a match right
# after one is the tail of a name the gazetteer does not hold.
PARTICLES = {"de", "del", "della", "la", "le", "di", "da", "do", "dos", "das", "al", "el", "van",
             "von", "bin", "ibn", "ben", "-", "–"}
# A place follows these words ('in Bath', 'near Arbinda').
CUE_BEFORE = {"in", "near", "outside", "around", "towards", "toward", "across", "into", "at",
              "between", "from"}
# ... or these plus 'of' ('the village of Serhiivka', 'west of Goma').
CUE_NOUNS = {"village", "villages", "town", "towns", "city", "cities", "settlement", "settlements",
             "region", "regions", "district", "province", "capital", "suburb", "outskirts",
             "municipality", "hamlet", "county", "state", "oblast", "governorate", "area", "port",
             "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
             "north-east", "north-west", "south-east", "south-west", "marshland", "centre", "center"}
# A place is the object of these verbs ('visited Izium', 'retook Tessit') and follows these
# nouns plus 'on' or 'against' ('attacks on Kherson'): enough to overrule a model PERSON.
CUE_VERBS = {"visited", "visiting", "toured", "entered", "entering", "captured", "seized", "retook",
             "recaptured", "liberated", "shelled", "bombed", "besieged", "stormed", "evacuated", "raided"}
ATTACK_NOUNS = {"attack", "attacks", "strike", "strikes", "assault", "raid", "raids", "offensive", "advance",
                "shelling", "bombing", "airstrike", "airstrikes", "airstrikes", "march", "missiles", "drones"}
POSSESSIVE = {"'s", "’s"}
DIRECTION_ADJ = {"northern", "southern", "eastern", "western", "central", "north-western",
                 "north-eastern", "south-western", "south-eastern", "northeastern", "northwestern",
                 "southeastern", "southwestern", "rural", "neighbouring", "neighboring", "nearby"}
REGION_AFTER = {"region", "regions", "oblast", "province", "governorate", "district", "krai",
                "county", "state", "area", "border", "city", "town", "village", "camp"}
# Lower-case words that end a name's span rather than belong to it ('Sumy region' -> 'Sumy').
REGION_SUFFIX = {"region", "regions", "oblast", "province", "governorate", "krai", "district", "state"}
LIST_WORDS = {",", "and", "or", "&"}
# Lower-case words found inside place names (Rostov-on-Don, Bosnia and Herzegovina, Isle of Man).
CONNECTORS = PARTICLES | {"and", "of", "on", "upon", "sur", "en", "am", "an", "der", "les", "los",
                          "las", "y", "e", "'s", "’s", "du", "des", "'", "’", "."}
_STOP_PUNCT = {",", ";", ":", "!", "?", "(", ")", "[", "]", "\"", "“", "”", "/", "|"}
# A common English word that is also a town (Police, March, Bath) is taken alone only if the
# town is this large and the tagger reads it as a proper noun away from a sentence start.
MIN_COMMON_POP = 100_000
# An entity the model called ORG or PRODUCT is turned into a place without a cue only when the
# place is this large (Kinshasa yes, Rio Tinto the company no).
MIN_RELABEL_POP = 100_000


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


class PlaceStage:
    """Finds gazetteer names among capitalized token runs, longest first, and keeps them
    only past the person and common-word guards. The candidate names of a whole batch are
    checked against the on-disk index in one query."""

    def __init__(self, nlp: Language) -> None:
        self.dictionary = DictionaryWords(nlp)
        self.cache: dict[str, Optional[tuple[int, int]]] = {}

    # -- candidates ---------------------------------------------------------------------
    def _candidates(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start, end, name_key) for runs of tokens that begin and end capitalized, with
        only connector words between. Token strings are read once into Python lists: the
        per-token Cython attribute access was the stage's main cost."""
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        out = []
        n = len(words)
        for i, w in enumerate(words):
            if not w[0].isupper() or not any(c.isalpha() for c in w):
                continue
            key = ""
            for j in range(i, min(n, i + MAX_NAME_TOKENS)):
                wj = words[j]
                if j > i:
                    if wj.isspace() or wj in _STOP_PUNCT:
                        break
                    low = wj.lower()
                    if (wj[0].islower() and low not in CONNECTORS) or (low in REGION_SUFFIX and wj.islower()):
                        break
                key += name_key(wj) + (" " if spaces[j] else "")
                if wj[0].isupper():
                    out.append((i, j + 1, key.rstrip()))
        return out

    def _known(self, keys: Iterable[str]) -> None:
        missing = [k for k in set(keys) if k not in self.cache]
        if not missing:
            return
        if len(self.cache) > 200_000:  # bounded: the cache only saves repeated probes
            self.cache.clear()
        found = get_gazetteer().known(missing)
        for k in missing:
            self.cache[k] = found.get(k)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: list[Doc]) -> list[Doc]:
        cands = [self._candidates(d) for d in docs]
        self._known(k for c in cands for _, _, k in c)
        for doc, c in zip(docs, cands):
            _Matcher(self, doc).apply(c)
        return docs


class _Matcher:
    """The guards for one doc: what the model said around a candidate, and what we found."""

    def __init__(self, stage: PlaceStage, doc: Doc) -> None:
        self.stage, self.doc = stage, doc
        self.lemmatized = False  # the pipeline's lemmas given to this doc (see common)
        self.ents = list(doc.ents)
        self._split_lists()
        self.place = [False] * len(doc)  # token is inside a place (model's or ours)
        for e in self.ents:
            if e.label_ in PLACE_LABELS:
                for k in range(e.start, e.end):
                    self.place[k] = True
        # words of the persons the model found: 'Roxas' alone later is Colonel Ernesto Roxas
        self.person_words = {t.text for e in self.ents if e.label_ == "PERSON" and len(e) > 1
                             for t in e if _is_cap(t)}

    def _split_lists(self) -> None:
        """'Kharkiv and Sumy' read as one entity (or 'Tessit and'): one place a name, when every
        name in it is in the gazetteer; the words 'and', ',' between them belong to none."""
        cache, doc = self.stage.cache, self.doc
        out: list[Span] = []
        made: list[Span] = []
        for e in self.ents:
            if e.label_ not in PLACE_LABELS | CORRECTABLE | {"PERSON"} or not any(t.lower_ in LIST_WORDS for t in e):
                out.append(e)
                continue
            parts, start = [], e.start
            for k in range(e.start, e.end + 1):
                if k == e.end or doc[k].lower_ in LIST_WORDS:
                    if k > start:
                        parts.append((start, k))
                    start = k + 1
            keys = [name_key(doc[a:b].text) for a, b in parts]
            if parts and all(cache.get(key) is not None for key in keys) and (
                    len(parts) > 1 or e.label_ in PLACE_LABELS | CORRECTABLE):
                made += [Span(doc, a, b, label="GPE") for a, b in parts]
                out += made[-len(parts):]
            else:
                out.append(e)
        if made:
            self.ents = out
            doc.ents = filter_spans(out)
            origins = doc.user_data.setdefault(ORIGIN_KEY, {})
            for span in made:
                origins[(span.start_char, span.end_char)] = "gazetteer"

    def _prev(self, i: int) -> Optional[Token]:
        return self.doc[i - 1] if i > 0 else None

    def _title_before(self, i: int) -> bool:
        prev = self._prev(i)
        if prev is not None and prev.text == "." and i > 1:
            prev = self.doc[i - 2]
        return prev is not None and prev.lower_.rstrip(".") in TITLES

    def person_context(self, i: int, j: int) -> bool:
        """A title or a first name before, a capitalized name word after, a word of a person
        named elsewhere in the text, or the tail of a longer name: a person (or not a place)."""
        doc = self.doc
        if self._title_before(i):
            return True
        if j - i == 1 and doc[i].text in self.person_words:
            return True
        prev = self._prev(i)
        if prev is not None:
            if prev.ent_type_ == "PERSON" or (prev.lower_ in PARTICLES and not prev.whitespace_):
                return True
            if prev.lower_ in PARTICLES - {"-", "–"} and i > 1 and _is_cap(doc[i - 2]):
                return True
            if (_is_cap(prev) and prev.is_alpha and not prev.is_stop and not prev.is_sent_start
                    and not self.place[i - 1] and prev.ent_type_ != "NORP"
                    and self.stage.cache.get(prev.lower_) is None and prev.lower_ not in DIRECTION_ADJ):
                return True
        if j < len(doc):
            nxt = doc[j]
            if nxt.text in "-–" and not doc[j - 1].whitespace_:
                return True  # 'Val' of 'Val-de-Marne'
            if (_is_cap(nxt) and nxt.is_alpha and not nxt.is_stop and nxt.lower_ not in REGION_AFTER
                    and not self.place[j] and self.stage.cache.get(nxt.lower_) is None):
                return True
        return False

    def _before_skipping_adjectives(self, i: int) -> tuple[Optional[Token], Optional[Token]]:
        k = i - 1
        while k >= 0 and self.doc[k].lower_ in DIRECTION_ADJ:
            k -= 1
        return (self.doc[k] if k >= 0 else None), (self.doc[k - 1] if k >= 1 else None)

    def strong_cue(self, i: int, j: int) -> bool:
        """'village of X', 'west of X', 'in (northern) X', a list of places around X."""
        prev, prev2 = self._before_skipping_adjectives(i)
        if prev is not None and (prev.lower_ in CUE_BEFORE or prev.lower_ in CUE_VERBS):
            return True
        if prev is not None and prev2 is not None:
            if prev.lower_ in {"on", "against"} and prev2.lower_ in ATTACK_NOUNS:
                return True
            if prev.lower_ in POSSESSIVE and self.place[prev2.i]:
                return True  # "Ukraine's Kharkiv": a place inside a place
        if prev is not None and prev.lower_ == "of" and prev2 is not None and prev2.lower_ in CUE_NOUNS:
            return True
        if self.appositive(j):
            return True
        # 'captured Serhiivka in Ukraine's east', 'Pokrovsk, Donetsk': a larger place follows
        k = j + 1 if j < len(self.doc) and self.doc[j].lower_ in {"in", ","} else None
        if k is not None and k < len(self.doc) and self.place[k]:
            return True
        return self.list_cue(i, j)

    def appositive(self, j: int) -> bool:
        """'Djibo, a town in ...'"""
        doc = self.doc
        return (j + 2 < len(doc) and doc[j].text == "," and doc[j + 1].lower_ in {"a", "the", "an"}
                and doc[j + 2].lower_ in CUE_NOUNS)

    def list_cue(self, i: int, j: int) -> bool:
        doc = self.doc
        k = i - 1
        if k >= 0 and doc[k].lower_ in LIST_WORDS:
            while k >= 0 and (doc[k].lower_ in LIST_WORDS or doc[k].lower_ in REGION_SUFFIX):
                k -= 1  # 'Kursk region and Sumy Oblast'

            if k >= 0 and self.place[k]:
                return True
        k = j
        if k < len(doc) and doc[k].lower_ in LIST_WORDS:
            while k < len(doc) and doc[k].lower_ in LIST_WORDS:
                k += 1
            if k < len(doc) and self.place[k]:
                return True
        return False

    def cue(self, i: int, j: int) -> bool:
        doc = self.doc
        if self.strong_cue(i, j):
            return True
        return j < len(doc) and doc[j].lower_ in REGION_AFTER

    def common(self, tok: Token) -> bool:
        dictionary = self.stage.dictionary
        if tok.is_stop or tok.lower_ in dictionary.words:
            return True
        if not dictionary.in_pipeline:  # lemmas only for a word that may be an inflection
            if not dictionary.may_be_inflection(tok.lower_):
                return False
            if not self.lemmatized:
                dictionary.lemmatize(self.doc)
                self.lemmatized = True
        return tok.lemma_.lower() in dictionary.words

    def accept(self, i: int, j: int, pop: int, rank: int) -> bool:
        if self.person_context(i, j):
            return False
        cue = self.cue(i, j)
        doc = self.doc
        if j - i == 1:
            tok = doc[i]
            text = tok.text
            if tok.is_stop or (text.isupper() and len(text) <= 3 and rank > 0):
                return False
            if any(c.isupper() for c in text[1:]) and not text.isupper() and rank > 0:
                return False  # 'FAMa', 'iPhone': acronyms and brands
            if rank == 0:  # country names are safe
                return True
            proper = tok.tag_ in ("NNP", "NNPS")
            if self.common(tok):
                if cue and not tok.is_sent_start:
                    return True
                return proper and not tok.is_sent_start and pop >= MIN_COMMON_POP
            return proper or cue
        return not doc[i].is_stop or cue

    def apply(self, cands: list[tuple[int, int, str]]) -> None:
        doc, cache = self.doc, self.stage.cache
        found: list[Span] = []
        taken_until = -1
        by_start: dict[int, list[tuple[int, str]]] = {}
        for i, j, key in cands:
            if cache.get(key) is not None:
                by_start.setdefault(i, []).append((j, key))
        for i in sorted(by_start):  # left to right, longest match first at each start
            if i < taken_until:
                continue
            for j, key in sorted(by_start[i], reverse=True):
                pop, rank = cache[key]  # type: ignore[misc]
                if self._take(i, j, pop, rank):
                    span = Span(doc, i, j, label="GPE")
                    found.append(span)
                    for k in range(i, j):
                        self.place[k] = True
                    taken_until = j
                    break
        if not found:
            return
        drop = {(e.start, e.end) for f in found for e in self.ents if e.start < f.end and f.start < e.end}
        doc.ents = filter_spans([e for e in self.ents if (e.start, e.end) not in drop] + found)
        origins = doc.user_data.setdefault(ORIGIN_KEY, {})
        for f in found:
            origins[(f.start_char, f.end_char)] = "gazetteer"

    def _take(self, i: int, j: int, pop: int, rank: int) -> bool:
        overlap = [e for e in self.ents if e.start < j and i < e.end]
        if any(e.label_ in PLACE_LABELS for e in overlap):
            return False  # the model already has it as a place
        if any(e.start < i or e.end > j for e in overlap):
            return False  # inside a longer entity ('Kyiv Post', 'Zamfara State Police Command')
        for e in overlap:
            if e.label_ == "PERSON":
                # a person stays a person, unless it is exactly this name where places go
                if (e.start, e.end) != (i, j) or self._title_before(i) or not self.strong_cue(i, j):
                    return False
            elif e.label_ not in CORRECTABLE:
                return False
            elif e.label_ == "NORP" and DEMONYM.search(e.text) and pop < MIN_RELABEL_POP and rank > 1:
                return False  # 'Russian' stays a nationality; 'Kigali' is the capital
            elif e.label_ != "NORP" and not (rank <= 1 or pop >= MIN_RELABEL_POP or self.cue(i, j)
                                              or self.weak_cue(i)):
                return False
        if overlap:
            # the model already read these words as a name, so the common-word guard is moot
            return not self.person_context(i, j)
        return self.accept(i, j, pop, rank)

    def weak_cue(self, i: int) -> bool:
        """Enough to correct an ORG/PRODUCT reading: 'to Djibo', 'a resident of Djibo'."""
        prev, _ = self._before_skipping_adjectives(i)
        return prev is not None and prev.lower_ in {"to", "of", "from", "via"}


@Language.factory(STAGE)
def make_place_stage(nlp: Language, name: str) -> PlaceStage:
    return PlaceStage(nlp)
