"""INCEpTION's UIMA CAS XMI (read and written with dkpro-cassis): `NAME.xmi` files with the type
system in `TypeSystem.xml` beside them; named entities are DKPro Core's NamedEntity annotations
(`value` is the label). UIMA counts UTF-16 code units; cassis converts them to code points."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from storage.formats.common import ArticleOut, FormatProblem, ToolRead, article_record, check_size, imported_span

NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TYPESYSTEM_NAMES = ("TypeSystem.xml", "typesystem.xml")


def typesystem_file(xmi: Path) -> Optional[Path]:
    for name in TYPESYSTEM_NAMES:
        candidate = xmi.parent / name
        if candidate.is_file():
            return candidate
    return None


def _load(xmi: Path) -> Any:
    from cassis import load_cas_from_xmi, load_typesystem

    ts_path = typesystem_file(xmi)
    if ts_path is None:
        raise FormatProblem("no TypeSystem.xml beside it (INCEpTION's XMI export puts one in the folder)")
    check_size(xmi)
    check_size(ts_path)
    try:
        with ts_path.open("rb") as fh:
            typesystem = load_typesystem(fh)
    except Exception as exc:  # cassis raises many kinds for a bad file: name the file, one line
        raise FormatProblem(f"{ts_path.name} is not a UIMA type system ({type(exc).__name__}: {exc})") from None
    try:
        with xmi.open("rb") as fh:
            return load_cas_from_xmi(fh, typesystem=typesystem, lenient=True)
    except Exception as exc:
        raise FormatProblem(f"not a UIMA CAS XMI file ({type(exc).__name__}: {str(exc)[:120]})") from None


def read(xmi: Path) -> ToolRead:
    cas = _load(xmi)
    text = cas.sofa_string
    spans = []
    notes = []
    title = ""
    if cas.typesystem.contains_type(METADATA):
        for meta in cas.select(METADATA):
            title = getattr(meta, "documentTitle", None) or title
    if cas.typesystem.contains_type(NAMED_ENTITY):
        for ne in cas.select(NAMED_ENTITY):
            label = getattr(ne, "value", None) or "ENTITY"
            if ne.begin is None or ne.end is None or ne.end <= ne.begin:
                continue  # a zero-width mark is no span
            spans.append(imported_span(ne.begin, ne.end, label))
    else:
        notes.append(f"{xmi.name}: no named-entity layer in its type system; only the text imported")
    record = article_record(text, "xmi", xmi.name, spans, title=str(title), meta={"file": xmi.name})
    return ToolRead([record], notes)


def _typesystem() -> Any:
    from cassis import TypeSystem

    ts = TypeSystem()
    ne = ts.create_type(NAMED_ENTITY, supertypeName="uima.tcas.Annotation")
    ts.create_feature(ne, "value", "uima.cas.String")
    ts.create_feature(ne, "identifier", "uima.cas.String")
    meta = ts.create_type(METADATA, supertypeName="uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", "documentId"):
        ts.create_feature(meta, name, "uima.cas.String")
    return ts


def write(articles: Iterable[ArticleOut], folder: Path) -> None:
    """`TypeSystem.xml` and one `article-ID.xmi` per article, as INCEpTION's XMI export lays them."""
    from cassis import Cas

    ts = _typesystem()
    ne_type, meta_type = ts.get_type(NAMED_ENTITY), ts.get_type(METADATA)
    for art in articles:
        cas = Cas(typesystem=ts)
        cas.sofa_string = art.text
        cas.add(meta_type(begin=0, end=len(art.text), documentTitle=art.title, documentId=str(art.id)))
        for span in art.spans:
            cas.add(ne_type(begin=span.start, end=span.end, value=span.label))
        cas.to_xmi(folder / f"article-{art.id}.xmi")
    (folder / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
