"""spaCy's DocBin (`.spacy`) in and out, with spaCy's own DocBin: entities in `doc.ents` and,
for overlapping spans that `ents` cannot hold, the span group "sc". Offsets are code points."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Iterator

from storage.formats.common import ArticleOut, FormatProblem, ToolRead, article_record, check_size, imported_span

SPAN_GROUP = "sc"
# A DocBin is zlib-compressed: its unpacked size is bounded before spaCy unpacks it.
MAX_UNPACKED_BYTES = 1 << 30


def _check_unpacked(data: bytes) -> None:
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(data, MAX_UNPACKED_BYTES)
    except zlib.error as exc:
        raise FormatProblem(f"not a spaCy DocBin (not zlib data: {exc})") from None
    if inflater.unconsumed_tail:
        raise FormatProblem(f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")


def read_docbin(path: Path) -> ToolRead:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatProblem(f"cannot read ({exc.strerror or exc})") from None
    _check_unpacked(data)
    try:
        docs = list(DocBin().from_bytes(data).get_docs(Vocab()))
    except Exception as exc:  # spaCy raises many kinds for a damaged file: one line naming it
        raise FormatProblem(f"not a spaCy DocBin ({type(exc).__name__}: {str(exc)[:120]})") from None
    out = ToolRead()
    for number, doc in enumerate(docs, 1):
        seen = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for group in doc.spans.values():
            seen.extend((s.start_char, s.end_char, s.label_) for s in group)
        spans = [imported_span(s, e, label) for s, e, label in dict.fromkeys(seen)]
        title = given if isinstance(given := doc.user_data.get("title"), str) else ""
        out.records.append(article_record(doc.text, "spacy", f"doc {number}", spans, title=title))
    return out


def _doc(nlp: Any, art: ArticleOut) -> Any:
    """A Doc of exactly the article's text whose tokens also break at every span edge, so each
    span is a token span whatever the tokenizer made of it."""
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    cuts = {c for s in art.spans for c in (s.start, s.end)}
    words: list[str] = []
    spaces: list[bool] = []
    for tok in nlp.make_doc(art.text):
        start, end = tok.idx, tok.idx + len(tok.text)
        edges = [start, *sorted(c for c in cuts if start < c < end), end]
        for a, b in zip(edges, edges[1:]):
            words.append(art.text[a:b])
            spaces.append(False)
        spaces[-1] = bool(tok.whitespace_)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    spans = [doc.char_span(s.start, s.end, label=s.label) for s in art.spans]
    kept = [s for s in spans if s is not None]
    doc.spans[SPAN_GROUP] = kept
    doc.ents = filter_spans(kept)  # ents cannot overlap: the longest win, the group keeps all
    doc.user_data["title"] = art.title
    return doc


def write_docbin(articles: Iterator[ArticleOut], target: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("xx")
    docbin = DocBin(store_user_data=True)
    for art in articles:
        docbin.add(_doc(nlp, art))
    target.write_bytes(docbin.to_bytes())
